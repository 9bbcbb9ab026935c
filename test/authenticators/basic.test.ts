import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_LOCKED_CLAIM,
  FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM,
  FAILED_LOGIN_ATTEMPTS_CLAIM,
  FAILED_LOGIN_LOCKOUT_COUNT_CLAIM,
  UNLOCK_TIME_CLAIM,
} from '../../src/authenticators/account-lock.js';
import { BasicAuthenticator } from '../../src/authenticators/basic.js';
import { hashPassword } from '../../src/authenticators/passwords.js';
import type { StepAttempt } from '../../src/authenticators/types.js';
import type { Store } from '../../src/store/types.js';
import { addUser, attempt, EMAIL, known, newUser, openStore, reasonOf, STORES, T0, TENANT } from './_support.js';

const MINUTE = 60_000;

function login(username: string | undefined, password: string | undefined, extra: Partial<StepAttempt> = {}): StepAttempt {
  return attempt('BasicAuthenticator', { credentials: { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) }, ...extra });
}

async function claimsOf(store: Store, username: string): Promise<Record<string, string>> {
  return (await store.getUser(TENANT, 'PRIMARY', username))!.claims;
}

describe.each(STORES)('BasicAuthenticator on the %s store', (kind) => {
  const basic = new BasicAuthenticator();

  it('signs in a user with the right password', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'correct horse' });
    const v = await basic.authenticate(login('alice', 'correct horse'), store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'success', reason: null, user: { username: 'alice' } });
  });

  it('fails a wrong password with INVALID_CREDENTIALS and counts one failed attempt', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'correct horse' });
    const v = await basic.authenticate(login('alice', 'battery staple'), store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'fail' });
    expect(reasonOf(v)).toBe('INVALID_CREDENTIALS');
    expect(await claimsOf(store, 'alice')).toMatchObject({ [FAILED_LOGIN_ATTEMPTS_CLAIM]: '1', [FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]: '0' });
  });

  it('fails an unknown user with the same reason as a wrong password', async () => {
    const store = await openStore(kind);
    const v = await basic.authenticate(login('nobody', 'whatever'), store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'fail', user: null, reason: { code: 'INVALID_CREDENTIALS', message: 'the username or password is wrong' } });
  });

  it('locks the account at the fifth failure, with the unlock time and a lockout counted in the claims', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right' });
    for (let i = 1; i <= 4; i++) {
      const v = await basic.authenticate(login('alice', 'wrong', { now: T0 + i }), store);
      expect(reasonOf(v)).toBe('INVALID_CREDENTIALS');
    }
    expect(await claimsOf(store, 'alice')).toMatchObject({ [FAILED_LOGIN_ATTEMPTS_CLAIM]: '4' });
    const fifth = await basic.authenticate(login('alice', 'wrong', { now: T0 + 5 }), store);
    expect(reasonOf(fifth)).toBe('ACCOUNT_LOCKED');
    const user = (await store.getUser(TENANT, 'PRIMARY', 'alice'))!;
    expect(user.locked).toBe(true);
    expect(user.claims).toMatchObject({
      [ACCOUNT_LOCKED_CLAIM]: 'true',
      [UNLOCK_TIME_CLAIM]: String(T0 + 5 + 15 * MINUTE),
      [FAILED_LOGIN_LOCKOUT_COUNT_CLAIM]: '1',
      // WSO2 starts the count again, so the unlocked account gets a fresh budget.
      [FAILED_LOGIN_ATTEMPTS_CLAIM]: '0',
    });
  });

  it('refuses a locked account with ACCOUNT_LOCKED even with the right password, without counting it', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right', locked: true, claims: { [UNLOCK_TIME_CLAIM]: String(T0 + MINUTE), [ACCOUNT_LOCKED_CLAIM]: 'true' } });
    const v = await basic.authenticate(login('alice', 'right'), store);
    expect(v).toMatchObject({ outcome: 'fail', reason: { code: 'ACCOUNT_LOCKED' } });
    expect(v.kind === 'local' && v.reason?.message).toContain(new Date(T0 + MINUTE).toISOString());
    expect(await claimsOf(store, 'alice')).not.toHaveProperty(FAILED_LOGIN_ATTEMPTS_CLAIM);
  });

  it('lifts a lock at the first attempt after its unlock time', async () => {
    const store = await openStore(kind);
    const policy = new BasicAuthenticator({ lockout: { maxFailedAttempts: 2, lockDurationMs: MINUTE } });
    await addUser(store, 'alice', { password: 'right' });
    await policy.authenticate(login('alice', 'wrong'), store);
    expect(reasonOf(await policy.authenticate(login('alice', 'wrong'), store))).toBe('ACCOUNT_LOCKED');
    expect(reasonOf(await policy.authenticate(login('alice', 'right', { now: T0 + MINUTE - 1 }), store))).toBe('ACCOUNT_LOCKED');
    // A wrong password after the unlock time lifts the lock too, and starts a fresh count.
    expect(reasonOf(await policy.authenticate(login('alice', 'wrong', { now: T0 + MINUTE }), store))).toBe('INVALID_CREDENTIALS');
    const user = (await store.getUser(TENANT, 'PRIMARY', 'alice'))!;
    expect(user.locked).toBe(false);
    expect(user.claims).toMatchObject({ [ACCOUNT_LOCKED_CLAIM]: 'false', [UNLOCK_TIME_CLAIM]: '0', [FAILED_LOGIN_ATTEMPTS_CLAIM]: '1' });
    expect(await policy.authenticate(login('alice', 'right', { now: T0 + MINUTE + 1 }), store)).toMatchObject({ outcome: 'success' });
  });

  it('keeps a lock without an unlock time (an administrator\'s) however long ago it was set', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right', locked: true });
    const v = await basic.authenticate(login('alice', 'right', { now: T0 + 365 * 24 * 60 * MINUTE }), store);
    expect(v).toMatchObject({ outcome: 'fail', reason: { code: 'ACCOUNT_LOCKED', message: 'the account alice is locked until an administrator unlocks it' } });
  });

  it('sets failedLoginAttemptsBeforeSuccess to the failures before a success and resets failedLoginAttempts', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right' });
    for (let i = 0; i < 3; i++) await basic.authenticate(login('alice', 'wrong'), store);
    const v = await basic.authenticate(login('alice', 'right'), store);
    // The verdict carries the updated account: the script's step-1 subject reads the new claims.
    expect(v).toMatchObject({ outcome: 'success', user: { claims: { [FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]: '3', [FAILED_LOGIN_ATTEMPTS_CLAIM]: '0' } } });
    expect(await claimsOf(store, 'alice')).toMatchObject({ [FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]: '3', [FAILED_LOGIN_ATTEMPTS_CLAIM]: '0' });
    await basic.authenticate(login('alice', 'right'), store);
    expect(await claimsOf(store, 'alice')).toMatchObject({ [FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]: '0' });
  });

  it('counts the failures of earlier lockouts in failedLoginAttemptsBeforeSuccess', async () => {
    const store = await openStore(kind);
    const policy = new BasicAuthenticator({ lockout: { maxFailedAttempts: 3, lockDurationMs: MINUTE } });
    await addUser(store, 'alice', { password: 'right' });
    for (let i = 0; i < 3; i++) await policy.authenticate(login('alice', 'wrong'), store);
    await policy.authenticate(login('alice', 'wrong', { now: T0 + MINUTE }), store);
    const v = await policy.authenticate(login('alice', 'right', { now: T0 + MINUTE }), store);
    expect(v).toMatchObject({ outcome: 'success', user: { locked: false, claims: { [FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]: '4', [FAILED_LOGIN_LOCKOUT_COUNT_CLAIM]: '0' } } });
  });

  it('leaves the profile of a user who never failed untouched', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right', claims: { [EMAIL]: 'alice@example.com' } });
    await basic.authenticate(login('alice', 'right'), store);
    expect(await claimsOf(store, 'alice')).toEqual({ [EMAIL]: 'alice@example.com' });
  });

  it('refuses a disabled account with ACCOUNT_DISABLED, and leaves its counters as they were', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right', disabled: true, claims: { [FAILED_LOGIN_ATTEMPTS_CLAIM]: '2' } });
    const v = await basic.authenticate(login('alice', 'right'), store);
    expect(v).toMatchObject({ outcome: 'fail', reason: { code: 'ACCOUNT_DISABLED' } });
    expect(await claimsOf(store, 'alice')).toEqual({ [FAILED_LOGIN_ATTEMPTS_CLAIM]: '2' });
  });

  it('takes the lockout policy of the tenant', async () => {
    const store = await openStore(kind);
    const perTenant = new BasicAuthenticator({ lockout: (tenant) => (tenant === TENANT ? { maxFailedAttempts: 1 } : {}) });
    await addUser(store, 'alice', { password: 'right' });
    expect(reasonOf(await perTenant.authenticate(login('alice', 'wrong'), store))).toBe('ACCOUNT_LOCKED');
  });

  it('never locks with maxFailedAttempts 0', async () => {
    const store = await openStore(kind);
    const never = new BasicAuthenticator({ lockout: { maxFailedAttempts: 0 } });
    await addUser(store, 'alice', { password: 'right' });
    for (let i = 0; i < 8; i++) expect(reasonOf(await never.authenticate(login('alice', 'wrong'), store))).toBe('INVALID_CREDENTIALS');
    expect(await never.authenticate(login('alice', 'right'), store)).toMatchObject({ outcome: 'success' });
  });

  it('counts every one of parallel wrong passwords, so parallel guessing still locks the account', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right' });
    const verdicts = await Promise.all(Array.from({ length: 7 }, () => basic.authenticate(login('alice', 'wrong'), store)));
    expect(verdicts.map(reasonOf).filter((r) => r === 'ACCOUNT_LOCKED')).toHaveLength(3);
    expect((await store.getUser(TENANT, 'PRIMARY', 'alice'))!.locked).toBe(true);
  });

  it('signs in the user of the user store that STORE/username names', async () => {
    const store = await openStore(kind);
    await store.createUser(TENANT, { ...newUser('bob', { password: 'b' }), userStoreDomain: 'EMPLOYEES' });
    expect(await basic.authenticate(login('employees/bob', 'b'), store)).toMatchObject({ outcome: 'success', user: { userStoreDomain: 'EMPLOYEES' } });
    expect(reasonOf(await basic.authenticate(login('bob', 'b'), store))).toBe('INVALID_CREDENTIALS');
  });

  it('keeps the step waiting, counting nothing, when the password is empty or missing', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'right' });
    expect(await basic.authenticate(login('alice', ''), store)).toEqual({ kind: 'retry', reason: { code: 'CREDENTIALS_MISSING', message: 'enter a password' }, attemptsLeft: null });
    expect(await basic.authenticate(login(undefined, undefined), store)).toMatchObject({ kind: 'retry', reason: { code: 'CREDENTIALS_MISSING', message: 'enter a username' } });
    expect(await claimsOf(store, 'alice')).toEqual({});
  });

  it('keeps the step waiting with CREDENTIALS_INVALID for an oversized username or password', async () => {
    const store = await openStore(kind);
    expect(await basic.authenticate(login('a'.repeat(401), 'x'), store)).toMatchObject({ kind: 'retry', reason: { code: 'CREDENTIALS_INVALID', message: 'a username has at most 400 characters' } });
    expect(await basic.authenticate(login('alice', 'x'.repeat(1025)), store)).toMatchObject({ kind: 'retry', reason: { code: 'CREDENTIALS_INVALID', message: 'a password has at most 1024 characters' } });
  });

  it('fails a user without a password (a JIT user) like a wrong password, without counting it', async () => {
    const store = await openStore(kind);
    await addUser(store, 'gina');
    expect(reasonOf(await basic.authenticate(login('gina', 'anything'), store))).toBe('INVALID_CREDENTIALS');
    expect(await claimsOf(store, 'gina')).toEqual({});
  });

  it('takes an abort, a fallback or a failure the caller reports without checking anything', async () => {
    const store = await openStore(kind);
    for (const outcome of ['abort', 'fallback', 'fail'] as const) {
      expect(await basic.authenticate(login(undefined, undefined, { outcome }), store)).toEqual({ kind: 'local', outcome, user: null, reason: null, effects: [] });
    }
  });

  it('takes the credentials from authenticatorParams for a silent re-login', async () => {
    const store = await openStore(kind);
    await addUser(store, 'alice', { password: 'migrated' });
    const v = await basic.authenticate(attempt('BasicAuthenticator', { authenticatorParams: { username: 'alice', password: 'migrated' } }), store);
    expect(v).toMatchObject({ outcome: 'success', user: { username: 'alice' } });
  });

  it('re-authenticates the user the flow knows when only a password is sent', async () => {
    const store = await openStore(kind);
    const alice = await addUser(store, 'alice', { password: 'right' });
    expect(await basic.authenticate(login(undefined, 'right', { knownSubject: known(alice) }), store)).toMatchObject({ outcome: 'success', user: { username: 'alice' } });
  });
});

describe('BasicAuthenticator settings and timing', () => {
  it('refuses an invalid lockout policy when it is built, naming the field', () => {
    expect(() => new BasicAuthenticator({ lockout: { maxFailedAttempts: -1 } })).toThrow(/^lockout\.maxFailedAttempts: /);
    expect(() => new BasicAuthenticator({ lockout: { lockDurationMs: 0 } })).toThrow(/lockout\.lockDurationMs/);
  });

  it('spends a full password hash on an unknown user, as on a wrong password', async () => {
    const store = await openStore('memory');
    // A stored account at the production cost: what an attacker would time against.
    await store.createUser(TENANT, { ...newUser('alice'), passwordHash: hashPassword('right') });
    const basic = new BasicAuthenticator({ lockout: { maxFailedAttempts: 0 } });
    const time = async (username: string) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await basic.authenticate(login(username, 'wrong'), store);
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[1]!;
    };
    await time('nobody'); // the decoy hash is made once
    const known = await time('alice');
    const unknown = await time('nobody');
    // Without the decoy hash the unknown user would take a few percent of the known one.
    expect(unknown).toBeGreaterThan(known * 0.3);
  });
});
