/**
 * BasicAuthenticator: a username (optionally `STORE/username`) and password against the store.
 *
 * - scrypt (./passwords.ts) on the thread pool, compared in constant time; an unknown user or one
 *   without a password costs one hash too, and gets the same INVALID_CREDENTIALS.
 * - Lockout and the WSO2 failed-login claims (./account-lock.ts), per tenant policy.
 * - A form sent without a username or password, or with oversized ones, is a retry: the step
 *   still waits, and nothing is counted against the account.
 * - The credentials come from the interaction, else from `authenticatorParams` `username` /
 *   `password` (WSO2's silent re-login after a password migration), and the username defaults
 *   to the user the flow knows (a re-authentication).
 */
import type { Store } from '../store/types.js';
import { afterPasswordCheck, LockoutPolicySchema, type LockoutPolicy } from './account-lock.js';
import { accountRefusal, failed, qualifiedName, reportedOutcome, retry } from './local-user.js';
import { burnPasswordCheck, verifyPasswordAsync } from './passwords.js';
import { settingsFor, type PerTenant } from './settings.js';
import { splitUsername } from './simulated.js';
import { CredentialsSchema, type StepAttempt, type StepAuthenticator, type StepVerdict } from './types.js';
import { accountKey, inTurn } from './user-turns.js';

export interface BasicAuthenticatorOptions {
  /** maxFailedAttempts (default 5; 0 never locks) and lockDurationMs (default 15 minutes), once or per tenant. */
  readonly lockout?: PerTenant<LockoutPolicy>;
}

const LIMITS = CredentialsSchema.shape;
const MAX_USERNAME = LIMITS.username.unwrap().maxLength ?? 400;
const MAX_PASSWORD = LIMITS.password.unwrap().maxLength ?? 1024;

const INVALID = { code: 'INVALID_CREDENTIALS', message: 'the username or password is wrong' } as const;

/** Compare-and-set rounds lost to concurrent checks of one account before this check gives up. */
const MAX_COUNTER_RETRIES = 20;

export class BasicAuthenticator implements StepAuthenticator {
  constructor(private readonly options: BasicAuthenticatorOptions = {}) {
    // A wrong static policy should stop the server at start, not the first login.
    if (typeof options.lockout !== 'function') settingsFor(LockoutPolicySchema, 'lockout', options.lockout, null);
  }

  async authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict> {
    const reported = reportedOutcome(attempt);
    if (reported !== null) return reported;
    const params = attempt.authenticatorParams;
    const known = attempt.knownSubject;
    const qualified =
      attempt.credentials?.username ?? attempt.username ?? params['username'] ?? (known !== null && !known.federated ? qualifiedName({ username: known.username, userStoreDomain: known.userStoreDomain ?? 'PRIMARY' }) : undefined);
    const password = attempt.credentials?.password ?? attempt.password ?? params['password'];
    if (qualified === undefined || qualified.trim() === '') return retry('CREDENTIALS_MISSING', 'enter a username');
    if (password === undefined || password === '') return retry('CREDENTIALS_MISSING', 'enter a password');
    if (qualified.length > MAX_USERNAME) return retry('CREDENTIALS_INVALID', `a username has at most ${MAX_USERNAME} characters`);
    if (password.length > MAX_PASSWORD) return retry('CREDENTIALS_INVALID', `a password has at most ${MAX_PASSWORD} characters`);
    const { userStoreDomain, username } = splitUsername(qualified);
    const policy = settingsFor(LockoutPolicySchema, 'lockout', this.options.lockout, attempt.tenant);
    return inTurn(accountKey(attempt.tenant, userStoreDomain, username), async () => {
      const user = await store.getUser(attempt.tenant, userStoreDomain, username);
      if (user === null) {
        await burnPasswordCheck(password);
        return failed(null, INVALID);
      }
      const refusal = accountRefusal(user, attempt.now);
      if (refusal?.code === 'ACCOUNT_LOCKED') {
        // Refused whatever the password, but only after the same work, and without counting it.
        await burnPasswordCheck(password);
        return failed(user, refusal);
      }
      if (user.passwordHash === null) {
        await burnPasswordCheck(password);
        return failed(user, INVALID);
      }
      const passed = await verifyPasswordAsync(password, user.passwordHash);
      // A disabled account learns nothing from a right password, and its counters stay as they are.
      if (passed && user.disabled) return failed(user, refusal!);
      // The counters are written with a compare-and-set: a check running at once in another
      // process makes this one read the account again and count on top of it.
      let current = user;
      let after = afterPasswordCheck(current, passed, policy, attempt.now);
      for (let tries = 0; after.patch !== null; tries++) {
        const written = await store.updateUserIf(attempt.tenant, current.id, { claims: current.claims, locked: current.locked }, after.patch);
        if (written !== null) {
          current = written;
          break;
        }
        const reread = await store.getUserById(attempt.tenant, current.id);
        if (reread === null || tries >= MAX_COUNTER_RETRIES) return failed(user, INVALID);
        current = reread;
        const lockedMeanwhile = accountRefusal(current, attempt.now);
        if (lockedMeanwhile?.code === 'ACCOUNT_LOCKED') return failed(current, lockedMeanwhile);
        after = afterPasswordCheck(current, passed, policy, attempt.now);
      }
      if (passed) return { kind: 'local', outcome: 'success', user: current, reason: null, effects: [] };
      if (after.lockedUntil !== null) {
        return failed(current, {
          code: 'ACCOUNT_LOCKED',
          message: `too many failed attempts: the account ${qualifiedName(user)} is locked until ${new Date(after.lockedUntil).toISOString()}`,
        });
      }
      return failed(current, INVALID);
    });
  }
}
