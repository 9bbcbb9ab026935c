import { describe, expect, it } from 'vitest';
import { EmailOtpAuthenticator } from '../../src/authenticators/email-otp.js';
import { NodemailerMailer, type Mailer, type OutgoingEmail } from '../../src/authenticators/mailer.js';
import type { ChallengeResult, StepAttempt } from '../../src/authenticators/types.js';
import type { Json } from '../../runtime/protocol.js';
import type { LocalUser, Store } from '../../src/store/types.js';
import { addUser, attempt, EMAIL, federated, known, openStore, reasonOf, STORES, T0, TENANT } from './_support.js';

const otp = new EmailOtpAuthenticator();
const NAME = 'email-otp-authenticator';

/** One step's attempts share their state, as the engine keeps it in the flow. */
function stepOf(user: LocalUser | null, extra: Partial<StepAttempt> = {}) {
  const state: Record<string, Json> = {};
  const base = (more: Partial<StepAttempt>) => attempt(NAME, { step: 2, knownSubject: user === null ? null : known(user), state, ...extra, ...more });
  return {
    state,
    /** A challenge as the engine runs it: the email leaves once the flow is saved. */
    async challenge(authenticator = otp, store: Store, more: Partial<StepAttempt> = {}): Promise<ChallengeResult> {
      const result = await authenticator.challenge(base(more), store);
      if (result.kind === 'challenge') await result.afterSave?.();
      return result;
    },
    answer: (code: string, more: Partial<StepAttempt> = {}) => base({ credentials: { code }, ...more }),
  };
}

async function alice(store: Store): Promise<LocalUser> {
  return addUser(store, 'alice', { claims: { [EMAIL]: 'alice@example.com' } });
}

async function lastCode(store: Store): Promise<string> {
  const emails = await store.emails(TENANT);
  return emails[emails.length - 1]!.placeholders['code']!;
}

