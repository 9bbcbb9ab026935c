/**
 * The flow API over real HTTP, as an identity server uses it: whole logins with the real
 * authenticators (password, TOTP with enrolment, email OTP through the outbox), federated steps
 * with and without JIT, idempotent retries, and the errors of interactions that do not fit.
 */
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './_admin.js';
import { startTestServer, type Answer, type TestServer } from './_server.js';

let t: TestServer;
let app: string;

beforeAll(async () => {
  t = await startTestServer();
  app = t.demo.applicationId;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const password = (username: string, pass: string) => ({ kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username, password: pass } });
const totp = (code: string) => ({ kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', credentials: { code } });
const federated = (idp: 'Google' | 'GitHub', subject: string, email: string) => ({
  kind: 'step',
  step: 1,
  idp,
  authenticator: idp === 'Google' ? 'GoogleOIDCAuthenticator' : 'GithubAuthenticator',
  subject,
  claims: { email, email_verified: true },
});

async function start(application = app): Promise<string> {
  const started = await t.flow('POST', '/flows', { application });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return started.body.id;
}

const interact = (flowId: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> => t.flow('POST', `/flows/${flowId}/interactions`, body, headers);

async function createUser(username: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await t.admin('POST', '/users', { username, password: `${username}-password`, claims: { 'http://wso2.org/claims/emailaddress': `${username}@example.com` }, ...extra });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

/** Signs the user in with the password and enrols a TOTP device through the challenge; returns its secret. */
async function enrol(username: string): Promise<string> {
  const flowId = await start();
  expect((await interact(flowId, password(username, `${username}-password`))).body.waiting.step).toBe(2);
  const challenge = await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'totp' });
  expect(challenge.status).toBe(200);
  const secret = challenge.body.challenge.secret as string;
  const done = await interact(flowId, totp(generateSync({ secret })));
  expect(done.body.status).toBe('success');
  return secret;
}

describe('a password and TOTP login', () => {
  it('waits for step 1 with the three sign-in options when it starts', async () => {
    const started = await t.flow('POST', '/flows', { application: app });
    expect(started.status).toBe(201);
    expect(started.headers.get('location')).toBe(`/api/v1/flows/${started.body.id}`);
    expect(started.body).toMatchObject({ status: 'waiting', waiting: { kind: 'step', step: 1 }, result: null, retry: null, replayed: false });
    expect(started.body.waiting.options.map((o: { idp: string }) => o.idp)).toEqual(['LOCAL', 'Google', 'GitHub']);
  });

  it('asks a local user for TOTP after the password, enrols a device and signs the user in', async () => {
    const userId = await createUser('carol');
    const flowId = await start();
    const afterPassword = await interact(flowId, password('carol', 'carol-password'));
    expect(afterPassword.body).toMatchObject({ status: 'waiting', waiting: { kind: 'step', step: 2, options: [{ idp: 'LOCAL', authenticator: 'totp' }] } });
    const challenge = await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'totp' });
    expect(challenge.body.challenge).toMatchObject({ enrolment: true, secret: expect.any(String), uri: expect.stringMatching(/^otpauth:\/\/totp\//) });
    const done = await interact(flowId, totp(generateSync({ secret: challenge.body.challenge.secret })));
    expect(done.body).toMatchObject({ status: 'success', result: { subject: { username: 'carol', idp: 'LOCAL', federated: false }, error: null } });
    expect((await t.admin('GET', `/users/${userId}`)).body.totpEnrolled).toBe(true);
  });

  it('keeps waiting for the code after a wrong one, saying how many attempts are left', async () => {
    await createUser('dave');
    const flowId = await start();
    await interact(flowId, password('dave', 'dave-password'));
    await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'totp' });
    const wrong = await interact(flowId, totp('000000'));
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ status: 'waiting', waiting: { step: 2 }, retry: { step: 2, authenticator: 'totp', code: 'TOTP_INVALID', attemptsLeft: 2 } });
  });

  it('refuses a TOTP code that was used already, in a later login', async () => {
    await createUser('erin');
    const secret = await enrol('erin');
    const code = generateSync({ secret });
    const first = await start();
    await interact(first, password('erin', 'erin-password'));
    // The enrolment used this time-step's code already, unless the step changed since.
    const answer = await interact(first, totp(code));
    if (answer.body.status === 'success') {
      const second = await start();
      await interact(second, password('erin', 'erin-password'));
      const replayed = await interact(second, totp(code));
      expect(replayed.body.retry).toMatchObject({ code: 'TOTP_REPLAYED' });
    } else {
      expect(answer.body.retry).toMatchObject({ code: 'TOTP_REPLAYED' });
    }
  });

  it('fails the login on a wrong password (the script has no onFail), counting the failure on the account', async () => {
    const userId = await createUser('frank');
    const flowId = await start();
    const failed = await interact(flowId, password('frank', 'not-the-password'));
    expect(failed.body).toMatchObject({ status: 'fail', result: { subject: null } });
    const user = (await t.admin('GET', `/users/${userId}`)).body;
    expect(user.claims['http://wso2.org/claims/identity/failedLoginAttempts']).toBe('1');
  });

  it('locks the account after five wrong passwords, until an admin unlocks it', async () => {
    const userId = await createUser('grace');
    for (let i = 0; i < 5; i++) await interact(await start(), password('grace', 'wrong-password'));
    expect((await t.admin('GET', `/users/${userId}`)).body.locked).toBe(true);
    const locked = await interact(await start(), password('grace', 'grace-password'));
    expect(locked.body).toMatchObject({ status: 'fail', result: { error: { code: 'ACCOUNT_LOCKED' } } });
    expect((await t.admin('POST', `/users/${userId}/unlock`)).status).toBe(200);
    const unlocked = await interact(await start(), password('grace', 'grace-password'));
    expect(unlocked.body).toMatchObject({ status: 'waiting', waiting: { step: 2 } });
  });
});

