import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { generate, generateSecret } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { UNLOCK_TIME_CLAIM } from '../../src/authenticators/account-lock.js';
import { SecretBoxError } from '../../src/authenticators/secret-box.js';
import { openTotpDevice, sealTotpDevice, TotpAuthenticator } from '../../src/authenticators/totp.js';
import type { StepAttempt } from '../../src/authenticators/types.js';
import { openSqliteStore } from '../../src/store/sql/sqlite.js';
import type { LocalUser, Store } from '../../src/store/types.js';
import { addUser, attempt, federated, KEY, known, openStore, reasonOf, STORES, T0, TENANT } from './_support.js';

const totp = new TotpAuthenticator({ secretKey: KEY });
const STEP = 30_000;

async function codeAt(secret: string, now: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(now / 1000) });
}

async function enrolled(store: Store, username = 'alice'): Promise<{ user: LocalUser; secret: string }> {
  const user = await addUser(store, username);
  const secret = generateSecret();
  const updated = await store.updateUser(TENANT, user.id, { totpSecret: sealTotpDevice(KEY, user, { secret, lastTimeStep: null }) });
  return { user: updated, secret };
}

function withCode(user: LocalUser, code: string, extra: Partial<StepAttempt> = {}): StepAttempt {
  return attempt('totp', { step: 2, knownSubject: known(user), credentials: { code }, ...extra });
}

