// @ts-check
/*
 * Removes or disarms what a login script must not have. Where a name stays, calling it throws an
 * error that says why, so an admin reading the trace knows what to change.
 */

/** @param {string} name @param {string} why */
function refusal(name, why) {
  const f = function () {
    throw new $TypeError(`${name} is not available in login scripts: ${why}`);
  };
  $defineProperty(f, 'name', { value: name });
  return f;
}

const NO_CODE = 'code cannot be built from strings inside the sandbox';
$defineProperty(globalThis, 'eval', { value: refusal('eval', NO_CODE), writable: true, configurable: true });

// Every function constructor, including the ones reachable only through a function's prototype.
for (const [name, sample] of /** @type {[string, Function][]} */ ([
  ['Function', function () {}],
  ['GeneratorFunction', function* () {}],
  ['AsyncFunction', async function () {}],
  ['AsyncGeneratorFunction', async function* () {}],
])) {
  const proto = $getPrototypeOf(sample);
  const stub = refusal(name, NO_CODE);
  $defineProperty(stub, 'prototype', { value: proto, writable: false });
  $defineProperty(proto, 'constructor', { value: stub, writable: true, configurable: true });
  if (name === 'Function') {
    $defineProperty(globalThis, 'Function', { value: stub, writable: true, configurable: true });
  }
}

for (const [name, why] of [
  ['WeakRef', 'garbage-collection timing cannot be replayed'],
  ['FinalizationRegistry', 'garbage-collection timing cannot be replayed'],
]) {
  $defineProperty(globalThis, name, { value: refusal(name, why), writable: true, configurable: true });
}

// Shared memory, blocking waits and compiled code: nothing a login script needs, each a known
// way around the heap limit or the clock.
for (const name of ['SharedArrayBuffer', 'Atomics', 'WebAssembly']) {
  delete (/** @type {any} */ (globalThis))[name];
}

// Legacy RegExp statics remember the last match in the isolate, even with RegExp frozen: they
// would carry one run's data into the next.
for (const key of $ownKeys(RegExp)) {
  if (key !== 'prototype' && key !== 'length' && key !== 'name' && key !== $symbolSpecies) {
    delete (/** @type {any} */ (RegExp))[key];
  }
}
