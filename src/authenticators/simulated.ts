/**
 * The simulator's authenticators: they take the outcome a scenario declares, and apply each
 * authenticator's real rules around it, so a scenario that passes predicts a real login:
 *
 * - A local first factor (BasicAuthenticator, ...) needs an existing user, given as `username`
 *   (optionally `STORE/username`); no such user, a wrong password, a locked or a disabled account
 *   fails the step (ACCOUNT_LOCKED / ACCOUNT_DISABLED).
 * - A second factor (TOTP, email OTP, SMS OTP, FIDO, ...) authenticates the user the flow already
 *   knows; after a pass-through federated step there is no local account, so it fails with
 *   LOCAL_ACCOUNT_REQUIRED. TOTP enrols a user without a device (as WSO2's TOTP authenticator does
 *   when enrolment is on) and the step succeeds; email OTP needs an email address and SMS OTP a
 *   mobile number, else the step fails.
 * - A federated step reports the IdP's subject and claims.
 */
import { randomBytes } from 'node:crypto';
import type { UserSnapshot } from '../../runtime/protocol.js';
import type { LocalUser, Store } from '../store/types.js';
import { verifyPassword } from './passwords.js';
import { EMAIL_CLAIM, MOBILE_CLAIM, SECOND_FACTORS, type Reason, type StepAttempt, type StepAuthenticator, type StepVerdict } from './types.js';

export function splitUsername(qualified: string): { userStoreDomain: string; username: string } {
  const slash = qualified.indexOf('/');
  return slash > 0 ? { userStoreDomain: qualified.slice(0, slash).toUpperCase(), username: qualified.slice(slash + 1) } : { userStoreDomain: 'PRIMARY', username: qualified };
}

const fail = (user: LocalUser | null, reason: Reason | null): StepVerdict => ({ kind: 'local', outcome: 'fail', user, reason, effects: [] });

export class SimulatedAuthenticator implements StepAuthenticator {
  async authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict> {
    if (attempt.option.idp !== 'LOCAL') {
      if (attempt.outcome !== 'success') return { kind: 'federated', outcome: attempt.outcome, subject: attempt.subject ?? '', claims: attempt.claims ?? {} };
      return { kind: 'federated', outcome: 'success', subject: attempt.subject ?? '', claims: attempt.claims ?? {} };
    }
    const secondFactor = SECOND_FACTORS.has(attempt.option.authenticator);
    const user = await this.findUser(attempt, store, secondFactor);
    // Only a success needs the account: a user can abort, fall back or fail without one.
    if (attempt.outcome !== 'success') {
      return { kind: 'local', outcome: attempt.outcome, user: user.kind === 'user' ? user.user : null, reason: null, effects: [] };
    }
    if (user.kind === 'none') return fail(null, user.reason);
    const u = user.user;
    if (u.locked) return fail(u, { code: 'ACCOUNT_LOCKED', message: `the account ${qualified(u)} is locked` });
    if (u.disabled) return fail(u, { code: 'ACCOUNT_DISABLED', message: `the account ${qualified(u)} is disabled` });
    if (attempt.password !== undefined && (u.passwordHash === null || !verifyPassword(attempt.password, u.passwordHash))) {
      return fail(u, null);
    }
    switch (attempt.option.authenticator) {
      case 'totp':
        if (u.totpSecret === null) {
          const enrolled = await store.updateUser(attempt.tenant, u.id, { totpSecret: randomBytes(20).toString('base64') });
          return { kind: 'local', outcome: 'success', user: enrolled, reason: null, effects: [{ kind: 'totpEnrolled', username: u.username, userStoreDomain: u.userStoreDomain }] };
        }
        break;
      case 'email-otp-authenticator':
        if (!u.claims[EMAIL_CLAIM]) return fail(u, { code: 'STEP_FAILED', message: `${qualified(u)} has no email address for email OTP` });
        break;
      case 'sms-otp-authenticator':
        if (!u.claims[MOBILE_CLAIM]) return fail(u, { code: 'STEP_FAILED', message: `${qualified(u)} has no mobile number for SMS OTP` });
        break;
    }
    return { kind: 'local', outcome: 'success', user: u, reason: null, effects: [] };
  }

  private async findUser(attempt: StepAttempt, store: Store, secondFactor: boolean): Promise<{ kind: 'user'; user: LocalUser } | { kind: 'none'; reason: Reason | null }> {
    const known = attempt.knownSubject;
    if (secondFactor && known !== null) {
      if (known.federated) {
        return { kind: 'none', reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: `${attempt.option.authenticator} needs a local account, but ${known.username} signed in through ${known.idp ?? 'a connection'} without JIT provisioning` } };
      }
      const u = await store.getUser(attempt.tenant, known.userStoreDomain ?? 'PRIMARY', known.username);
      if (u === null) return { kind: 'none', reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: `${attempt.option.authenticator} needs a local account, and ${known.username} has none` } };
      return { kind: 'user', user: u };
    }
    if (attempt.username === undefined) {
      if (known !== null && !known.federated) {
        const u = await store.getUser(attempt.tenant, known.userStoreDomain ?? 'PRIMARY', known.username);
        if (u !== null) return { kind: 'user', user: u };
      }
      return { kind: 'none', reason: null };
    }
    const { userStoreDomain, username } = splitUsername(attempt.username);
    const u = await store.getUser(attempt.tenant, userStoreDomain, username);
    return u === null ? { kind: 'none', reason: null } : { kind: 'user', user: u };
  }
}

function qualified(u: LocalUser): string {
  return u.userStoreDomain === 'PRIMARY' ? u.username : `${u.userStoreDomain}/${u.username}`;
}

/** A local user as the sandbox sees it. */
export function localSnapshot(u: LocalUser, tenantDomain: string, idp: string | null = null, remoteClaims: Record<string, string> = {}): UserSnapshot {
  return {
    username: u.username,
    userStoreDomain: u.userStoreDomain,
    tenantDomain,
    uniqueId: u.id,
    federated: false,
    idp,
    localClaims: { ...u.claims },
    remoteClaims,
    roles: [...u.roles],
    groups: [...u.groups],
  };
}
