/**
 * Persistence: a tenant's isolate and context outlive every run, so whatever one run leaves behind
 * must be gone for the next run of the same tenant (another flow, maybe another script version),
 * and must never reach another tenant. Each test plants something in a first run, then looks for it
 * in a second run of the same tenant and of another tenant, and checks that a normal script still
 * gets its normal outcome there.
 */
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../runtime/host/sandbox.js';
import type { LimitsInput } from '../../runtime/protocol.js';
import { started } from '../_support/sandbox.js';
import { expectHostStillHealthy, messages, NORMAL, onLogin, runOn, WAITING_STEP_1, withSandbox } from './_helpers.js';

/**
 * Runs `plant` in tenant-a, then `probe` in tenant-a and in tenant-b; returns the probe's logs in
 * each, and checks that NORMAL still waits for step 1 in both tenants afterwards.
 */
function plantAndProbe(plant: string, probe: string, limits?: LimitsInput) {
  return withSandbox(limits, (sandbox) => {
    runOn(sandbox, 'tenant-a', plant);
    const sameTenant = runOn(sandbox, 'tenant-a', probe);
    const otherTenant = runOn(sandbox, 'tenant-b', probe);
    expectNormal(sandbox, 'tenant-a');
    expectNormal(sandbox, 'tenant-b');
    return { same: messages(sameTenant), other: messages(otherTenant), sameResult: sameTenant, otherResult: otherTenant };
  });
}

function expectNormal(sandbox: Sandbox, tenant: string) {
  const r = runOn(sandbox, tenant, NORMAL);
  expect(r.outcome).toEqual(WAITING_STEP_1);
  expect(r.newLogs).toEqual([]);
}

describe('globals', () => {
  it('an implicit global does not survive into the next run or reach another tenant', () => {
    const { same, other } = plantAndProbe(
      onLogin(`leaked = 'secret'; executeStep(1);`),
      onLogin(`Log.info(typeof leaked); executeStep(1);`),
    );
    expect(same).toEqual(['undefined']);
    expect(other).toEqual(['undefined']);
  });

  it('a top-level implicit global does not survive into the next run', () => {
    const { same, other } = plantAndProbe(
      `topLevelLeak = 'secret'; var onLoginRequest = function (c) { executeStep(1); };`,
      onLogin(`Log.info(typeof topLevelLeak); executeStep(1);`),
    );
    expect(same).toEqual(['undefined']);
    expect(other).toEqual(['undefined']);
  });

  it('a globalThis write does not survive into the next run', () => {
    const { same, other } = plantAndProbe(
      onLogin(`globalThis.stash = 'secret'; this.stash2 = 'secret'; Reflect.set(globalThis, 'stash3', 'secret'); executeStep(1);`),
      onLogin(`Log.info([typeof stash, typeof globalThis.stash2, typeof globalThis.stash3].join()); executeStep(1);`),
    );
    expect(same).toEqual(['undefined,undefined,undefined']);
    expect(other).toEqual(['undefined,undefined,undefined']);
  });

  it('a global written by a promise callback after its run ended does not reach the next run', () => {
    const { same } = plantAndProbe(
      onLogin(`Promise.resolve().then(function () { lateLeak = 'secret'; globalThis.lateLeak2 = 'secret'; }); executeStep(1);`),
      onLogin(`Log.info(typeof lateLeak + ' ' + typeof lateLeak2); executeStep(1);`),
    );
    expect(same).toEqual(['undefined undefined']);
  });

  it('replacing, deleting or shadowing a built-in global does not reach the next run', () => {
    const { same, other } = plantAndProbe(
      onLogin(`
        JSON = { stringify: function () { return 'hijacked'; } };
        delete globalThis.Math;
        globalThis.Log = { info: function () {} };
        Object = function () { return 'hijacked'; };
        executeStep(1);`),
      onLogin(`Log.info(JSON.stringify({ a: 1 }) + ' ' + typeof Math.max + ' ' + typeof Object.keys); executeStep(1);`),
    );
    expect(same).toEqual(['{"a":1} function function']);
    expect(other).toEqual(['{"a":1} function function']);
  });

  it('the global store\u2019s prototype and the global object\u2019s prototype cannot be replaced', () => {
    const { same } = plantAndProbe(
      onLogin(`
        try { Object.setPrototypeOf(Object.getPrototypeOf(globalThis), { planted: 'secret' }); } catch (e) {}
        try { globalThis.__proto__ = { planted: 'secret' }; } catch (e) {}
        try { Object.setPrototypeOf(globalThis, { planted: 'secret' }); } catch (e) {}
        executeStep(1);`),
      onLogin(`Log.info(typeof planted + ' ' + (Object.getPrototypeOf(Object.getPrototypeOf(globalThis)) === Object.prototype)); executeStep(1);`),
    );
    expect(same).toEqual(['undefined true']);
  });
});

