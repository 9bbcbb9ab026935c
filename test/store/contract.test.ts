/**
 * The Store contract: one suite, run against the in-memory store (the reference) and the SQL
 * stores on SQLite and PostgreSQL. A test that cannot apply to memory (corrupted rows, what the
 * database refuses to write) is marked so and runs on the SQL stores only.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { MIGRATION_NAMES } from '../../src/store/sql/migrations/index.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CorruptRowError } from '../../src/store/sql/rows.js';
import { InvalidRecordError, SqlStore } from '../../src/store/sql/sql-store.js';
import {
  ConcurrentUpdateError,
  DuplicateUserError,
  FlowRecordSchema,
  type FlowRecord,
  type LocalUser,
  type NewLocalUser,
  type Store,
  type UserSession,
} from '../../src/store/types.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from './_databases.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const EMAIL = 'http://wso2.org/claims/emailaddress';

function newUser(overrides: Partial<NewLocalUser> = {}): NewLocalUser {
  return {
    username: 'alice',
    userStoreDomain: 'PRIMARY',
    passwordHash: '$scrypt$hash',
    roles: ['admin', 'Internal/everyone'],
    groups: ['managers'],
    claims: { [EMAIL]: 'alice@example.com', 'http://wso2.org/claims/givenname': 'Alice' },
    totpSecret: null,
    locked: false,
    disabled: false,
    provisionedBy: null,
    ...overrides,
  };
}

function newSession(overrides: Partial<UserSession> = {}): UserSession {
  return {
    id: randomUUID().replaceAll('-', ''),
    tenant: 't1',
    userId: 'u1',
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    loginTime: T0,
    lastAccessTime: T0 + 5000,
    createdTime: T0,
    applications: [{ subject: 'alice', appName: 'Thrift', appId: 'app-1' }],
    authenticated: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }],
    ...overrides,
  };
}

/** A flow as the engine leaves it waiting for step 2, with something in every field. */
function newFlow(overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    ...FlowRecordSchema.parse({
      id: randomUUID(),
      tenant: 't1',
      revision: 0,
      scriptVersion: 'v3',
      scriptSource: 'var onLoginRequest = function (context) {\n  executeStep(1);\n  executeStep(2);\n};\n',
      libraries: { 'risk.js': 'module.exports = { score: function () { return 1; } };' },
      application: {
        name: 'Thrift',
        steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }],
      },
      request: { ip: '203.0.113.9', headers: { 'user-agent': 'Mozilla/5.0' }, params: { zeta: ['1'], alpha: ['2', '3'] }, cookies: { lang: { value: 'en' } } },
      journal: [
        { kind: 'started', at: T0, seed: 7 },
        { kind: 'step', at: T0 + 1000, step: 1, outcome: 'success', idp: 'LOCAL', authenticator: 'BasicAuthenticator', subject: { username: 'alice', roles: ['admin'], localClaims: { [EMAIL]: 'alice@example.com' } } },
        { kind: 'read', at: T0 + 1001, call: 'getRolesOfUser', args: { username: 'alice', userStoreDomain: null, tenantDomain: 'carbon.super' }, result: ['admin'] },
      ],
      appliedCommands: [{ kind: 'setRuntimeClaim', claim: 'risk', value: 'low' }],
      logs: [{ level: 'info', message: 'step 1 done' }],
      emittedLogs: 1,
      usedScriptMs: 3.25,
      connections: [{ name: 'Google', claimMappings: { email: EMAIL } }],
      status: 'waiting',
      waiting: { kind: 'step', step: 2, options: [{ idp: 'LOCAL', authenticator: 'totp' }], authenticatorParams: { local: { enrol: true } }, stepOptions: { forceAuth: false, skipPrompt: false } },
      pendingFederated: null,
      provisioned: [{ username: 'bob', userStoreDomain: 'PRIMARY', idp: 'Google', action: 'created' }],
      effects: [{ kind: 'totpEnrolled', username: 'alice', userStoreDomain: 'PRIMARY' }],
      result: null,
      createdAt: T0,
      updatedAt: T0 + 1001,
    }),
    ...overrides,
  };
}

/** The next revision of a flow, as the engine saves it. */
function next(flow: FlowRecord, change: Partial<FlowRecord> = {}): FlowRecord {
  return { ...structuredClone(flow), ...change, revision: flow.revision + 1 };
}

const job = (overrides: Partial<{ tenant: string; flowId: string; subject: string; claims: Record<string, never> }> = {}) => ({
  tenant: 't1',
  flowId: 'f1',
  idp: 'Google',
  subject: 'google-1',
  claims: { email: 'bob@example.com', email_verified: true, groups: ['a', 'b'], nested: { n: 1 } },
  createdAt: T0,
  ...overrides,
});