describe.each(STORES)('totp on the %s store', (kind) => {
  it('confirms the known user with the code of the current time-step', async () => {
    const store = await openStore(kind);
    const { user, secret } = await enrolled(store);
    const v = await totp.authenticate(withCode(user, await codeAt(secret, T0)), store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'success', user: { username: 'alice' }, reason: null });
  });

  it('keeps the step waiting after a wrong code with attempts left, and counts it in the step state', async () => {
    const store = await openStore(kind);
    const { user } = await enrolled(store);
    const a = withCode(user, '000000');
    const v = await totp.authenticate(a, store);
    expect(v).toEqual({ kind: 'retry', reason: { code: 'TOTP_INVALID', message: 'the code is wrong (2 attempts left)' }, attemptsLeft: 2 });
    expect(a.state).toEqual({ failures: 1 });
  });

  it('fails the step with TOTP_ATTEMPTS_EXHAUSTED at the third wrong code', async () => {
    const store = await openStore(kind);
    const { user } = await enrolled(store);
    const state = {};
    expect((await totp.authenticate(withCode(user, '000001', { state }), store)).kind).toBe('retry');
    expect((await totp.authenticate(withCode(user, '000002', { state }), store)).kind).toBe('retry');
    const v = await totp.authenticate(withCode(user, '000003', { state }), store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'fail', reason: { code: 'TOTP_ATTEMPTS_EXHAUSTED' } });
  });

  it('accepts the code of the time-step before or after the current one, and not two away', async () => {
    const store = await openStore(kind);
    const { user, secret } = await enrolled(store);
    expect(await totp.authenticate(withCode(user, await codeAt(secret, T0 - STEP), { now: T0 }), store)).toMatchObject({ outcome: 'success' });
    expect(await totp.authenticate(withCode(user, await codeAt(secret, T0 + 2 * STEP), { now: T0 + STEP }), store)).toMatchObject({ outcome: 'success' });
    expect(reasonOf(await totp.authenticate(withCode(user, await codeAt(secret, T0 + 5 * STEP), { now: T0 + 3 * STEP }), store))).toBe('TOTP_INVALID');
    expect(reasonOf(await totp.authenticate(withCode(user, await codeAt(secret, T0 + 7 * STEP), { now: T0 + 9 * STEP }), store))).toBe('TOTP_INVALID');
  });

  it('refuses a code that was already accepted as replayed', async () => {
    const store = await openStore(kind);
    const { user, secret } = await enrolled(store);
    const code = await codeAt(secret, T0);
    expect(await totp.authenticate(withCode(user, code), store)).toMatchObject({ outcome: 'success' });
    expect(await totp.authenticate(withCode(user, code, { flowId: 'flow-2', now: T0 + 5_000 }), store)).toEqual({
      kind: 'retry',
      reason: { code: 'TOTP_REPLAYED', message: 'this code was already used: wait for the next one (2 attempts left)' },
      attemptsLeft: 2,
    });
  });

  it('refuses a code of a time-step before the last accepted one, even within the window', async () => {
    const store = await openStore(kind);
    const { user, secret } = await enrolled(store);
    expect(await totp.authenticate(withCode(user, await codeAt(secret, T0 + STEP)), store)).toMatchObject({ outcome: 'success' });
    expect(reasonOf(await totp.authenticate(withCode(user, await codeAt(secret, T0)), store))).toBe('TOTP_REPLAYED');
    expect(await totp.authenticate(withCode(user, await codeAt(secret, T0 + 2 * STEP), { now: T0 + 2 * STEP }), store)).toMatchObject({ outcome: 'success' });
  });

  it('keeps the step waiting without counting a code that is not six digits', async () => {
    const store = await openStore(kind);
    const { user } = await enrolled(store);
    const state = {};
    for (const code of ['12a456', '12345', '1234567', ' 123456', 'x'.repeat(64)]) {
      expect(await totp.authenticate(withCode(user, code, { state }), store)).toEqual({ kind: 'retry', reason: { code: 'CODE_MALFORMED', message: 'a TOTP code is 6 digits' }, attemptsLeft: null });
    }
    expect(await totp.authenticate(withCode(user, '', { state }), store)).toMatchObject({ kind: 'retry', reason: { code: 'CODE_MISSING' } });
    expect(state).toEqual({});
  });

  it('offers a user without a device a fresh secret and its otpauth URI, the same on every challenge of the step', async () => {
    const store = await openStore(kind);
    const user = await addUser(store, 'alice');
    const a = attempt('totp', { step: 2, knownSubject: known(user) });
    const first = await totp.challenge(a, store);
    expect(first).toMatchObject({ kind: 'challenge', challenge: { authenticator: 'totp', enrolment: true, issuer: 'authscript', label: 'alice' } });
    const challenge = first.kind === 'challenge' ? first.challenge : {};
    expect(challenge['secret']).toMatch(/^[A-Z2-7]{32}$/);
    expect(challenge['uri']).toBe(`otpauth://totp/authscript:alice?secret=${String(challenge['secret'])}&issuer=authscript`);
    // The pending secret waits sealed in the step's state, never in the clear.
    expect(JSON.stringify(a.state)).not.toContain(String(challenge['secret']));
    const again = await totp.challenge(a, store);
    expect(again.kind === 'challenge' && again.challenge['secret']).toBe(challenge['secret']);
  });

  it('stores the device at the first valid code of an enrolment, and reports totpEnrolled', async () => {
    const store = await openStore(kind);
    const user = await addUser(store, 'alice');
    const a = attempt('totp', { step: 2, knownSubject: known(user) });
    const c = await totp.challenge(a, store);
    const secret = String(c.kind === 'challenge' && c.challenge['secret']);
    expect(reasonOf(await totp.authenticate({ ...a, credentials: { code: '000000' } }, store))).toBe('TOTP_INVALID');
    const v = await totp.authenticate({ ...a, credentials: { code: await codeAt(secret, T0) } }, store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'success', effects: [{ kind: 'totpEnrolled', username: 'alice', userStoreDomain: 'PRIMARY' }] });
    const stored = (await store.getUser(TENANT, 'PRIMARY', 'alice'))!;
    expect(openTotpDevice(KEY, stored, stored.totpSecret!)).toEqual({ secret, lastTimeStep: Math.floor(T0 / STEP) });
    // A device is there now: the next challenge offers no enrolment.
    expect(await totp.challenge(attempt('totp', { step: 2, knownSubject: known(stored) }), store)).toMatchObject({ challenge: { enrolment: false } });
  });

  it('asks for the challenge when an unenrolled user sends a code before it', async () => {
    const store = await openStore(kind);
    const user = await addUser(store, 'alice');
    expect(await totp.authenticate(withCode(user, '123456'), store)).toMatchObject({ kind: 'retry', reason: { code: 'CHALLENGE_REQUIRED' } });
  });

  it('fails a user without a device with TOTP_NOT_ENROLLED when enrolment is off', async () => {
    const store = await openStore(kind);
    const user = await addUser(store, 'alice');
    const strict = new TotpAuthenticator({ secretKey: KEY, enrolment: false });
    expect(await strict.challenge(attempt('totp', { knownSubject: known(user) }), store)).toMatchObject({ kind: 'fail', reason: { code: 'TOTP_NOT_ENROLLED' } });
    expect(reasonOf(await strict.authenticate(withCode(user, '123456'), store))).toBe('TOTP_NOT_ENROLLED');
  });

  it('fails a federated user without a local account with LOCAL_ACCOUNT_REQUIRED', async () => {
    const store = await openStore(kind);
    const a = attempt('totp', { step: 2, knownSubject: federated('octocat'), credentials: { code: '123456' } });
    expect(await totp.authenticate(a, store)).toMatchObject({ outcome: 'fail', reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: 'totp needs a local account, but octocat signed in through GitHub without JIT provisioning' } });
    expect(await totp.challenge(a, store)).toMatchObject({ kind: 'fail', reason: { code: 'LOCAL_ACCOUNT_REQUIRED' } });
  });

  it('fails with USER_NOT_IDENTIFIED when no earlier step identified a user', async () => {
    const store = await openStore(kind);
    expect(reasonOf(await totp.authenticate(attempt('totp', { credentials: { code: '123456' } }), store))).toBe('USER_NOT_IDENTIFIED');
  });

  it('refuses a locked account with ACCOUNT_LOCKED', async () => {
    const store = await openStore(kind);
    const { user, secret } = await enrolled(store);
    const locked = await store.updateUser(TENANT, user.id, { locked: true, claims: { [UNLOCK_TIME_CLAIM]: String(T0 + 60_000) } });
    expect(reasonOf(await totp.authenticate(withCode(locked, await codeAt(secret, T0)), store))).toBe('ACCOUNT_LOCKED');
  });

  it('stops with a SecretBoxError when the device was sealed under another key', async () => {
    const store = await openStore(kind);
    const { user, secret } = await enrolled(store);
    const other = new TotpAuthenticator({ secretKey: randomBytes(32) });
    await expect(other.authenticate(withCode(user, await codeAt(secret, T0)), store)).rejects.toThrow(SecretBoxError);
  });

  it('takes the attempt limit from authenticatorParams maximumAllowedFailureAttempts', async () => {
    const store = await openStore(kind);
    const { user } = await enrolled(store);
    const v = await totp.authenticate(withCode(user, '000000', { authenticatorParams: { maximumAllowedFailureAttempts: '1' } }), store);
    expect(reasonOf(v)).toBe('TOTP_ATTEMPTS_EXHAUSTED');
  });
});

