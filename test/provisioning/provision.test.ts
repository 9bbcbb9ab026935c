import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectionSchema, type ConnectionInput } from '../../src/provisioning/connection.js';
import { federatedUniqueId, provision, type ProvisionRequest } from '../../src/provisioning/provision.js';
import { UserStoreSchema } from '../../src/provisioning/user-stores.js';
import { MemoryStore } from '../../src/store/memory-store.js';

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
});

const request = (connection: ConnectionInput, extra: Partial<ProvisionRequest> = {}): ProvisionRequest => ({
  tenant: 't',
  tenantDomain: 'carbon.super',
  connection: ConnectionSchema.parse(connection),
  subject: 'g-123',
  claims: { email: 'bob@example.com', email_verified: true, groups: ['gh-admins', 'devs'] },
  ...extra,
});

const GOOGLE = { name: 'Google', claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, userIdClaim: 'email', roleMappings: { 'gh-admins': 'admin' } };

async function localUser(username: string, claims: Record<string, string> = {}, state: { locked?: boolean; disabled?: boolean } = {}) {
  return store.createUser('t', { username, userStoreDomain: 'PRIMARY', passwordHash: null, roles: [], groups: [], claims, totpSecret: null, locked: state.locked ?? false, disabled: state.disabled ?? false, provisionedBy: null });
}