describe.each(STORES)('email OTP on the %s store', (kind) => {
  it('puts an email-otp email with the code in the outbox, and keeps only a hash of it in the step state', async () => {
    const store = await openStore(kind);
    const user = await alice(store);
    const step = stepOf(user);
    const c = await step.challenge(otp, store);
    expect(c).toMatchObject({
      kind: 'challenge',
      challenge: { authenticator: NAME, length: 6, expiresAt: T0 + 300_000, resendsLeft: 3, resendAvailableAt: T0 + 30_000, sentTo: 'a***@example.com' },
      effects: [{ kind: 'emailOtpSent', username: 'alice', send: 1 }],
    });
    const emails = await store.emails(TENANT);
    expect(emails).toMatchObject([{ to: 'alice@example.com', template: 'email-otp', flowId: 'flow-1', placeholders: { username: 'alice', expiryMinutes: '5' } }]);
    const code = emails[0]!.placeholders['code']!;
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(step.state)).not.toContain(code);
    expect(JSON.stringify(c)).not.toContain(code);
  });

  it('signs in with the code from the email', async () => {
    const store = await openStore(kind);
    const user = await alice(store);
    const step = stepOf(user);
    await step.challenge(otp, store);
    expect(await otp.authenticate(step.answer(await lastCode(store)), store)).toMatchObject({ kind: 'local', outcome: 'success', user: { username: 'alice' } });
  });

  it('keeps the step waiting after a wrong code, saying how many attempts are left', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    await step.challenge(otp, store);
    const wrong = (await lastCode(store)) === '000000' ? '000001' : '000000';
    expect(await otp.authenticate(step.answer(wrong), store)).toEqual({ kind: 'retry', reason: { code: 'OTP_INVALID', message: 'the code is wrong (2 attempts left)' }, attemptsLeft: 2 });
    expect(await otp.authenticate(step.answer(await lastCode(store)), store)).toMatchObject({ outcome: 'success' });
  });

  it('fails the step with OTP_ATTEMPTS_EXHAUSTED at the last wrong code', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    await step.challenge(otp, store);
    const wrong = (await lastCode(store)) === '000000' ? '000001' : '000000';
    await otp.authenticate(step.answer(wrong), store);
    await otp.authenticate(step.answer(wrong), store);
    expect(await otp.authenticate(step.answer(wrong), store)).toMatchObject({ kind: 'local', outcome: 'fail', reason: { code: 'OTP_ATTEMPTS_EXHAUSTED' } });
  });

  it('fails at the first wrong code when authenticatorParams turn retries off', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store), { authenticatorParams: { enableRetryFromAuthenticator: 'false' } });
    await step.challenge(otp, store);
    const wrong = (await lastCode(store)) === '000000' ? '000001' : '000000';
    expect(await otp.authenticate(step.answer(wrong), store)).toMatchObject({ outcome: 'fail', reason: { code: 'OTP_INVALID' } });
  });

  it('fails an expired code with OTP_EXPIRED, even the right one', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    await step.challenge(otp, store);
    const code = await lastCode(store);
    expect(await otp.authenticate(step.answer(code, { now: T0 + 300_000 }), store)).toMatchObject({ outcome: 'fail', reason: { code: 'OTP_EXPIRED', message: `the code expired at ${new Date(T0 + 300_000).toISOString()}` } });
  });

  it('takes the code length and expiry from authenticatorParams', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store), { authenticatorParams: { otpLength: '8', otpExpirySeconds: '60' } });
    expect(await step.challenge(otp, store)).toMatchObject({ challenge: { length: 8, expiresAt: T0 + 60_000 } });
    expect(await lastCode(store)).toMatch(/^\d{8}$/);
  });

  it('fails the step with AUTHENTICATOR_PARAMS_INVALID naming a parameter that is not a number', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store), { authenticatorParams: { maximumAllowedResendAttempts: 'three' } });
    expect(await step.challenge(otp, store)).toMatchObject({
      kind: 'fail',
      reason: { code: 'AUTHENTICATOR_PARAMS_INVALID', message: 'authenticatorParams maximumAllowedResendAttempts must be a whole number from 0 to 100 (got "three")' },
    });
  });

  it('sends a new code on a resend, after which the old code no longer passes', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    await step.challenge(otp, store);
    const first = await lastCode(store);
    const again = await step.challenge(otp, store, { now: T0 + 30_000 });
    expect(again).toMatchObject({ kind: 'challenge', challenge: { resendsLeft: 2, expiresAt: T0 + 330_000 } });
    const second = await lastCode(store);
    expect(await store.emails(TENANT)).toHaveLength(2);
    if (first !== second) expect(reasonOf(await otp.authenticate(step.answer(first, { now: T0 + 31_000 }), store))).toBe('OTP_INVALID');
    expect(await otp.authenticate(step.answer(second, { now: T0 + 31_000 }), store)).toMatchObject({ outcome: 'success' });
  });

  it('refuses a resend sooner than the resend interval, and sends nothing', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    await step.challenge(otp, store);
    expect(await step.challenge(otp, store, { now: T0 + 10_000 })).toEqual({ kind: 'refused', reason: { code: 'RESEND_TOO_SOON', message: 'a new code can be sent in 20 s' } });
    expect(await store.emails(TENANT)).toHaveLength(1);
  });

  it('refuses resends over the limit, or fails the step when terminateOnResendLimitExceeded is true', async () => {
    const store = await openStore(kind);
    const quick = new EmailOtpAuthenticator({ settings: { resendIntervalMs: 0, maxResends: 1 } });
    const step = stepOf(await alice(store));
    expect((await step.challenge(quick, store)).kind).toBe('challenge');
    expect((await step.challenge(quick, store)).kind).toBe('challenge');
    expect(await step.challenge(quick, store)).toMatchObject({ kind: 'refused', reason: { code: 'RESEND_LIMIT_EXCEEDED' } });
    expect(await step.challenge(quick, store, { authenticatorParams: { terminateOnResendLimitExceeded: 'true' } })).toMatchObject({ kind: 'fail', reason: { code: 'RESEND_LIMIT_EXCEEDED' } });
    expect(await store.emails(TENANT)).toHaveLength(2);
  });

  it('does not give a resend a new budget of wrong codes', async () => {
    const store = await openStore(kind);
    const quick = new EmailOtpAuthenticator({ settings: { resendIntervalMs: 0 } });
    const step = stepOf(await alice(store));
    await step.challenge(quick, store);
    const wrong = (c: string) => (c === '000000' ? '000001' : '000000');
    await quick.authenticate(step.answer(wrong(await lastCode(store))), store);
    await quick.authenticate(step.answer(wrong(await lastCode(store))), store);
    await step.challenge(quick, store);
    expect(reasonOf(await quick.authenticate(step.answer(wrong(await lastCode(store))), store))).toBe('OTP_ATTEMPTS_EXHAUSTED');
  });

  it('fails the step with EMAIL_ADDRESS_MISSING for a user without an email address', async () => {
    const store = await openStore(kind);
    const step = stepOf(await addUser(store, 'bob'));
    expect(await step.challenge(otp, store)).toMatchObject({ kind: 'fail', reason: { code: 'EMAIL_ADDRESS_MISSING', message: 'bob has no email address (http://wso2.org/claims/emailaddress) for email OTP' } });
  });

  it('fails a federated user without a local account with LOCAL_ACCOUNT_REQUIRED', async () => {
    const store = await openStore(kind);
    const step = attempt(NAME, { knownSubject: federated('octocat') });
    expect(await otp.challenge(step, store)).toMatchObject({ kind: 'fail', reason: { code: 'LOCAL_ACCOUNT_REQUIRED' } });
  });

  it('asks for the challenge when a code comes before any was sent', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    expect(await otp.authenticate(step.answer('123456'), store)).toMatchObject({ kind: 'retry', reason: { code: 'CHALLENGE_REQUIRED' } });
  });

  it('keeps the step waiting without counting a code that is not digits of the right length', async () => {
    const store = await openStore(kind);
    const step = stepOf(await alice(store));
    await step.challenge(otp, store);
    for (const code of ['12345a', '12345', '1234567', 'x'.repeat(64)]) {
      expect(await otp.authenticate(step.answer(code), store)).toEqual({ kind: 'retry', reason: { code: 'CODE_MALFORMED', message: 'the code from the email is 6 digits' }, attemptsLeft: null });
    }
    expect(step.state['failures']).toBe(0);
  });

  it('sends the code to the user a first-factor challenge names', async () => {
    const store = await openStore(kind);
    await alice(store);
    const step = stepOf(null);
    const c = await step.challenge(otp, store, { credentials: { username: 'alice' } });
    // Without a known user the answer does not say where the code went.
    expect(c.kind === 'challenge' && c.challenge).not.toHaveProperty('sentTo');
    expect(await otp.authenticate(step.answer(await lastCode(store)), store)).toMatchObject({ outcome: 'success', user: { username: 'alice' } });
  });

  it('answers an unknown username like a known one, sends nothing, and lets no code pass', async () => {
    const store = await openStore(kind);
    const step = stepOf(null);
    const c = await step.challenge(otp, store, { credentials: { username: 'nobody' } });
    expect(c).toMatchObject({ kind: 'challenge', challenge: { authenticator: NAME, length: 6, resendsLeft: 3 }, effects: [] });
    expect(await store.emails(TENANT)).toEqual([]);
    expect(await otp.authenticate(step.answer('123456'), store)).toMatchObject({ kind: 'retry', reason: { code: 'OTP_INVALID' } });
  });
});

