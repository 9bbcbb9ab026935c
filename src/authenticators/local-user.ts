/**
 * What the real local authenticators share: outcomes the caller reports without credentials, the
 * account a second factor confirms, and the account states that refuse any login.
 */
import type { LocalUser, Store } from '../store/types.js';
import { lockState } from './account-lock.js';
import type { Reason, StepAttempt, StepVerdict } from './types.js';

export const failed = (user: LocalUser | null, reason: Reason): StepVerdict => ({ kind: 'local', outcome: 'fail', user, reason, effects: [] });
export const retry = (code: string, message: string, attemptsLeft: number | null = null): StepVerdict => ({ kind: 'retry', reason: { code, message }, attemptsLeft });

/**
 * An abort, a fallback or a failure that the caller reports needs no check: the user gave up,
 * chose another way, or the identity server saw the failure itself. Only a success is checked.
 */
export function reportedOutcome(attempt: StepAttempt): StepVerdict | null {
  if (attempt.outcome === 'success') return null;
  return { kind: 'local', outcome: attempt.outcome, user: null, reason: null, effects: [] };
}

export function qualifiedName(u: Pick<LocalUser, 'username' | 'userStoreDomain'>): string {
  return u.userStoreDomain.toUpperCase() === 'PRIMARY' ? u.username : `${u.userStoreDomain}/${u.username}`;
}

/** Locked (and not yet due to unlock) or disabled: no factor lets the user in. */
export function accountRefusal(user: LocalUser, now: number): Reason | null {
  const lock = lockState(user, now);
  if (lock.kind === 'locked') {
    const until = lock.until === null ? 'until an administrator unlocks it' : `until ${new Date(lock.until).toISOString()}`;
    return { code: 'ACCOUNT_LOCKED', message: `the account ${qualifiedName(user)} is locked ${until}` };
  }
  if (user.disabled) return { code: 'ACCOUNT_DISABLED', message: `the account ${qualifiedName(user)} is disabled` };
  return null;
}

export type KnownUser = { readonly kind: 'user'; readonly user: LocalUser } | { readonly kind: 'none'; readonly reason: Reason };

/**
 * The local account a second factor confirms: the flow's subject so far. A federated subject
 * without JIT provisioning has none (LOCAL_ACCOUNT_REQUIRED), as the analyzer warns.
 */
export async function knownLocalUser(attempt: StepAttempt, store: Store): Promise<KnownUser> {
  const name = attempt.option.authenticator;
  const known = attempt.knownSubject;
  if (known === null) {
    return { kind: 'none', reason: { code: 'USER_NOT_IDENTIFIED', message: `${name} confirms a user that an earlier step identified, and no step has identified one yet` } };
  }
  if (known.federated) {
    return {
      kind: 'none',
      reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: `${name} needs a local account, but ${known.username} signed in through ${known.idp ?? 'a connection'} without JIT provisioning` },
    };
  }
  const user = await store.getUser(attempt.tenant, known.userStoreDomain ?? 'PRIMARY', known.username);
  if (user === null) return { kind: 'none', reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: `${name} needs a local account, and ${known.username} has none` } };
  return { kind: 'user', user };
}
