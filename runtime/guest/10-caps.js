// @ts-check
/*
 * Guest-side size caps, defence in depth below the isolate's heap limit. One huge allocation can
 * abort the whole host process in isolated-vm 5 (a V8 heap OOM fires before the memory limit does),
 * so the few built-ins that allocate in one step from a caller-chosen length refuse lengths past
 * the tenant's limits before V8 allocates anything. Each value is converted exactly once, so a
 * valueOf that answers differently the second time gains nothing.
 */

/** @param {number} n @param {string} what */
function checkLength(n, what) {
  if (n > CONFIG.maxCollectionLength) {
    throw new $RangeError(
      `${what}: a length of ${n} is over the sandbox limit maxCollectionLength (${CONFIG.maxCollectionLength})`,
    );
  }
}

/** ToIntegerOrInfinity, once. @param {unknown} v */
function toInteger(v) {
  const n = $Number(v);
  return n !== n ? 0 : $trunc(n);
}

/** @param {any} proto @param {string} name @param {(real: Function) => Function} wrap */
function replaceMethod(proto, name, wrap) {
  const real = proto[name];
  const shim = wrap(real);
  $defineProperty(shim, 'name', { value: name });
  $defineProperty(proto, name, { value: shim, writable: true, enumerable: false, configurable: true });
}

replaceMethod(String.prototype, 'repeat', (real) =>
  function repeat(count) {
    const s = $String(requireCoercible(this, 'String.prototype.repeat'));
    const n = toInteger(count);
    if (s.length > 0 && n > 0) checkLength(s.length * n, 'String.prototype.repeat');
    return $apply(real, s, [n]);
  },
);
for (const name of ['padStart', 'padEnd']) {
  replaceMethod(String.prototype, name, (real) =>
    function (maxLength, fill) {
      const s = $String(requireCoercible(this, `String.prototype.${name}`));
      const n = toInteger(maxLength);
      checkLength(n, `String.prototype.${name}`);
      return $apply(real, s, [n, fill === undefined ? undefined : $String(fill)]);
    },
  );
}

/** @param {unknown} v @param {string} what */
function requireCoercible(v, what) {
  if (v === null || v === undefined) throw new $TypeError(`${what} called on null or undefined`);
  return v;
}

/** Length of an array-like, read once. @param {any} o */
function lengthOf(o) {
  const n = toInteger(o.length);
  return n < 0 ? 0 : n;
}

replaceMethod(Array.prototype, 'fill', (real) =>
  function fill(value, start, end) {
    const o = $Object(requireCoercible(this, 'Array.prototype.fill'));
    const len = lengthOf(o);
    const s = start === undefined ? 0 : toInteger(start);
    const e = end === undefined ? len : toInteger(end);
    const from = s < 0 ? Math.max(len + s, 0) : Math.min(s, len);
    const to = e < 0 ? Math.max(len + e, 0) : Math.min(e, len);
    checkLength(to - from, 'Array.prototype.fill');
    // Explicit bounds: the real fill re-reads length, which a getter could inflate in between.
    return $apply(real, o, [value, from, to]);
  },
);
replaceMethod(Array.prototype, 'join', (real) =>
  function join(separator) {
    const o = $Object(requireCoercible(this, 'Array.prototype.join'));
    const len = lengthOf(o);
    checkLength(len, 'Array.prototype.join');
    if ($isArray(o)) return $apply(real, o, [separator]);
    // Array-likes may lie about their length on the second read: join them here instead.
    const sep = separator === undefined ? ',' : $String(separator);
    let out = '';
    for (let i = 0; i < len; i++) {
      if (i > 0) out += sep;
      const v = o[i];
      if (v !== undefined && v !== null) out += $String(v);
      checkLength(out.length, 'Array.prototype.join');
    }
    return out;
  },
);

/**
 * Replaces a global constructor by a capped one with the same prototype, statics and species, so
 * `new Array(n)`, `Array.from`, `map` (species) and the typed arrays all pass through the cap.
 * @param {string} name @param {(args: any[]) => any[]} check
 */
function capConstructor(name, check, callable = false) {
  const Real = /** @type {any} */ (globalThis)[name];
  const shim = function (/** @type {any[]} */ ...args) {
    if (new.target === undefined && !callable) throw new $TypeError(`Constructor ${name} requires 'new'`);
    const checked = check(args);
    return $construct(Real, checked, new.target === undefined || new.target === shim ? Real : new.target);
  };
  $defineProperty(shim, 'name', { value: name });
  $defineProperty(shim, 'length', { value: Real.length });
  for (const key of $ownKeys(Real)) {
    if (key === 'prototype' || key === 'name' || key === 'length') continue;
    const desc = /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor(Real, key));
    if (key === $symbolSpecies) {
      $defineProperty(shim, key, { get: function () { return this; }, configurable: true });
    } else {
      $defineProperty(shim, key, desc);
    }
  }
  $defineProperty(shim, 'prototype', { value: Real.prototype, writable: false });
  $defineProperty(Real.prototype, 'constructor', { value: shim, writable: true, configurable: true });
  $setPrototypeOf(shim, $getPrototypeOf(Real));
  $defineProperty(globalThis, name, { value: shim, writable: true, configurable: true, enumerable: false });
  return shim;
}

