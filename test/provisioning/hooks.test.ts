import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';

const APP = {
  name: 'Thrift',
  steps: [
    { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
  ],
};
const GOOGLE = { name: 'Google', claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, userIdClaim: 'email', roleMappings: { staff: 'employee' } };
const googleLogin = (email: string) => ({ step: 1, idp: 'Google', subject: `g-${email}`, claims: { email, groups: ['staff'] } });

const withHooks = (hooks: string) => `${hooks}
var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { Log.info('subject ' + context.currentKnownSubject.username + ' roles ' + context.currentKnownSubject.roles.join(',')); } });
};`;

describe('provisioning hooks', () => {
  it('lets onProvisioningRequest change the username, claims and roles before the account is created', async () => {
    const trace = await simulate({
      source: withHooks(`var onProvisioningRequest = function (context, request) {
        request.user.username = request.user.username.split('@')[0];
        request.user.roles.push('reader');
        request.user.claims['http://wso2.org/claims/department'] = 'ops';
        Log.info('provisioning ' + request.idp + ' ' + request.subject);
      };`),
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('bob@example.com')],
    });
    expect(trace).toMatchObject({ outcome: 'success', provisioned: [{ username: 'bob', action: 'created' }], subject: { username: 'bob', federated: true, idp: 'Google' } });
    expect(trace.logs.map((l) => l.message)).toEqual(['provisioning Google g-bob@example.com', 'subject bob roles employee,reader']);
  });

  it('denies the account with request.deny, and the login fails with PROVISIONING_DENIED', async () => {
    const trace = await simulate({
      source: withHooks(`var allowed = ['example.com'];
        var onProvisioningRequest = function (context, request) {
          var domain = request.remoteClaims.email.split('@')[1];
          if (allowed.indexOf(domain) < 0) request.deny('sign-ups from ' + domain + ' are closed');
        };`),
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('eve@mailinator.com')],
    });
    expect(trace).toMatchObject({ outcome: 'fail', error: { code: 'PROVISIONING_DENIED', message: 'sign-ups from mailinator.com are closed' }, provisioned: [] });
  });

  it('runs onUserProvisioned once, after the account exists', async () => {
    const trace = await simulate({
      source: withHooks(`var onUserProvisioned = function (context, user) { Log.info('welcome ' + user.username + ' in ' + user.userStoreDomain); };`),
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('bob@example.com')],
    });
    expect(trace.logs.map((l) => l.message)).toEqual(['welcome bob@example.com in PRIMARY', 'subject bob@example.com roles employee']);
  });

  it('ends the login with a script error when a hook throws, naming the line', async () => {
    const trace = await simulate({
      source: 'var onProvisioningRequest = function (context, request) {\n  request.nope.x = 1;\n};\nvar onLoginRequest = function (c) { executeStep(1); };',
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('bob@example.com')],
    });
    expect(trace).toMatchObject({ outcome: 'error', error: { code: 'SCRIPT_RUNTIME', line: 2 } });
  });

  it('refuses flow functions and effects inside a hook', async () => {
    const trace = await simulate({
      source: withHooks(`var onProvisioningRequest = function (context, request) { executeStep(2); };`),
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('bob@example.com')],
    });
    expect(trace).toMatchObject({ outcome: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/flow functions/) } });
  });

  it('checks the account a hook leaves against the user store policy', async () => {
    const trace = await simulate({
      source: withHooks(`var onProvisioningRequest = function (context, request) { request.user.username = 'has space'; };`),
      application: APP,
      connections: [GOOGLE],
      userStores: [{ name: 'PRIMARY' }],
      interactions: [googleLogin('bob@example.com')],
    });
    expect(trace).toMatchObject({ outcome: 'fail', error: { code: 'USER_STORE_POLICY' } });
  });

  it('reports a hook that leaves request.user malformed', async () => {
    const trace = await simulate({
      source: withHooks(`var onProvisioningRequest = function (context, request) { request.user.roles = 'admin'; };`),
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('bob@example.com')],
    });
    expect(trace).toMatchObject({ outcome: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/request\.user\.roles invalid/) } });
  });

  it('keeps the flow\u2019s log muting right when hooks log too', async () => {
    const trace = await simulate({
      source: `var onProvisioningRequest = function (context, request) { Log.info('hook'); };
        var onLoginRequest = function (context) {
          Log.info('start');
          executeStep(1, { onSuccess: function (c) { Log.info('after 1'); executeStep(2, { onSuccess: function (c) { Log.info('after 2'); } }); } });
        };`,
      application: APP,
      connections: [GOOGLE],
      interactions: [googleLogin('bob@example.com'), { step: 2 }],
    });
    expect(trace.logs.map((l) => l.message)).toEqual(['start', 'hook', 'after 1', 'after 2']);
  });
});