describe('federated logins', () => {
  it('signs a GitHub user in without MFA (JIT off: no local account, the script skips step 2)', async () => {
    const done = await interact(await start(), federated('GitHub', 'gh-1001', 'octo@example.com'));
    expect(done.body).toMatchObject({ status: 'success', result: { subject: { username: 'gh-1001', federated: true, idp: 'GitHub' } } });
    expect((await t.admin('GET', '/users?query=octo')).body.total).toBe(0);
  });

  it('provisions a Google user on the first login and finds the same account on the next', async () => {
    const first = await interact(await start(), federated('Google', 'g-2001', 'heidi@example.com'));
    expect(first.body).toMatchObject({ status: 'success', result: { subject: { username: 'heidi@example.com', federated: false, idp: 'Google' } } });
    const second = await interact(await start(), federated('Google', 'g-2001', 'heidi@example.com'));
    expect(second.body.result.subject.uniqueId).toBe(first.body.result.subject.uniqueId);
    const users = (await t.admin('GET', '/users?query=heidi')).body;
    expect(users.users).toHaveLength(1);
    expect(users.users[0].provisionedBy).toBe('Google');
  });

  it('needs the IdP subject for a federated success', async () => {
    const flowId = await start();
    expectError(await interact(flowId, { kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }), 400, 'INTERACTION_INVALID', 'subject');
  });
});

describe("a script's HTTP calls", () => {
  it('end in onFail at once for a domain that is not allowed, without waiting for the identity server', async () => {
    const source = `var onLoginRequest = function (context) {
      httpGet('https://risk.not-allowed.example/score', {
        onSuccess: function (context, data) { executeStep(1); },
        onFail: function (context, data) { fail({ errorCode: 'RISK_SERVICE_DOWN' }); }
      });
    };`;
    const created = await t.admin('POST', '/applications', { name: 'Risk', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }], source });
    expect((await t.admin('POST', `/applications/${created.body.id}/script/publish`, { message: 'risk check' })).status).toBe(201);
    const started = await t.flow('POST', '/flows', { application: created.body.id });
    expect(started.body).toMatchObject({ status: 'fail', result: { error: { code: 'RISK_SERVICE_DOWN' } } });
  });
});

