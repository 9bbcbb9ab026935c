/**
 * Lockout after repeated failed passwords, kept in the claims that WSO2's account-lock handler
 * keeps (scripts and templates read them, e.g. login-attempts-step-up):
 *
 * - a failure adds one to failedLoginAttempts and sets failedLoginAttemptsBeforeSuccess to 0;
 * - the failure that reaches the limit locks the account (the `locked` flag, accountLocked,
 *   unlockTime = now + the lock duration), counts a lockout in failedLoginLockoutCount and starts
 *   failedLoginAttempts again from 0, so an unlocked account gets a fresh budget;
 * - a success sets failedLoginAttemptsBeforeSuccess to the failures since the last success
 *   (failedLoginAttempts + lockouts x the limit) and clears the counters;
 * - a lock with an unlock time in the past is lifted at the next attempt, whatever its result; a
 *   lock without one (set by an administrator) stays until it is lifted.
 */
import { z } from 'zod';
import type { LocalUser, UserPatch } from '../store/types.js';

const IDENTITY = 'http://wso2.org/claims/identity/';
export const FAILED_LOGIN_ATTEMPTS_CLAIM = `${IDENTITY}failedLoginAttempts`;
export const FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM = `${IDENTITY}failedLoginAttemptsBeforeSuccess`;
export const FAILED_LOGIN_LOCKOUT_COUNT_CLAIM = `${IDENTITY}failedLoginLockoutCount`;
export const ACCOUNT_LOCKED_CLAIM = `${IDENTITY}accountLocked`;
export const UNLOCK_TIME_CLAIM = `${IDENTITY}unlockTime`;

export const LockoutPolicySchema = z
  .object({
    /** Failed passwords in a row that lock the account; 0 never locks. */
    maxFailedAttempts: z.number().int().min(0).max(1000).default(5),
    /** How long a lockout lasts, in ms. */
    lockDurationMs: z
      .number()
      .int()
      .positive()
      .max(366 * 24 * 3600 * 1000)
      .default(15 * 60 * 1000),
  })
  .strict();
export type LockoutPolicy = z.output<typeof LockoutPolicySchema>;

export type LockState = { readonly kind: 'open' } | { readonly kind: 'locked'; readonly until: number | null } | { readonly kind: 'expired' };

export function lockState(user: LocalUser, now: number): LockState {
  if (!user.locked) return { kind: 'open' };
  const until = count(user.claims[UNLOCK_TIME_CLAIM]);
  if (until === 0) return { kind: 'locked', until: null };
  return now >= until ? { kind: 'expired' } : { kind: 'locked', until };
}

export interface AfterCheck {
  /** What to write (null: nothing changed). */
  readonly patch: UserPatch | null;
  /** This failure locked the account, until then. */
  readonly lockedUntil: number | null;
}

/** The claims after a password check of an account that is not locked (an expired lock is lifted here). */
export function afterPasswordCheck(user: LocalUser, passed: boolean, policy: LockoutPolicy, now: number): AfterCheck {
  const claims = { ...user.claims };
  let locked = user.locked;
  if (lockState(user, now).kind === 'expired') {
    locked = false;
    claims[ACCOUNT_LOCKED_CLAIM] = 'false';
    claims[UNLOCK_TIME_CLAIM] = '0';
  }
  const failed = count(claims[FAILED_LOGIN_ATTEMPTS_CLAIM]);
  const lockouts = count(claims[FAILED_LOGIN_LOCKOUT_COUNT_CLAIM]);
  let lockedUntil: number | null = null;
  if (passed) {
    const before = failed + lockouts * policy.maxFailedAttempts;
    setIfPresentOr(claims, FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM, String(before), before > 0);
    setIfPresentOr(claims, FAILED_LOGIN_ATTEMPTS_CLAIM, '0', false);
    setIfPresentOr(claims, FAILED_LOGIN_LOCKOUT_COUNT_CLAIM, '0', false);
  } else {
    claims[FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM] = '0';
    if (policy.maxFailedAttempts > 0 && failed + 1 >= policy.maxFailedAttempts) {
      lockedUntil = now + policy.lockDurationMs;
      locked = true;
      claims[ACCOUNT_LOCKED_CLAIM] = 'true';
      claims[UNLOCK_TIME_CLAIM] = String(lockedUntil);
      claims[FAILED_LOGIN_LOCKOUT_COUNT_CLAIM] = String(lockouts + 1);
      claims[FAILED_LOGIN_ATTEMPTS_CLAIM] = '0';
    } else {
      claims[FAILED_LOGIN_ATTEMPTS_CLAIM] = String(failed + 1);
    }
  }
  const changedClaims = JSON.stringify(claims) !== JSON.stringify(user.claims);
  if (!changedClaims && locked === user.locked) return { patch: null, lockedUntil };
  return { patch: { ...(changedClaims ? { claims } : {}), ...(locked === user.locked ? {} : { locked }) }, lockedUntil };
}

/** Writes the value when the claim exists or `force`: a user who never failed keeps a clean profile. */
function setIfPresentOr(claims: Record<string, string>, claim: string, value: string, force: boolean): void {
  if (force || Object.hasOwn(claims, claim)) claims[claim] = value;
}

/** A counter claim as a number: absent or not a whole number counts as 0. */
function count(value: string | undefined): number {
  const n = Number(value ?? '0');
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
