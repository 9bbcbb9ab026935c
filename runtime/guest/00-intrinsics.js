// @ts-check
/*
 * Intrinsics the prelude needs, captured before any script runs. Everything is frozen before the
 * first script runs, but some globals are replaced (Date, Array, eval, Function, ...) or removed, and
 * a free name the prelude reads after a removal would resolve to the per-run global store a script
 * controls. The prelude therefore uses these constants, never the globals.
 */
const $Object = Object;
const $create = Object.create;
const $freeze = Object.freeze;
const $isFrozen = Object.isFrozen;
const $defineProperty = Object.defineProperty;
const $getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const $getPrototypeOf = Object.getPrototypeOf;
const $setPrototypeOf = Object.setPrototypeOf;
const $hasOwn = Object.hasOwn;
const $ownKeys = Reflect.ownKeys;
const $apply = Reflect.apply;
const $construct = Reflect.construct;
const $isArray = Array.isArray;
const $parse = JSON.parse;
const $stringify = JSON.stringify;
const $String = String;
const $Number = Number;
const $isFinite = Number.isFinite;
const $isInteger = Number.isInteger;
const $trunc = Math.trunc;
const $Proxy = Proxy;
const $Set = Set;
const $Map = Map;
const $Error = Error;
const $TypeError = TypeError;
const $RangeError = RangeError;
const $Date = Date;
const $dateGetTime = Date.prototype.getTime;
const $dateToISOString = Date.prototype.toISOString;
const $RegExpExec = RegExp.prototype.exec;
const $decodeURIComponent = decodeURIComponent;
const $symbolToPrimitive = Symbol.toPrimitive;
const $symbolToStringTag = Symbol.toStringTag;
const $symbolIterator = Symbol.iterator;
const $symbolSpecies = Symbol.species;

/** @param {unknown} v @returns {v is object} */
function isObjectLike(v) {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** A fresh object with no prototype: prelude bookkeeping that no inherited key can disturb. */
function bag() {
  return $create(null);
}
