/**
 * totp: RFC 6238 codes (otplib: SHA-1, 6 digits, 30 s) as a second factor of the user the flow
 * already knows.
 *
 * - A code of the current time-step or one either side is accepted (clock drift); a code of a
 *   time-step at or before the last accepted one is refused (TOTP_REPLAYED), so a code seen over a
 *   shoulder cannot be used again.
 * - The device is `{secret, lastTimeStep}` sealed with the server key (./secret-box.ts) and bound to
 *   the user's id, in the user's `totpSecret`: the plain secret is never stored, and the replay
 *   mark cannot be reset without the key (the two change together, in one write).
 * - Enrolment: a user without a device gets, from the step's challenge, a fresh secret and its
 *   `otpauth://` URI; the pending secret waits sealed in the flow's authState, and the first valid
 *   code stores it on the user (effect `totpEnrolled`).
 * - A wrong or replayed code with attempts left is a retry (the step still waits); the last one
 *   fails the step (TOTP_ATTEMPTS_EXHAUSTED). A malformed code is a retry and is not counted.
 */
import { generateSecret, generateURI, verify } from 'otplib';
import { z } from 'zod';
import type { LocalUser, Store } from '../store/types.js';
import { accountRefusal, failed, knownLocalUser, reportedOutcome, retry } from './local-user.js';
import { checkSecretKey, openSecret, sealSecret } from './secret-box.js';
import { intParam } from './settings.js';
import type { ChallengeResult, StepAttempt, StepAuthenticator, StepVerdict } from './types.js';
import { accountKey, inTurn } from './user-turns.js';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const CODE = /^\d{6}$/;

export const TotpDeviceSchema = z.object({ secret: z.string().min(16), lastTimeStep: z.number().int().nonnegative().nullable() }).strict();
export type TotpDevice = z.infer<typeof TotpDeviceSchema>;

/** The state of a step: failed codes, and a pending enrolment (sealed, for this flow only). */
const TotpStateSchema = z.object({ failures: z.number().int().nonnegative().default(0), pending: z.object({ userId: z.string(), sealed: z.string() }).strict().optional() });

export interface TotpAuthenticatorOptions {
  /** The server key (32 bytes) that devices are sealed with. */
  readonly secretKey: Buffer;
  /** The issuer in the otpauth URI (default "authscript"). */
  readonly issuer?: string;
  /** Enrol a user without a device in the login flow (default true); else such a user fails TOTP_NOT_ENROLLED. */
  readonly enrolment?: boolean;
  /** Wrong codes per step before it fails (default 3); authenticatorParams maximumAllowedFailureAttempts overrides it. */
  readonly maxAttempts?: number;
}

const deviceContext = (user: Pick<LocalUser, 'tenant' | 'id'>): string => `totp-device:${user.tenant}:${user.id}`;
const pendingContext = (flowId: string): string => `totp-enrolment:${flowId}`;

/** A device sealed for storing in `user.totpSecret` (a seed, an admin API that enrols a device). */
export function sealTotpDevice(key: Buffer, user: Pick<LocalUser, 'tenant' | 'id'>, device: TotpDevice): string {
  return sealSecret(key, JSON.stringify(TotpDeviceSchema.parse(device)), deviceContext(user));
}

/** The device in `user.totpSecret`; throws a SecretBoxError when it does not open (wrong key, changed value). */
export function openTotpDevice(key: Buffer, user: Pick<LocalUser, 'tenant' | 'id'>, sealed: string): TotpDevice {
  const plain = openSecret(key, sealed, deviceContext(user));
  let parsed: ReturnType<typeof TotpDeviceSchema.safeParse> | null = null;
  try {
    parsed = TotpDeviceSchema.safeParse(JSON.parse(plain));
  } catch {
    // Not JSON: reported below like any record of the wrong shape.
  }
  if (parsed === null || !parsed.success) throw new TypeError(`the TOTP device of user ${user.id} opens, but is not a device record ({secret, lastTimeStep})`);
  return parsed.data;
}

export class TotpAuthenticator implements StepAuthenticator {
  private readonly issuer: string;

  constructor(private readonly options: TotpAuthenticatorOptions) {
    checkSecretKey(options.secretKey);
    this.issuer = options.issuer ?? 'authscript';
  }

  async challenge(attempt: StepAttempt, store: Store): Promise<ChallengeResult> {
    const known = await knownLocalUser(attempt, store);
    if (known.kind === 'none') return { kind: 'fail', user: null, reason: known.reason };
    const user = known.user;
    const refusal = accountRefusal(user, attempt.now);
    if (refusal !== null) return { kind: 'fail', user, reason: refusal };
    if (user.totpSecret !== null) return { kind: 'challenge', challenge: { authenticator: 'totp', enrolment: false, digits: DIGITS, period: PERIOD_SECONDS }, effects: [] };
    if (this.options.enrolment === false) return { kind: 'fail', user, reason: notEnrolled(user) };
    const state = TotpStateSchema.parse(attempt.state);
    // The same secret on every challenge of the step: a reloaded page must not void a scanned code.
    const secret = state.pending?.userId === user.id ? openSecret(this.options.secretKey, state.pending.sealed, pendingContext(attempt.flowId)) : generateSecret();
    attempt.state['pending'] = { userId: user.id, sealed: sealSecret(this.options.secretKey, secret, pendingContext(attempt.flowId)) };
    const uri = generateURI({ issuer: this.issuer, label: user.username, secret, digits: DIGITS, period: PERIOD_SECONDS });
    return { kind: 'challenge', challenge: { authenticator: 'totp', enrolment: true, secret, uri, issuer: this.issuer, label: user.username, digits: DIGITS, period: PERIOD_SECONDS }, effects: [] };
  }

