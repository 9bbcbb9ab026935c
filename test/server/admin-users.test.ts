/**
 * Users over HTTP: create, list, read, change, unlock, remove TOTP, delete; federated
 * associations and their locks; JIT users' synced attributes read-only when the connection says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { adminState, auditLog, expectError, googleLogin, provisionThroughGoogle } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const EMAIL = 'http://wso2.org/claims/emailaddress';
let counter = 0;
const unique = (base: string) => `${base}${++counter}`;

async function createUser(body: Record<string, unknown> = {}): Promise<{ id: string; username: string }> {
  const created = await s.admin('POST', '/users', { username: unique('user'), password: 'a-long-password', ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

describe('users', () => {
  it('creates a user, answering its view without any password, with its Location', async () => {
    const created = await s.admin('POST', '/users', { username: 'carol', password: 'carol-password', roles: ['shopper'], groups: ['beta'], claims: { [EMAIL]: 'carol@thrift.example' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/users/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.any(String),
      username: 'carol',
      userStoreDomain: 'PRIMARY',
      roles: ['shopper'],
      groups: ['beta'],
      claims: { [EMAIL]: 'carol@thrift.example' },
      locked: false,
      disabled: false,
      hasPassword: true,
      totpEnrolled: false,
      provisionedBy: null,
    });
    expect((await s.admin('GET', `/users/${created.body.id}`)).body).toEqual(created.body);
  });

  it('creates a user without a password in another user store, named in upper case', async () => {
    const created = await s.admin('POST', '/users', { username: 'dave', userStoreDomain: 'employees' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'dave', userStoreDomain: 'EMPLOYEES', hasPassword: false });
  });

  it('lists users with their total, filtered by a part of the username, a page at a time', async () => {
    const prefix = unique('page-');
    for (const n of ['a', 'b', 'c']) await createUser({ username: `${prefix}-${n}` });
    const all = await s.admin('GET', `/users?query=${prefix}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.users.map((u: { username: string }) => u.username)).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    const second = await s.admin('GET', `/users?query=${prefix.toUpperCase()}&limit=1&offset=1`);
    expect(second.body).toMatchObject({ total: 3, users: [{ username: `${prefix}-b` }] });
  });

  it('searches for "_", "%" and "\\" as themselves, not as wildcards', async () => {
    const tag = unique('wild');
    for (const username of [`${tag}_under`, `${tag}%percent`, `${tag}\\back`, `${tag}plain`]) await createUser({ username });
    const found = async (query: string) => (await s.admin('GET', `/users?query=${encodeURIComponent(query)}`)).body.users.map((u: { username: string }) => u.username);
    expect(await found(`${tag}_`)).toEqual([`${tag}_under`]);
    expect(await found(`${tag}%`)).toEqual([`${tag}%percent`]);
    expect(await found(`${tag}\\`)).toEqual([`${tag}\\back`]);
    expect(await found(tag)).toHaveLength(4);
  });

  it('lists the demo users alice and bob', async () => {
    const names = (await s.admin('GET', '/users?limit=500')).body.users.map((u: { username: string }) => u.username);
    expect(names).toEqual(expect.arrayContaining(['alice', 'bob']));
  });

  it('changes roles, groups, claims and the disabled flag with a PATCH, leaving the rest', async () => {
    const user = await createUser({ roles: ['a'], claims: { [EMAIL]: 'p@thrift.example' } });
    const patched = await s.admin('PATCH', `/users/${user.id}`, { roles: ['b', 'c'], groups: ['g'], disabled: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ roles: ['b', 'c'], groups: ['g'], disabled: true, locked: false, claims: { [EMAIL]: 'p@thrift.example' }, hasPassword: true });
    expect((await s.admin('GET', `/users/${user.id}`)).body).toEqual(patched.body);
  });

  it('sets a password on a user who had none', async () => {
    const user = await createUser({ password: undefined });
    expect((await s.admin('GET', `/users/${user.id}`)).body.hasPassword).toBe(false);
    expect((await s.admin('PATCH', `/users/${user.id}`, { password: 'now-with-password' })).body.hasPassword).toBe(true);
  });

  it('unlocks a locked account and clears its failed-attempt claims, keeping the others', async () => {
    const user = await createUser({ claims: { [EMAIL]: 'locked@thrift.example' } });
    const failed = {
      'http://wso2.org/claims/identity/failedLoginAttempts': '5',
      'http://wso2.org/claims/identity/accountLocked': 'true',
      'http://wso2.org/claims/identity/unlockTime': '0',
    };
    const locked = await s.admin('PATCH', `/users/${user.id}`, { locked: true, claims: { [EMAIL]: 'locked@thrift.example', ...failed } });
    expect(locked.body.locked).toBe(true);
    const unlocked = await s.admin('POST', `/users/${user.id}/unlock`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ locked: false, claims: { [EMAIL]: 'locked@thrift.example' } });
    expect(Object.keys(unlocked.body.claims)).toEqual([EMAIL]);
    expect((await s.admin('GET', `/users/${user.id}`)).body).toEqual(unlocked.body);
  });

  it('removes a user’s TOTP device', async () => {
    const user = await createUser();
    await s.server.context.store.updateUser('demo', user.id, { totpSecret: 'enrolled-device-secret' });
    expect((await s.admin('GET', `/users/${user.id}`)).body.totpEnrolled).toBe(true);
    const removed = await s.admin('DELETE', `/users/${user.id}/totp`);
    expect(removed.status).toBe(204);
    expect((await s.admin('GET', `/users/${user.id}`)).body.totpEnrolled).toBe(false);
  });

  it('deletes a user: 204, then 404 for it, its associations and a second delete', async () => {
    const user = await createUser();
    expect((await s.admin('DELETE', `/users/${user.id}`)).status).toBe(204);
    expectError(await s.admin('GET', `/users/${user.id}`), 404, 'NOT_FOUND', user.id);
    expectError(await s.admin('GET', `/users/${user.id}/associations`), 404, 'NOT_FOUND', user.id);
    expectError(await s.admin('DELETE', `/users/${user.id}`), 404, 'NOT_FOUND', user.id);
  });

  it('answers 404 for a user that does not exist, on every route of a user', async () => {
    for (const [method, path, body] of [
      ['GET', '/users/nobody', undefined],
      ['PATCH', '/users/nobody', { roles: [] }],
      ['DELETE', '/users/nobody', undefined],
      ['POST', '/users/nobody/unlock', undefined],
      ['DELETE', '/users/nobody/totp', undefined],
      ['GET', '/users/nobody/associations', undefined],
      ['PATCH', '/users/nobody/associations/Google/g-1', { locked: true }],
    ] as const) {
      expectError(await s.admin(method, path, body), 404, 'NOT_FOUND', 'nobody');
    }
  });

  it('audits every change of a user, with the user as the target', async () => {
    const user = await createUser();
    await s.admin('PATCH', `/users/${user.id}`, { roles: ['x'] });
    await s.admin('POST', `/users/${user.id}/unlock`);
    await s.admin('DELETE', `/users/${user.id}/totp`);
    await s.admin('DELETE', `/users/${user.id}`);
    const actions = (await auditLog(s)).filter((e) => e.target === user.id).map((e) => e.action);
    expect(actions).toEqual(['user.delete', 'user.totp.remove', 'user.unlock', 'user.update', 'user.create']);
  });

  it('never puts a password or its hash in the audit log', async () => {
    const first = 'first-Secret-pa55word';
    const second = 'second-Secret-pa55word';
    const user = await createUser({ password: first });
    await s.admin('PATCH', `/users/${user.id}`, { password: second });
    const audit = JSON.stringify(await auditLog(s));
    expect(audit).not.toContain(first);
    expect(audit).not.toContain(second);
    const stored = await s.server.context.store.getUserById('demo', user.id);
    expect(audit).not.toContain(stored!.passwordHash!);
    const [update] = (await auditLog(s)).filter((e) => e.target === user.id && e.action === 'user.update');
    expect(update?.details).toEqual({ password: '(changed)' });
  });
});

describe('users refuse bad input and change nothing', () => {
  it('refuses a second user with the same username in the same store: 409', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/users', { username: 'alice', userStoreDomain: 'primary' }), 409, 'CONFLICT', 'alice');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a username with a space or a "/", naming body.username', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/users', { username: 'EMPLOYEES/erin' }), 400, 'INVALID_REQUEST', 'body.username');
    expectError(await s.admin('POST', '/users', { username: 'erin smith' }), 400, 'INVALID_REQUEST', 'body.username');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a short password, naming body.password and never echoing it', async () => {
    const before = await adminState(s);
    const answer = await s.admin('POST', '/users', { username: 'erin', password: 'Xq7!z' });
    expectError(answer, 400, 'INVALID_REQUEST', 'body.password');
    expect(JSON.stringify(answer.body)).not.toContain('Xq7!z');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses roles that are not a list of names, naming body.roles', async () => {
    const user = await createUser();
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/users/${user.id}`, { roles: 'admin' }), 400, 'INVALID_REQUEST', 'body.roles');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a PATCH of fields a user does not have (username, provisionedBy)', async () => {
    const user = await createUser();
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/users/${user.id}`, { username: 'renamed' }), 400, 'INVALID_REQUEST', 'username');
    expectError(await s.admin('PATCH', `/users/${user.id}`, { provisionedBy: null }), 400, 'INVALID_REQUEST', 'provisionedBy');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a page size out of range or not a number, naming query.limit', async () => {
    expectError(await s.admin('GET', '/users?limit=0'), 400, 'INVALID_REQUEST', 'query.limit');
    expectError(await s.admin('GET', '/users?limit=many'), 400, 'INVALID_REQUEST', 'query.limit');
    expectError(await s.admin('GET', '/users?limit=501'), 400, 'INVALID_REQUEST', 'query.limit');
  });
});

describe('users provisioned by a connection with synced attributes read-only', () => {
  it('refuses changes of claims, roles or groups with 403, naming the fields and the connection, and changes nothing', async () => {
    const userId = await provisionThroughGoogle(s, unique('g-ro-'), `${unique('ro')}@gmail.example`);
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/users/${userId}`, { claims: { [EMAIL]: 'changed@x.example' } }), 403, 'FORBIDDEN', /claims.*Google/);
    expectError(await s.admin('PATCH', `/users/${userId}`, { roles: ['admin'] }), 403, 'FORBIDDEN', 'roles');
    expectError(await s.admin('PATCH', `/users/${userId}`, { groups: ['staff'], disabled: true }), 403, 'FORBIDDEN', 'groups');
    expect(await adminState(s)).toEqual(before);
  });

  it('still lets the admin lock, disable or set a password on such a user', async () => {
    const userId = await provisionThroughGoogle(s, unique('g-rw-'), `${unique('rw')}@gmail.example`);
    const patched = await s.admin('PATCH', `/users/${userId}`, { locked: true, disabled: true, password: 'a-local-password' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ locked: true, disabled: true, hasPassword: true, provisionedBy: 'Google' });
  });

  it('lets the admin change the claims of a user provisioned by a connection without the setting', async () => {
    const name = unique('Writable');
    await s.admin('POST', '/connections', { name, claimMappings: { email: EMAIL }, userIdClaim: 'email', syncedAttributesReadOnly: false });
    const app = await s.admin('POST', '/applications', { name, steps: [{ options: [{ idp: name, authenticator: 'OpenIDConnectAuthenticator' }] }] });
    const flow = await s.flow('POST', '/flows', { application: app.body.id });
    const email = `${unique('w')}@corp.example`;
    const done = await s.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: name, authenticator: 'OpenIDConnectAuthenticator', subject: 'w-1', claims: { email, email_verified: true } });
    expect(done.body.status).toBe('success');
    const user = (await s.admin('GET', `/users?query=${email}`)).body.users[0];
    expect(user.provisionedBy).toBe(name);
    const patched = await s.admin('PATCH', `/users/${user.id}`, { roles: ['editor'] });
    expect(patched.status).toBe(200);
    expect(patched.body.roles).toEqual(['editor']);
  });
});

describe('federated associations', () => {
  it('lists a provisioned user’s federated identity, unlocked', async () => {
    const subject = unique('g-list-');
    const userId = await provisionThroughGoogle(s, subject, `${unique('assoc')}@gmail.example`);
    const list = await s.admin('GET', `/users/${userId}/associations`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ associations: [{ idp: 'Google', subject, locked: false }] });
  });

  it('locks and unlocks one federated identity, audited', async () => {
    const subject = unique('g-lock-');
    const userId = await provisionThroughGoogle(s, subject, `${unique('lock')}@gmail.example`);
    const locked = await s.admin('PATCH', `/users/${userId}/associations/Google/${subject}`, { locked: true });
    expect(locked.status).toBe(200);
    expect(locked.body).toEqual({ idp: 'Google', subject, locked: true });
    expect((await s.admin('GET', `/users/${userId}/associations`)).body.associations).toEqual([{ idp: 'Google', subject, locked: true }]);
    expect((await s.admin('PATCH', `/users/${userId}/associations/Google/${subject}`, { locked: false })).body.locked).toBe(false);
    const actions = (await auditLog(s)).filter((e) => e.target === userId).map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['association.unlock', 'association.lock']);
  });

  it('fails that IdP’s login once its identity is locked, while the local account stays usable', async () => {
    // A local user whom Google associates by verified email (the demo's Google: associateLocalUser).
    const username = unique('erin');
    const email = `${username}@thrift.example`;
    const user = await createUser({ username, password: 'erin-password', claims: { [EMAIL]: email } });
    const subject = unique('g-erin-');
    const first = await googleLogin(s, subject, { email, email_verified: true });
    expect(first.body.status, JSON.stringify(first.body)).toBe('success');
    expect((await s.admin('GET', `/users/${user.id}/associations`)).body.associations).toEqual([{ idp: 'Google', subject, locked: false }]);

    await s.admin('PATCH', `/users/${user.id}/associations/Google/${subject}`, { locked: true });
    const refused = await googleLogin(s, subject, { email, email_verified: true });
    expect(refused.body).toMatchObject({ status: 'fail', result: { error: { code: 'ACCOUNT_LOCKED' } } });

    expect((await s.admin('GET', `/users/${user.id}`)).body.locked).toBe(false);
    const local = await s.flow('POST', '/flows', { application: s.demo.applicationId });
    const step1 = await s.flow('POST', `/flows/${local.body.id}/interactions`, {
      kind: 'step',
      step: 1,
      idp: 'LOCAL',
      authenticator: 'BasicAuthenticator',
      credentials: { username, password: 'erin-password' },
    });
    // The local password passes step 1; the demo's script asks local sign-ins for TOTP next.
    expect(step1.body).toMatchObject({ status: 'waiting', waiting: { kind: 'step', step: 2 } });
  });

  it('answers 404 for an identity the user does not have, and changes nothing', async () => {
    const user = await createUser();
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/users/${user.id}/associations/Google/nobody`, { locked: true }), 404, 'NOT_FOUND', 'Google/nobody');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a lock that is not a boolean, naming body.locked', async () => {
    const subject = unique('g-bad-');
    const userId = await provisionThroughGoogle(s, subject, `${unique('bad')}@gmail.example`);
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/users/${userId}/associations/Google/${subject}`, { locked: 'yes' }), 400, 'INVALID_REQUEST', 'body.locked');
    expect(await adminState(s)).toEqual(before);
  });
});