capConstructor(
  'Array',
  (args) => {
    if (args.length === 1 && typeof args[0] === 'number') checkLength(args[0], 'new Array');
    return args;
  },
  true,
);

const $ArrayBufferIsView = ArrayBuffer.isView;
const $typedArrayLength = /** @type {() => number} */ (
  /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor($getPrototypeOf(Uint8Array.prototype), 'length')).get
);

/** @param {number} bytes @param {string} what */
function checkBytes(bytes, what) {
  if (!(bytes <= CONFIG.maxBufferBytes)) {
    throw new $RangeError(`${what}: ${bytes} bytes is over the sandbox limit maxBufferBytes (${CONFIG.maxBufferBytes})`);
  }
}

capConstructor('ArrayBuffer', (args) => {
  const options = args[1];
  if (isObjectLike(options) && /** @type {any} */ (options).maxByteLength !== undefined) {
    throw new $TypeError(
      'resizable ArrayBuffers are not available in login scripts: isolated-vm 5 cannot copy them safely',
    );
  }
  const bytes = toInteger(args[0]);
  checkBytes(bytes, 'new ArrayBuffer');
  return [bytes];
});

for (const name of [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]) {
  const per = /** @type {any} */ (globalThis)[name].BYTES_PER_ELEMENT;
  capConstructor(name, (args) => {
    const [source] = args;
    const what = `new ${name}`;
    if (!isObjectLike(source)) {
      checkBytes(toInteger(source) * per, what);
      return args;
    }
    if (source instanceof ArrayBuffer) return args; // a view of memory that exists already
    if ($ArrayBufferIsView(source)) {
      let n = 0;
      try {
        n = $apply($typedArrayLength, source, []);
      } catch {
        n = 0; // a DataView: copied element by element below
      }
      checkBytes(n * per, what);
      return args;
    }
    if ($isArray(source)) {
      checkBytes(lengthOf(source) * per, what);
      return args;
    }
    // Iterables and array-likes: copy into a real array first, so the length is read only once.
    const copy = [];
    const iter = /** @type {any} */ (source)[$symbolIterator];
    if (typeof iter === 'function') {
      for (const v of /** @type {Iterable<unknown>} */ (source)) {
        copy[copy.length] = v;
        checkBytes(copy.length * per, what);
      }
    } else {
      const len = lengthOf(source);
      checkBytes(len * per, what);
      for (let i = 0; i < len; i++) copy[i] = /** @type {any} */ (source)[i];
    }
    return [copy];
  });
}

/*
 * Array built-ins loop over `length` inside V8, where neither the time limit nor the heap limit
 * can stop them (a sort of {length: 1.4e8} aborts the process in half a second; a toReversed of
 * {length: 4e8} runs for seconds). Each gets the same cap as above, from one read of `length`.
 * An array-like whose `length` is computed could answer differently when V8 reads it again, so
 * those are refused; a real array's or an object's data `length` cannot change in between.
 */

/** @param {object} o @param {string} what */
function checkArrayLike(o, what) {
  if (!$isArray(o)) {
    for (let p = o; p !== null; p = $getPrototypeOf(p)) {
      const d = $getOwnPropertyDescriptor(p, 'length');
      if (d === undefined) continue;
      if (!('value' in d)) {
        throw new $TypeError(`${what}: array-likes with a computed length are not supported in login scripts`);
      }
      break;
    }
  }
  const len = lengthOf(o);
  checkLength(len, what);
  return len;
}

for (const name of [
  'copyWithin', 'every', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flat', 'flatMap',
  'forEach', 'includes', 'indexOf', 'lastIndexOf', 'map', 'reduce', 'reduceRight', 'reverse', 'shift',
  'slice', 'some', 'sort', 'splice', 'toLocaleString', 'toReversed', 'toSorted', 'toSpliced', 'unshift', 'with',
]) {
  if (typeof (/** @type {any} */ (Array.prototype))[name] !== 'function') continue;
  replaceMethod(Array.prototype, name, (real) =>
    function (/** @type {unknown[]} */ ...args) {
      const o = $Object(requireCoercible(this, `Array.prototype.${name}`));
      checkArrayLike(o, `Array.prototype.${name}`);
      return $apply(real, o, args);
    },
  );
}

replaceMethod(Array.prototype, 'concat', (real) =>
  function concat(/** @type {unknown[]} */ ...items) {
    const o = $Object(requireCoercible(this, 'Array.prototype.concat'));
    let total = checkArrayLike(o, 'Array.prototype.concat');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!isObjectLike(item)) {
        total += 1;
        continue;
      }
      const d = findDescriptor(/** @type {object} */ (item), Symbol.isConcatSpreadable);
      if (d !== undefined && !('value' in d)) {
        throw new $TypeError('Array.prototype.concat: a computed Symbol.isConcatSpreadable is not supported in login scripts');
      }
      const spreads = d !== undefined ? !!d.value : $isArray(item);
      total += spreads ? checkArrayLike(/** @type {object} */ (item), 'Array.prototype.concat') : 1;
      checkLength(total, 'Array.prototype.concat');
    }
    return $apply(real, o, items);
  },
);

/** @param {object} o @param {PropertyKey} key */
function findDescriptor(o, key) {
  for (let p = o; p !== null; p = $getPrototypeOf(p)) {
    const d = $getOwnPropertyDescriptor(p, key);
    if (d !== undefined) return d;
  }
  return undefined;
}