describe('JIT provisioning', () => {
  it('creates a user named by the user id claim, with mapped claims and roles, and associates it', async () => {
    const r = await provision(request(GOOGLE), store);
    expect(r).toMatchObject({ kind: 'local', action: 'created', user: { username: 'bob@example.com', userStoreDomain: 'PRIMARY', roles: ['admin'], claims: { 'http://wso2.org/claims/emailaddress': 'bob@example.com' }, provisionedBy: 'Google' } });
    expect(await store.getAssociation('t', 'Google', 'g-123')).toMatchObject({ userId: r.kind === 'local' ? r.user.id : '' });
  });

  it('never lets an IdP write the server’s identity claims (failed logins, lock state), mapped or raw', async () => {
    const lockout = 'http://wso2.org/claims/identity/failedLoginAttempts';
    const mapped = await provision(request({ ...GOOGLE, claimMappings: { ...GOOGLE.claimMappings, attempts: lockout } }, { claims: { email: 'bob@example.com', email_verified: true, attempts: '0' } }), store);
    expect(mapped.kind === 'local' ? mapped.user.claims : null).toEqual({ 'http://wso2.org/claims/emailaddress': 'bob@example.com' });
    const raw = await provision(request({ name: 'Okta', userIdClaim: 'email' }, { subject: 'o-1', claims: { email: 'eve@example.com', [lockout]: '0' } }), store);
    expect(raw.kind === 'local' ? Object.keys(raw.user.claims) : null).toEqual(['email']);
  });

  it('uses the association on a later login and provisions nothing new', async () => {
    await provision(request(GOOGLE), store);
    expect(await provision(request(GOOGLE), store)).toMatchObject({ kind: 'local', action: null });
  });

  it('passes the federated user through when JIT is disabled', async () => {
    const r = await provision(request({ name: 'GitHub', jit: { enabled: false } }), store);
    expect(r).toMatchObject({ kind: 'passthrough', snapshot: { username: 'g-123', federated: true, idp: 'GitHub', userStoreDomain: null, roles: [], groups: ['gh-admins', 'devs'] } });
  });

  it('uses an associated local user even when JIT is disabled', async () => {
    const alice = await localUser('alice');
    await store.associate({ tenant: 't', idp: 'GitHub', subject: 'g-123', userId: alice.id });
    expect(await provision(request({ name: 'GitHub', jit: { enabled: false } }), store)).toMatchObject({ kind: 'local', user: { username: 'alice' }, action: null });
  });

  it('refuses a locked or disabled associated account', async () => {
    const locked = await localUser('locked', {}, { locked: true });
    await store.associate({ tenant: 't', idp: 'Google', subject: 'g-123', userId: locked.id });
    expect(await provision(request(GOOGLE), store)).toMatchObject({ kind: 'refused', code: 'ACCOUNT_LOCKED' });
    const disabled = await localUser('disabled', {}, { disabled: true });
    await store.associate({ tenant: 't', idp: 'Google', subject: 'g-9', userId: disabled.id });
    expect(await provision(request(GOOGLE, { subject: 'g-9' }), store)).toMatchObject({ kind: 'refused', code: 'ACCOUNT_DISABLED' });
  });

  it('associates with the one local user whose email matches a verified email', async () => {
    await localUser('bob', { 'http://wso2.org/claims/emailaddress': 'bob@example.com' });
    const r = await provision(request({ ...GOOGLE, jit: { associateLocalUser: true } }), store);
    expect(r).toMatchObject({ kind: 'local', action: 'associated', user: { username: 'bob' } });
  });

  it('never associates on an unverified email', async () => {
    await localUser('bob', { 'http://wso2.org/claims/emailaddress': 'bob@example.com' });
    const r = await provision(request({ ...GOOGLE, jit: { associateLocalUser: true } }, { claims: { email: 'bob@example.com' } }), store);
    expect(r).toMatchObject({ kind: 'local', action: 'created', user: { username: 'bob@example.com' } });
  });

  it('does not associate when two local users match', async () => {
    await localUser('bob1', { 'http://wso2.org/claims/emailaddress': 'bob@example.com' });
    await localUser('bob2', { 'http://wso2.org/claims/emailaddress': 'bob@example.com' });
    expect(await provision(request({ ...GOOGLE, jit: { associateLocalUser: true } }), store)).toMatchObject({ kind: 'local', action: 'created' });
  });

  it('never takes over an unrelated local user with the same name', async () => {
    await localUser('bob@example.com');
    expect(await provision(request(GOOGLE), store)).toMatchObject({ kind: 'refused', code: 'PROVISIONING_CONFLICT' });
  });

  it('creates one user when two first logins of the same federated user race', async () => {
    const [a, b] = await Promise.all([provision(request(GOOGLE), store), provision(request(GOOGLE), store)]);
    const ids = [a, b].map((r) => (r.kind === 'local' ? r.user.id : r.kind));
    expect(ids[0]).toBe(ids[1]);
    expect((await store.findUsersByClaim('t', 'http://wso2.org/claims/emailaddress', 'bob@example.com')).length).toBe(1);
  });

  it('asks for consent first with a prompt scheme, and refuses without it', async () => {
    const conn = { ...GOOGLE, jit: { scheme: 'prompt-consent' as const } };
    expect(await provision(request(conn), store)).toEqual({ kind: 'prompt', needs: { consent: true, username: false, password: false }, suggestedUsername: 'bob@example.com' });
    expect(await provision(request(conn, { answers: { consent: false } }), store)).toMatchObject({ kind: 'refused', code: 'PROVISIONING_DENIED' });
    expect(await provision(request(conn, { answers: { consent: true } }), store)).toMatchObject({ kind: 'local', action: 'created' });
  });

  it('takes the user store from the chosen username with AS_IN_USERNAME', async () => {
    const conn = { ...GOOGLE, jit: { scheme: 'prompt-username-password-consent' as const, userStore: 'AS_IN_USERNAME' } };
    const r = await provision(request(conn, { answers: { consent: true, username: 'EMPLOYEES/bob', password: 'pw-123' }, userStores: [UserStoreSchema.parse({ name: 'EMPLOYEES' })] }), store);
    expect(r).toMatchObject({ kind: 'local', user: { username: 'bob', userStoreDomain: 'EMPLOYEES' } });
    expect(r.kind === 'local' && r.user.passwordHash).toMatch(/^scrypt\$/);
  });

  it('refuses a username that breaks the user store policy, creating nothing', async () => {
    const stores = [UserStoreSchema.parse({ name: 'PRIMARY', usernamePattern: '^[a-z]{3,8}$' })];
    const r = await provision(request(GOOGLE, { userStores: stores }), store);
    expect(r).toEqual({ kind: 'refused', code: 'USER_STORE_POLICY', message: 'the username "bob@example.com" does not match the usernamePattern of user store PRIMARY (^[a-z]{3,8}$)' });
    expect(await store.getUser('t', 'PRIMARY', 'bob@example.com')).toBeNull();
  });

  it('refuses a mapped role that breaks the role-name policy', async () => {
    const stores = [UserStoreSchema.parse({ name: 'PRIMARY', roleNamePattern: '^role-' })];
    expect(await provision(request(GOOGLE, { userStores: stores }), store)).toMatchObject({ kind: 'refused', code: 'USER_STORE_POLICY', message: expect.stringContaining('"admin"') });
  });

  it('names users by the federated unique id in enhanced mode', async () => {
    const r = await provision(request({ ...GOOGLE, jit: { enhanced: true } }), store);
    expect(r).toMatchObject({ kind: 'local', user: { username: federatedUniqueId('Google', 'g-123') } });
    expect(federatedUniqueId('Google', 'g-123')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('overrides, preserves or leaves local attributes on a later login as configured', async () => {
    const claimsAfter = async (sync: 'override' | 'preserve-local' | 'none') => {
      store = new MemoryStore();
      const first = await provision(request({ ...GOOGLE, jit: { attributeSync: sync } }), store);
      if (first.kind !== 'local') throw new Error('not provisioned');
      await store.updateUser('t', first.user.id, { claims: { 'http://wso2.org/claims/emailaddress': 'local@example.com' } });
      const later = await provision(request({ ...GOOGLE, jit: { attributeSync: sync } }, { claims: { email: 'new@example.com' } }), store);
      return later.kind === 'local' ? later.user.claims['http://wso2.org/claims/emailaddress'] : later.kind;
    };
    expect(await claimsAfter('override')).toBe('new@example.com');
    expect(await claimsAfter('preserve-local')).toBe('local@example.com');
    expect(await claimsAfter('none')).toBe('local@example.com');
  });
});