describe('totp at rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authscript-totp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps no plain secret in the database, and a device copied to another user does not open', async () => {
    const path = join(dir, 'store.db');
    const store = await openSqliteStore(path);
    try {
      const alice = await addUser(store, 'alice');
      const bob = await addUser(store, 'bob');
      const a = attempt('totp', { step: 2, knownSubject: known(alice) });
      const c = await totp.challenge(a, store);
      const secret = String(c.kind === 'challenge' && c.challenge['secret']);
      expect(await totp.authenticate({ ...a, credentials: { code: await codeAt(secret, T0) } }, store)).toMatchObject({ outcome: 'success' });
      const raw = new BetterSqlite3(path, { readonly: true });
      const rows = raw.prepare('SELECT username, totp_secret FROM users').all() as { username: string; totp_secret: string | null }[];
      raw.close();
      const column = rows.find((r) => r.username === 'alice')!.totp_secret!;
      expect(column).toMatch(/^v1:/);
      expect(column).not.toContain(secret);
      expect(Buffer.from(column.split(':')[3]!, 'base64url').toString('latin1')).not.toContain(secret);
      const copied = await store.updateUser(TENANT, bob.id, { totpSecret: column });
      expect(() => openTotpDevice(KEY, copied, column)).toThrow(/does not open/);
    } finally {
      await store.close();
    }
  });
});
