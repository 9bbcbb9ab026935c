/**
 * Tenants cannot see each other: a second tenant, with its own admin token and flow client, can
 * neither read nor change the demo tenant's applications, versions, users, connections, clients
 * or flows. Another tenant's record answers exactly as a record that does not exist (404, not
 * 403), so nothing tells it exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCredential } from '../../src/server/credentials.js';
import { startTestServer, type Answer, type TestServer } from './_server.js';
import { adminState, auditLog, expectError, provisionThroughGoogle } from './_admin.js';

let s: TestServer;
/** The other tenant's admin and flow calls. */
let other: { admin: TestServer['admin']; flow: TestServer['flow'] };
let demo: { appId: string; userId: string; googleUserId: string; flowId: string; auditId: string };

beforeAll(async () => {
  s = await startTestServer();
  const now = Date.now();
  await s.server.context.admin.createTenant({ id: 'acme', name: 'Acme', domain: 'acme.example', createdAt: now });
  const token = await issueCredential(s.server.context.admin, 'acme', 'admin', 'acme admin', now, null);
  const client = await issueCredential(s.server.context.admin, 'acme', 'flow-client', 'acme idp', now, null);
  const withBody = (body: unknown, headers: Record<string, string>) => (body === undefined ? { headers } : { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  other = {
    admin: (method, path, body, headers = {}) => s.raw(method, `/api/v1${path}`, withBody(body, { authorization: `Bearer ${token.secret}`, ...headers })),
    flow: (method, path, body, headers = {}) =>
      s.raw(method, `/api/v1${path}`, withBody(body, { authorization: `Basic ${Buffer.from(`${client.credential.id}:${client.secret}`).toString('base64')}`, ...headers })),
  };
  const appId = s.demo.applicationId;
  const userId = (await s.admin('GET', '/users?query=alice')).body.users[0].id;
  const googleUserId = await provisionThroughGoogle(s, 'g-demo', 'demo-user@gmail.example');
  const flowId = (await s.flow('POST', '/flows', { application: appId })).body.id;
  const auditId = (await auditLog(s))[0]!.id;
  demo = { appId, userId, googleUserId, flowId, auditId };
});
afterAll(async () => {
  await s?.close();
});

/** The answer for a record of the demo tenant, and for one that exists nowhere, must not differ but by the id. */
function expectSameAsMissing(theirs: Answer, missing: Answer, id: string, missingId: string): void {
  expect(theirs.status).toBe(404);
  expect(theirs.body.error.code).toBe(missing.body.error.code);
  expect(theirs.body.error.message.replaceAll(id, '<id>')).toBe(missing.body.error.message.replaceAll(missingId, '<id>'));
}

const NOPE = '00000000-0000-4000-8000-000000000000';

describe('another tenant’s admin token', () => {
  it('lists none of the demo tenant’s applications, users, connections, clients, emails or audit entries', async () => {
    expect((await other.admin('GET', '/applications')).body).toEqual({ applications: [] });
    expect((await other.admin('GET', '/users')).body).toEqual({ users: [], total: 0 });
    expect((await other.admin('GET', '/connections')).body).toEqual({ connections: [] });
    expect((await other.admin('GET', '/clients')).body.clients.map((c: { name: string }) => c.name)).toEqual(['acme idp']);
    expect((await other.admin('GET', '/outbox')).body).toEqual({ emails: [] });
    expect((await other.admin('GET', '/audit')).body).toEqual({ entries: [] });
    expect((await other.admin('GET', '/me')).body.tenant).toEqual({ id: 'acme', name: 'Acme', domain: 'acme.example' });
  });

  it('cannot read the demo’s application, its versions or their diff: 404 as for an application that does not exist', async () => {
    const cases: [string, string][] = [
      ['GET', `/applications/${demo.appId}`],
      ['GET', `/applications/${demo.appId}/script/versions`],
      ['GET', `/applications/${demo.appId}/script/versions/1`],
      ['GET', `/applications/${demo.appId}/script/diff?from=1&to=1`],
    ];
    for (const [method, path] of cases) {
      expectSameAsMissing(await other.admin(method, path), await other.admin(method, path.replace(demo.appId, NOPE)), demo.appId, NOPE);
    }
  });

  it('cannot change, script, publish, roll back, validate, lint or delete the demo’s application', async () => {
    const before = await adminState(s);
    const cases: [string, string, unknown][] = [
      ['PATCH', `/applications/${demo.appId}`, { name: 'Hijacked' }],
      ['PUT', `/applications/${demo.appId}/script/draft`, { source: 'var onLoginRequest = function (c) { executeStep(1); };' }],
      ['POST', `/applications/${demo.appId}/script/validate`, {}],
      ['POST', `/applications/${demo.appId}/script/publish`, { message: 'hijack', source: 'var onLoginRequest = function (c) { executeStep(1); };' }],
      ['POST', `/applications/${demo.appId}/script/rollback`, { version: 1 }],
      ['DELETE', `/applications/${demo.appId}`, undefined],
    ];
    for (const [method, path, body] of cases) {
      expectSameAsMissing(await other.admin(method, path, body), await other.admin(method, path.replace(demo.appId, NOPE), body), demo.appId, NOPE);
    }
    expectSameAsMissing(await other.admin('POST', '/lint', { script: 'x', application: demo.appId }), await other.admin('POST', '/lint', { script: 'x', application: NOPE }), demo.appId, NOPE);
    expect(await adminState(s)).toEqual(before);
  });

  it('cannot read, change, unlock or delete the demo’s users or their TOTP and associations', async () => {
    const before = await adminState(s);
    const cases: [string, string, unknown][] = [
      ['GET', `/users/${demo.userId}`, undefined],
      ['PATCH', `/users/${demo.userId}`, { roles: ['admin'], password: 'taken-over-password' }],
      ['POST', `/users/${demo.userId}/unlock`, undefined],
      ['DELETE', `/users/${demo.userId}/totp`, undefined],
      ['GET', `/users/${demo.googleUserId}/associations`, undefined],
      ['PATCH', `/users/${demo.googleUserId}/associations/Google/g-demo`, { locked: true }],
      ['DELETE', `/users/${demo.userId}`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const id = path.includes(demo.userId) ? demo.userId : demo.googleUserId;
      expectSameAsMissing(await other.admin(method, path, body), await other.admin(method, path.replace(id, NOPE), body), id, NOPE);
    }
    expect(await adminState(s)).toEqual(before);
  });

  it('cannot read, replace or delete the demo’s connections', async () => {
    const before = await adminState(s);
    const cases: [string, string, unknown][] = [
      ['GET', '/connections/Google', undefined],
      ['PUT', '/connections/Google', { jit: { enabled: false } }],
      ['DELETE', '/connections/Google?provisionedUsers=delete', undefined],
    ];
    for (const [method, path, body] of cases) {
      expectSameAsMissing(await other.admin(method, path, body), await other.admin(method, path.replace('Google', 'Nowhere'), body), 'Google', 'Nowhere');
    }
    expect(await adminState(s)).toEqual(before);
  });

  it('cannot revoke the demo’s flow client, which keeps working', async () => {
    const before = await adminState(s);
    expectSameAsMissing(await other.admin('DELETE', `/clients/${s.demo.client.id}`), await other.admin('DELETE', '/clients/AAAAAAAAAAAAAAAA'), s.demo.client.id, 'AAAAAAAAAAAAAAAA');
    expect(await adminState(s)).toEqual(before);
    expect((await s.flow('GET', `/flows/${demo.flowId}`)).status).toBe(200);
  });

  it('cannot page the demo’s audit log with one of its entry ids', async () => {
    const theirs = await other.admin('GET', `/audit?before=${demo.auditId}`);
    const missing = await other.admin('GET', `/audit?before=${NOPE}`);
    expectError(theirs, 400, 'INVALID_REQUEST', 'query.before');
    expect(theirs.body.error.message.replace(demo.auditId, '<id>')).toBe(missing.body.error.message.replace(NOPE, '<id>'));
  });

  it('makes its own connection, user and application under the demo’s names without touching the demo’s', async () => {
    const before = await adminState(s);
    expect((await other.admin('POST', '/connections', { name: 'Google' })).status).toBe(201);
    expect((await other.admin('POST', '/users', { username: 'alice', password: 'acme-alice-password' })).status).toBe(201);
    expect((await other.admin('POST', '/applications', { name: 'Thrift' })).status).toBe(201);
    expect(await adminState(s)).toEqual(before);
    expect((await other.admin('GET', '/users')).body.total).toBe(1);
  });
});

describe('another tenant’s flow client', () => {
  it('cannot start a flow for the demo’s application: 404 as for one that does not exist', async () => {
    expectSameAsMissing(await other.flow('POST', '/flows', { application: demo.appId }), await other.flow('POST', '/flows', { application: NOPE }), demo.appId, NOPE);
  });

  it('cannot read or advance the demo’s flow: 404 as for a flow that does not exist', async () => {
    const before = (await s.flow('GET', `/flows/${demo.flowId}`)).body;
    const step = { kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: 'g-intruder', claims: { email: 'intruder@x.example', email_verified: true } };
    expectSameAsMissing(await other.flow('GET', `/flows/${demo.flowId}`), await other.flow('GET', `/flows/${NOPE}`), demo.flowId, NOPE);
    expectSameAsMissing(await other.flow('POST', `/flows/${demo.flowId}/interactions`, step), await other.flow('POST', `/flows/${NOPE}/interactions`, step), demo.flowId, NOPE);
    expect((await s.flow('GET', `/flows/${demo.flowId}`)).body).toEqual(before);
  });

  it('signs a federated identity the demo knows in as a user of its own tenant, never the demo’s', async () => {
    // Its own Google connection, associating by verified email as the demo's does.
    const connection = await other.admin('POST', '/connections', { name: 'Workspace', authenticator: 'GoogleOIDCAuthenticator', jit: { enabled: true, associateLocalUser: true }, claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, userIdClaim: 'email' });
    expect(connection.status).toBe(201);
    const app = await other.admin('POST', '/applications', { name: 'Acme login', steps: [{ options: [{ idp: 'Workspace', authenticator: 'GoogleOIDCAuthenticator' }] }] });
    const before = await adminState(s);
    for (const [subject, email] of [['g-demo', 'demo-user@gmail.example'], ['g-alice', 'alice@thrift.example']]) {
      const flow = await other.flow('POST', '/flows', { application: app.body.id });
      const done = await other.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: 'Workspace', authenticator: 'GoogleOIDCAuthenticator', subject, claims: { email, email_verified: true } });
      expect(done.body.status, JSON.stringify(done.body)).toBe('success');
      expect(done.body.result.subject).toMatchObject({ username: email, tenantDomain: 'acme.example' });
      expect([demo.userId, demo.googleUserId]).not.toContain(done.body.result.subject.uniqueId);
    }
    expect((await other.admin('GET', '/users?query=@')).body.users.map((u: { username: string; provisionedBy: string }) => [u.username, u.provisionedBy])).toEqual([
      ['demo-user@gmail.example', 'Workspace'],
      ['alice@thrift.example', 'Workspace'],
    ]);
    expect(await adminState(s)).toEqual(before);
  });

  it('gets its own flow for an Idempotency-Key the demo used, never the demo’s', async () => {
    const demoFlow = await s.flow('POST', '/flows', { application: demo.appId }, { 'idempotency-key': 'shared-key-1' });
    expect(demoFlow.status).toBe(201);
    const app = await other.admin('POST', '/applications', { name: 'Acme shop', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] });
    const theirs = await other.flow('POST', '/flows', { application: app.body.id }, { 'idempotency-key': 'shared-key-1' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(demoFlow.body.id);
    expect(theirs.body.replayed).toBe(false);
    // And the demo's retry still answers the demo's flow.
    const retry = await s.flow('POST', '/flows', { application: demo.appId }, { 'idempotency-key': 'shared-key-1' });
    expect(retry.body).toMatchObject({ id: demoFlow.body.id, replayed: true });
  });
});
