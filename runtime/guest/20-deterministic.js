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
  return $construct($Date, args.length === 0 ? [clockMs] : DateShimConstruct(args), new.target === DateShim ? $Date : new.target);
};
$defineProperty(DateShim, 'length', { value: 7 });
$defineProperty(DateShim, 'prototype', { value: $Date.prototype, writable: false });
$defineProperty(DateShim, 'now', { value: function now() { return clockMs; }, writable: true, configurable: true });
$defineProperty(DateShim, 'UTC', { value: $Date.UTC, writable: true, configurable: true });
$defineProperty($Date.prototype, 'constructor', { value: DateShim, writable: true, configurable: true });
$defineProperty(globalThis, 'Date', { value: DateShim, writable: true, configurable: true });

// Intl.DateTimeFormat formats "now" when given no date: serve the flow's clock there too.
{
  const proto = Intl.DateTimeFormat.prototype;
  const formatGetter = /** @type {() => (d?: unknown) => string} */ (
    /** @type {PropertyDescriptor} */ ($getOwnPropertyDescriptor(proto, 'format')).get
  );
  const realFormatToParts = proto.formatToParts;
  $defineProperty(proto, 'format', {
    get: function format() {
      const real = $apply(formatGetter, this, []);
      return (/** @type {unknown} */ date) => real(date === undefined ? clockMs : date);
    },
    configurable: true,
  });
  $defineProperty(proto, 'formatToParts', {
    value: function formatToParts(/** @type {unknown} */ date) {
      return $apply(realFormatToParts, this, [date === undefined ? clockMs : date]);
    },
    writable: true,
    configurable: true,
  });
}

/*
 * Time zone and locale: the host's must not leak into a script (a flow replayed on a server in
 * another zone would take another branch). Scripts see UTC, and en-US unless they name a locale:
 * local-time Date methods are their UTC twins, dates built from parts or from strings without a
 * zone are read as UTC, and every Intl constructor and toLocale* method defaults to en-US / UTC.
 */
const DEFAULT_LOCALE = 'en-US';
const DP = $Date.prototype;

/** @param {string} name @param {Function} impl */
function dateMethod(name, impl) {
  $defineProperty(impl, 'name', { value: name });
  $defineProperty(DP, name, { value: impl, writable: true, configurable: true });
}

