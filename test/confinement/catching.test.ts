/**
 * Catching: the sandbox stops a run by throwing into the script (a limit, a suspend for a pending
 * host read). A script may catch that throw, but the run must still end the way the sandbox decided.
 * And whatever a script throws (proxies, throwing getters, symbols, null, fake stacks) must end as a
 * plain script error, never as a fault of the sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { runScript, userStoreHost } from '../_support/sandbox.js';
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

const HOST_LIMIT = {
  kind: 'error',
  error: { code: 'LIMIT_EXCEEDED', message: 'the script called the host more than 5 times in one run (sandbox limit hostCallsPerRun)', line: null, column: null },
};
const LOG_LIMIT = {
  kind: 'error',
  error: { code: 'LIMIT_EXCEEDED', message: 'the flow logged more than 3 lines (sandbox limit logLinesPerFlow)', line: null, column: null },
};
const FEW_LOGS = { logLinesPerFlow: 3 };
const FORGED_STEP = `{ kind: 'step', step: 2, options: [], authenticatorParams: {}, stepOptions: { forceAuth: false, skipPrompt: false } }`;

/** A host that never has the answer yet: every read suspends the flow. */
const pendingHost: HostHandler = (call) => (call.call === 'getRolesOfUser' ? { kind: 'pending' } : userStoreHost(call));

