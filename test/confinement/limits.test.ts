/**
 * Limits: time, memory, host calls, logs, queued nodes, sizes. Every breach ends the run with an
 * error that names the limit, and the host goes on. Small limits keep each test fast.
 */
import { describe, expect, it } from 'vitest';
import type { LimitsInput } from '../../runtime/protocol.js';
import { runScript, started, stepOutcome } from '../_support/sandbox.js';
import {
  AFTER_STEP_1,
  expectHostStillHealthy,
  inStep1Success,
  limitBreach,
  messages,
  NORMAL,
  onLogin,
  runOn,
  scriptError,
  WAITING_STEP_1,
  withSandbox,
} from './_helpers.js';

const FAST: LimitsInput = { wallMsPerRun: 50 };
/** How late a stopped run may end: termination is not instant, but it is not seconds late either. */
const WALL_SLACK_MS = 500;

function timeout(limits: LimitsInput = FAST) {
  return {
    kind: 'error',
    error: { code: 'TIMEOUT', message: `the script ran out of time (sandbox limit wallMsPerRun, ${limits.wallMsPerRun} ms)`, line: null, column: null },
  };
}

describe('time', () => {
  it('a script looping forever at top level is stopped at its wall-clock budget', () => {
    const r = runScript('for (;;) {}\nvar onLoginRequest = function (c) { executeStep(1); };', { limits: FAST });
    expect(r.outcome).toEqual(timeout());
    expect(r.stats.wallMs).toBeLessThan(WALL_SLACK_MS);
  });

  it('a script looping forever in onLoginRequest is stopped at its wall-clock budget', () => {
    const r = runScript(onLogin('while (true) {}'), { limits: FAST });
    expect(r.outcome).toEqual(timeout());
  });

  it('a script looping forever in a step callback is stopped at its wall-clock budget', () => {
    const r = runScript(inStep1Success('for (;;) {}'), { limits: FAST, journal: AFTER_STEP_1() });
    expect(r.outcome).toEqual(timeout());
  });

  it('a promise microtask chain that never ends is stopped, even though it runs after the script returned', () => {
    const r = runScript(onLogin('function again() { return Promise.resolve().then(again); } again(); executeStep(1);'), { limits: FAST });
    expect(r.outcome).toEqual(timeout());
    expect(r.stats.wallMs).toBeLessThan(WALL_SLACK_MS);
  });

  it('a promise callback that loops forever is stopped', () => {
    const r = runScript(onLogin('Promise.resolve().then(function () { for (;;) {} }); executeStep(1);'), { limits: FAST });
    expect(r.outcome).toEqual(timeout());
  });

  it('an async function awaiting in a loop forever is stopped', () => {
    const r = runScript(onLogin('(async function () { for (;;) await null; })(); executeStep(1);'), { limits: FAST });
    expect(r.outcome).toEqual(timeout());
  });

  it('a catastrophically backtracking regular expression is stopped at the wall-clock budget', () => {
    const r = runScript(onLogin(`/(a+)+$/.test('a'.repeat(40) + '!'); executeStep(1);`), { limits: FAST });
    expect(r.outcome).toEqual(timeout());
    expect(r.stats.wallMs).toBeLessThan(WALL_SLACK_MS);
  });

  it('a script is stopped once it exceeds its CPU budget, even when it finishes within the wall-clock budget', () => {
    const limits = { wallMsPerRun: 2000, cpuMsPerRun: 10 };
    const r = runScript(onLogin('var end = 0; for (var i = 0; i < 1e8; i++) end += i % 7; executeStep(1);'), { limits });
    expect(r.outcome).toMatchObject(limitBreach('TIMEOUT', 'cpuMsPerRun'));
  });

  it('a flow that has used its script time gets no more runs', () => {
    const r = runScript(NORMAL, { limits: { scriptMsPerFlow: 100 }, usedScriptMs: 100 });
    expect(r.outcome).toMatchObject(limitBreach('TIMEOUT', 'scriptMsPerFlow'));
  });

  it('a run is cut at the script time left to its flow when that is less than the per-run budget', () => {
    const r = runScript(onLogin('for (;;) {}'), { limits: { scriptMsPerFlow: 1000, wallMsPerRun: 500 }, usedScriptMs: 970 });
    expect(r.outcome).toMatchObject(limitBreach('TIMEOUT', 'scriptMsPerFlow'));
    expect(r.stats.wallMs).toBeLessThan(WALL_SLACK_MS);
  });

  it('a long built-in call over a huge array-like is refused before it starts, since V8 would not stop it', () => {
    const r = runScript(onLogin('Array.prototype.toReversed.call({ length: 2e7 }); executeStep(1);'), { limits: { wallMsPerRun: 50, heapMb: 16 } });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/^RangeError: .*maxCollectionLength/) } });
    expect(r.stats.wallMs).toBeLessThan(WALL_SLACK_MS);
  });

  it('an array-like with a computed length cannot change its length between the check and the built-in', () => {
    const r = runScript(onLogin("var n = 0; Array.prototype.sort.call({ get length() { return n++ ? 1.4e8 : 1; } }); executeStep(1);"));
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/computed length/) } });
  });

  it('concat of a spreadable array-like of huge length is refused', () => {
    const r = runScript(onLogin('[].concat({ length: 4e8, [Symbol.isConcatSpreadable]: true }); executeStep(1);'));
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/maxCollectionLength/) } });
  });

  it('promise callbacks left over by a timed-out run never run in a later run', () => {
    withSandbox(FAST, (sandbox) => {
      const stuck = runOn(sandbox, 'tenant-a', onLogin(`Promise.resolve().then(function () { Log.info('leftover'); leftover = 1; }); for (;;) {}`));
      expect(stuck.outcome).toEqual(timeout());
      const next = runOn(sandbox, 'tenant-a', onLogin('Log.info(typeof leftover); executeStep(1);'));
      expect(messages(next)).toEqual(['undefined']);
      expect(next.outcome).toEqual(WAITING_STEP_1);
    });
  });

  it('a timed-out tenant gets a fresh isolate, and its next run has the normal outcome', () => {
    withSandbox(FAST, (sandbox) => {
      expect(runOn(sandbox, 'tenant-a', onLogin('for (;;) {}')).outcome).toEqual(timeout());
      const next = runOn(sandbox, 'tenant-a', NORMAL);
      expect(next.outcome).toEqual(WAITING_STEP_1);
    });
  });
});