for (const part of ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds']) {
  const getUTC = /** @type {any} */ (DP)[`getUTC${part}`];
  dateMethod(`get${part}`, function () {
    return $apply(getUTC, this, []);
  });
  if (part === 'Day') continue;
  const setUTC = /** @type {any} */ (DP)[`setUTC${part}`];
  dateMethod(`set${part}`, function (/** @type {unknown[]} */ ...args) {
    return $apply(setUTC, this, args);
  });
}
{
  const getUTCFullYear = DP.getUTCFullYear;
  dateMethod('getYear', function () {
    return $apply(getUTCFullYear, this, []) - 1900;
  });
  dateMethod('getTimezoneOffset', function () {
    $apply($dateGetTime, this, []); // a TypeError for anything but a Date, as the original
    return 0;
  });
  const DAYS = $freeze(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);
  const MONTHS = $freeze(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
  const pad = (/** @type {number} */ n, /** @type {number} */ w = 2) => $String(n).padStart(w, '0');
  /** @param {Date} d */
  const parts = (d) => {
    const t = $apply($dateGetTime, d, []);
    if (t !== t) return null;
    const u = new $Date(t);
    return { u, year: u.getUTCFullYear() };
  };
  /** @param {Date} u @param {number} year */
  const datePart = (u, year) => `${DAYS[u.getUTCDay()]} ${MONTHS[u.getUTCMonth()]} ${pad(u.getUTCDate())} ${year < 0 ? '-' + pad(-year, 6) : pad(year, 4)}`;
  /** @param {Date} u */
  const timePart = (u) => `${pad(u.getUTCHours())}:${pad(u.getUTCMinutes())}:${pad(u.getUTCSeconds())} GMT+0000 (Coordinated Universal Time)`;
  dateMethod('toString', function () {
    const p = parts(this);
    return p === null ? 'Invalid Date' : `${datePart(p.u, p.year)} ${timePart(p.u)}`;
  });
  dateMethod('toDateString', function () {
    const p = parts(this);
    return p === null ? 'Invalid Date' : datePart(p.u, p.year);
  });
  dateMethod('toTimeString', function () {
    const p = parts(this);
    return p === null ? 'Invalid Date' : timePart(p.u);
  });
  for (const name of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
    const real = /** @type {any} */ (DP)[name];
    dateMethod(name, function (/** @type {unknown} */ locales, /** @type {any} */ options) {
      return $apply(real, this, [locales ?? DEFAULT_LOCALE, withUtc(options)]);
    });
  }
}

/** Intl options with the time zone defaulting to UTC. @param {any} options */
function withUtc(options) {
  if (options === undefined) return { timeZone: 'UTC' };
  const o = $Object(options);
  return o.timeZone === undefined ? { ...o, timeZone: 'UTC' } : options;
}

const ISO_LOCAL_DATE_TIME = /^\s*[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*$/;
const HAS_ZONE = /(\bGMT\b|\bUTC\b|\bUT\b|\b[ECMP][SD]T\b|[+-]\d{2}:?\d{2}\b|\dZ\s*$|\(.*\))/i;
const ISO_DATE_ONLY = /^\s*[+-]?\d{4,6}(-\d{2}(-\d{2})?)?\s*$/;

/** Date.parse, reading a date-time without a zone as UTC rather than the host's local time. @param {unknown} s */
function parseAsUtc(s) {
  const str = $String(s);
  if ($apply($RegExpExec, ISO_LOCAL_DATE_TIME, [str]) !== null) return $Date.parse(`${str.trim()}Z`);
  if ($apply($RegExpExec, HAS_ZONE, [str]) !== null || $apply($RegExpExec, ISO_DATE_ONLY, [str]) !== null) return $Date.parse(str);
  const asUtc = $Date.parse(`${str} UTC`);
  return asUtc === asUtc ? asUtc : $Date.parse(str);
}

{
  // Parts and zone-less strings are UTC in new Date(...) and Date.parse.
  $defineProperty(DateShim, 'parse', { value: function parse(/** @type {unknown} */ s) { return parseAsUtc(s); }, writable: true, configurable: true });
}

const DateShimConstruct = (/** @type {any[]} */ args) => {
  if (args.length >= 2) return [$apply($Date.UTC, undefined, args)];
  if (args.length === 1 && typeof args[0] === 'string') return [parseAsUtc(args[0])];
  return args;
};

// Intl: default locale en-US; DateTimeFormat defaults to UTC.
for (const name of ['Collator', 'DateTimeFormat', 'DisplayNames', 'ListFormat', 'NumberFormat', 'PluralRules', 'RelativeTimeFormat', 'Segmenter']) {
  const Real = /** @type {any} */ (Intl)[name];
  if (typeof Real !== 'function') continue;
  const shim = function (/** @type {unknown} */ locales, /** @type {any} */ options) {
    const args = [locales ?? DEFAULT_LOCALE, name === 'DateTimeFormat' ? withUtc(options) : options];
    return $construct(Real, args, new.target === undefined || new.target === shim ? Real : new.target);
  };
  $defineProperty(shim, 'name', { value: name });
  $defineProperty(shim, 'length', { value: 0 });
  $defineProperty(shim, 'prototype', { value: Real.prototype, writable: false });
  $defineProperty(shim, 'supportedLocalesOf', { value: Real.supportedLocalesOf, writable: true, configurable: true });
  $defineProperty(Real.prototype, 'constructor', { value: shim, writable: true, configurable: true });
  $defineProperty(Intl, name, { value: shim, writable: true, configurable: true });
}

for (const [proto, name] of /** @type {[any, string][]} */ ([
  [Number.prototype, 'toLocaleString'],
  [BigInt.prototype, 'toLocaleString'],
  [String.prototype, 'localeCompare'],
  [String.prototype, 'toLocaleUpperCase'],
  [String.prototype, 'toLocaleLowerCase'],
])) {
  const real = proto[name];
  const localeAt = name === 'localeCompare' ? 1 : 0;
  const shim = function (/** @type {unknown[]} */ ...args) {
    if (args[localeAt] === undefined) args[localeAt] = DEFAULT_LOCALE;
    return $apply(real, this, args);
  };
  $defineProperty(shim, 'name', { value: name });
  $defineProperty(proto, name, { value: shim, writable: true, configurable: true });
}
