import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError, simulate } from '../../src/simulate/simulate.js';

const APP = {
  name: 'Thrift',
  steps: [
    { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
  ],
};
const SKIP_MFA = "var onLoginRequest = function (context) { executeStep(1, { onSuccess: function (c) { Log.info('federated ' + c.currentKnownSubject.username); if (c.steps[1].idp == 'LOCAL') executeStep(2); } }); };";
const DEFAULT = 'var onLoginRequest = function (context) { executeStep(1); executeStep(2); };';
const GOOGLE = { name: 'Google', jit: { blocking: false }, claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, userIdClaim: 'email' };
const LOGIN = { step: 1, idp: 'Google', subject: 'g-7', claims: { email: 'bob@example.com' } };

describe('non-blocking JIT provisioning', () => {
  it('lets the login go on as a pass-through login and provisions the account from the queue afterwards', async () => {
    const trace = await simulate({ source: SKIP_MFA, application: APP, connections: [GOOGLE], interactions: [LOGIN] });
    expect(trace).toMatchObject({ outcome: 'success', subject: { username: 'bob@example.com', federated: true, userStoreDomain: null }, provisioned: [{ username: 'bob@example.com', action: 'created' }] });
    expect(trace.effects).toContainEqual({ kind: 'provisioningQueued', idp: 'Google', subject: 'g-7' });
    expect(trace.logs.map((l) => l.message)).toEqual(['federated bob@example.com']);
  });

  it('fails a later step that needs the local account with LOCAL_ACCOUNT_REQUIRED, and still provisions it', async () => {
    const trace = await simulate({ source: DEFAULT, application: APP, connections: [GOOGLE], interactions: [LOGIN, { step: 2 }] });
    expect(trace).toMatchObject({ outcome: 'fail', error: { code: 'LOCAL_ACCOUNT_REQUIRED' }, provisioned: [{ username: 'bob@example.com', action: 'created' }] });
  });

  it('refuses a non-blocking connection with a prompt scheme', async () => {
    await expect(simulate({ source: DEFAULT, application: APP, connections: [{ name: 'Google', jit: { blocking: false, scheme: 'prompt-consent' } }] })).rejects.toThrow(ScenarioInvalidError);
  });
});

describe('a locked federated identity', () => {
  it('cannot log in through its connection, though the local account is not locked', async () => {
    const trace = await simulate({
      source: SKIP_MFA,
      application: APP,
      connections: [{ name: 'Google' }],
      users: [{ username: 'bob', associations: [{ idp: 'Google', subject: 'g-7', locked: true }] }],
      interactions: [LOGIN],
    });
    expect(trace).toMatchObject({ outcome: 'fail', error: { code: 'ACCOUNT_LOCKED', message: 'the federated identity g-7 of Google is locked' } });
  });
});