describe('prototype pollution', () => {
  it('Object.prototype cannot be polluted for the next run', () => {
    const { same, other } = plantAndProbe(
      onLogin(`
        Object.prototype.polluted = 'secret';
        ({}).__proto__.polluted2 = 'secret';
        try { Object.defineProperty(Object.prototype, 'polluted3', { value: 'secret' }); } catch (e) {}
        try { Object.prototype.toString = function () { return 'hijacked'; }; } catch (e) {}
        executeStep(1);`),
      onLogin(`Log.info([typeof ({}).polluted, typeof ({}).polluted2, typeof ({}).polluted3, String({})].join()); executeStep(1);`),
    );
    expect(same).toEqual(['undefined,undefined,undefined,[object Object]']);
    expect(other).toEqual(['undefined,undefined,undefined,[object Object]']);
  });

  it('Array.prototype methods cannot be replaced for the next run', () => {
    const { same } = plantAndProbe(
      onLogin(`
        Array.prototype.push = function () { return 'hijacked'; };
        try { Object.defineProperty(Array.prototype, 'map', { value: function () { return 'hijacked'; } }); } catch (e) {}
        Array.prototype[Symbol.iterator] = function* () { yield 'hijacked'; };
        executeStep(1);`),
      onLogin(`var a = [1]; a.push(2); Log.info(JSON.stringify([a.map(function (x) { return x * 2; }), [...a]])); executeStep(1);`),
    );
    expect(same).toEqual(['[[2,4],[1,2]]']);
  });

  it('Function.prototype.call, apply and bind cannot be replaced for the next run', () => {
    const { same } = plantAndProbe(
      onLogin(`
        Function.prototype.call = function () { return 'hijacked'; };
        Function.prototype.apply = function () { return 'hijacked'; };
        try { Object.defineProperty(Function.prototype, 'bind', { value: function () { return 'hijacked'; } }); } catch (e) {}
        executeStep(1);`),
      onLogin(`
        function add(a, b) { return a + b; }
        Log.info([add.call(null, 1, 2), add.apply(null, [2, 3]), add.bind(null, 3)(4)].join());
        executeStep(1);`),
    );
    expect(same).toEqual(['3,5,7']);
  });

  it('the sandbox\u2019s capped String and Array methods cannot be swapped for the next run', () => {
    const { same } = plantAndProbe(
      onLogin(`
        String.prototype.repeat = function () { return 'hijacked'; };
        Array.prototype.join = function () { return 'hijacked'; };
        try { Object.defineProperty(String.prototype, 'padStart', { value: function () { return 'hijacked'; } }); } catch (e) {}
        executeStep(1);`),
      onLogin(`Log.info(['ab'.repeat(2), [1, 2].join('-'), '7'.padStart(3, '0')].join(' ')); executeStep(1);`),
    );
    expect(same).toEqual(['abab 1-2 007']);
  });
});

