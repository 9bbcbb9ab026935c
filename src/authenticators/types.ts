/**
 * Authenticators: one interface, whatever checks the credentials. The flow engine asks for a
 * verdict on one step attempt; the simulator's authenticators take the outcome the scenario
 * declares but still apply each authenticator's real rules (the user must exist, a locked account
 * fails, a second factor needs a local account, TOTP enrols a user without a device).
 */
import type { Json, StepOption, UserSnapshot } from '../../runtime/protocol.js';
import type { LocalUser, Store } from '../store/types.js';

export type StepOutcome = 'success' | 'fail' | 'abort' | 'fallback';

export interface StepAttempt {
  readonly tenant: string;
  readonly step: number;
  readonly option: StepOption;
  /** The outcome the caller reports (an identity server after its own check, or a scenario). */
  readonly outcome: StepOutcome;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** The IdP's subject, for a federated success. */
  readonly subject?: string | undefined;
  /** The IdP's claims, for a federated success. */
  readonly claims?: Readonly<Record<string, Json>> | undefined;
  /** Who the flow knows so far (the subject of the earlier steps), for second factors. */
  readonly knownSubject: UserSnapshot | null;
}

export interface Reason {
  readonly code: string;
  readonly message: string;
}

export type StepVerdict =
  | { readonly kind: 'local'; readonly outcome: StepOutcome; readonly user: LocalUser | null; readonly reason: Reason | null; readonly effects: readonly Record<string, Json>[] }
  | { readonly kind: 'federated'; readonly outcome: StepOutcome; readonly subject: string; readonly claims: Readonly<Record<string, Json>> };

export interface StepAuthenticator {
  authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict>;
}

/** Authenticators that confirm an already known user instead of identifying one. */
export const SECOND_FACTORS: ReadonlySet<string> = new Set([
  'totp',
  'email-otp-authenticator',
  'sms-otp-authenticator',
  'FIDOAuthenticator',
  'MagicLinkAuthenticator',
  'iproov',
  'DuoAuthenticator',
  'push-notification-authenticator',
]);

export const EMAIL_CLAIM = 'http://wso2.org/claims/emailaddress';
export const MOBILE_CLAIM = 'http://wso2.org/claims/mobile';