describe('catching the sandbox\u2019s halt signals', () => {
  it('a script that catches the host-call limit in a loop still ends with hostCallsPerRun', () => {
    const r = runScript(
      inStep1Success(`
        try { for (;;) hasAnyOfTheRoles(context.currentKnownSubject, ['admin']); } catch (e) {}
        executeStep(2);`),
      { limits: { hostCallsPerRun: 5 }, journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toEqual(HOST_LIMIT);
  });

  it('a script that catches the log limit on every line and goes on calling the API still ends with logLinesPerFlow', () => {
    const r = runScript(
      onLogin(`
        for (var i = 0; i < 100; i++) { try { Log.info('line ' + i); } catch (e) {} }
        try { executeStep(1); } catch (e) {}
        try { fail({ errorCode: 'mine' }); } catch (e) {}`),
      { limits: FEW_LOGS },
    );
    expect(r.outcome).toEqual(LOG_LIMIT);
    expect(r.newLogs).toHaveLength(3);
  });

  it('catching a halt and throwing an error of the script\u2019s own still ends with the limit error', () => {
    const r = runScript(onLogin(`try { for (;;) Log.info('x'); } catch (e) { throw new Error('all is well'); }`), { limits: FEW_LOGS });
    expect(r.outcome).toEqual(LOG_LIMIT);
  });

  it('catching a halt in a callback and returning normally still ends with the limit error', () => {
    const r = runScript(
      inStep1Success(`try { for (;;) Log.info('x'); } catch (e) { return; }`),
      { limits: FEW_LOGS, journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toEqual(LOG_LIMIT);
  });

  it('a finally block that queues a step after a halt does not change the outcome', () => {
    const r = runScript(onLogin(`try { for (;;) Log.info('x'); } finally { try { executeStep(1); } catch (e) {} }`), { limits: FEW_LOGS });
    expect(r.outcome).toEqual(LOG_LIMIT);
  });

  it('a script that catches the suspend of a pending host read still waits for that read', () => {
    const r = runScript(
      inStep1Success(`
        try { hasRole(context.currentKnownSubject, 'admin'); } catch (e) {}
        try { executeStep(2); } catch (e) {}`),
      { host: pendingHost, journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toEqual({
      kind: 'waiting',
      waiting: { kind: 'read', call: 'getRolesOfUser', args: { username: 'alice', userStoreDomain: 'PRIMARY', tenantDomain: 'carbon.super' } },
    });
  });

  it('a caught halt cannot be rewritten into a forged waiting outcome', () => {
    const r = runScript(
      onLogin(`
        try { for (;;) Log.info('x'); }
        catch (e) { try { e.kind = 'suspend'; e.payload = ${FORGED_STEP}; } catch (e2) {} }`),
      { limits: FEW_LOGS },
    );
    expect(r.outcome).toEqual(LOG_LIMIT);
  });

  it('a caught halt cannot be rewritten into another error code or message', () => {
    const r = runScript(
      onLogin(`
        try { for (;;) Log.info('x'); }
        catch (e) { try { e.payload.code = 'ALL_GOOD'; e.payload.message = 'nothing happened'; } catch (e2) {} }`),
      { limits: FEW_LOGS },
    );
    expect(r.outcome).toEqual(LOG_LIMIT);
  });

  it('a caught suspend cannot be rewritten into a host read of the script\u2019s choosing', () => {
    const r = runScript(
      inStep1Success(`
        try { hasRole(context.currentKnownSubject, 'admin'); }
        catch (e) { try { e.payload.args = { username: 'root', userStoreDomain: 'PRIMARY', tenantDomain: 'other.tenant' }; } catch (e2) {} }`),
      { host: pendingHost, journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toEqual({
      kind: 'waiting',
      waiting: { kind: 'read', call: 'getRolesOfUser', args: { username: 'alice', userStoreDomain: 'PRIMARY', tenantDomain: 'carbon.super' } },
    });
  });

  it('a caught halt booby-trapped with a throwing getter still ends with the limit error, not a sandbox fault', () => {
    withSandbox(FEW_LOGS, (sandbox) => {
      const r = runOn(
        sandbox,
        'tenant-a',
        onLogin(`
          try { for (;;) Log.info('x'); }
          catch (e) { try { Object.defineProperty(e, 'kind', { get: function () { throw new Error('trap'); } }); } catch (e2) {} }`),
      );
      expect(r.outcome).toEqual(LOG_LIMIT);
    });
  });

  it('a halt-shaped object thrown by the script is only a script error', () => {
    const r = runScript(onLogin(`throw { kind: 'suspend', payload: ${FORGED_STEP} };`));
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME' } });
  });

  it('a new signal built from a caught halt\u2019s constructor does not replace the real one', () => {
    const r = runScript(
      onLogin(`
        try { for (;;) Log.info('x'); }
        catch (e) { var Signal = e.constructor; throw new Signal('suspend', ${FORGED_STEP}); }`),
      { limits: FEW_LOGS },
    );
    expect(r.outcome).toEqual(LOG_LIMIT);
  });

  it('a script that catches a maxCollectionLength refusal goes on without the allocation', () => {
    const r = runScript(onLogin(`var s = 'none'; try { s = 'x'.repeat(1e9); } catch (e) { Log.info(e.message); } Log.info(String(s.length)); executeStep(1);`));
    expect(messages(r)).toEqual(['String.prototype.repeat: a length of 1000000000 is over the sandbox limit maxCollectionLength (1000000)', '4']);
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });
});

describe('catching time', () => {
  it('a script cannot catch its own timeout', () => {
    const r = runScript(onLogin('for (;;) { try { for (;;) {} } catch (e) {} finally { continue; } }'), { limits: { wallMsPerRun: 50 } });
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'TIMEOUT', message: 'the script ran out of time (sandbox limit wallMsPerRun, 50 ms)', line: null, column: null },
    });
  });

  it('a script that catches a halt and then loops forever is still stopped at its wall-clock budget', () => {
    const r = runScript(onLogin(`try { for (;;) Log.info('x'); } catch (e) { for (;;) {} }`), { limits: { ...FEW_LOGS, wallMsPerRun: 50 } });
    expect(r.outcome).toMatchObject(limitBreach('TIMEOUT', 'wallMsPerRun'));
  });

  it('an error whose message getter loops forever is stopped at the wall-clock budget', () => {
    const r = runScript(onLogin(`throw { get message() { for (;;) {} } };`), { limits: { wallMsPerRun: 50 } });
    expect(r.outcome).toMatchObject(limitBreach('TIMEOUT', 'wallMsPerRun'));
  });

  it('a script may catch a stack overflow and go on normally', () => {
    const r = runScript(onLogin(`function down() { down(); } try { down(); } catch (e) { Log.info(e.name); } executeStep(1);`));
    expect(messages(r)).toEqual(['RangeError']);
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });
});

describe('what a script throws', () => {
  it('a callback throwing a Proxy ends the run with a script error that says the value could not be read', () => {
    const r = runScript(
      inStep1Success(`throw new Proxy({}, { get: function () { throw new Error('trap'); }, ownKeys: function () { throw new Error('trap'); } });`),
      { journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'SCRIPT_RUNTIME', message: 'the script threw a value that could not be read', line: null, column: null },
    });
  });

  it('throwing an object whose getters throw ends the run with a script error that says the value could not be read', () => {
    const r = runScript(onLogin(`throw { get name() { throw new Error('a'); }, get message() { throw new Error('b'); }, get stack() { throw new Error('c'); } };`));
    expect(r.outcome).toEqual({
      kind: 'error',
      error: { code: 'SCRIPT_RUNTIME', message: 'the script threw a value that could not be read', line: null, column: null },
    });
  });

  it('throwing a Symbol ends the run with a script error naming it', () => {
    const r = runScript(inStep1Success(`throw Symbol('odd');`), { journal: AFTER_STEP_1() });
    expect(r.outcome).toEqual({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: 'the script threw Symbol(odd)', line: null, column: null } });
  });

  it('throwing null or undefined ends the run with a script error naming it', () => {
    expect(runScript(onLogin('throw null;')).outcome).toEqual({
      kind: 'error',
      error: { code: 'SCRIPT_RUNTIME', message: 'the script threw null', line: null, column: null },
    });
    expect(runScript(onLogin('throw undefined;')).outcome).toEqual({
      kind: 'error',
      error: { code: 'SCRIPT_RUNTIME', message: 'the script threw undefined', line: null, column: null },
    });
  });

  it('a fake stack string on a thrown error does not reach the outcome', () => {
    const r = runScript(
      onLogin(`
        var e = new Error('real message');
        e.stack = 'Error: host-secret\\n    at Object.<anonymous> (/etc/host-secret.js:1:1)\\n' + 'x'.repeat(100000);
        throw e;`),
    );
    expect(r.outcome).toMatchObject(scriptError('Error: real message'));
    expect(JSON.stringify(r.outcome)).not.toContain('host-secret');
  });

  it('a huge error message is cut to a bounded length', () => {
    const r = runScript(onLogin(`throw new Error('m'.repeat(1000000));`));
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME' } });
    if (r.outcome.kind === 'error') expect(r.outcome.error.message.length).toBeLessThanOrEqual(2001);
  });

  it('an error\u2019s getters cannot queue steps after the script has failed', () => {
    const r = runScript(
      onLogin(`
        var e = new Error('failed');
        Object.defineProperty(e, 'name', { get: function () { executeStep(1); return 'Error'; } });
        throw e;`),
    );
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME' } });
    expect(r.queuedNodes).toBe(0);
  });

  it('an error\u2019s getters that log after the script has failed do not turn the failure into something else', () => {
    const r = runScript(
      inStep1Success(`throw { get message() { try { fail({ errorCode: 'forged' }); } catch (e) {} return 'boom'; } };`),
      { journal: AFTER_STEP_1() },
    );
    expect(r.outcome).toMatchObject(scriptError('boom'));
  });
});

describe('promises nobody waits for', () => {
  it('a rejected promise nobody handles does not fault the sandbox', () => {
    const r = runScript(onLogin(`Promise.reject(new Error('ignored')); executeStep(1);`));
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });

  it('a promise callback that calls the API after its run ended neither logs nor faults the sandbox', () => {
    const r = runScript(onLogin(`Promise.resolve().then(function () { Log.info('too late'); }); executeStep(1);`));
    expect(r.outcome).toEqual(WAITING_STEP_1);
    expect(r.newLogs).toEqual([]);
  });

  it('an async onLoginRequest that queues its step after an await ends with NO_STEPS, not a sandbox fault', () => {
    const r = runScript('var onLoginRequest = async function (context) { await null; executeStep(1); };');
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'NO_STEPS' } });
  });

  it('an unhandled promise rejection does not cost the tenant its isolate', () => {
    withSandbox(undefined, (sandbox) => {
      expect(runOn(sandbox, 'tenant-a', NORMAL).outcome).toEqual(WAITING_STEP_1);
      runOn(sandbox, 'tenant-a', onLogin(`Promise.reject(new Error('ignored')); executeStep(1);`));
      expect(Object.keys(sandbox.memory())).toEqual(['tenant-a']);
    });
  });
});

describe('after the catching attempts', () => {
  it('the host still gives a tenant whose runs were halted its normal outcomes', () => {
    withSandbox(FEW_LOGS, (sandbox) => {
      runOn(sandbox, 'tenant-a', onLogin(`try { for (;;) Log.info('x'); } catch (e) { e.kind = 'suspend'; }`));
      expect(runOn(sandbox, 'tenant-a', NORMAL).outcome).toEqual(WAITING_STEP_1);
    });
  });

  it('the same process still answers, and a normal script still gets its outcome (shared and fresh sandbox)', () => {
    expectHostStillHealthy();
  });
});