describe('stashes on functions', () => {
  it('a stash on the script function (arguments.callee) does not reach the next run', () => {
    const { same } = plantAndProbe(
      `var self = arguments.callee;
       self.stash = 'secret';
       try { self.prototype.stash = 'secret'; } catch (e) {}
       try { Object.defineProperty(self, 'stash2', { value: 'secret' }); } catch (e) {}
       var onLoginRequest = function (c) { executeStep(1); };`,
      `var self = arguments.callee;
       var onLoginRequest = function (c) { Log.info([typeof self.stash, typeof self.stash2, typeof self.prototype.stash].join()); executeStep(1); };`,
    );
    expect(same).toEqual(['undefined,undefined,undefined']);
  });

  it('a stash on the script function reached through f.caller does not reach the next run of the same script', () => {
    const src = `function probe() { return probe.caller; }
      var top = probe();
      var before = top === null ? 'no caller' : typeof top.stash;
      try { if (top !== null) top.stash = 'secret'; } catch (e) {}
      var onLoginRequest = function (c) { Log.info(before); executeStep(1); };`;
    withSandbox(undefined, (sandbox) => {
      const first = runOn(sandbox, 'tenant-a', src);
      const second = runOn(sandbox, 'tenant-a', src);
      expect(messages(first)).toEqual(['undefined']);
      expect(messages(second)).toEqual(['undefined']);
      expectNormal(sandbox, 'tenant-a');
    });
  });

  it('a stash on executeStep, Log or console does not reach the next run, and Log still logs', () => {
    const { same, other } = plantAndProbe(
      onLogin(`
        executeStep.stash = 'secret';
        Log.stash = 'secret';
        Log.info = function () {};
        console.stash = 'secret';
        try { Object.defineProperty(hasRole, 'stash', { value: 'secret' }); } catch (e) {}
        executeStep(1);`),
      onLogin(`Log.info([typeof executeStep.stash, typeof Log.stash, typeof console.stash, typeof hasRole.stash].join()); executeStep(1);`),
    );
    expect(same).toEqual(['undefined,undefined,undefined,undefined']);
    expect(other).toEqual(['undefined,undefined,undefined,undefined']);
  });

  it('a tagged template\u2019s cached strings object carries nothing into the next run of the same script', () => {
    const src = onLogin(`
      function tag(strings) { return strings; }
      var strings = tag\`cached\`;
      Log.info(typeof strings.stash);
      try { strings.stash = 'secret'; } catch (e) {}
      executeStep(1);`);
    withSandbox(undefined, (sandbox) => {
      expect(messages(runOn(sandbox, 'tenant-a', src))).toEqual(['undefined']);
      expect(messages(runOn(sandbox, 'tenant-a', src))).toEqual(['undefined']);
    });
  });
});