describe('non-blocking JIT provisioning', () => {
  it('signs the user in at once and provisions the account in the background', async () => {
    const connection = await t.admin('POST', '/connections', { name: 'Okta', authenticator: 'OktaAuthenticator', jit: { enabled: true, blocking: false }, claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, userIdClaim: 'email' });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    const created = await t.admin('POST', '/applications', { name: 'Okta app', steps: [{ options: [{ idp: 'Okta', authenticator: 'OktaAuthenticator' }] }], scriptEnabled: false });
    const flowId = await start(created.body.id);
    const done = await interact(flowId, { kind: 'step', step: 1, idp: 'Okta', authenticator: 'OktaAuthenticator', subject: 'okta-1', claims: { email: 'quinn@example.com', email_verified: true } });
    expect(done.body).toMatchObject({ status: 'success', result: { subject: { federated: true, idp: 'Okta' } } });
    await expect.poll(async () => (await t.admin('GET', '/users?query=quinn')).body.total, { timeout: 10_000, interval: 200 }).toBe(1);
    expect((await t.admin('GET', '/users?query=quinn')).body.users[0].provisionedBy).toBe('Okta');
  });
});

describe('an application without a script', () => {
  let plain: string;

  beforeAll(async () => {
    const demo = (await t.admin('GET', `/applications/${app}`)).body;
    const created = await t.admin('POST', '/applications', { name: 'Thrift, steps in order', steps: demo.steps, scriptEnabled: false });
    plain = created.body.id;
  });

  it('runs every step in order: a GitHub user without a local account fails at TOTP', async () => {
    const flowId = await start(plain);
    const afterGithub = await interact(flowId, federated('GitHub', 'gh-3001', 'ivan@example.com'));
    expect(afterGithub.body).toMatchObject({ status: 'waiting', waiting: { step: 2 } });
    const challenge = await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'totp' });
    expect(challenge.body.reason).toMatchObject({ code: 'LOCAL_ACCOUNT_REQUIRED' });
    expect(challenge.body.flow).toMatchObject({ status: 'fail', result: { error: { code: 'LOCAL_ACCOUNT_REQUIRED' } } });
  });
});

describe('email OTP', () => {
  let otpApp: string;

  beforeAll(async () => {
    const created = await t.admin('POST', '/applications', {
      name: 'Email OTP',
      steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] }],
      scriptEnabled: false,
    });
    otpApp = created.body.id;
  });

  async function codeSentTo(email: string): Promise<string> {
    const outbox = (await t.admin('GET', '/outbox')).body.emails as { to: string; template: string; placeholders: Record<string, string> }[];
    const last = outbox.filter((e) => e.to === email && e.template === 'email-otp').at(-1);
    expect(last).toBeDefined();
    return last!.placeholders['code']!;
  }

  it('sends a code to the outbox on the challenge and signs the user in with it', async () => {
    await createUser('judy');
    const flowId = await start(otpApp);
    await interact(flowId, password('judy', 'judy-password'));
    const challenge = await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'email-otp-authenticator' });
    expect(challenge.status).toBe(200);
    expect(JSON.stringify(challenge.body)).not.toContain(await codeSentTo('judy@example.com'));
    const done = await interact(flowId, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'email-otp-authenticator', credentials: { code: await codeSentTo('judy@example.com') } });
    expect(done.body).toMatchObject({ status: 'success', result: { subject: { username: 'judy' } } });
  });

  it('fails the step once the attempts are used up', async () => {
    await createUser('kim');
    const flowId = await start(otpApp);
    await interact(flowId, password('kim', 'kim-password'));
    await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'email-otp-authenticator' });
    const step = { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'email-otp-authenticator', credentials: { code: '000000' } };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await interact(flowId, step)).body);
    expect(answers[0]).toMatchObject({ status: 'waiting', retry: { attemptsLeft: 2 } });
    expect(answers[2]).toMatchObject({ status: 'fail' });
  });
});