  async authenticate(attempt: StepAttempt, store: Store): Promise<StepVerdict> {
    const reported = reportedOutcome(attempt);
    if (reported !== null) return reported;
    const code = attempt.credentials?.code;
    if (code === undefined || code === '') return retry('CODE_MISSING', 'enter the code from the authenticator app');
    if (!CODE.test(code)) return retry('CODE_MALFORMED', `a TOTP code is ${DIGITS} digits`);
    const max = intParam(attempt.authenticatorParams, 'maximumAllowedFailureAttempts', 1, 100);
    if (typeof max === 'object' && max !== null) return failed(null, { code: 'AUTHENTICATOR_PARAMS_INVALID', message: max.error });
    const maxAttempts = max ?? this.options.maxAttempts ?? 3;
    const known = await knownLocalUser(attempt, store);
    if (known.kind === 'none') return failed(null, known.reason);
    const { user: found } = known;
    return inTurn(accountKey(attempt.tenant, found.userStoreDomain, found.username), async () => {
      const user = (await store.getUserById(attempt.tenant, found.id)) ?? found;
      const refusal = accountRefusal(user, attempt.now);
      if (refusal !== null) return failed(user, refusal);
      const state = TotpStateSchema.parse(attempt.state);
      const epoch = Math.floor(attempt.now / 1000);
      if (user.totpSecret === null) {
        if (this.options.enrolment === false) return failed(user, notEnrolled(user));
        if (state.pending === undefined || state.pending.userId !== user.id) {
          return retry('CHALLENGE_REQUIRED', `${user.username} has no TOTP device yet: ask for the step's challenge to enrol one`);
        }
        const secret = openSecret(this.options.secretKey, state.pending.sealed, pendingContext(attempt.flowId));
        const timeStep = await matchedTimeStep(secret, code, epoch);
        if (timeStep === null) return this.wrong(attempt, user, state.failures, maxAttempts, 'TOTP_INVALID', 'the code does not match the new device');
        // Only while the user still has no device: another flow enrolling at the same moment wins or loses whole.
        const enrolled = await store.updateUserIf(attempt.tenant, user.id, { totpSecret: null }, { totpSecret: sealTotpDevice(this.options.secretKey, user, { secret, lastTimeStep: timeStep }) });
        if (enrolled === null) return this.wrong(attempt, user, state.failures, maxAttempts, 'TOTP_INVALID', 'another device was enrolled meanwhile');
        return { kind: 'local', outcome: 'success', user: enrolled, reason: null, effects: [{ kind: 'totpEnrolled', username: user.username, userStoreDomain: user.userStoreDomain }] };
      }
      const device = openTotpDevice(this.options.secretKey, user, user.totpSecret);
      const timeStep = await matchedTimeStep(device.secret, code, epoch);
      if (timeStep === null) return this.wrong(attempt, user, state.failures, maxAttempts, 'TOTP_INVALID', 'the code is wrong');
      if (device.lastTimeStep !== null && timeStep <= device.lastTimeStep) {
        return this.wrong(attempt, user, state.failures, maxAttempts, 'TOTP_REPLAYED', 'this code was already used: wait for the next one');
      }
      // Compare-and-set on the sealed device: of two checks of one code at once, in any processes,
      // one moves the last time-step on and the other finds it moved (a replay).
      const updated = await store.updateUserIf(attempt.tenant, user.id, { totpSecret: user.totpSecret }, { totpSecret: sealTotpDevice(this.options.secretKey, user, { ...device, lastTimeStep: timeStep }) });
      if (updated === null) return this.wrong(attempt, user, state.failures, maxAttempts, 'TOTP_REPLAYED', 'this code was already used: wait for the next one');
      return { kind: 'local', outcome: 'success', user: updated, reason: null, effects: [] };
    });
  }

  private wrong(attempt: StepAttempt, user: LocalUser, failures: number, maxAttempts: number, code: string, message: string): StepVerdict {
    const now = failures + 1;
    attempt.state['failures'] = now;
    const left = maxAttempts - now;
    if (left <= 0) return failed(user, { code: 'TOTP_ATTEMPTS_EXHAUSTED', message: `${message}; no attempts left (${maxAttempts})` });
    return retry(code, `${message} (${left} attempt${left === 1 ? '' : 's'} left)`, left);
  }
}

/** The time-step the code belongs to (the current one or one either side), or null when it matches none. */
async function matchedTimeStep(secret: string, token: string, epoch: number): Promise<number | null> {
  const result = await verify({ secret, token, epoch, epochTolerance: PERIOD_SECONDS });
  if (!result.valid) return null;
  if (!('timeStep' in result)) throw new TypeError('otplib answered a TOTP check without the time-step it matched');
  return result.timeStep;
}

function notEnrolled(user: LocalUser): { code: string; message: string } {
  return { code: 'TOTP_NOT_ENROLLED', message: `${user.username} has no TOTP device, and enrolment during login is off` };
}
