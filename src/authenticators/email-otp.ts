/**
 * email-otp-authenticator: a numeric code sent by email, typed back.
 *
 * - The step's challenge picks the code (node:crypto), keeps only its salted SHA-256 in the flow's
 *   authState with its expiry, and, once the flow is saved, puts the email in the store's outbox
 *   (template `email-otp`, placeholders `code`, `username`, `expiryMinutes`) and hands it to the
 *   Mailer when SMTP is configured. Another challenge is a resend: a new code, within the resend
 *   limit and not sooner than the resend interval.
 * - The user is the one the flow knows (a second factor); without one, the challenge's username
 *   names the user (a first factor). An unknown username gets a challenge that looks the same and
 *   that no code passes, so the answer does not tell which usernames exist.
 * - A wrong code with attempts left is a retry (the step still waits, the reason says how many
 *   are left); the last one fails the step. An expired code fails the step. A malformed code is a
 *   retry and is not counted.
 *
 * `authenticatorParams` (strings, as in WSO2): maximumAllowedFailureAttempts,
 * maximumAllowedResendAttempts, enableRetryFromAuthenticator (false: the first wrong code fails),
 * terminateOnResendLimitExceeded (true: a resend over the limit fails the step instead of being
 * refused), and authscript's otpLength and otpExpirySeconds.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { LocalUser, Store } from '../store/types.js';
import { accountRefusal, failed, knownLocalUser, qualifiedName, reportedOutcome, retry } from './local-user.js';
import type { Mailer } from './mailer.js';
import { renderEmail } from './mailer.js';
import { boolParam, intParam, settingsFor, type PerTenant } from './settings.js';
import { splitUsername } from './simulated.js';
import { EMAIL_CLAIM, type ChallengeResult, type Reason, type StepAttempt, type StepAuthenticator, type StepVerdict } from './types.js';

export const EmailOtpSettingsSchema = z
  .object({
    otpLength: z.number().int().min(4).max(10).default(6),
    expiryMs: z
      .number()
      .int()
      .min(1000)
      .max(24 * 3600 * 1000)
      .default(5 * 60 * 1000),
    /** Wrong codes per step before it fails. */
    maxAttempts: z.number().int().min(1).max(100).default(3),
    /** Codes sent again after the first. */
    maxResends: z.number().int().min(0).max(100).default(3),
    resendIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(3600 * 1000)
      .default(30 * 1000),
    retryEnabled: z.boolean().default(true),
    terminateOnResendLimit: z.boolean().default(false),
  })
  .strict();
export type EmailOtpSettings = z.output<typeof EmailOtpSettingsSchema>;

export interface EmailOtpAuthenticatorOptions {
  readonly settings?: PerTenant<z.input<typeof EmailOtpSettingsSchema>>;
  /** Delivers the email beside the outbox (SMTP); without it the outbox alone holds it. */
  readonly mailer?: Mailer;
}

const EmailOtpStateSchema = z
  .object({
    /** Null for a username that names no one (the decoy). */
    userId: z.string().nullable(),
    salt: z.string(),
    hash: z.string(),
    length: z.number().int(),
    expiresAt: z.number(),
    sentAt: z.number(),
    sends: z.number().int().positive(),
    failures: z.number().int().nonnegative(),
  })
  .strict();
type EmailOtpState = z.infer<typeof EmailOtpStateSchema>;

const TEMPLATE = 'email-otp';

export class EmailOtpAuthenticator implements StepAuthenticator {
  constructor(private readonly options: EmailOtpAuthenticatorOptions = {}) {
    if (typeof options.settings !== 'function') settingsFor(EmailOtpSettingsSchema, 'emailOtp', options.settings, null);
  }

  async challenge(attempt: StepAttempt, store: Store): Promise<ChallengeResult> {
    const settings = this.settings(attempt);
    if ('error' in settings) return { kind: 'fail', user: null, reason: settings.error };
    const target = await this.recipient(attempt, store);
    if (target.kind !== 'user') return target;
    const { user } = target;
    const previous = readState(attempt.state);
    if (previous !== null) {
      const resends = previous.sends - 1;
      if (resends >= settings.maxResends) {
        const reason = { code: 'RESEND_LIMIT_EXCEEDED', message: `the code was already sent again ${resends} time${resends === 1 ? '' : 's'}, the most allowed` };
        return settings.terminateOnResendLimit ? { kind: 'fail', user, reason } : { kind: 'refused', reason };
      }
      const wait = previous.sentAt + settings.resendIntervalMs - attempt.now;
      if (wait > 0) return { kind: 'refused', reason: { code: 'RESEND_TOO_SOON', message: `a new code can be sent in ${Math.ceil(wait / 1000)} s` } };
    }
    const code = String(randomInt(0, 10 ** settings.otpLength)).padStart(settings.otpLength, '0');
    const salt = randomBytes(16).toString('base64url');
    const state: EmailOtpState = {
      userId: user?.id ?? null,
      salt,
      hash: digest(salt, code),
      length: settings.otpLength,
      expiresAt: attempt.now + settings.expiryMs,
      sentAt: attempt.now,
      sends: (previous?.sends ?? 0) + 1,
      // A resend is a new code, not a new budget of guesses.
      failures: previous?.failures ?? 0,
    };
    Object.assign(attempt.state, state);
    const challenge = {
      authenticator: 'email-otp-authenticator',
      length: state.length,
      expiresAt: state.expiresAt,
      resendsLeft: settings.maxResends - (state.sends - 1),
      resendAvailableAt: state.sentAt + settings.resendIntervalMs,
      // Only a user the flow already knows sees where the code went.
      ...(attempt.knownSubject !== null && user !== null ? { sentTo: maskEmail(user.claims[EMAIL_CLAIM]!) } : {}),
    };
    if (user === null) return { kind: 'challenge', challenge, effects: [] };
    const to = user.claims[EMAIL_CLAIM]!;
    const placeholders = { code, username: user.username, expiryMinutes: String(Math.round(settings.expiryMs / 60_000)) };
    return {
      kind: 'challenge',
      challenge,
      effects: [{ kind: 'emailOtpSent', username: user.username, userStoreDomain: user.userStoreDomain, send: state.sends }],
      afterSave: async () => {
        await store.enqueueEmail({ tenant: attempt.tenant, flowId: attempt.flowId, to, template: TEMPLATE, placeholders, createdAt: attempt.now });
        await this.options.mailer?.send({ to, ...renderEmail(TEMPLATE, placeholders) });
      },
    };
  }

