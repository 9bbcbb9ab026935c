/**
 * Email OTP codes through SMTP: delivered by nodemailer to a real (loopback) SMTP server besides
 * the outbox; an SMTP outage is logged and never fails the challenge (the code is saved and the
 * email is in the outbox, so the user can ask for a resend).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from './_smtp-sink.js';
import { startTestServer, type TestServer } from './_server.js';

const OTP_STEPS = [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] }];

async function challengeFor(t: TestServer, username: string): Promise<{ status: number; body: any }> {
  await t.admin('POST', '/users', { username, password: `${username}-password`, claims: { 'http://wso2.org/claims/emailaddress': `${username}@example.com` } });
  const app = await t.admin('POST', '/applications', { name: `OTP for ${username}`, steps: OTP_STEPS, scriptEnabled: false });
  const flow = await t.flow('POST', '/flows', { application: app.body.id });
  await t.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username, password: `${username}-password` } });
  return t.flow('POST', `/flows/${flow.body.id}/challenge`, { step: 2, authenticator: 'email-otp-authenticator' });
}

describe('with SMTP configured', () => {
  let sink: SmtpSink;
  let t: TestServer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestServer({ config: { smtp: { url: `smtp://127.0.0.1:${sink.port}`, from: 'login@thrift.example' } } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('delivers the code to the user through SMTP, as well as to the outbox', async () => {
    const challenge = await challengeFor(t, 'rosa');
    expect(challenge.status).toBe(200);
    await expect.poll(() => sink.received.length, { timeout: 10_000 }).toBe(1);
    const mail = sink.received[0]!;
    expect(mail.to).toEqual(['<rosa@example.com>']);
    expect(mail.from).toBe('<login@thrift.example>');
    const outbox = (await t.admin('GET', '/outbox')).body.emails as { to: string; placeholders: { code: string } }[];
    const code = outbox.find((e) => e.to === 'rosa@example.com')!.placeholders.code;
    expect(mail.data).toContain(`your sign-in code is ${code}`);
  });
});

describe('with SMTP down', () => {
  const lines: string[] = [];
  let t: TestServer;

  beforeAll(async () => {
    const sink = await startSmtpSink();
    const port = sink.port;
    await sink.close(); // nothing listens there any more
    t = await startTestServer({ config: { logLevel: 'error', smtp: { url: `smtp://127.0.0.1:${port}`, from: 'login@thrift.example' } }, logDestination: { write: (l: string) => void lines.push(l) } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('still answers the challenge, keeps the email in the outbox and logs the failed delivery', async () => {
    const challenge = await challengeFor(t, 'sam');
    expect(challenge.status).toBe(200);
    expect(challenge.body.challenge).toMatchObject({ authenticator: 'email-otp-authenticator' });
    expect(((await t.admin('GET', '/outbox')).body.emails as { to: string }[]).map((e) => e.to)).toContain('sam@example.com');
    expect(lines.some((l) => l.includes('SMTP delivery failed'))).toBe(true);
  });
});