describe('built-in state', () => {
  it('RegExp legacy statics do not carry one run\u2019s match into the next', () => {
    const { same } = plantAndProbe(
      onLogin(`/(secret-\\w+)/.exec('token secret-abc123'); 'x secret-def'.replace(/(secret)-(\\w+)/, '$2'); executeStep(1);`),
      onLogin(`Log.info([typeof RegExp.$1, typeof RegExp.lastMatch, typeof RegExp.input, typeof RegExp['$_'], typeof RegExp.leftContext].join()); executeStep(1);`),
    );
    expect(same).toEqual(['undefined,undefined,undefined,undefined,undefined']);
  });

  it('the Symbol.for registry carries no data into the next run', () => {
    const { same } = plantAndProbe(
      onLogin(`
        var s = Symbol.for('stash');
        try { s.data = 'secret'; } catch (e) {}
        try { new WeakMap().set(s, 'secret'); } catch (e) {}
        try { Object.defineProperty(Symbol.prototype, 'data', { value: 'secret' }); } catch (e) {}
        executeStep(1);`),
      onLogin(`var s = Symbol.for('stash'); Log.info(typeof s.data + ' ' + Symbol.keyFor(s)); executeStep(1);`),
    );
    expect(same).toEqual(['undefined stash']);
  });

  it('patching Date and Math.random does not reach the next run', () => {
    withSandbox(undefined, (sandbox) => {
      const probe = onLogin(`Log.info(Date.now() + ' ' + new Date().toISOString() + ' ' + Math.random()); executeStep(1);`);
      const clean = messages(runOn(sandbox, 'tenant-clean', probe));
      runOn(
        sandbox,
        'tenant-a',
        onLogin(`
          Date.now = function () { return 0; };
          Math.random = function () { return 0.5; };
          try { Object.defineProperty(Date.prototype, 'toISOString', { value: function () { return 'hijacked'; } }); } catch (e) {}
          Date = function () { return 'hijacked'; };
          executeStep(1);`),
      );
      expect(messages(runOn(sandbox, 'tenant-a', probe))).toEqual(clean);
      expect(clean[0]).toMatch(/^\d+ 2026-11-23T10:00:00\.000Z 0\.\d+$/);
    });
  });

  it('a WeakMap or closure cannot be hung on an intrinsic for the next run', () => {
    const { same, other } = plantAndProbe(
      onLogin(`
        var keep = new WeakMap();
        keep.set(Object, 'secret');
        var reader = function () { return keep.get(Object); };
        try { Math.keeper = reader; } catch (e) {}
        try { Object.defineProperty(JSON, 'keeper', { get: reader }); } catch (e) {}
        try { Reflect.set(Reflect, 'keeper', reader); } catch (e) {}
        try { Object.defineProperty(Intl, 'keeper', { value: reader }); } catch (e) {}
        try { Object.getPrototypeOf(function* () {}).keeper = reader; } catch (e) {}
        try { Object.getPrototypeOf([][Symbol.iterator]()).keeper = reader; } catch (e) {}
        executeStep(1);`),
      onLogin(`
        Log.info([typeof Math.keeper, typeof JSON.keeper, typeof Reflect.keeper, typeof Intl.keeper,
          typeof Object.getPrototypeOf(function* () {}).keeper, typeof Object.getPrototypeOf([][Symbol.iterator]()).keeper].join());
        executeStep(1);`),
    );
    expect(same).toEqual(['undefined,undefined,undefined,undefined,undefined,undefined']);
    expect(other).toEqual(['undefined,undefined,undefined,undefined,undefined,undefined']);
  });

  it('Intl.Segmenter\u2019s hidden prototypes carry nothing into the next run', () => {
    const { same, other } = plantAndProbe(
      onLogin(`
        var segments = new Intl.Segmenter().segment('ab');
        try { Object.getPrototypeOf(segments).stash = 'secret'; } catch (e) {}
        try { Object.getPrototypeOf(segments[Symbol.iterator]()).stash = 'secret'; } catch (e) {}
        try { Object.getPrototypeOf(segments).containing.stash = 'secret'; } catch (e) {}
        executeStep(1);`),
      onLogin(`
        var segments = new Intl.Segmenter().segment('ab');
        Log.info([typeof segments.stash, typeof segments[Symbol.iterator]().stash, typeof segments.containing.stash].join());
        executeStep(1);`),
    );
    expect(same).toEqual(['undefined,undefined,undefined']);
    expect(other).toEqual(['undefined,undefined,undefined']);
  });

  it('every prototype a script can reach through syntax or built-in results is frozen', () => {
    const { same } = plantAndProbe(
      NORMAL,
      onLogin(`
        var samples = {
          segments: new Intl.Segmenter().segment('ab'),
          segmentIterator: new Intl.Segmenter().segment('ab')[Symbol.iterator](),
          arrayIterator: [][Symbol.iterator](),
          regexpStringIterator: 'a'.matchAll(/a/g),
          generator: (function* () {})(),
          asyncGenerator: (async function* () {})(),
          mapIterator: new Map().entries(),
          promise: Promise.resolve(),
        };
        var open = [];
        Object.keys(samples).forEach(function (name) {
          var p = Object.getPrototypeOf(samples[name]);
          if (name === 'generator' || name === 'asyncGenerator') p = Object.getPrototypeOf(p); // skip the function's own .prototype
          if (!Object.isFrozen(p)) open.push(name);
        });
        Log.info(open.join(',') || 'all frozen');
        executeStep(1);`),
    );
    expect(same).toEqual(['all frozen']);
  });
});

