// @ts-check
/*
 * Deterministic globals. A flow is replayed from its journal many times, so everything a script
 * reads must be the same on every replay: the clock stands still at the time of the journal event
 * being handled, and Math.random is a PRNG seeded from the journal's first event.
 */

/** The flow's clock during this part of the run (epoch ms); set by the step queue. */
let clockMs = 0;
/** sfc32 state, seeded per run from the journal. */
let rngA = 0, rngB = 0, rngC = 0, rngD = 0;

/** @param {number} seed */
function seedRandom(seed) {
  rngA = 0x9e3779b9;
  rngB = 0x243f6a88;
  rngC = 0xb7e15162;
  rngD = seed >>> 0;
  for (let i = 0; i < 12; i++) nextRandom();
}

function nextRandom() {
  rngA >>>= 0; rngB >>>= 0; rngC >>>= 0; rngD >>>= 0;
  let t = (rngA + rngB) | 0;
  rngA = rngB ^ (rngB >>> 9);
  rngB = (rngC + (rngC << 3)) | 0;
  rngC = (rngC << 21) | (rngC >>> 11);
  rngD = (rngD + 1) | 0;
  t = (t + rngD) | 0;
  rngC = (rngC + t) | 0;
  return (t >>> 0) / 4294967296;
}

$defineProperty(Math, 'random', {
  value: function random() {
    return nextRandom();
  },
  writable: true,
  configurable: true,
});

const DateShim = function Date(/** @type {any[]} */ ...args) {
  if (new.target === undefined) return $apply($Date.prototype.toString, new $Date(clockMs), []);
  return $construct($Date, args.length === 0 ? [clockMs] : args, new.target === DateShim ? $Date : new.target);
};
$defineProperty(DateShim, 'length', { value: 7 });
$defineProperty(DateShim, 'prototype', { value: $Date.prototype, writable: false });
$defineProperty(DateShim, 'now', { value: function now() { return clockMs; }, writable: true, configurable: true });
$defineProperty(DateShim, 'parse', { value: $Date.parse, writable: true, configurable: true });
$defineProperty(DateShim, 'UTC', { value: $Date.UTC, writable: true, configurable: true });
$defineProperty($Date.prototype, 'constructor', { value: DateShim, writable: true, configurable: true });
$defineProperty(globalThis, 'Date', { value: DateShim, writable: true, configurable: true });

// Intl.DateTimeFormat formats "now" when given no date: serve the flow's clock there too.
{
  const proto = Intl.DateTimeFormat.prototype;
  const formatGetter = /** @type {() => (d?: unknown) => string} */ (
    /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor(proto, 'format')).get
  );
  const formatToParts = proto.formatToParts;
  $defineProperty(proto, 'format', {
    get: function format() {
      const real = $apply(formatGetter, this, []);
      return (/** @type {unknown} */ date) => real(date === undefined ? clockMs : date);
    },
    configurable: true,
  });
  $defineProperty(proto, 'formatToParts', {
    value: function formatToParts(/** @type {unknown} */ date) {
      return $apply(formatToParts, this, [date === undefined ? clockMs : date]);
    },
    writable: true,
    configurable: true,
  });
}
