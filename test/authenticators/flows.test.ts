/**
 * Whole logins through the flow engine with the real authenticators, on SQLite: a new engine for
 * every call (as after a restart, or on another process), so the authenticators' state lives in
 * the saved flow only.
 */
import { generate } from 'otplib';
import { beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM } from '../../src/authenticators/account-lock.js';
import { AuthenticatorRegistry } from '../../src/authenticators/registry.js';
import { openTotpDevice, sealTotpDevice } from '../../src/authenticators/totp.js';
import { FlowEngine, stepRetryOf, type FlowInteraction } from '../../src/flow/engine.js';
import { FlowError } from '../../src/flow/flow-error.js';
import type { ConnectionInput } from '../../src/provisioning/connection.js';
import type { FlowRecord, Store } from '../../src/store/types.js';
import { APP, sharedSandbox, TWO_STEP } from '../_support/sandbox.js';
import { addUser, EMAIL, KEY, openStore, T0, TENANT } from './_support.js';

const SKIP_MFA = readFileSync(new URL('../../templates/skip-mfa-external-connections/script.js', import.meta.url), 'utf8');
const LOGIN_ATTEMPTS = readFileSync(new URL('../../templates/login-attempts-step-up/script.js', import.meta.url), 'utf8');
const GOOGLE_JIT: ConnectionInput = { name: 'Google', jit: { enabled: true }, userIdClaim: 'email', claimMappings: { email: EMAIL } };

let store: Store;
let clock: number;
const engine = () => new FlowEngine({ runner: sharedSandbox(), store, authenticator: AuthenticatorRegistry.standard({ secretKey: KEY }), clock: () => clock });

beforeEach(async () => {
  store = await openStore('sqlite');
  clock = T0;
});

async function start(source: string, connections: ConnectionInput[] = []): Promise<FlowRecord> {
  return engine().start({ tenant: TENANT, application: APP, connections, source });
}

const password = (username: string, pass: string): FlowInteraction => ({ kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username, password: pass } });
const code = (step: number, authenticator: string, value: string): FlowInteraction => ({ kind: 'step', step, idp: 'LOCAL', authenticator, credentials: { code: value } });
const totpCode = async (secret: string) => generate({ secret, epoch: Math.floor(clock / 1000) });

async function aliceWithDevice(secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP') {
  const alice = await addUser(store, 'alice', { password: 'right', claims: { [EMAIL]: 'alice@example.com' } });
  await store.updateUser(TENANT, alice.id, { totpSecret: sealTotpDevice(KEY, alice, { secret, lastTimeStep: null }) });
  return secret;
}