describe('the call stack', () => {
  it('deep recursion ends the run with a RangeError, not a crash', () => {
    const r = runScript(onLogin('function down(n) { return down(n + 1) + 1; } down(0);'));
    expect(r.outcome).toMatchObject(scriptError('RangeError: Maximum call stack size exceeded'));
  });

  it('a getter that logs its own object recurses through the API until a limit stops it, without a crash', () => {
    const r = runScript(onLogin('var o = { get x() { Log.info(o); return 1; } }; Log.info(o); executeStep(1);'), { limits: { logLinesPerFlow: 50 } });
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'LIMIT_EXCEEDED', message: 'the flow logged more than 50 lines (sandbox limit logLinesPerFlow)', line: null, column: null },
    });
    expect(runScript(NORMAL).outcome).toEqual(WAITING_STEP_1);
  });
});

describe('memory', () => {
  const SMALL_HEAP: LimitsInput = { heapMb: 16, wallMsPerRun: 2000, cpuMsPerRun: 2000 };

  // SECURITY.md: the collection and buffer caps are RangeErrors in the script, naming the limit and its value.
  it("'x'.repeat(1e9) is refused with a RangeError naming maxCollectionLength, before anything is allocated", () => {
    const r = runScript(onLogin(`'x'.repeat(1e9); executeStep(1);`));
    expect(r.outcome).toMatchObject(
      scriptError('RangeError: String.prototype.repeat: a length of 1000000000 is over the sandbox limit maxCollectionLength (1000000)'),
    );
  });

  it('new Array(1e9).fill(0) is refused with a RangeError naming maxCollectionLength, before anything is allocated', () => {
    const r = runScript(onLogin('new Array(1e9).fill(0); executeStep(1);'));
    expect(r.outcome).toMatchObject(scriptError('RangeError: new Array: a length of 1000000000 is over the sandbox limit maxCollectionLength (1000000)'));
  });

  it('filling a sparse array of huge length is refused with a RangeError naming maxCollectionLength', () => {
    const r = runScript(onLogin('var a = []; a.length = 1e9; a.fill(0); executeStep(1);'));
    expect(r.outcome).toMatchObject(
      scriptError('RangeError: Array.prototype.fill: a length of 1000000000 is over the sandbox limit maxCollectionLength (1000000)'),
    );
  });

  it('new Uint8Array(2 ** 31) is refused with a RangeError naming maxBufferBytes, before anything is allocated', () => {
    const r = runScript(onLogin('new Uint8Array(2 ** 31); executeStep(1);'));
    expect(r.outcome).toMatchObject(scriptError('RangeError: new Uint8Array: 2147483648 bytes is over the sandbox limit maxBufferBytes (8388608)'));
  });

  it('a resizable ArrayBuffer is refused outright', () => {
    const r = runScript(onLogin('new ArrayBuffer(1, { maxByteLength: 2 ** 30 }); executeStep(1);'));
    expect(r.outcome).toMatchObject(
      scriptError('TypeError: resizable ArrayBuffers are not available in login scripts: isolated-vm 5 cannot copy them safely'),
    );
  });

  it('a join with a huge separator fails with a RangeError instead of allocating', () => {
    const r = runScript(onLogin(`new Array(1e6).join('x'.repeat(1e6)); executeStep(1);`));
    expect(r.outcome).toMatchObject(scriptError('RangeError: Invalid string length'));
  });

  it('memory that grows gradually in a loop is stopped at the heap limit', () => {
    const r = runScript(onLogin(`var keep = []; for (;;) keep.push({ n: keep.length, s: 'v' + keep.length });`), { limits: SMALL_HEAP });
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'MEMORY_LIMIT', message: 'the script used more memory than its isolate may (sandbox limit heapMb, 16 MiB)', line: null, column: null },
    });
  });

  it('a script cannot hold more ArrayBuffer memory than its heap limit', () => {
    const r = runScript(
      onLogin(`
        var keep = [];
        try { for (var i = 0; i < 64; i++) keep.push(new ArrayBuffer(4 * 1024 * 1024)); } catch (e) {}
        Log.info(String(keep.length * 4));
        executeStep(1);`),
      { limits: SMALL_HEAP },
    );
    // Either the allocator refuses past the limit and the script holds at most 16 MiB, or what
    // it holds at the end is itself the breach.
    if (r.outcome.kind === 'error') expect(r.outcome).toMatchObject(limitBreach('MEMORY_LIMIT', 'heapMb'));
    else expect(Number(messages(r)[0] ?? 'NaN')).toBeLessThanOrEqual(16);
  });

  it('a memory breach is reported on the run that caused it', () => {
    const r = runScript(
      onLogin(`var s = 'x'; for (var i = 0; i < 24; i++) s += s; var flat = (s + 'y').replace(/y/, 'z'); executeStep(1);`),
      { limits: SMALL_HEAP },
    );
    expect(r.outcome).toMatchObject(limitBreach('MEMORY_LIMIT', 'heapMb'));
  });

  it('the run after another run\u2019s memory breach gets a working isolate and its normal outcome', () => {
    withSandbox(SMALL_HEAP, (sandbox) => {
      runOn(sandbox, 'tenant-a', onLogin(`var s = 'x'; for (var i = 0; i < 24; i++) s += s; var flat = (s + 'y').replace(/y/, 'z'); executeStep(1);`));
      const next = runOn(sandbox, 'tenant-a', NORMAL);
      expect(next.outcome).toEqual(WAITING_STEP_1);
    });
  });

  it('after a memory breach the tenant gets a fresh isolate and its next run has the normal outcome', () => {
    withSandbox(SMALL_HEAP, (sandbox) => {
      const bomb = runOn(sandbox, 'tenant-a', onLogin('var keep = []; for (;;) keep.push([keep.length]);'));
      expect(bomb.outcome).toMatchObject(limitBreach('MEMORY_LIMIT', 'heapMb'));
      expect(runOn(sandbox, 'tenant-a', NORMAL).outcome).toEqual(WAITING_STEP_1);
      expect(runOn(sandbox, 'tenant-b', NORMAL).outcome).toEqual(WAITING_STEP_1);
    });
  });
});

