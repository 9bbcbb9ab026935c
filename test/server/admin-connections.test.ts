/**
 * Connections over HTTP: create, list, read, replace and delete — and deleting one that
 * provisioned users only when the admin says what happens to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { adminState, auditLog, expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

let counter = 0;

/**
 * A connection with JIT on (usernames from the email claim) and an application that signs in
 * through it; `provision` logs `subject` in through it, provisioning a local user.
 */
async function connectionWithApp(): Promise<{ name: string; provision(subject: string, email: string): Promise<string> }> {
  const name = `Acme-${++counter}`;
  const created = await s.admin('POST', '/connections', { name, jit: { enabled: true }, claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, userIdClaim: 'email' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const app = await s.admin('POST', '/applications', { name: `${name} app`, steps: [{ options: [{ idp: name, authenticator: 'OpenIDConnectAuthenticator' }] }] });
  expect(app.status).toBe(201);
  return {
    name,
    async provision(subject, email) {
      const flow = await s.flow('POST', '/flows', { application: app.body.id });
      const done = await s.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: name, authenticator: 'OpenIDConnectAuthenticator', subject, claims: { email, email_verified: true } });
      expect(done.body.status, JSON.stringify(done.body)).toBe('success');
      const user = (await s.admin('GET', `/users?query=${encodeURIComponent(email)}`)).body.users[0];
      expect(user).toMatchObject({ username: email, provisionedBy: name });
      return user.id as string;
    },
  };
}