describe('logins with the real authenticators', () => {
  it('signs in with a password then a TOTP code', async () => {
    const secret = await aliceWithDevice();
    let flow = await start(TWO_STEP);
    flow = await engine().advance(flow.id, password('alice', 'right'));
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    clock += 1000;
    flow = await engine().advance(flow.id, code(2, 'totp', await totpCode(secret)));
    expect(flow.status).toBe('success');
    expect(flow.result?.subject).toMatchObject({ username: 'alice', idp: 'LOCAL' });
  });

  it('ends the login at a wrong password when the script has no onFail', async () => {
    await aliceWithDevice();
    const flow = await engine().advance((await start(TWO_STEP)).id, password('alice', 'wrong'));
    expect(flow.status).toBe('fail');
    expect(flow.journal.at(-1)).toMatchObject({ kind: 'step', step: 1, outcome: 'fail', reason: { code: 'INVALID_CREDENTIALS' } });
  });

  it('keeps the step waiting after a wrong TOTP code, with the reason for the user, and signs in with the next right one', async () => {
    const secret = await aliceWithDevice();
    let flow = await engine().advance((await start(TWO_STEP)).id, password('alice', 'right'));
    const revision = flow.revision;
    flow = await engine().advance(flow.id, code(2, 'totp', '000000'));
    expect(flow.status).toBe('waiting');
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    expect(flow.revision).toBe(revision + 1);
    expect(stepRetryOf(flow)).toEqual({ kind: 'stepRetry', step: 2, idp: 'LOCAL', authenticator: 'totp', code: 'TOTP_INVALID', message: 'the code is wrong (2 attempts left)', attemptsLeft: 2, revision: flow.revision });
    expect(flow.authState).toEqual({ '2:totp': { failures: 1 } });
    // Nothing of the retry reaches the journal: the script never saw it.
    expect(flow.journal.filter((e) => e.kind === 'step')).toHaveLength(1);
    flow = await engine().advance(flow.id, code(2, 'totp', await totpCode(secret)));
    expect(flow.status).toBe('success');
    expect(stepRetryOf(flow)).toBeNull();
    expect(flow.authState).toEqual({});
  });

  it('provisions a Google user, enrols their TOTP device at the challenge and confirms it with the first code', async () => {
    let flow = await start(`var onLoginRequest = function (context) { executeStep(1); executeStep(2); };`, [GOOGLE_JIT]);
    flow = await engine().advance(flow.id, { kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: 'g-123', claims: { email: 'gina@example.com', email_verified: true } });
    expect(flow.provisioned).toMatchObject([{ username: 'gina@example.com', idp: 'Google', action: 'created' }]);
    const answer = await engine().challenge(flow.id, { step: 2, idp: 'LOCAL', authenticator: 'totp' });
    expect(answer.challenge).toMatchObject({ enrolment: true, label: 'gina@example.com' });
    expect(answer.flow.revision).toBe(flow.revision + 1);
    const secret = String(answer.challenge!['secret']);
    flow = await engine().advance(flow.id, code(2, 'totp', await totpCode(secret)));
    expect(flow.status).toBe('success');
    // The second factor keeps where the user came from.
    expect(flow.result?.subject).toMatchObject({ username: 'gina@example.com', idp: 'Google' });
    expect(flow.effects).toContainEqual({ kind: 'totpEnrolled', username: 'gina@example.com', userStoreDomain: 'PRIMARY' });
    const gina = (await store.getUser(TENANT, 'PRIMARY', 'gina@example.com'))!;
    expect(gina.totpSecret).not.toContain(secret);
    expect(openTotpDevice(KEY, gina, gina.totpSecret!).secret).toBe(secret);
  });

  it('fails a GitHub user without JIT at the TOTP challenge with LOCAL_ACCOUNT_REQUIRED, and the login fails', async () => {
    let flow = await start(TWO_STEP, [{ name: 'GitHub', jit: { enabled: false } }]);
    flow = await engine().advance(flow.id, { kind: 'step', step: 1, idp: 'GitHub', authenticator: 'GithubAuthenticator', subject: 'octocat', claims: {} });
    const answer = await engine().challenge(flow.id, { step: 2, idp: 'LOCAL', authenticator: 'totp' });
    expect(answer.challenge).toBeNull();
    expect(answer.reason).toMatchObject({ code: 'LOCAL_ACCOUNT_REQUIRED' });
    expect(answer.flow.status).toBe('fail');
  });

  it('skips TOTP for a GitHub user with the skip-MFA template', async () => {
    let flow = await start(SKIP_MFA, [{ name: 'GitHub', jit: { enabled: false } }]);
    flow = await engine().advance(flow.id, { kind: 'step', step: 1, idp: 'GitHub', authenticator: 'GithubAuthenticator', subject: 'octocat', claims: {} });
    expect(flow.status).toBe('success');
  });

  it('sends an email code at the challenge, keeps waiting after a wrong one, and signs in with the right one', async () => {
    await aliceWithDevice();
    let flow = await start(`var onLoginRequest = function (context) { executeStep(1); executeStep(3); };`);
    flow = await engine().advance(flow.id, password('alice', 'right'));
    const answer = await engine().challenge(flow.id, { step: 3, idp: 'LOCAL', authenticator: 'email-otp-authenticator' });
    expect(answer.challenge).toMatchObject({ sentTo: 'a***@example.com', length: 6 });
    const [email] = await store.emails(TENANT);
    expect(email).toMatchObject({ flowId: flow.id, to: 'alice@example.com', template: 'email-otp' });
    const sent = email!.placeholders['code']!;
    flow = await engine().advance(flow.id, code(3, 'email-otp-authenticator', sent === '000000' ? '000001' : '000000'));
    expect(stepRetryOf(flow)).toMatchObject({ code: 'OTP_INVALID', attemptsLeft: 2 });
    flow = await engine().advance(flow.id, code(3, 'email-otp-authenticator', sent));
    expect(flow.status).toBe('success');
    expect(flow.authState).toEqual({});
  });

  it('passes the script\'s authenticatorParams to the authenticator', async () => {
    await aliceWithDevice();
    let flow = await start(`var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function () {
        executeStep(3, { authenticatorParams: { local: { 'email-otp-authenticator': { otpLength: 8 } } } }, {});
      } });
    };`);
    flow = await engine().advance(flow.id, password('alice', 'right'));
    const answer = await engine().challenge(flow.id, { step: 3, idp: 'LOCAL', authenticator: 'email-otp-authenticator' });
    expect(answer.challenge).toMatchObject({ length: 8 });
  });

  it('fails an email code that expired on the flow\'s clock', async () => {
    await aliceWithDevice();
    let flow = await start(`var onLoginRequest = function (context) { executeStep(1); executeStep(3); };`);
    flow = await engine().advance(flow.id, password('alice', 'right'));
    await engine().challenge(flow.id, { step: 3, idp: 'LOCAL', authenticator: 'email-otp-authenticator' });
    const sent = (await store.emails(TENANT))[0]!.placeholders['code']!;
    clock += 5 * 60_000;
    flow = await engine().advance(flow.id, code(3, 'email-otp-authenticator', sent));
    expect(flow.status).toBe('fail');
    expect(flow.journal.at(-1)).toMatchObject({ kind: 'step', step: 3, outcome: 'fail', reason: { code: 'OTP_EXPIRED' } });
  });

  it('refuses a resend that comes too soon with CHALLENGE_REFUSED, and leaves the flow as it was', async () => {
    await aliceWithDevice();
    let flow = await start(`var onLoginRequest = function (context) { executeStep(1); executeStep(3); };`);
    flow = await engine().advance(flow.id, password('alice', 'right'));
    const first = await engine().challenge(flow.id, { step: 3, idp: 'LOCAL', authenticator: 'email-otp-authenticator' });
    const error = await engine()
      .challenge(flow.id, { step: 3, idp: 'LOCAL', authenticator: 'email-otp-authenticator' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'CHALLENGE_REFUSED', message: 'email-otp-authenticator: a new code can be sent in 30 s (RESEND_TOO_SOON)' });
    expect((await store.getFlow(flow.id))!.revision).toBe(first.flow.revision);
    expect(await store.emails(TENANT)).toHaveLength(1);
  });

  it('refuses a challenge for an option without one, or for a step the flow does not wait for', async () => {
    const flow = await start(TWO_STEP);
    await expect(engine().challenge(flow.id, { step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator' })).rejects.toMatchObject({ code: 'INTERACTION_INVALID', message: "LOCAL/BasicAuthenticator takes no challenge: send the step's credentials" });
    await expect(engine().challenge(flow.id, { step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' })).rejects.toMatchObject({
      code: 'INTERACTION_INVALID',
      message: 'Google/GoogleOIDCAuthenticator takes no challenge: report the outcome of the federated login',
    });
    await expect(engine().challenge(flow.id, { step: 2, idp: 'LOCAL', authenticator: 'totp' })).rejects.toMatchObject({ code: 'INTERACTION_MISMATCH', message: 'the flow waits for step 1, not step 2' });
    await expect(engine().challenge(flow.id, { step: 1, idp: 'LOCAL', authenticator: 'totp' })).rejects.toMatchObject({ code: 'INTERACTION_MISMATCH' });
  });

  it('keeps step 1 waiting when the password is missing, without running the script', async () => {
    await aliceWithDevice();
    let flow = await start(TWO_STEP);
    flow = await engine().advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username: 'alice' } });
    expect(flow.status).toBe('waiting');
    expect(stepRetryOf(flow)).toMatchObject({ code: 'CREDENTIALS_MISSING', message: 'enter a password' });
    expect(flow.journal.filter((e) => e.kind === 'step')).toEqual([]);
  });

  it('steps up after failed passwords with the login-attempts template, reading failedLoginAttemptsBeforeSuccess', async () => {
    const secret = await aliceWithDevice();
    let flow = await start(LOGIN_ATTEMPTS);
    for (let i = 0; i < 3; i++) {
      flow = await engine().advance(flow.id, password('alice', 'wrong'));
      expect(flow.waiting).toMatchObject({ kind: 'step', step: 1 });
    }
    flow = await engine().advance(flow.id, password('alice', 'right'));
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    expect((await store.getUser(TENANT, 'PRIMARY', 'alice'))!.claims[FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]).toBe('3');
    flow = await engine().advance(flow.id, code(2, 'totp', await totpCode(secret)));
    expect(flow.status).toBe('success');
    // The template resets the counter after the second factor.
    expect((await store.getUser(TENANT, 'PRIMARY', 'alice'))!.claims[FAILED_LOGIN_ATTEMPTS_BEFORE_SUCCESS_CLAIM]).toBe('0');
  });

  it('signs in after two failures without a step-up under the login-attempts template', async () => {
    await aliceWithDevice();
    let flow = await start(LOGIN_ATTEMPTS);
    flow = await engine().advance(flow.id, password('alice', 'wrong'));
    flow = await engine().advance(flow.id, password('alice', 'wrong'));
    flow = await engine().advance(flow.id, password('alice', 'right'));
    expect(flow.status).toBe('success');
  });

  it('forgets what every option of a step kept once the step ends (a code sent, then TOTP chosen)', async () => {
    const secret = await aliceWithDevice();
    const application = {
      name: 'Thrift',
      steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }, { idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] }],
    };
    let flow = await engine().start({ tenant: TENANT, application, source: TWO_STEP });
    flow = await engine().advance(flow.id, password('alice', 'right'));
    const sent = await engine().challenge(flow.id, { step: 2, idp: 'LOCAL', authenticator: 'email-otp-authenticator' });
    expect(Object.keys(sent.flow.authState)).toEqual(['2:email-otp-authenticator']);
    flow = await engine().advance(flow.id, code(2, 'totp', await totpCode(secret)));
    expect(flow.status).toBe('success');
    expect(flow.authState).toEqual({});
  });

  it('refuses a step with an authenticator the server does not run', async () => {
    let flow = await engine().start({
      tenant: TENANT,
      application: { name: 'Keys', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'FIDOAuthenticator' }] }] },
      source: `var onLoginRequest = function (context) { executeStep(1); };`,
    });
    flow = await engine().advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'FIDOAuthenticator' });
    expect(flow.status).toBe('fail');
    expect(flow.journal.at(-1)).toMatchObject({ outcome: 'fail', reason: { code: 'AUTHENTICATOR_NOT_AVAILABLE' } });
  });
});