describe('calls, logs, nodes and commands', () => {
  it('a million host calls end the run at hostCallsPerRun', () => {
    const r = runScript(
      inStep1Success(`for (var i = 0; i < 1e6; i++) hasAnyOfTheRoles(context.currentKnownSubject, ['admin']);`),
      { limits: { hostCallsPerRun: 10 }, journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'LIMIT_EXCEEDED', message: 'the script called the host more than 10 times in one run (sandbox limit hostCallsPerRun)', line: null, column: null },
    });
    expect(r.stats.hostCalls).toBe(10);
  });

  it('a million Log.info lines end the run at logLinesPerFlow', () => {
    const r = runScript(onLogin(`for (var i = 0; i < 1e6; i++) Log.info('line'); executeStep(1);`), { limits: { logLinesPerFlow: 20 } });
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'LIMIT_EXCEEDED', message: 'the flow logged more than 20 lines (sandbox limit logLinesPerFlow)', line: null, column: null },
    });
    expect(r.newLogs).toHaveLength(20);
  });

  it('a huge log string ends the run at logBytesPerFlow', () => {
    const r = runScript(onLogin(`Log.info('x'.repeat(1e6)); executeStep(1);`), { limits: { logBytesPerFlow: 1024 } });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'logBytesPerFlow'));
    expect(r.newLogs).toEqual([]);
  });

  it('a million executeStep calls end the run at queuedNodesPerFlow', () => {
    const r = runScript(onLogin('for (var i = 0; i < 1e6; i++) executeStep(1);'), { limits: { queuedNodesPerFlow: 30 } });
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'LIMIT_EXCEEDED', message: 'the flow queued more than 30 steps, prompts and calls (sandbox limit queuedNodesPerFlow)', line: null, column: null },
    });
  });

  it('async calls in a loop end the run at asyncCallsPerFlow', () => {
    const r = runScript(onLogin(`for (var i = 0; i < 1e6; i++) httpGet('https://example.com/' + i, {});`), { limits: { asyncCallsPerFlow: 5 } });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'asyncCallsPerFlow'));
  });

  it('commands in a loop end the run at commandsPerFlow', () => {
    const r = runScript(onLogin(`for (var i = 0; i < 1e6; i++) context.selectedAcr = 'acr-' + i; executeStep(1);`), { limits: { commandsPerFlow: 25 } });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'commandsPerFlow'));
    expect(r.newCommands).toHaveLength(25);
  });

  it('a script longer than scriptBytes is refused before it is compiled', () => {
    const r = runScript(`// ${'x'.repeat(2048)}\n${NORMAL}`, { limits: { scriptBytes: 1024 } });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'scriptBytes'));
  });

  it('a journal longer than journalEvents is refused before the script runs', () => {
    const journal = [started(), ...Array.from({ length: 10 }, () => stepOutcome(1, 'abort'))];
    const r = runScript(NORMAL, { limits: { journalEvents: 5 }, journal });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'journalEvents'));
  });
});