  async authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict> {
    const reported = reportedOutcome(attempt);
    if (reported !== null) return reported;
    const settings = this.settings(attempt);
    if ('error' in settings) return failed(null, settings.error);
    const state = readState(attempt.state);
    if (state === null) return retry('CHALLENGE_REQUIRED', 'no code was sent yet: ask for the step\'s challenge to send one');
    const code = attempt.credentials?.code;
    if (code === undefined || code === '') return retry('CODE_MISSING', 'enter the code from the email');
    if (code.length !== state.length || !/^\d+$/.test(code)) return retry('CODE_MALFORMED', `the code from the email is ${state.length} digits`);
    const user = state.userId === null ? null : await store.getUserById(attempt.tenant, state.userId);
    if (state.userId !== null && user === null) return failed(null, { code: 'LOCAL_ACCOUNT_REQUIRED', message: 'the account the code was sent to no longer exists' });
    if (user !== null) {
      const refusal = accountRefusal(user, attempt.now);
      if (refusal !== null) return failed(user, refusal);
    }
    if (attempt.now >= state.expiresAt) return failed(user, { code: 'OTP_EXPIRED', message: `the code expired at ${new Date(state.expiresAt).toISOString()}` });
    const matches = timingSafeEqual(Buffer.from(digest(state.salt, code)), Buffer.from(state.hash));
    if (matches && user !== null) return { kind: 'local', outcome: 'success', user, reason: null, effects: [] };
    const failures = state.failures + 1;
    attempt.state['failures'] = failures;
    const left = settings.maxAttempts - failures;
    if (!settings.retryEnabled) return failed(user, { code: 'OTP_INVALID', message: 'the code is wrong' });
    if (left <= 0) return failed(user, { code: 'OTP_ATTEMPTS_EXHAUSTED', message: `the code is wrong; no attempts left (${settings.maxAttempts})` });
    return retry('OTP_INVALID', `the code is wrong (${left} attempt${left === 1 ? '' : 's'} left)`, left);
  }

  /** The tenant's settings with the step's authenticatorParams over them. */
  private settings(attempt: StepAttempt): EmailOtpSettings | { readonly error: Reason } {
    const base = settingsFor(EmailOtpSettingsSchema, 'emailOtp', this.options.settings, attempt.tenant);
    const p = attempt.authenticatorParams;
    const overrides = {
      maxAttempts: intParam(p, 'maximumAllowedFailureAttempts', 1, 100),
      maxResends: intParam(p, 'maximumAllowedResendAttempts', 0, 100),
      retryEnabled: boolParam(p, 'enableRetryFromAuthenticator'),
      terminateOnResendLimit: boolParam(p, 'terminateOnResendLimitExceeded'),
      otpLength: intParam(p, 'otpLength', 4, 10),
      expiryMs: ((s) => (typeof s === 'number' ? s * 1000 : s))(intParam(p, 'otpExpirySeconds', 1, 24 * 3600)),
    };
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === null) continue;
      if (typeof value === 'object') return { error: { code: 'AUTHENTICATOR_PARAMS_INVALID', message: value.error } };
      merged[key] = value;
    }
    return merged as EmailOtpSettings;
  }

  /** Who gets the code: the known user, or the challenge's username (null: nobody, the decoy). */
  private async recipient(attempt: StepAttempt, store: Store): Promise<{ readonly kind: 'user'; readonly user: LocalUser | null } | Extract<ChallengeResult, { kind: 'refused' | 'fail' }>> {
    let user: LocalUser | null;
    if (attempt.knownSubject !== null) {
      const known = await knownLocalUser(attempt, store);
      if (known.kind === 'none') return { kind: 'fail', user: null, reason: known.reason };
      user = known.user;
    } else {
      const qualified = attempt.credentials?.username;
      if (qualified === undefined || qualified.trim() === '') {
        return { kind: 'refused', reason: { code: 'CREDENTIALS_MISSING', message: 'no step identified the user yet: give the username to send the code to' } };
      }
      const { userStoreDomain, username } = splitUsername(qualified);
      user = await store.getUser(attempt.tenant, userStoreDomain, username);
      if (user === null) return { kind: 'user', user: null };
    }
    const refusal = accountRefusal(user, attempt.now);
    if (refusal !== null) return { kind: 'fail', user, reason: refusal };
    const email = user.claims[EMAIL_CLAIM];
    if (email === undefined || email.trim() === '') return { kind: 'fail', user, reason: { code: 'EMAIL_ADDRESS_MISSING', message: `${qualifiedName(user)} has no email address (${EMAIL_CLAIM}) for email OTP` } };
    return { kind: 'user', user };
  }
}

function readState(state: Record<string, unknown>): EmailOtpState | null {
  if (Object.keys(state).length === 0) return null;
  const parsed = EmailOtpStateSchema.safeParse(state);
  if (!parsed.success) throw new TypeError(`the email OTP state of this step is not valid: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

function digest(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('base64url');
}

/** a***@example.com: enough for the user to recognise the address. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
