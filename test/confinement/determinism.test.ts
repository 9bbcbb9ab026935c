/**
 * Determinism: a flow is replayed from its journal, so everything a script can read must be the
 * same on every replay, on every host. Time comes from the journal, randomness from its seed.
 */
import { describe, expect, it } from 'vitest';
import { runScript, started, stepOutcome, T0 } from '../_support/sandbox.js';
import {
  deterministicPart,
  expectHostStillHealthy,
  inStep1Success,
  messages,
  onLogin,
  runOn,
  withSandbox,
} from './_helpers.js';

const ISO_T0 = '2026-11-23T10:00:00.000Z';

describe('the clock', () => {
  it('Date.now() reads the journal clock at top level and in onLoginRequest', () => {
    const r = runScript(`var atLoad = Date.now();\nvar onLoginRequest = function (c) { Log.info(atLoad + ' ' + Date.now()); executeStep(1); };`);
    expect(messages(r)).toEqual([`${T0} ${T0}`]);
  });

  it('new Date() reads the journal clock', () => {
    const r = runScript(onLogin('Log.info(new Date().toISOString() + " " + new Date().getTime()); executeStep(1);'));
    expect(messages(r)).toEqual([`${ISO_T0} ${T0}`]);
  });

  it('Date() called as a function renders the journal clock', () => {
    const r = runScript(onLogin('Log.info(Date()); executeStep(1);'));
    expect(messages(r)).toEqual([new Date(T0).toString()]);
  });

  const UTC_PARTS: Intl.DateTimeFormatOptions = {
    timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  };

  it('Intl.DateTimeFormat().format() with no date formats the journal clock', () => {
    const r = runScript(
      onLogin(`
        Log.info(new Intl.DateTimeFormat('en-US', ${JSON.stringify(UTC_PARTS)}).format());
        Log.info(Intl.DateTimeFormat('en-US', ${JSON.stringify(UTC_PARTS)}).format());
        executeStep(1);`),
    );
    const expected = new Intl.DateTimeFormat('en-US', UTC_PARTS).format(T0);
    expect(messages(r)).toEqual([expected, expected]);
  });

  it('Intl.DateTimeFormat().formatToParts() with no date gives the parts of the journal clock', () => {
    const r = runScript(
      onLogin(`
        var parts = new Intl.DateTimeFormat('en-US', ${JSON.stringify(UTC_PARTS)}).formatToParts();
        Log.info(parts.map(function (p) { return p.value; }).join(''));
        executeStep(1);`),
    );
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { step: 1 } });
    expect(messages(r)).toEqual([new Intl.DateTimeFormat('en-US', UTC_PARTS).format(T0)]);
  });

  it('a Date subclass and Reflect.construct(Date, []) read the journal clock too', () => {
    const r = runScript(
      onLogin(`
        class Stamp extends Date {}
        Log.info(new Stamp().toISOString() + ' ' + Reflect.construct(Date, []).toISOString() + ' ' + (new Stamp() instanceof Date));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([`${ISO_T0} ${ISO_T0} true`]);
  });

  it('the clock stands still while a run computes', () => {
    const r = runScript(onLogin('var a = Date.now(); for (var i = 0; i < 2e6; i++) {} Log.info(String(Date.now() - a)); executeStep(1);'));
    expect(messages(r)).toEqual(['0']);
  });

  it('in a step callback the clock stands at the time of that step\u2019s journal event', () => {
    const r = runScript(inStep1Success('Log.info(String(Date.now())); Log.info(new Date().toISOString()); executeStep(2);'), {
      journal: [started(), stepOutcome(1)],
    });
    expect(messages(r)).toEqual([String(T0 + 1000), new Date(T0 + 1000).toISOString()]);
  });

  it('a script cannot reach the real time through another route', () => {
    const r = runScript(
      onLogin(`
        Log.info([typeof performance, typeof process, typeof Atomics, typeof SharedArrayBuffer, typeof WebAssembly].join());
        Log.info(String(Date.prototype.getTime.call(new Date()) === Date.now()));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual(['undefined,undefined,undefined,undefined,undefined', 'true']);
  });

  it('dates built from explicit values are unaffected by the journal clock', () => {
    const r = runScript(onLogin(`Log.info(new Date(0).toISOString() + ' ' + Date.UTC(2000, 0, 1) + ' ' + Date.parse('2001-02-03T04:05:06Z')); executeStep(1);`));
    expect(messages(r)).toEqual([`1970-01-01T00:00:00.000Z ${Date.UTC(2000, 0, 1)} ${Date.parse('2001-02-03T04:05:06Z')}`]);
  });

  it('a script\u2019s view of dates does not depend on the host\u2019s time zone', () => {
    const probe = onLogin(`
      Log.info(Date());
      Log.info(String(new Date().getTimezoneOffset()));
      Log.info(Intl.DateTimeFormat().resolvedOptions().timeZone);
      Log.info(new Date().toLocaleString('en-US'));
      executeStep(1);`);
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const inUtc = withSandbox(undefined, (sandbox) => messages(runOn(sandbox, 'tenant-a', probe)));
      process.env.TZ = 'America/New_York';
      const inNewYork = withSandbox(undefined, (sandbox) => messages(runOn(sandbox, 'tenant-a', probe)));
      expect(inNewYork).toEqual(inUtc);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('randomness', () => {
  const RANDOM = onLogin('var out = []; for (var i = 0; i < 5; i++) out.push(Math.random()); Log.info(JSON.stringify(out)); executeStep(1);');

  it('Math.random gives the same sequence for the same seed, across runs, tenants and sandboxes', () => {
    const a = messages(runScript(RANDOM, { journal: [started(T0, 42)] }));
    const b = messages(runScript(RANDOM, { journal: [started(T0, 42)] }));
    const c = messages(runScript(RANDOM, { journal: [started(T0, 42)], tenant: 'tenant-b' }));
    const d = withSandbox(undefined, (sandbox) => messages(runOn(sandbox, 'tenant-x', RANDOM, { journal: [started(T0, 42)] })));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(d).toEqual(a);
    const values = JSON.parse(a[0] ?? '[]') as number[];
    expect(values).toHaveLength(5);
    for (const v of values) expect(v >= 0 && v < 1).toBe(true);
    expect(new Set(values).size).toBe(5);
  });

  it('Math.random gives a different sequence for another seed', () => {
    const a = messages(runScript(RANDOM, { journal: [started(T0, 42)] }));
    const b = messages(runScript(RANDOM, { journal: [started(T0, 43)] }));
    expect(b).not.toEqual(a);
  });

  it('patching Math.random or Date.now inside a run changes nothing', () => {
    const r = runScript(
      onLogin(`
        Math.random = function () { return 0.5; };
        Date.now = function () { return 1; };
        Log.info(String(Math.random() !== 0.5) + ' ' + Date.now());
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([`true ${T0}`]);
  });
});

describe('replay', () => {
  const BUSY = `var onLoginRequest = function (context) {
    var token = Math.random().toString(36).slice(2) + '-' + Date.now();
    Log.info('token ' + token + ' at ' + new Date().toISOString() + ' / ' + Date());
    context.selectedAcr = 'acr-' + Math.floor(Math.random() * 1000);
    executeStep(1, { onSuccess: function (c) {
      c.currentKnownSubject.localClaims['http://wso2.org/claims/lastLogin'] = String(Date.now());
      if (hasRole(c.currentKnownSubject, 'admin')) Log.info('admin ' + Math.random());
      executeStep(2);
    } });
  };`;
  const JOURNAL = () => [started(T0, 99), stepOutcome(1)];

  it('two runs of the same journal give byte-identical results', () => {
    const a = runScript(BUSY, { journal: JOURNAL() });
    const b = runScript(BUSY, { journal: JOURNAL() });
    expect(a.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 2 } });
    expect(deterministicPart(b)).toBe(deterministicPart(a));
  });

  it('a run on a brand-new isolate gives the same bytes as a run on a warm one', () => {
    runScript(BUSY, { journal: JOURNAL() }); // warm the shared tenant's isolate
    const warm = runScript(BUSY, { journal: JOURNAL() });
    const cold = withSandbox(undefined, (sandbox) => runOn(sandbox, 'tenant-a', BUSY, { journal: JOURNAL() }));
    expect(deterministicPart(cold)).toBe(deterministicPart(warm));
  });

  it('a replay that includes the recorded host read gives the same logs and commands as the run that made it', () => {
    const first = runScript(BUSY, { journal: JOURNAL() });
    const replay = runScript(BUSY, {
      journal: [...JOURNAL(), ...first.newEvents],
      input: { appliedCommands: first.newCommands, emittedLogs: 0 },
    });
    expect(replay.outcome).toEqual(first.outcome);
    expect(replay.newLogs).toEqual(first.newLogs);
    expect(replay.newCommands).toEqual([]);
    expect(replay.newEvents).toEqual([]);
  });
});

describe('after the determinism checks', () => {
  it('the same process still answers, and a normal script still gets its outcome (shared and fresh sandbox)', () => {
    expectHostStillHealthy(['tenant-a', 'tenant-b']);
  });
});