describe('values handed to the API', () => {
  it('a cyclic value given to fail ends the run with a TypeError', () => {
    const r = runScript(onLogin('var o = { errorCode: "x" }; o.self = o; fail(o);'));
    expect(r.outcome).toMatchObject(scriptError('TypeError: the parameters of fail contains a cycle'));
  });

  it('a cyclic value given to executeStep options ends the run with a TypeError', () => {
    const r = runScript(onLogin('var a = []; a.push(a); executeStep(1, { authenticationOptions: a }, {});'));
    expect(r.outcome).toMatchObject(scriptError('TypeError: the options of executeStep contains a cycle'));
  });

  it('a deeply nested value given to sendError ends the run at resultDepth', () => {
    const r = runScript(onLogin(`var v = 'leaf'; for (var i = 0; i < 1e5; i++) v = { v: v }; sendError('https://e.example', { deep: v });`), { limits: { resultDepth: 8 } });
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'LIMIT_EXCEEDED', message: 'the parameters of sendError is nested deeper than the sandbox limit resultDepth (8)', line: null, column: null },
    });
  });

  it('a deeply nested value logged with Log.info ends the run at resultDepth', () => {
    const r = runScript(onLogin(`var v = []; for (var i = 0; i < 1e5; i++) v = [v]; Log.info(v); executeStep(1);`), { limits: { resultDepth: 8 } });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'resultDepth'));
  });

  it('a value with too many parts given to the API ends the run with a limit error naming the limit', () => {
    const r = runScript(
      onLogin(`var wide = []; for (var i = 0; i <= 100000; i++) wide.push({}); fail({ errorCode: 'x', wide: wide });`),
      { limits: { wallMsPerRun: 2000, cpuMsPerRun: 2000 } },
    );
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'resultBytes'));
  });

  it('an oversized prompt payload ends the run at resultBytes', () => {
    const r = runScript(onLogin(`prompt('consent', { blob: 'x'.repeat(100000) }, {});`), { limits: { resultBytes: 4096 } });
    expect(r.outcome).toMatchObject(limitBreach('LIMIT_EXCEEDED', 'resultBytes'));
    expect(r.newLogs).toEqual([]);
  });
});

describe('after the limit breaches', () => {
  it('the same process still answers, and a normal script still gets its outcome (shared and fresh sandbox)', () => {
    expectHostStillHealthy();
  });
});