for (const dialect of DIALECTS) {
  describe(`Store contract: ${dialect}`, () => {
    let db: TestDatabase;
    let store: Store;
    let first: Store;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      first = await db.open();
    });
    afterAll(async () => {
      await db?.drop();
    });
    beforeEach(async () => {
      await db.clear();
      store = await db.open();
    });

    describe('users', () => {
      it('creates a user with an id and its tenant, found by name and by id', async () => {
        const created = await store.createUser('t1', newUser());
        expect(created).toEqual({ ...newUser(), id: expect.any(String), tenant: 't1' });
        expect(await store.getUser('t1', 'PRIMARY', 'alice')).toEqual(created);
        expect(await store.getUserById('t1', created.id)).toEqual(created);
      });

      it('matches the user store case-insensitively and the username exactly, and keeps the store as given', async () => {
        const created = await store.createUser('t1', newUser({ userStoreDomain: 'Partners', username: 'Alice' }));
        expect(await store.getUser('t1', 'PARTNERS', 'Alice')).toEqual(created);
        expect(await store.getUser('t1', 'partners', 'Alice')).toEqual(created);
        expect((await store.getUser('t1', 'PARTNERS', 'Alice'))?.userStoreDomain).toBe('Partners');
        expect(await store.getUser('t1', 'PARTNERS', 'alice')).toBeNull();
        expect(await store.getUser('t1', 'PRIMARY', 'Alice')).toBeNull();
      });

      it('updates a user only while the expected fields hold what was read (compare-and-set)', async () => {
        const u = await store.createUser('t1', newUser({ claims: { a: '1' }, totpSecret: 'd1' }));
        expect(await store.updateUserIf('t1', u.id, { claims: { a: '1' }, totpSecret: 'd1', locked: false }, { claims: { a: '2' }, totpSecret: 'd2' })).toMatchObject({ claims: { a: '2' }, totpSecret: 'd2' });
        expect(await store.updateUserIf('t1', u.id, { claims: { a: '1' } }, { locked: true })).toBeNull();
        expect(await store.updateUserIf('t1', u.id, { totpSecret: 'd1' }, { locked: true })).toBeNull();
        expect(await store.updateUserIf('t2', u.id, { totpSecret: 'd2' }, { locked: true })).toBeNull();
        expect((await store.getUserById('t1', u.id))?.locked).toBe(false);
        const cleared = await store.updateUserIf('t1', u.id, { totpSecret: 'd2' }, { totpSecret: null });
        expect(cleared?.totpSecret).toBeNull();
        expect(await store.updateUserIf('t1', u.id, { totpSecret: null }, { totpSecret: 'd3' })).toMatchObject({ totpSecret: 'd3' });
      });

      it('lets one of two concurrent compare-and-sets of the same value win', async () => {
        const u = await store.createUser('t1', newUser({ totpSecret: 'd1' }));
        const results = await Promise.all([store.updateUserIf('t1', u.id, { totpSecret: 'd1' }, { totpSecret: 'a' }), store.updateUserIf('t1', u.id, { totpSecret: 'd1' }, { totpSecret: 'b' })]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });

      it('creates a user with its federated association in one write', async () => {
        const created = await store.createUser('t1', newUser({ provisionedBy: 'Google' }), { idp: 'Google', subject: 'g-1' });
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toEqual({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: created.id, locked: false });
      });

      it('writes no association when the user exists already', async () => {
        await store.createUser('t1', newUser());
        await expect(store.createUser('t1', newUser(), { idp: 'Google', subject: 'g-1' })).rejects.toBeInstanceOf(DuplicateUserError);
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toBeNull();
      });

      it('keeps tenants apart', async () => {
        const created = await store.createUser('t1', newUser());
        expect(await store.getUser('t2', 'PRIMARY', 'alice')).toBeNull();
        expect(await store.getUserById('t2', created.id)).toBeNull();
        expect(await store.findUsersByClaim('t2', EMAIL, 'alice@example.com')).toEqual([]);
        const other = await store.createUser('t2', newUser());
        expect(other.id).not.toBe(created.id);
      });

      it('refuses a second user with the same tenant, store (in any case) and username', async () => {
        const first = await store.createUser('t1', newUser({ userStoreDomain: 'PRIMARY' }));
        await expect(store.createUser('t1', newUser({ userStoreDomain: 'primary', claims: {} }))).rejects.toBeInstanceOf(DuplicateUserError);
        await expect(store.createUser('t1', newUser())).rejects.toThrow(/alice exists/);
        expect(await store.getUser('t1', 'PRIMARY', 'alice')).toEqual(first);
        // The refused user left nothing behind, not even in the claim index.
        expect(await store.findUsersByClaim('t1', EMAIL, 'alice@example.com')).toEqual([first]);
        await expect(store.createUser('t1', newUser({ userStoreDomain: 'PARTNERS' }))).resolves.toMatchObject({ userStoreDomain: 'PARTNERS' });
        await expect(store.createUser('t1', newUser({ username: 'ALICE' }))).resolves.toMatchObject({ username: 'ALICE' });
      });

      it('refuses one of two users created at once under the same name', async () => {
        const other = await db.open();
        const results = await Promise.allSettled([store.createUser('t1', newUser()), other.createUser('t1', newUser())]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected');
        expect(rejected?.reason).toBeInstanceOf(DuplicateUserError);
      });

      it('copies users in and out', async () => {
        const input = newUser();
        const created = await store.createUser('t1', input);
        input.roles.push('injected');
        input.claims['x'] = 'y';
        created.roles.push('injected');
        created.groups.length = 0;
        const read = await store.getUser('t1', 'PRIMARY', 'alice');
        expect(read).toEqual({ ...newUser(), id: created.id, tenant: 't1' });
        read!.claims[EMAIL] = 'mallory@example.com';
        expect((await store.getUserById('t1', created.id))?.claims[EMAIL]).toBe('alice@example.com');
        expect(await store.findUsersByClaim('t1', EMAIL, 'mallory@example.com')).toEqual([]);
      });

      it('updates each patchable field and returns the updated user', async () => {
        const { id } = await store.createUser('t1', newUser());
        const patch = {
          claims: { [EMAIL]: 'alice@new.example' },
          roles: ['auditor'],
          groups: [],
          locked: true,
          disabled: true,
          totpSecret: 'JBSWY3DPEHPK3PXP',
          passwordHash: '$scrypt$other',
        };
        const updated = await store.updateUser('t1', id, patch);
        expect(updated).toEqual({ ...newUser(), ...patch, id, tenant: 't1' });
        expect(await store.getUserById('t1', id)).toEqual(updated);
        const cleared = await store.updateUser('t1', id, { totpSecret: null, passwordHash: null, locked: false });
        expect(cleared).toMatchObject({ totpSecret: null, passwordHash: null, locked: false, disabled: true, roles: ['auditor'] });
      });

      it('leaves fields out of the patch as they are, and an empty patch changes nothing', async () => {
        const created = await store.createUser('t1', newUser());
        expect(await store.updateUser('t1', created.id, { roles: ['x'] })).toEqual({ ...created, roles: ['x'] });
        expect(await store.updateUser('t1', created.id, {})).toEqual({ ...created, roles: ['x'] });
      });

      it('refuses to update a user that does not exist or is another tenant’s', async () => {
        const { id } = await store.createUser('t1', newUser());
        await expect(store.updateUser('t1', 'nobody', { locked: true })).rejects.toThrow(/no user nobody in tenant t1/);
        await expect(store.updateUser('t2', id, { locked: true })).rejects.toThrow(/no user/);
        await expect(store.updateUser('t2', id, {})).rejects.toThrow(/no user/);
        expect((await store.getUserById('t1', id))?.locked).toBe(false);
      });

      it('finds users by an exact claim value, oldest first', async () => {
        const a = await store.createUser('t1', newUser({ username: 'a', claims: { [EMAIL]: 'shared@example.com' } }));
        await store.createUser('t1', newUser({ username: 'b', claims: { [EMAIL]: 'other@example.com' } }));
        const c = await store.createUser('t1', newUser({ username: 'c', claims: { [EMAIL]: 'shared@example.com', nick: 'c' } }));
        expect(await store.findUsersByClaim('t1', EMAIL, 'shared@example.com')).toEqual([a, c]);
        expect(await store.findUsersByClaim('t1', EMAIL, 'SHARED@example.com')).toEqual([]);
        expect(await store.findUsersByClaim('t1', EMAIL, 'shared@example')).toEqual([]);
        expect(await store.findUsersByClaim('t1', 'nick', 'shared@example.com')).toEqual([]);
        expect(await store.findUsersByClaim('t1', 'unknown', '')).toEqual([]);
      });

      it('finds users by their claims as updated, not as created', async () => {
        const { id } = await store.createUser('t1', newUser());
        await store.updateUser('t1', id, { claims: { [EMAIL]: 'alice@new.example', mobile: '+33600000000' } });
        expect(await store.findUsersByClaim('t1', EMAIL, 'alice@example.com')).toEqual([]);
        expect((await store.findUsersByClaim('t1', EMAIL, 'alice@new.example')).map((u) => u.id)).toEqual([id]);
        expect((await store.findUsersByClaim('t1', 'mobile', '+33600000000')).map((u) => u.id)).toEqual([id]);
        await store.updateUser('t1', id, { roles: ['other'] });
        expect((await store.findUsersByClaim('t1', 'mobile', '+33600000000')).map((u) => u.id)).toEqual([id]);
      });

      it('finds users by odd claim names and long values', async () => {
        const long = 'x'.repeat(20_000);
        const odd = 'a "quoted" \'claim\' $.path[0] with/slashes and ünïcödé';
        const { id } = await store.createUser('t1', newUser({ claims: { [odd]: 'v', long, empty: '' } }));
        expect((await store.findUsersByClaim('t1', odd, 'v')).map((u) => u.id)).toEqual([id]);
        expect((await store.findUsersByClaim('t1', 'long', long)).map((u) => u.id)).toEqual([id]);
        expect((await store.findUsersByClaim('t1', 'empty', '')).map((u) => u.id)).toEqual([id]);
        expect(await store.findUsersByClaim('t1', 'long', long.slice(1))).toEqual([]);
      });

      it('offers getUserSync exactly where a read needs no I/O (memory, SQLite), with getUser’s answers', async () => {
        const created = await store.createUser('t1', newUser({ userStoreDomain: 'Partners' }));
        if (dialect === 'postgres') {
          expect(store.getUserSync).toBeUndefined();
          return;
        }
        expect(store.getUserSync).toBeTypeOf('function');
        expect(store.getUserSync!('t1', 'PARTNERS', 'alice')).toEqual(created);
        expect(store.getUserSync!('t1', 'PARTNERS', 'bob')).toBeNull();
        expect(store.getUserSync!('t2', 'PARTNERS', 'alice')).toBeNull();
        const read = store.getUserSync!('t1', 'partners', 'alice')!;
        read.roles.push('injected');
        expect(store.getUserSync!('t1', 'partners', 'alice')).toEqual(created);
        await store.updateUser('t1', created.id, { roles: ['new'] });
        expect(store.getUserSync!('t1', 'PARTNERS', 'alice')?.roles).toEqual(['new']);
      });

      it('round-trips unicode in names, claims, roles and secrets', async () => {
        const user = newUser({
          username: 'zoë.名前.🧑‍💻',
          userStoreDomain: 'ÜBER',
          roles: ['رئيس', 'Internal/👑'],
          groups: ['e\u0301quipe'],
          claims: { 'given\u00a0name': 'Zoë 🦊', quote: '"\\\'<>&', nul: 'a\u0000b', lone: 'x\ud800y', newline: 'a\r\nb' },
          totpSecret: 'ÄÖÜ',
          passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
        });
        const created = await store.createUser('t1', user);
        expect(await store.getUser('t1', 'über'.toUpperCase(), 'zoë.名前.🧑‍💻')).toEqual({ ...user, id: created.id, tenant: 't1' });
        expect((await store.findUsersByClaim('t1', 'lone', 'x\ud800y')).map((u) => u.id)).toEqual([created.id]);
      });
    });

    describe('federated associations', () => {
      it('associates an identity with a user, unlocked unless said otherwise', async () => {
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toBeNull();
        expect(await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' })).toEqual({ created: true });
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toEqual({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1', locked: false });
        await store.associate({ tenant: 't1', idp: 'GitHub', subject: 'g-1', userId: 'u2', locked: true });
        expect(await store.getAssociation('t1', 'GitHub', 'g-1')).toMatchObject({ userId: 'u2', locked: true });
        expect(await store.getAssociation('t2', 'Google', 'g-1')).toBeNull();
        expect(await store.getAssociation('t1', 'google', 'g-1')).toBeNull();
      });

      it('is idempotent: associating the same identity with the same user again changes nothing', async () => {
        await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' });
        await store.setAssociationLocked('t1', 'Google', 'g-1', true);
        expect(await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' })).toEqual({ created: false });
        expect(await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1', locked: false })).toEqual({ created: false });
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toEqual({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1', locked: true });
      });

      it('moves an identity to another user when associated with it', async () => {
        await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1', locked: true });
        expect(await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u2' })).toEqual({ created: true });
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toEqual({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u2', locked: false });
      });

      it('refuses an invalid association', async () => {
        await expect(store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1' } as never)).rejects.toThrow();
        await expect(store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1', extra: 1 } as never)).rejects.toThrow();
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toBeNull();
      });

      it('locks and unlocks a federated identity without touching the local account', async () => {
        const user = await store.createUser('t1', newUser());
        await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: user.id });
        expect(await store.setAssociationLocked('t1', 'Google', 'g-1', true)).toBe(true);
        expect((await store.getAssociation('t1', 'Google', 'g-1'))?.locked).toBe(true);
        expect((await store.getUserById('t1', user.id))?.locked).toBe(false);
        expect(await store.setAssociationLocked('t1', 'Google', 'g-1', true)).toBe(true);
        expect(await store.setAssociationLocked('t1', 'Google', 'g-1', false)).toBe(true);
        expect((await store.getAssociation('t1', 'Google', 'g-1'))?.locked).toBe(false);
        expect(await store.setAssociationLocked('t1', 'Google', 'nobody', true)).toBe(false);
        expect(await store.setAssociationLocked('t2', 'Google', 'g-1', true)).toBe(false);
      });

      it('dissociates once', async () => {
        await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' });
        await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-2', userId: 'u1' });
        expect(await store.dissociate('t2', 'Google', 'g-1')).toBe(false);
        expect(await store.dissociate('t1', 'Google', 'g-1')).toBe(true);
        expect(await store.dissociate('t1', 'Google', 'g-1')).toBe(false);
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toBeNull();
        expect(await store.getAssociation('t1', 'Google', 'g-2')).not.toBeNull();
        expect(await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' })).toEqual({ created: true });
      });

      it('copies associations out', async () => {
        await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' });
        const read = await store.getAssociation('t1', 'Google', 'g-1');
        read!.locked = true;
        read!.userId = 'mallory';
        expect(await store.getAssociation('t1', 'Google', 'g-1')).toMatchObject({ userId: 'u1', locked: false });
      });
    });

    describe('SSO sessions', () => {
      it('stores a session and reads it back in its tenant only', async () => {
        const session = newSession();
        expect(await store.createSession(session)).toEqual(session);
        expect(await store.getSession('t1', session.id)).toEqual(session);
        expect(await store.getSession('t2', session.id)).toBeNull();
        expect(await store.getSession('t1', 'unknown')).toBeNull();
      });

      it('replaces a session stored under the same id', async () => {
        const session = newSession();
        await store.createSession(session);
        const replaced = { ...session, lastAccessTime: T0 + 60_000, ip: null, userAgent: null, applications: [], authenticated: [{ idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] };
        await store.createSession(replaced);
        expect(await store.getSession('t1', session.id)).toEqual(replaced);
        expect(await store.sessionsOfUser('t1', 'u1')).toEqual([replaced]);
      });

      it('lists a user’s sessions oldest first, in creation order on equal times', async () => {
        const late = newSession({ id: 's-late', createdTime: T0 + 10 });
        const early = newSession({ id: 's-early', createdTime: T0 - 10 });
        const tieA = newSession({ id: 's-tie-b', createdTime: T0 });
        const tieB = newSession({ id: 's-tie-a', createdTime: T0 });
        for (const s of [late, tieA, early, tieB]) await store.createSession(s);
        await store.createSession(newSession({ id: 's-other', userId: 'u2' }));
        await store.createSession(newSession({ id: 's-t2', tenant: 't2' }));
        expect((await store.sessionsOfUser('t1', 'u1')).map((s) => s.id)).toEqual(['s-early', 's-tie-b', 's-tie-a', 's-late']);
        // Replacing a session keeps its place.
        await store.createSession({ ...tieA, lastAccessTime: T0 + 99 });
        expect((await store.sessionsOfUser('t1', 'u1')).map((s) => s.id)).toEqual(['s-early', 's-tie-b', 's-tie-a', 's-late']);
        expect(await store.sessionsOfUser('t1', 'nobody')).toEqual([]);
      });

      it('terminates a session only for the user it belongs to', async () => {
        const session = newSession();
        await store.createSession(session);
        expect(await store.terminateSession('t1', 'u2', session.id)).toBe(false);
        expect(await store.terminateSession('t2', 'u1', session.id)).toBe(false);
        expect(await store.getSession('t1', session.id)).toEqual(session);
        expect(await store.terminateSession('t1', 'u1', session.id)).toBe(true);
        expect(await store.terminateSession('t1', 'u1', session.id)).toBe(false);
        expect(await store.getSession('t1', session.id)).toBeNull();
      });

      it('copies sessions in and out', async () => {
        const session = newSession();
        const returned = await store.createSession(session);
        session.applications.push({ subject: 'x', appName: 'x', appId: 'x' });
        returned.authenticated.length = 0;
        const read = await store.getSession('t1', session.id);
        expect(read?.applications).toHaveLength(1);
        expect(read?.authenticated).toHaveLength(1);
        read!.applications.length = 0;
        expect((await store.sessionsOfUser('t1', 'u1'))[0]?.applications).toHaveLength(1);
      });
    });

    describe('flows', () => {
      it('stores a flow and reads it back equal', async () => {
        const flow = newFlow();
        await store.createFlow(flow);
        expect(await store.getFlow(flow.id)).toEqual(flow);
        expect(await store.getFlow('unknown')).toBeNull();
      });

      it('round-trips a flow without libraries, with nulls and a result', async () => {
        const { libraries: _dropped, ...rest } = newFlow();
        const flow: FlowRecord = {
          ...rest,
          status: 'fail',
          waiting: null,
          pendingFederated: { step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: 'g-1', claims: { email: 'a@b', n: 1.5, list: [true, null] }, at: T0 },
          result: { subject: null, error: { code: 'LOGIN_DENIED', message: 'no', line: 3, column: 7 }, redirect: { url: null, params: { a: 'b' } } },
        };
        await store.createFlow(flow);
        const read = await store.getFlow(flow.id);
        expect(read).toEqual(flow);
        expect(read).not.toHaveProperty('libraries');
      });

      it('refuses to create a flow twice', async () => {
        const flow = newFlow();
        await store.createFlow(flow);
        await expect(store.createFlow({ ...flow, scriptVersion: 'other' })).rejects.toBeInstanceOf(ConcurrentUpdateError);
        expect((await store.getFlow(flow.id))?.scriptVersion).toBe('v3');
      });

      it('saves the revision after the stored one', async () => {
        const flow = newFlow();
        await store.createFlow(flow);
        const r1 = next(flow, { journal: [...flow.journal, { kind: 'prompt', at: T0 + 2000, action: 'ok', data: { answer: 42 } }], updatedAt: T0 + 2000 });
        await store.saveFlow(r1);
        expect(await store.getFlow(flow.id)).toEqual(r1);
        const r2 = next(r1, { status: 'success', waiting: null, result: { subject: null, error: null, redirect: null } });
        await store.saveFlow(r2);
        expect(await store.getFlow(flow.id)).toEqual(r2);
      });

      it('refuses a save that is not exactly one revision past the stored one, and keeps the stored flow', async () => {
        const flow = newFlow();
        await store.createFlow(flow);
        await store.saveFlow(next(flow, { scriptVersion: 'first' }));
        const stale = next(flow, { scriptVersion: 'stale' });
        await expect(store.saveFlow(stale)).rejects.toBeInstanceOf(ConcurrentUpdateError);
        await expect(store.saveFlow(stale)).rejects.toThrow(/revision 1, expected 0/);
        await expect(store.saveFlow({ ...flow, revision: 3 })).rejects.toBeInstanceOf(ConcurrentUpdateError);
        await expect(store.saveFlow({ ...flow, revision: 1 })).rejects.toBeInstanceOf(ConcurrentUpdateError);
        await expect(store.saveFlow(newFlow({ revision: 1 }))).rejects.toThrow(/revision none/);
        expect(await store.getFlow(flow.id)).toMatchObject({ revision: 1, scriptVersion: 'first' });
      });

      it('lets exactly one of two racing saves of the same revision win', async () => {
        const other = await db.open();
        const flow = newFlow();
        await store.createFlow(flow);
        for (let round = 0; round < 10; round++) {
          const base = (await store.getFlow(flow.id))!;
          const results = await Promise.allSettled([store.saveFlow(next(base, { scriptVersion: `a${round}` })), other.saveFlow(next(base, { scriptVersion: `b${round}` }))]);
          const won = results.filter((r) => r.status === 'fulfilled');
          expect(won).toHaveLength(1);
          expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(ConcurrentUpdateError);
          const stored = (await other.getFlow(flow.id))!;
          expect(stored.revision).toBe(round + 1);
          expect(stored.scriptVersion).toMatch(new RegExp(`^[ab]${round}$`));
        }
      });

      it('copies flows in and out', async () => {
        const flow = newFlow();
        await store.createFlow(flow);
        flow.journal.push({ kind: 'prompt', at: T0, action: 'x', data: {} });
        flow.request.headers['x-injected'] = '1';
        const read = (await store.getFlow(flow.id))!;
        expect(read.journal).toHaveLength(3);
        expect(read.request.headers).not.toHaveProperty('x-injected');
        read.journal.length = 0;
        read.connections[0]!.name = 'Mallory';
        const again = (await store.getFlow(flow.id))!;
        expect(again.journal).toHaveLength(3);
        expect(again.connections[0]?.name).toBe('Google');
        const saved = next(again);
        await store.saveFlow(saved);
        saved.logs.push({ level: 'error', message: 'after save' });
        expect((await store.getFlow(flow.id))?.logs).toHaveLength(1);
      });

      it('round-trips unicode, odd numbers and key order in JSON', async () => {
        const data = {
          text: 'Zoë 🦊 名前 رئيس e\u0301 \u0000 \ud83d \u2028 "quoted" \\ back',
          zero: 0,
          negative: -1.5e-7,
          big: Number.MAX_SAFE_INTEGER,
          tiny: 5e-324,
          nested: { z: 1, a: [{ y: null, b: false }] },
        };
        const flow = newFlow({
          scriptSource: '// ünïcödé 🧑‍💻\nvar onLoginRequest = function (context) { Log.info("é\\u0000"); };\n',
          request: { ...newFlow().request, params: { zeta: ['1'], alpha: ['2'], 'ключ': ['значение'], '10': ['numeric key'] } },
          journal: [...newFlow().journal, { kind: 'prompt', at: T0 + 5, action: 'ünï', data }],
          logs: [{ level: 'warn', message: 'line1\nline2\t🧑‍💻' }],
          usedScriptMs: 0.1 + 0.2,
        });
        await store.createFlow(flow);
        const read = (await store.getFlow(flow.id))!;
        expect(read).toEqual(flow);
        expect(Object.keys(read.request.params)).toEqual(Object.keys(flow.request.params));
        expect(Object.keys((read.journal[3] as { data: Record<string, unknown> }).data)).toEqual(Object.keys(data));
        expect(read.usedScriptMs).toBe(0.1 + 0.2);
      });

      it('round-trips a big journal', async () => {
        const flow = newFlow();
        const events = Array.from({ length: 20_000 }, (_, i) => ({ kind: 'read' as const, at: T0 + i, call: 'getRolesOfUser', args: { username: `user-${i}`, i }, result: ['admin', `role-${i % 17}`] }));
        const big = { ...flow, journal: [...flow.journal, ...events], logs: Array.from({ length: 2000 }, (_, i) => ({ level: 'info' as const, message: `log ${i} ${'é'.repeat(50)}` })) };
        await store.createFlow(big);
        const read = (await store.getFlow(flow.id))!;
        expect(read.journal).toHaveLength(20_003);
        expect(read).toEqual(big);
        await store.saveFlow(next(read, { journal: [...read.journal, { kind: 'prompt', at: T0, action: 'last', data: {} }] }));
        expect((await store.getFlow(flow.id))?.journal).toHaveLength(20_004);
      });
    });

    describe('email outbox', () => {
      it('queues emails with an id and lists a tenant’s in order', async () => {
        const first = await store.enqueueEmail({ tenant: 't1', flowId: 'f1', to: 'alice@example.com', template: 'otp', placeholders: { code: '123456', name: 'Zoë 🦊' }, createdAt: T0 });
        expect(first).toEqual({ id: expect.any(String), tenant: 't1', flowId: 'f1', to: 'alice@example.com', template: 'otp', placeholders: { code: '123456', name: 'Zoë 🦊' }, createdAt: T0 });
        const second = await store.enqueueEmail({ tenant: 't1', flowId: null, to: 'bob@example.com', template: 'welcome', placeholders: {}, createdAt: T0 - 1 });
        await store.enqueueEmail({ tenant: 't2', flowId: null, to: 'eve@example.com', template: 'welcome', placeholders: {}, createdAt: T0 });
        expect(second.id).not.toBe(first.id);
        expect(await store.emails('t1')).toEqual([first, second]);
        expect(await store.emails('t3')).toEqual([]);
      });

      it('copies emails in and out', async () => {
        const placeholders = { code: '1' };
        const queued = await store.enqueueEmail({ tenant: 't1', flowId: null, to: 'a@b', template: 'otp', placeholders, createdAt: T0 });
        placeholders.code = '2';
        queued.placeholders['code'] = '3';
        const [read] = await store.emails('t1');
        expect(read?.placeholders).toEqual({ code: '1' });
        read!.placeholders['code'] = '4';
        expect((await store.emails('t1'))[0]?.placeholders).toEqual({ code: '1' });
      });
    });

    describe('provisioning queue', () => {
      it('queues jobs, claims them in order up to a limit, then the rest', async () => {
        const a = await store.enqueueProvisioning(job({ subject: 'a' }));
        expect(a).toEqual({ ...job({ subject: 'a' }), id: expect.any(String), status: 'queued', outcome: null });
        const b = await store.enqueueProvisioning(job({ subject: 'b', tenant: 't2' }));
        const c = await store.enqueueProvisioning(job({ subject: 'c' }));
        expect(await store.claimProvisioningJobs(0)).toEqual([]);
        expect(await store.claimProvisioningJobs(2)).toEqual([
          { ...a, status: 'running' },
          { ...b, status: 'running' },
        ]);
        expect(await store.claimProvisioningJobs(10)).toEqual([{ ...c, status: 'running' }]);
        expect(await store.claimProvisioningJobs(10)).toEqual([]);
      });

      it('claims a running job again once its claim is older than the lease (its claimer died)', async () => {
        const a = await store.enqueueProvisioning(job({ subject: 'a' }));
        const T = 1_800_000_000_000;
        expect((await store.claimProvisioningJobs(10, { now: T, leaseMs: 1000 })).map((j) => j.id)).toEqual([a.id]);
        expect(await store.claimProvisioningJobs(10, { now: T + 1000, leaseMs: 1000 })).toEqual([]);
        expect((await store.claimProvisioningJobs(10, { now: T + 1001, leaseMs: 1000 })).map((j) => j.id)).toEqual([a.id]);
        await store.finishProvisioningJob(a.id, 'done', 'created PRIMARY/a');
        expect(await store.claimProvisioningJobs(10, { now: T + 1_000_000, leaseMs: 1000 })).toEqual([]);
      });

      it('records how each job finished and lists a tenant’s jobs', async () => {
        const a = await store.enqueueProvisioning(job({ subject: 'a' }));
        const b = await store.enqueueProvisioning(job({ subject: 'b' }));
        const c = await store.enqueueProvisioning(job({ subject: 'c' }));
        await store.enqueueProvisioning(job({ subject: 'd', tenant: 't2' }));
        await store.claimProvisioningJobs(2);
        await store.finishProvisioningJob(a.id, 'done', 'created PRIMARY/bob');
        await store.finishProvisioningJob(b.id, 'failed', 'PROVISIONING_CONFLICT: exists');
        expect(await store.provisioningJobs('t1')).toEqual([
          { ...a, status: 'done', outcome: 'created PRIMARY/bob' },
          { ...b, status: 'failed', outcome: 'PROVISIONING_CONFLICT: exists' },
          c,
        ]);
        expect((await store.provisioningJobs('t2')).map((j) => j.subject)).toEqual(['d']);
        // A finished job is never claimed again.
        expect((await store.claimProvisioningJobs(10)).map((j) => j.subject)).toEqual(['c', 'd']);
      });

      it('refuses to finish a job it does not know', async () => {
        await expect(store.finishProvisioningJob('nope', 'done', 'x')).rejects.toThrow(/no provisioning job nope/);
      });

      it('claims each job exactly once when claims race', async () => {
        const other = await db.open();
        const queued = [];
        for (let i = 0; i < 60; i++) queued.push(await store.enqueueProvisioning(job({ subject: `s${i}` })));
        const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).claimProvisioningJobs(4)));
        const drained = await other.claimProvisioningJobs(100);
        const ids = [...claims.flat(), ...drained].map((j) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.sort()).toEqual(queued.map((j) => j.id).sort());
        for (const claim of claims) expect(claim.every((j) => j.status === 'running')).toBe(true);
      });

      it('copies jobs in and out', async () => {
        const input = job();
        const queued = await store.enqueueProvisioning(input);
        (input.claims as Record<string, unknown>)['email'] = 'mallory@example.com';
        (queued.claims as Record<string, unknown>)['email'] = 'eve@example.com';
        const [claimed] = await store.claimProvisioningJobs(1);
        expect(claimed?.claims['email']).toBe('bob@example.com');
        (claimed!.claims as Record<string, unknown>)['email'] = 'x';
        expect((await store.provisioningJobs('t1'))[0]?.claims).toEqual(job().claims);
      });
    });

    if (dialect !== 'memory') {
      describe('rows the store did not write', () => {
        const raw = () => db.raw!;

        it('a user row whose claims are not JSON is an error naming the row and the column', async () => {
          const { id } = await store.createUser('t1', newUser());
          await sql`update users set claims = ${'{"broken'} where id = ${id}`.execute(raw());
          const error = await store.getUserById('t1', id).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(CorruptRowError);
          expect((error as Error).message).toBe(`corrupt row in users (id ${id}): column claims is not valid JSON (8 characters)`);
          await expect(store.getUser('t1', 'PRIMARY', 'alice')).rejects.toThrow(CorruptRowError);
          await expect(store.findUsersByClaim('t1', EMAIL, 'alice@example.com')).rejects.toThrow(`users (id ${id})`);
          if (store.getUserSync !== undefined) expect(() => store.getUserSync!('t1', 'PRIMARY', 'alice')).toThrow(CorruptRowError);
        });

        it('a user row of the wrong shape is an error naming the field', async () => {
          const { id } = await store.createUser('t1', newUser());
          await sql`update users set roles = ${'{"admin": true}'}, locked = ${1} where id = ${id}`.execute(raw());
          await expect(store.getUserById('t1', id)).rejects.toThrow(new RegExp(`^corrupt row in users \\(id ${id}\\): roles: `));
          await sql`update users set roles = ${'[]'}, claims = ${'{"n": 5}'} where id = ${id}`.execute(raw());
          await expect(store.getUserById('t1', id)).rejects.toThrow(/claims\.n: /);
        });

        it('a flow row with an invalid journal is an error naming the flow and the event', async () => {
          const flow = newFlow();
          await store.createFlow(flow);
          const journal = JSON.stringify([...flow.journal, { kind: 'teleport', at: T0 }]);
          await sql`update flows set journal = ${journal} where id = ${flow.id}`.execute(raw());
          const error = await store.getFlow(flow.id).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(CorruptRowError);
          expect(error).toMatchObject({ table: 'flows', row: `id ${flow.id}` });
          expect((error as Error).message).toMatch(new RegExp(`^corrupt row in flows \\(id ${flow.id}\\): journal\\.3`));
          await sql`update flows set journal = ${'not json at all'} where id = ${flow.id}`.execute(raw());
          await expect(store.getFlow(flow.id)).rejects.toThrow(`corrupt row in flows (id ${flow.id}): column journal is not valid JSON`);
        });

        it('an unknown status or flag value is an error, never a guess', async () => {
          const flow = newFlow();
          await store.createFlow(flow);
          await sql`update flows set status = ${'paused'} where id = ${flow.id}`.execute(raw());
          await expect(store.getFlow(flow.id)).rejects.toThrow(/status: /);
          await store.enqueueProvisioning(job());
          await sql`update provisioning_jobs set status = ${'lost'}`.execute(raw());
          await expect(store.provisioningJobs('t1')).rejects.toThrow(/^corrupt row in provisioning_jobs \(id [-0-9a-f]+\): status: /);
          await store.enqueueEmail({ tenant: 't1', flowId: null, to: 'a@b', template: 'x', placeholders: {}, createdAt: T0 });
          await sql`update emails set placeholders = ${'[1]'}`.execute(raw());
          await expect(store.emails('t1')).rejects.toThrow(/^corrupt row in emails \(id [-0-9a-f]+\): placeholders: /);
          await store.createSession(newSession({ id: 's1' }));
          await sql`update sessions set authenticated = ${'[{"idp": 1}]'}`.execute(raw());
          await expect(store.getSession('t1', 's1')).rejects.toThrow(/^corrupt row in sessions \(tenant t1, id s1\): authenticated\.0\./);
        });

        it('the database refuses a flag that is neither 0 nor 1', async () => {
          await store.associate({ tenant: 't1', idp: 'Google', subject: 'g-1', userId: 'u1' });
          await expect(sql`update associations set locked = ${2}`.execute(raw())).rejects.toThrow();
          expect((await store.getAssociation('t1', 'Google', 'g-1'))?.locked).toBe(false);
        });

        it('refuses to write a record it could not read back, and writes nothing', async () => {
          await expect(store.createUser('t1', newUser({ claims: { n: 5 as unknown as string } }))).rejects.toThrow(InvalidRecordError);
          expect(await store.getUser('t1', 'PRIMARY', 'alice')).toBeNull();
          const { id } = await store.createUser('t1', newUser());
          await expect(store.updateUser('t1', id, { roles: 'admin' as unknown as string[] })).rejects.toThrow(/refusing to store a patch of user .*: roles: /);
          const flow = newFlow({ journal: [{ kind: 'teleport' } as never] });
          await expect(store.createFlow(flow)).rejects.toThrow(`refusing to store flow ${flow.id}: journal.0`);
          expect(await store.getFlow(flow.id)).toBeNull();
          const good = newFlow();
          await store.createFlow(good);
          await expect(store.saveFlow(next(good, { status: 'paused' as never }))).rejects.toThrow(InvalidRecordError);
          expect((await store.getFlow(good.id))?.revision).toBe(0);
        });

        it('refuses text it could not store as given (NUL, a lone surrogate) instead of mangling it', async () => {
          await expect(store.createUser('t1', newUser({ username: 'a\u0000b' }))).rejects.toThrow(/refusing to store user PRIMARY\/a.b: username holds a NUL character or a lone UTF-16 surrogate/);
          await expect(store.createUser('t1', newUser({ username: 'a\ud800' }))).rejects.toThrow(InvalidRecordError);
          await expect(store.createFlow(newFlow({ scriptSource: '// \udc00' }))).rejects.toThrow(/script_source holds/);
          await expect(store.associate({ tenant: 't1', idp: 'Google', subject: '\u0000', userId: 'u1' })).rejects.toThrow(InvalidRecordError);
          // In JSON values they are escaped, and round-trip (see the unicode tests); a well-formed pair is fine anywhere.
          const created = await store.createUser('t1', newUser({ username: '\ud83e\udd8a' }));
          expect(await store.getUser('t1', 'PRIMARY', '🦊')).toEqual(created);
        });
      });

      describe('opening', () => {
        it('ran each migration once, reporting it; a second open finds the database up to date', async () => {
          expect((first as SqlStore).migrations).toEqual(MIGRATION_NAMES.map((migrationName) => ({ migrationName, direction: 'Up', status: 'Success' })));
          const again = (await db.open()) as SqlStore;
          expect(again.migrations).toEqual([]);
          const ran = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db.raw!);
          expect(ran.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
        });

        it('shares one database between instances', async () => {
          const other = await db.open();
          const user = await store.createUser('t1', newUser());
          expect(await other.getUserById('t1', user.id)).toEqual(user);
          await other.updateUser('t1', user.id, { locked: true });
          expect((await store.getUser('t1', 'PRIMARY', 'alice'))?.locked).toBe(true);
        });
      });
    }
  });
}
