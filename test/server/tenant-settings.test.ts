/**
 * A tenant's own settings over HTTP: read, replaced whole, validated (a bad value is a 400 that
 * names it and changes nothing), audited, and in force at the tenant's next login: sandbox
 * limits, the lockout policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, expectError } from './_admin.js';
import { startTestServer, type TestServer } from './_server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const NONE = { limits: {}, httpAllow: [], lockout: {}, emailOtp: {} };

describe('tenant settings', () => {
  it('are empty before the first change: the server’s defaults apply', async () => {
    expect((await t.admin('GET', '/settings')).body).toEqual(NONE);
  });

  it('refuse a bad value, naming it, and change nothing', async () => {
    expectError(await t.admin('PUT', '/settings', { ...NONE, limits: { heapMb: 4 } }), 400, 'INVALID_REQUEST', 'body.limits.heapMb');
    expectError(await t.admin('PUT', '/settings', { ...NONE, httpAllow: ['https://risk.example'] }), 400, 'INVALID_REQUEST', 'body.httpAllow.0');
    expectError(await t.admin('PUT', '/settings', { ...NONE, lockout: { maxFailedAttemps: 3 } }), 400, 'INVALID_REQUEST', 'maxFailedAttemps');
    expect((await t.admin('GET', '/settings')).body).toEqual(NONE);
  });

  it('are replaced whole and audited', async () => {
    const settings = { limits: {}, httpAllow: ['risk.thrift.example'], lockout: {}, emailOtp: { otpLength: 8 } };
    expect((await t.admin('PUT', '/settings', settings)).body).toEqual(settings);
    expect((await t.admin('GET', '/settings')).body).toEqual(settings);
    expect((await auditLog(t))[0]).toMatchObject({ action: 'tenant.settings', details: settings });
    await t.admin('PUT', '/settings', NONE);
  });

  it('put the tenant’s sandbox limits in force at its next login', async () => {
    const source = "var onLoginRequest = function (context) { Log.info('one'); Log.info('two'); executeStep(1); };";
    const app = await t.admin('POST', '/applications', { name: 'Chatty', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }], source });
    await t.admin('POST', `/applications/${app.body.id}/script/publish`, { message: 'logs twice' });
    expect((await t.flow('POST', '/flows', { application: app.body.id })).body.status).toBe('waiting');
    await t.admin('PUT', '/settings', { ...NONE, limits: { logLinesPerFlow: 1 } });
    const limited = await t.flow('POST', '/flows', { application: app.body.id });
    expect(limited.body).toMatchObject({ status: 'error', result: { error: { message: expect.stringContaining('logLinesPerFlow') } } });
    await t.admin('PUT', '/settings', NONE);
    expect((await t.flow('POST', '/flows', { application: app.body.id })).body.status).toBe('waiting');
  });

  it('put the tenant’s lockout policy in force', async () => {
    await t.admin('PUT', '/settings', { ...NONE, lockout: { maxFailedAttempts: 2 } });
    const user = await t.admin('POST', '/users', { username: 'tess', password: 'tess-password' });
    for (let i = 0; i < 2; i++) {
      const flow = await t.flow('POST', '/flows', { application: t.demo.applicationId });
      await t.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username: 'tess', password: 'wrong' } });
    }
    expect((await t.admin('GET', `/users/${user.body.id}`)).body.locked).toBe(true);
    await t.admin('PUT', '/settings', NONE);
  });
});
