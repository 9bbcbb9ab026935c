/**
 * Authenticators: one interface, whatever checks the credentials. The flow engine asks for a
 * verdict on one step attempt; the simulator's authenticators take the outcome the scenario
 * declares but still apply each authenticator's real rules (the user must exist, a locked account
 * fails, a second factor needs a local account, TOTP enrols a user without a device), and the real
 * ones (./registry.ts) check what the user typed.
 */
import { z } from 'zod';
import type { Json, StepOption, UserSnapshot } from '../../runtime/protocol.js';
import type { LocalUser, Store } from '../store/types.js';

export type StepOutcome = 'success' | 'fail' | 'abort' | 'fallback';

/**
 * What a user typed for a local authenticator. The bounds are the wire's (the HTTP API validates
 * with this schema); the authenticators check them again, since a library caller skips the wire.
 */
export const CredentialsSchema = z
  .object({
    username: z.string().max(400).optional(),
    password: z.string().max(1024).optional(),
    code: z.string().max(64).optional(),
  })
  .strict();
export type Credentials = z.infer<typeof CredentialsSchema>;

export interface StepAttempt {
  readonly tenant: string;
  readonly flowId: string;
  readonly step: number;
  readonly option: StepOption;
  /**
   * The outcome the caller reports: an abort, a fallback or a failure is taken as it is; a success
   * means "check the credentials" for a real local authenticator, and is taken as it is for a
   * federated step (the identity server did the federation) and by the simulator.
   */
  readonly outcome: StepOutcome;
  readonly credentials?: Credentials | undefined;
  /** The simulator's scenario fields; real authenticators read `credentials` first, then these. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** The IdP's subject, for a federated success. */
  readonly subject?: string | undefined;
  /** The IdP's claims, for a federated success. */
  readonly claims?: Readonly<Record<string, Json>> | undefined;
  /** Who the flow knows so far (the subject of the earlier steps), for second factors. */
  readonly knownSubject: UserSnapshot | null;
  /**
   * What this authenticator keeps for this step between calls (`flow.authState["step:name"]`):
   * mutate it in place. The engine saves it with the flow while the step waits, and drops it when
   * the step ends.
   */
  readonly state: Record<string, Json>;
  /** The flow's clock (epoch ms). */
  readonly now: number;
  /**
   * The script's `authenticatorParams` for this option (WSO2 passes them as strings): `common`,
   * overlaid with `local[authenticator]` for a local option or `federated[idp]` for a connection.
   */
  readonly authenticatorParams: Readonly<Record<string, string>>;
}

export interface Reason {
  readonly code: string;
  readonly message: string;
}

export type StepVerdict =
  | { readonly kind: 'local'; readonly outcome: StepOutcome; readonly user: LocalUser | null; readonly reason: Reason | null; readonly effects: readonly Record<string, Json>[] }
  | { readonly kind: 'federated'; readonly outcome: StepOutcome; readonly subject: string; readonly claims: Readonly<Record<string, Json>> }
  /**
   * The step is not over: the flow keeps waiting for the same step (a mistyped one-time code with
   * attempts left, a form sent without a password). Nothing reaches the script or the journal.
   */
  | { readonly kind: 'retry'; readonly reason: Reason; readonly attemptsLeft: number | null };

/** What a challenge did: the public part goes back to the user, `state` keeps the rest. */
export type ChallengeResult =
  | {
      readonly kind: 'challenge';
      /** For the user: never a code to be typed back; a TOTP enrolment's secret and URI are. */
      readonly challenge: Readonly<Record<string, Json>>;
      readonly effects: readonly Record<string, Json>[];
      /**
       * Runs once the flow (with the new state) is saved, so that only a challenge that took
       * effect sends anything: an email whose code the flow does not keep would be useless.
       */
      readonly afterSave?: () => Promise<void>;
    }
  /** Not now (a resend too soon or over the limit): nothing changes. */
  | { readonly kind: 'refused'; readonly reason: Reason }
  /** The step cannot succeed (no email address, no local account, ...): it fails at once. */
  | { readonly kind: 'fail'; readonly user: LocalUser | null; readonly reason: Reason };

export interface StepAuthenticator {
  authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict>;
  /**
   * Starts or repeats the step's challenge (sends an email code, offers a TOTP enrolment). Null
   * when this option takes no challenge.
   */
  challenge?(attempt: StepAttempt, store: Store): Promise<ChallengeResult | null>;
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