describe('connections', () => {
  it('lists the demo’s Google (JIT on, synced attributes read-only) and GitHub (JIT off) connections', async () => {
    const list = await s.admin('GET', '/connections');
    expect(list.status).toBe(200);
    const byName = Object.fromEntries(list.body.connections.map((c: { name: string }) => [c.name, c]));
    expect(byName.Google).toMatchObject({ authenticator: 'GoogleOIDCAuthenticator', jit: { enabled: true, associateLocalUser: true }, syncedAttributesReadOnly: true, provisionedUsers: expect.any(Number) });
    expect(byName.GitHub).toMatchObject({ authenticator: 'GithubAuthenticator', jit: { enabled: false }, syncedAttributesReadOnly: false });
  });

  it('creates a connection with the JIT defaults filled in, answering 201 with its Location', async () => {
    const created = await s.admin('POST', '/connections', { name: 'Okta' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/connections/Okta');
    expect(created.body).toMatchObject({
      name: 'Okta',
      authenticator: 'OpenIDConnectAuthenticator',
      jit: { enabled: true, userStore: 'PRIMARY', scheme: 'silent', associateLocalUser: false, lookupAttributes: ['email'], attributeSync: 'override', blocking: true },
      claimMappings: {},
      roleMappings: {},
      syncedAttributesReadOnly: false,
      provisionedUsers: 0,
    });
    expect((await s.admin('GET', '/connections/Okta')).body).toEqual(created.body);
  });

  it('reads a connection whose name needs escaping in the path', async () => {
    const created = await s.admin('POST', '/connections', { name: 'Azure AD (corp)' });
    expect(created.status).toBe(201);
    const read = await s.admin('GET', `/connections/${encodeURIComponent('Azure AD (corp)')}`);
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Azure AD (corp)');
  });

  it('replaces a connection’s settings with PUT, keeping its creation time', async () => {
    const created = await s.admin('POST', '/connections', { name: 'Replaced', jit: { enabled: false }, claimMappings: { a: 'b' }, syncedAttributesReadOnly: true });
    const replaced = await s.admin('PUT', '/connections/Replaced', { authenticator: 'SAMLSSOAuthenticator', jit: { enabled: true, scheme: 'prompt-consent' }, roleMappings: { admins: 'admin' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'Replaced', authenticator: 'SAMLSSOAuthenticator', jit: { enabled: true, scheme: 'prompt-consent' }, claimMappings: {}, roleMappings: { admins: 'admin' }, syncedAttributesReadOnly: false });
    expect(replaced.body.createdAt).toBe(created.body.createdAt);
    expect((await s.admin('GET', '/connections/Replaced')).body).toEqual(replaced.body);
  });

  it('deletes a connection that provisioned nobody without asking about users', async () => {
    await s.admin('POST', '/connections', { name: 'Unused' });
    const deleted = await s.admin('DELETE', '/connections/Unused');
    expect(deleted.status).toBe(204);
    expectError(await s.admin('GET', '/connections/Unused'), 404, 'NOT_FOUND', 'connection Unused');
  });

  it('answers 404 for a connection that does not exist, on every verb', async () => {
    expectError(await s.admin('GET', '/connections/Nope'), 404, 'NOT_FOUND', 'connection Nope');
    expectError(await s.admin('PUT', '/connections/Nope', {}), 404, 'NOT_FOUND', 'connection Nope');
    expectError(await s.admin('DELETE', '/connections/Nope?provisionedUsers=keep'), 404, 'NOT_FOUND', 'connection Nope');
  });

  it('audits create, update and delete with the JIT settings and what happened to the users', async () => {
    await s.admin('POST', '/connections', { name: 'Audited' });
    await s.admin('PUT', '/connections/Audited', { jit: { enabled: false } });
    await s.admin('DELETE', '/connections/Audited');
    const mine = (await auditLog(s)).filter((e) => e.target === 'Audited');
    expect(mine.map((e) => e.action)).toEqual(['connection.delete', 'connection.update', 'connection.create']);
    expect(mine[1]!.details).toMatchObject({ jit: { enabled: false } });
    expect(mine[0]!.details).toEqual({ provisionedUsers: 'keep', usersDeleted: 0 });
  });
});

describe('deleting a connection that provisioned users', () => {
  it('counts the users a connection provisioned', async () => {
    const c = await connectionWithApp();
    await c.provision('s-1', 'one@acme.example');
    await c.provision('s-2', 'two@acme.example');
    expect((await s.admin('GET', `/connections/${c.name}`)).body.provisionedUsers).toBe(2);
  });

  it('refuses without ?provisionedUsers (400 naming it, with the count), and changes nothing', async () => {
    const c = await connectionWithApp();
    await c.provision('s-3', 'three@acme.example');
    const before = await adminState(s);
    const error = expectError(await s.admin('DELETE', `/connections/${c.name}`), 400, 'INVALID_REQUEST', 'query.provisionedUsers');
    expect(error).toMatchObject({ provisionedUsers: 1, issues: [{ path: 'query.provisionedUsers', message: expect.any(String) }] });
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a value other than delete or keep, naming query.provisionedUsers', async () => {
    const c = await connectionWithApp();
    await c.provision('s-4', 'four@acme.example');
    const before = await adminState(s);
    expectError(await s.admin('DELETE', `/connections/${c.name}?provisionedUsers=archive`), 400, 'INVALID_REQUEST', 'query.provisionedUsers');
    expect(await adminState(s)).toEqual(before);
  });

  it('with provisionedUsers=keep keeps the users, no longer marked as provisioned, without their federated identities', async () => {
    const c = await connectionWithApp();
    const userId = await c.provision('s-5', 'five@acme.example');
    expect((await s.admin('GET', `/users/${userId}/associations`)).body.associations).toEqual([{ idp: c.name, subject: 's-5', locked: false }]);
    expect((await s.admin('DELETE', `/connections/${c.name}?provisionedUsers=keep`)).status).toBe(204);
    expectError(await s.admin('GET', `/connections/${c.name}`), 404, 'NOT_FOUND');
    expect((await s.admin('GET', `/users/${userId}`)).body).toMatchObject({ username: 'five@acme.example', provisionedBy: null });
    expect((await s.admin('GET', `/users/${userId}/associations`)).body.associations).toEqual([]);
  });

  it('with provisionedUsers=delete deletes the users it provisioned and only those', async () => {
    const c = await connectionWithApp();
    const other = await connectionWithApp();
    const provisioned = await c.provision('s-6', 'six@acme.example');
    const kept = await other.provision('s-7', 'seven@acme.example');
    const totalBefore = (await s.admin('GET', '/users')).body.total;
    expect((await s.admin('DELETE', `/connections/${c.name}?provisionedUsers=delete`)).status).toBe(204);
    expectError(await s.admin('GET', `/users/${provisioned}`), 404, 'NOT_FOUND');
    expect((await s.admin('GET', `/users/${kept}`)).status).toBe(200);
    expect((await s.admin('GET', '/users')).body.total).toBe(totalBefore - 1);
    const [entry] = (await auditLog(s)).filter((e) => e.target === c.name && e.action === 'connection.delete');
    expect(entry?.details).toEqual({ provisionedUsers: 'delete', usersDeleted: 1 });
  });

  it('provisions through the demo’s Google connection, counted on it', async () => {
    const before = (await s.admin('GET', '/connections/Google')).body.provisionedUsers;
    const flow = await s.flow('POST', '/flows', { application: s.demo.applicationId });
    const done = await s.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: 'g-1', claims: { email: 'x@y.z', email_verified: true } });
    expect(done.body.status).toBe('success');
    expect((await s.admin('GET', '/connections/Google')).body.provisionedUsers).toBe(before + 1);
    expectError(await s.admin('DELETE', '/connections/Google'), 400, 'INVALID_REQUEST', 'query.provisionedUsers');
  });
});

describe('connections refuse bad input and change nothing', () => {
  it('refuses a second connection with the same name: 409', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/connections', { name: 'Google' }), 409, 'CONFLICT', 'Google');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses the name LOCAL and names with "/", naming body.name', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/connections', { name: 'LOCAL' }), 400, 'INVALID_REQUEST', 'body.name');
    expectError(await s.admin('POST', '/connections', { name: 'a/b' }), 400, 'INVALID_REQUEST', 'body.name');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses an unknown JIT scheme, naming body.jit.scheme', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/connections', { name: 'Bad', jit: { scheme: 'loud' } }), 400, 'INVALID_REQUEST', 'body.jit.scheme');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses non-blocking provisioning with a prompting scheme, naming body.jit.blocking', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/connections', { name: 'Bad', jit: { blocking: false, scheme: 'prompt-consent' } }), 400, 'INVALID_REQUEST', 'body.jit.blocking');
    expectError(await s.admin('PUT', '/connections/GitHub', { jit: { blocking: false, scheme: 'prompt-consent' } }), 400, 'INVALID_REQUEST', 'body.jit.blocking');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a rename through PUT: the name is the path, not a field', async () => {
    const before = await adminState(s);
    expectError(await s.admin('PUT', '/connections/GitHub', { name: 'GitLab' }), 400, 'INVALID_REQUEST', 'name');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses claim mappings that are not strings, naming the mapping', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/connections', { name: 'Bad', claimMappings: { email: 7 } }), 400, 'INVALID_REQUEST', 'body.claimMappings.email');
    expect(await adminState(s)).toEqual(before);
  });
});
