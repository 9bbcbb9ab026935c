// @ts-check
/*
 * Per-run globals and the final freeze.
 *
 * The isolate's context lives as long as the tenant's isolate, so nothing a run does may outlast
 * it. A script's own top-level declarations are locals of the function the host compiles it into.
 * Names a script assigns without declaring them (WSO2 scripts do: `subject = ...`), and writes to
 * `globalThis.x`, miss the frozen global object and land on its prototype: a proxy that keeps
 * them in a store that is new for every run. Then every intrinsic reachable from the global object,
 * including those only reachable through syntax, is frozen.
 */

/** @type {Record<string, unknown>} */
let runGlobals = bag();

const GLOBAL_SCOPE = new $Proxy(
  {},
  {
    has(_t, key) {
      return typeof key === 'string' && key in runGlobals;
    },
    get(_t, key, receiver) {
      if (typeof key === 'string' && key in runGlobals) return runGlobals[key];
      return Reflect.get($Object.prototype, key, receiver);
    },
    set(_t, key, value) {
      if (typeof key !== 'string') return false;
      runGlobals[key] = value;
      return true;
    },
    deleteProperty(_t, key) {
      if (typeof key === 'string') delete runGlobals[key];
      return true;
    },
    getOwnPropertyDescriptor() {
      return undefined;
    },
    ownKeys() {
      return [];
    },
    defineProperty() {
      return false;
    },
    getPrototypeOf() {
      return $Object.prototype;
    },
    setPrototypeOf() {
      return false;
    },
    preventExtensions() {
      return false;
    },
  },
);

function resetRunGlobals() {
  runGlobals = bag();
}

/** Freezes everything reachable from the roots through properties, accessors and prototypes. @param {unknown[]} roots */
function harden(roots) {
  const seen = new $Set([GLOBAL_SCOPE]);
  const stack = [...roots];
  while (stack.length > 0) {
    const o = stack.pop();
    if (!isObjectLike(o) || seen.has(o)) continue;
    seen.add(o);
    $freeze(o);
    stack.push($getPrototypeOf(o));
    for (const key of $ownKeys(/** @type {object} */ (o))) {
      const desc = /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor(o, key));
      if ('value' in desc) stack.push(desc.value);
      else stack.push(desc.get, desc.set);
    }
  }
}

/** Intrinsics that no global names, reachable through syntax or built-in results. */
function hiddenIntrinsics() {
  const iterProto = (/** @type {any} */ it) => $getPrototypeOf(it);
  return [
    $getPrototypeOf(function* () {}),
    $getPrototypeOf(async function () {}),
    $getPrototypeOf(async function* () {}),
    iterProto([][$symbolIterator]()),
    iterProto(''[$symbolIterator]()),
    iterProto(new $Map()[$symbolIterator]()),
    iterProto(new $Set()[$symbolIterator]()),
    iterProto(''.matchAll(/x/g)),
    iterProto((function* () {})()),
    iterProto((async function* () {})()),
    $getPrototypeOf(Uint8Array),
    iterProto(new Intl.Segmenter().segment('')),
    iterProto(new Intl.Segmenter().segment('')[$symbolIterator]()),
    /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor(Function.prototype, 'caller')).get,
    (function () {
      return arguments;
    })(),
  ];
}

function lockDown() {
  $setPrototypeOf(globalThis, GLOBAL_SCOPE);
  const roots = [];
  for (const key of $ownKeys(globalThis)) {
    const desc = /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor(globalThis, key));
    roots.push('value' in desc ? desc.value : desc.get);
  }
  harden([...roots, ...hiddenIntrinsics()]);
  $freeze(globalThis);
}
