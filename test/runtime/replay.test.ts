import { describe, expect, it } from 'vitest';
import { logsOf, runScript, started, stepOutcome, T0 } from '../_support/sandbox.js';

const CLAIM_THEN_STEP = `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (c) {
    Log.info('step 1 done');
    c.selectedAcr = 'acr-' + Math.floor(Math.random() * 1000);
    executeStep(2, { onSuccess: function (c) { Log.info('step 2 done at ' + Date.now()); } });
  } });
};`;

describe('deterministic replay', () => {
  it('produces byte-identical results for the same journal', () => {
    const journal = [started(T0, 99), stepOutcome(1)];
    const a = runScript(CLAIM_THEN_STEP, { journal });
    const b = runScript(CLAIM_THEN_STEP, { journal });
    expect(JSON.stringify({ ...a, stats: null })).toBe(JSON.stringify({ ...b, stats: null }));
  });

  it('serves Math.random from the seed in the journal', () => {
    const src = "var onLoginRequest = function (c) { Log.info(String(Math.random())); executeStep(1); };";
    const one = logsOf(runScript(src, { journal: [started(T0, 1)] }));
    expect(logsOf(runScript(src, { journal: [started(T0, 1)] }))).toEqual(one);
    expect(logsOf(runScript(src, { journal: [started(T0, 2)] }))).not.toEqual(one);
  });

  it('stops the clock at the time of the journal event being handled', () => {
    const src = `var onLoginRequest = function (c) {
      Log.info(new Date().toISOString());
      executeStep(1, { onSuccess: function (c) { Log.info(String(Date.now())); Log.info(Date()); } });
    };`;
    const logs = logsOf(runScript(src, { journal: [started(), stepOutcome(1)] }));
    expect(logs[0]).toBe('2026-11-23T10:00:00.000Z');
    expect(logs[1]).toBe(String(T0 + 1000));
    expect(logs[2]).toBe(new Date(T0 + 1000).toString());
  });

  it('hands out only the commands past those already applied', () => {
    const first = runScript(CLAIM_THEN_STEP, { journal: [started(), stepOutcome(1)] });
    expect(first.newCommands).toHaveLength(1);
    const second = runScript(CLAIM_THEN_STEP, {
      journal: [started(), stepOutcome(1), stepOutcome(2)],
      input: { appliedCommands: first.newCommands, emittedLogs: first.newLogs.length },
    });
    expect(second.newCommands).toEqual([]);
    expect(logsOf(second)).toEqual([`step 2 done at ${T0 + 2000}`]);
    expect(second.outcome).toMatchObject({ kind: 'success' });
  });

  it('mutes the log lines an earlier run already emitted', () => {
    const first = runScript(CLAIM_THEN_STEP, { journal: [started(), stepOutcome(1)] });
    const again = runScript(CLAIM_THEN_STEP, {
      journal: [started(), stepOutcome(1)],
      input: { appliedCommands: first.newCommands, emittedLogs: first.newLogs.length },
    });
    expect(again.newLogs).toEqual([]);
  });

  it('reports NONDETERMINISM with both sides when replay produces a different command', () => {
    const r = runScript(CLAIM_THEN_STEP, {
      journal: [started(T0, 5), stepOutcome(1)],
      input: { appliedCommands: [{ kind: 'setSelectedAcr', value: 'acr-tampered' }] },
    });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
    if (r.outcome.kind === 'error') {
      expect(r.outcome.error.message).toContain('acr-tampered');
      expect(r.outcome.error.message).toMatch(/now produces .*setSelectedAcr/);
    }
  });

  it('reports NONDETERMINISM when the journal holds an outcome for another step', () => {
    const r = runScript('var onLoginRequest = function (c) { executeStep(2); };', { journal: [started(), stepOutcome(1)] });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
    if (r.outcome.kind === 'error') expect(r.outcome.error.message).toBe('journal event #1 holds the outcome "success" of step 1, but the script now waits for the outcome of step 2');
  });

  it('reports NONDETERMINISM when the flow ends with journal events left over', () => {
    const r = runScript('var onLoginRequest = function (c) { executeStep(1); };', { journal: [started(), stepOutcome(1), stepOutcome(2)] });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
  });

  it('records a host read in the journal and serves it from there on replay', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { onSuccess: function (c) { if (hasAnyOfTheRoles(c.currentKnownSubject, ['admin'])) executeStep(2); } });
    };`;
    let calls = 0;
    const host = () => {
      calls++;
      return { kind: 'value' as const, value: ['admin'] };
    };
    const first = runScript(src, { journal: [started(), stepOutcome(1)], host });
    expect(calls).toBe(1);
    expect(first.newEvents).toMatchObject([{ kind: 'read', call: 'getRolesOfUser', args: { username: 'alice' }, result: ['admin'] }]);
    const replay = runScript(src, { journal: [started(), stepOutcome(1), ...first.newEvents, stepOutcome(2)], host });
    expect(calls).toBe(1);
    expect(replay.outcome).toMatchObject({ kind: 'success' });
  });

  it('suspends, waiting for the read, when the host cannot answer at once', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { onSuccess: function (c) { try { hasAnyOfTheRoles(c.currentKnownSubject, ['admin']); } catch (e) { Log.info('swallowed'); } executeStep(2); } });
    };`;
    const r = runScript(src, { journal: [started(), stepOutcome(1)], host: () => ({ kind: 'pending' }) });
    expect(r.outcome).toEqual({ kind: 'waiting', waiting: { kind: 'read', call: 'getRolesOfUser', args: { username: 'alice', userStoreDomain: 'PRIMARY', tenantDomain: 'carbon.super' } } });
  });

  it('reports NONDETERMINISM when a recorded read does not match the call the script makes', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { onSuccess: function (c) { isMemberOfAnyOfGroups(c.currentKnownSubject, ['x']); } });
    };`;
    const r = runScript(src, {
      journal: [started(), stepOutcome(1), { kind: 'read', at: T0, call: 'getRolesOfUser', args: {}, result: [] }],
    });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
  });
});
