import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import { logsOf, runScript, started, stepOutcome } from '../_support/sandbox.js';

const ROLE_AND_EMAIL = `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) {
    var user = context.currentKnownSubject;
    assignUserRoles(user, ['auditor']);
    sendEmail(user, 'NewLogin', { who: user.username });
    executeStep(2, { onSuccess: function (context) {
      Log.info('auditor: ' + hasAnyOfTheRoles(context.currentKnownSubject, ['auditor']));
    } });
  } });
};`;

describe('effects of the user functions under replay', () => {
  it('hands out a role change and an email once: a replay repeats them without new commands', () => {
    const first = runScript(ROLE_AND_EMAIL, { journal: [started(), stepOutcome(1)] });
    expect(first.newCommands.map((c) => c.kind)).toEqual(['updateUserRoles', 'sendEmail']);
    const replay = runScript(ROLE_AND_EMAIL, {
      journal: [started(), stepOutcome(1), ...first.newEvents, stepOutcome(2)],
      input: { appliedCommands: first.newCommands, emittedLogs: first.newLogs.length },
    });
    expect(replay.newCommands).toEqual([]);
    expect(replay.outcome).toMatchObject({ kind: 'success' });
  });

  it('reports NONDETERMINISM when the applied role change differs from the replayed one', () => {
    const r = runScript(ROLE_AND_EMAIL, {
      journal: [started(), stepOutcome(1)],
      input: { appliedCommands: [{ kind: 'updateUserRoles', username: 'alice', userStoreDomain: 'PRIMARY', assign: ['admin'], remove: [], compare: 'exact' }] },
    });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
  });

  it('answers a replayed read from the journal, whatever the host would say now', () => {
    const src = `var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (context) { Log.info(String(getCookieValue(context.request, 'd', { validateSignature: true }))); } });
    };`;
    const input = { request: { cookies: { d: { value: 'x' } } } };
    const first = runScript(src, { journal: [started(), stepOutcome(1)], input, host: () => ({ kind: 'value', value: 'alice' }) });
    const replay = runScript(src, { journal: [started(), stepOutcome(1), ...first.newEvents], input, host: () => ({ kind: 'value', value: 'mallory' }) });
    expect(logsOf(replay)).toEqual(['alice']);
  });
});

describe('the simulator, restarting between interactions', () => {
  const scenario = {
    source: ROLE_AND_EMAIL,
    application: {
      name: 'Thrift',
      steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }],
    },
    users: [{ username: 'alice', password: 'pw-alice', totp: true, claims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' } }],
    interactions: [{ step: 1, username: 'alice', password: 'pw-alice' }, { step: 2 }],
  };

  it('applies a role assignment once, and the next step reads it from the user store', async () => {
    const trace = await simulate(scenario, { restartBetweenInteractions: true });
    expect(trace.outcome).toBe('success');
    expect(trace.effects.filter((e) => e.kind === 'updateUserRoles')).toHaveLength(1);
    expect(trace.logs.map((l) => l.message)).toEqual(['auditor: true']);
  });

  it('sends an email once', async () => {
    const trace = await simulate(scenario, { restartBetweenInteractions: true });
    expect(trace.effects.filter((e) => e.kind === 'sendEmail')).toEqual([
      { kind: 'sendEmail', username: 'alice', userStoreDomain: 'PRIMARY', federated: false, address: null, template: 'NewLogin', placeholders: { who: 'alice' } },
    ]);
  });
});