describe('retries with an Idempotency-Key', () => {
  it('answer a repeated interaction as the first time, without applying it again', async () => {
    const flowId = await start();
    const body = federated('GitHub', 'gh-4001', 'liam@example.com');
    const first = await interact(flowId, body, { 'idempotency-key': 'login-4001-step-1' });
    const again = await interact(flowId, body, { 'idempotency-key': 'login-4001-step-1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
  });

  it('refuse a key used for a different interaction', async () => {
    const flowId = await start();
    await interact(flowId, federated('GitHub', 'gh-4002', 'mia@example.com'), { 'idempotency-key': 'login-4002' });
    expectError(await interact(flowId, federated('GitHub', 'gh-9999', 'mia@example.com'), { 'idempotency-key': 'login-4002' }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('answer a repeated flow start with the same flow', async () => {
    const a = await t.flow('POST', '/flows', { application: app }, { 'idempotency-key': 'start-5001' });
    const b = await t.flow('POST', '/flows', { application: app }, { 'idempotency-key': 'start-5001' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body).toEqual({ ...a.body, replayed: true });
  });

  it('refuse a malformed key', async () => {
    expectError(await t.flow('POST', '/flows', { application: app }, { 'idempotency-key': 'has space' }), 400, 'INVALID_REQUEST', 'Idempotency-Key');
  });
});

describe('interactions that do not fit the flow', () => {
  it('refuse step 2 while the flow waits for step 1', async () => {
    expectError(await interact(await start(), totp('123456')), 409, 'INTERACTION_MISMATCH', 'step 1');
  });

  it('refuse an option the step does not offer', async () => {
    expectError(await interact(await start(), { kind: 'step', step: 1, idp: 'Facebook', authenticator: 'FacebookAuthenticator', subject: 'x' }), 409, 'INTERACTION_MISMATCH', 'does not offer');
  });

  it('refuse a prompt answer while the flow waits for a step', async () => {
    expectError(await interact(await start(), { kind: 'prompt', action: 'Submit', data: {} }), 409, 'INTERACTION_MISMATCH');
  });

  it('refuse anything once the flow has ended', async () => {
    const flowId = await start();
    await interact(flowId, federated('GitHub', 'gh-6001', 'ned@example.com'));
    expectError(await interact(flowId, federated('GitHub', 'gh-6001', 'ned@example.com')), 409, 'FLOW_ENDED');
  });

  it('answer 404 for a flow that does not exist', async () => {
    expectError(await t.flow('GET', '/flows/no-such-flow'), 404, 'FLOW_NOT_FOUND');
  });

  it('refuse a challenge for an authenticator that takes none', async () => {
    expectError(await t.flow('POST', `/flows/${await start()}/challenge`, { step: 1, authenticator: 'BasicAuthenticator' }), 400, 'INTERACTION_INVALID');
  });

  it('refuse an interaction of an unknown kind, naming the field', async () => {
    expectError(await interact(await start(), { kind: 'teleport' }), 400, 'INVALID_REQUEST', 'body.kind');
  });

  it('refuse a start for an application that does not exist', async () => {
    expectError(await t.flow('POST', '/flows', { application: 'no-such-app' }), 404, 'NOT_FOUND', 'no-such-app');
  });
});

describe('metrics', () => {
  it('count the flows started and finished by outcome', async () => {
    await interact(await start(), federated('GitHub', 'gh-7001', 'olga@example.com'));
    const text = (await t.raw('GET', '/metrics')).body as string;
    expect(text).toMatch(/authscript_flows_started_total\{tenant="demo"\} \d+/);
    expect(text).toMatch(/authscript_flows_finished_total\{tenant="demo",outcome="success"\} \d+/);
    expect(text).toMatch(/authscript_script_run_seconds_count [1-9]\d*/);
  });
});
