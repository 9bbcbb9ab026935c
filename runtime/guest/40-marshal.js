// @ts-check
/*
 * Copies values out of script land into fresh plain data. Each property is read exactly once, only
 * JSON-like values survive (functions and symbols are dropped, non-finite numbers become null),
 * cycles and excessive depth are refused, and keys that could reach a prototype are dropped. What
 * comes out is safe to keep in prelude state and to stringify: no getters, proxies or toJSON left.
 */

const DROPPED_KEYS = new $Set(['__proto__', 'constructor', 'prototype']);
const MAX_PLAIN_NODES = 100_000;

/**
 * @param {unknown} value
 * @param {string} what names the value in error messages ("the options of executeStep")
 * @returns {any}
 */
function toPlain(value, what) {
  const ancestors = new $Set();
  let nodes = 0;
  /** @param {unknown} v @param {number} depth @returns {any} */
  const copy = (v, depth) => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return $isFinite(v) ? v : null;
      case 'bigint':
        return $String(v);
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (v === null) return null;
    if (++nodes > MAX_PLAIN_NODES) {
      throw limitError('resultBytes', `${what} has more than ${MAX_PLAIN_NODES} values, over what the sandbox limit resultBytes (${CONFIG.resultBytes}) can hold`);
    }
    if (depth >= CONFIG.resultDepth) {
      throw limitError('resultDepth', `${what} is nested deeper than the sandbox limit resultDepth (${CONFIG.resultDepth})`);
    }
    if (ancestors.has(v)) throw new $TypeError(`${what} contains a cycle`);
    const time = dateValue(/** @type {object} */ (v));
    if (time !== undefined) return $isFinite(time) ? $apply($dateToISOString, v, []) : null;
    ancestors.add(v);
    let out;
    if ($isArray(v)) {
      const len = lengthOf(v);
      checkLength(len, what);
      out = [];
      for (let i = 0; i < len; i++) {
        const x = copy(/** @type {any} */ (v)[i], depth + 1);
        out[i] = x === undefined ? null : x;
      }
    } else {
      out = {};
      for (const key of $ownKeys(/** @type {object} */ (v))) {
        if (typeof key !== 'string' || DROPPED_KEYS.has(key)) continue;
        const desc = $getOwnPropertyDescriptor(v, key);
        if (desc === undefined || !desc.enumerable) continue;
        const x = copy(/** @type {any} */ (v)[key], depth + 1);
        if (x !== undefined) $defineProperty(out, key, { value: x, writable: true, enumerable: true, configurable: true });
      }
    }
    ancestors.delete(v);
    return out;
  };
  return copy(value, 0);
}

/** The time value of a real Date, or undefined. @param {object} v */
function dateValue(v) {
  // Cheap filter first: throwing for every non-Date object costs more than all the rest.
  if ($getPrototypeOf(v) !== $Date.prototype) return undefined;
  try {
    return $apply($dateGetTime, v, []);
  } catch {
    return undefined;
  }
}

/** Plain data as a string, for logs and messages. @param {unknown} v */
function describe(v) {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `function ${safeString(() => /** @type {Function} */ (v).name)}`;
  const hostName = isObjectLike(v) ? HOST_OBJECT_NAMES.get(/** @type {object} */ (v)) : undefined;
  if (hostName !== undefined) return `[object ${hostName}]`;
  try {
    const s = $stringify(toPlain(v, 'the logged value'));
    return s === undefined ? $String(v) : s;
  } catch {
    return safeString(() => $String(v));
  }
}

/** @param {() => unknown} read */
function safeString(read) {
  try {
    return $String(read());
  } catch {
    return '[unreadable value]';
  }
}

/** Strings only: Java-style `String.valueOf` for parameters WSO2 passes on as strings. @param {unknown} v */
function stringValue(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return $String(v);
  const plain = toPlain(v, 'a parameter');
  return typeof plain === 'string' ? plain : $stringify(plain) ?? 'null';
}
