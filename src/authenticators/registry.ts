/**
 * The authenticators a server runs, by name: one StepAuthenticator for the flow engine.
 *
 * - A local option goes to the authenticator registered under its name (BasicAuthenticator,
 *   totp, email-otp-authenticator by default).
 * - A federated option (idp other than LOCAL) takes the outcome that the identity server reports:
 *   it performed the federation, and sends the IdP's subject and claims.
 * - A local authenticator that authscript does not implement (FIDO, SMS OTP, ...) is refused with
 *   AUTHENTICATOR_NOT_AVAILABLE, unless the server lists it in `trustReportedOutcomes`: then the
 *   identity server's reported outcome is taken, with the account rules around it (the user must
 *   exist, a locked account fails, a second factor needs a local account).
 */
import type { Store } from '../store/types.js';
import { BasicAuthenticator, type BasicAuthenticatorOptions } from './basic.js';
import { EmailOtpAuthenticator, type EmailOtpAuthenticatorOptions } from './email-otp.js';
import { reportedOutcome } from './local-user.js';
import { SimulatedAuthenticator } from './simulated.js';
import { TotpAuthenticator, type TotpAuthenticatorOptions } from './totp.js';
import type { ChallengeResult, StepAttempt, StepAuthenticator, StepVerdict } from './types.js';

export interface AuthenticatorRegistryOptions {
  /** Local authenticators by name. */
  readonly local: Readonly<Record<string, StepAuthenticator>>;
  /** Local authenticators, not registered, whose outcome the identity server reports and authscript accepts. */
  readonly trustReportedOutcomes?: readonly string[];
}

export interface StandardAuthenticatorsOptions {
  /** The server key (32 bytes) that TOTP devices are sealed with. */
  readonly secretKey: Buffer;
  readonly basic?: BasicAuthenticatorOptions;
  readonly totp?: Omit<TotpAuthenticatorOptions, 'secretKey'>;
  readonly emailOtp?: EmailOtpAuthenticatorOptions;
  readonly trustReportedOutcomes?: readonly string[];
}

export class AuthenticatorRegistry implements StepAuthenticator {
  private readonly local: ReadonlyMap<string, StepAuthenticator>;
  private readonly trusted: ReadonlySet<string>;
  private readonly reported = new SimulatedAuthenticator();

  constructor(options: AuthenticatorRegistryOptions) {
    this.local = new Map(Object.entries(options.local));
    this.trusted = new Set(options.trustReportedOutcomes ?? []);
    for (const name of this.trusted) {
      if (this.local.has(name)) throw new TypeError(`trustReportedOutcomes lists ${name}, which is registered: its outcome is checked, never taken as reported`);
    }
  }

  /** BasicAuthenticator, totp and email-otp-authenticator. */
  static standard(options: StandardAuthenticatorsOptions): AuthenticatorRegistry {
    return new AuthenticatorRegistry({
      local: {
        BasicAuthenticator: new BasicAuthenticator(options.basic),
        totp: new TotpAuthenticator({ ...options.totp, secretKey: options.secretKey }),
        'email-otp-authenticator': new EmailOtpAuthenticator(options.emailOtp),
      },
      ...(options.trustReportedOutcomes === undefined ? {} : { trustReportedOutcomes: options.trustReportedOutcomes }),
    });
  }

  /** The names of the registered local authenticators. */
  names(): string[] {
    return [...this.local.keys()];
  }

  async authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict> {
    const { idp, authenticator } = attempt.option;
    if (idp !== 'LOCAL') {
      return { kind: 'federated', outcome: attempt.outcome, subject: attempt.subject ?? '', claims: attempt.claims ?? {} };
    }
    const registered = this.local.get(authenticator);
    if (registered !== undefined) return registered.authenticate(attempt, store);
    if (this.trusted.has(authenticator)) return this.reported.authenticate(attempt, store);
    // Giving up on a step needs no authenticator.
    const reported = reportedOutcome(attempt);
    if (reported !== null) return reported;
    return { kind: 'local', outcome: 'fail', user: null, reason: notAvailable(authenticator, this.names()), effects: [] };
  }

  async challenge(attempt: StepAttempt, store: Store): Promise<ChallengeResult | null> {
    if (attempt.option.idp !== 'LOCAL') return null;
    const registered = this.local.get(attempt.option.authenticator);
    // Authenticators without a challenge (and unknown ones, which their step refuses) answer none.
    if (registered?.challenge === undefined) return null;
    return registered.challenge(attempt, store);
  }
}

function notAvailable(authenticator: string, registered: readonly string[]) {
  return {
    code: 'AUTHENTICATOR_NOT_AVAILABLE',
    message: `${authenticator} is not available on this server (it runs ${registered.join(', ')}); an identity server that checks it itself can be trusted with it through trustReportedOutcomes`,
  };
}