describe('email OTP delivery', () => {
  it('hands the email to the mailer once the flow is saved', async () => {
    const store = await openStore('memory');
    const sent: OutgoingEmail[] = [];
    const mailer: Mailer = { send: async (e) => void sent.push(e) };
    const withMailer = new EmailOtpAuthenticator({ mailer });
    const user = await alice(store);
    const result = await withMailer.challenge(attempt(NAME, { knownSubject: known(user) }), store);
    expect(sent).toEqual([]);
    if (result.kind === 'challenge') await result.afterSave?.();
    expect(sent).toEqual([{ to: 'alice@example.com', subject: 'Your sign-in code', text: expect.stringContaining(`your sign-in code is ${await lastCode(store)}.`) }]);
  });

  it('delivers through a nodemailer transport', async () => {
    const messages: string[] = [];
    const mailer = new NodemailerMailer({
      transport: {
        name: 'capture',
        version: '1',
        send: (mail: { message: { createReadStream(): NodeJS.ReadableStream } }, done: (err: Error | null, info: unknown) => void) => {
          const chunks: Buffer[] = [];
          const stream = mail.message.createReadStream();
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            messages.push(Buffer.concat(chunks).toString('utf8'));
            done(null, { messageId: 'x' });
          });
        },
      } as never,
      from: 'login@authscript.test',
    });
    await mailer.send({ to: 'alice@example.com', subject: 'Your sign-in code', text: 'your sign-in code is 123456.' });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^From: login@authscript.test$/m);
    expect(messages[0]).toMatch(/^To: alice@example.com$/m);
    expect(messages[0]).toContain('your sign-in code is 123456.');
  });

  it('refuses SMTP settings that are not an smtp URL', () => {
    expect(() => new NodemailerMailer({ url: 'http://mail.example.com', from: 'a@b.c' })).toThrow(/smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('refuses invalid settings when it is built, naming the field', () => {
    expect(() => new EmailOtpAuthenticator({ settings: { otpLength: 2 } })).toThrow(/^emailOtp\.otpLength: /);
  });
});