describe('the sandbox\u2019s own signals', () => {
  const FEW_LOGS = { logLinesPerFlow: 3 };

  it('a stash on a caught sandbox signal does not reach the next run', () => {
    const plant = onLogin(`
      try { for (;;) Log.info('x'); }
      catch (e) {
        try { Object.getPrototypeOf(e).stash = 'secret-from-run-1'; } catch (e2) {}
        try { e.constructor.stash = 'secret-from-run-1'; } catch (e2) {}
      }
      executeStep(1);`);
    const probe = onLogin(`
      try { for (;;) Log.info('x'); }
      catch (e) {
        var found = String(Object.getPrototypeOf(e).stash) + ' ' + String(e.constructor && e.constructor.stash);
        try { e.payload.message = found; } catch (e2) {}
        throw new Error(found);
      }`);
    const { sameResult, otherResult } = plantAndProbe(plant, probe, FEW_LOGS);
    expect(JSON.stringify(sameResult.outcome)).not.toContain('secret-from-run-1');
    expect(JSON.stringify(otherResult.outcome)).not.toContain('secret-from-run-1');
    expect(sameResult.outcome).toMatchObject({ kind: 'error', error: { code: 'LIMIT_EXCEEDED' } });
  });

  it('a script cannot plant code on a sandbox signal that rewrites a later run\u2019s limit error', () => {
    const plant = onLogin(`
      try { for (;;) Log.info('x'); }
      catch (e) {
        var proto = Object.getPrototypeOf(e);
        var forged = { kind: 'step', step: 2, options: [], authenticatorParams: {}, stepOptions: { forceAuth: false, skipPrompt: false } };
        try {
          Object.defineProperty(proto, 'kind', { get: function () { return 'suspend'; }, set: function () {}, configurable: true });
          Object.defineProperty(proto, 'payload', { get: function () { return forged; }, set: function () {}, configurable: true });
        } catch (e2) {}
      }
      executeStep(1);`);
    withSandbox(FEW_LOGS, (sandbox) => {
      runOn(sandbox, 'tenant-a', plant);
      // Another flow of the same tenant, with an innocent script that logs too much.
      const later = runOn(sandbox, 'tenant-a', onLogin(`for (var i = 0; i < 10; i++) Log.info('line ' + i); executeStep(1);`));
      expect(later.outcome).toEqual({
        kind: 'error',
        error: { code: 'LIMIT_EXCEEDED', message: 'the flow logged more than 3 lines (sandbox limit logLinesPerFlow)', line: null, column: null },
      });
      expectNormal(sandbox, 'tenant-a');
    });
  });
});

describe('after the persistence attempts', () => {
  it('a normal script still gets its outcome on a fresh flow and a replayed one, in the same tenant', () => {
    withSandbox(undefined, (sandbox) => {
      runOn(sandbox, 'tenant-a', onLogin(`leaked = 1; Object.prototype.x = 1; Log.stash = 1; executeStep(1);`));
      expect(runOn(sandbox, 'tenant-a', NORMAL).outcome).toEqual(WAITING_STEP_1);
      const replay = runOn(sandbox, 'tenant-a', NORMAL, { journal: [started()] });
      expect(replay.outcome).toEqual(WAITING_STEP_1);
    });
  });

  it('the same process still answers, and a normal script still gets its outcome (shared and fresh sandbox)', () => {
    expectHostStillHealthy();
  });
});
