/**
 * The audit log over HTTP (every admin change, newest first, paged with `before`, without
 * secrets) and the outbox (emails the tenant's flows sent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { DEFAULT_SCRIPT, auditLog, expectError, provisionThroughGoogle, type AuditEntry } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const ONE_STEP = 'var onLoginRequest = function (context) { executeStep(1); };';
const PASSWORDS = ['audit-first-password', 'audit-second-password'];

/** Makes one change of every kind the admin API offers; answers the actions expected, oldest first. */
async function changeEverything(): Promise<{ actions: string[]; secrets: string[] }> {
  const ok = async (p: Promise<{ status: number; body: unknown }>) => {
    const a = await p;
    expect(a.status, JSON.stringify(a.body)).toBeLessThan(300);
    return a.body as Record<string, string>;
  };
  const app = await ok(s.admin('POST', '/applications', { name: 'Everything', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }], source: ONE_STEP }));
  await ok(s.admin('PATCH', `/applications/${app.id}`, { name: 'Everything 2' }));
  await ok(s.admin('PUT', `/applications/${app.id}/script/draft`, { source: DEFAULT_SCRIPT }));
  await ok(s.admin('POST', `/applications/${app.id}/script/publish`, { message: 'v1' }));
  await ok(s.admin('PUT', `/applications/${app.id}/script/draft`, { source: ONE_STEP }));
  await ok(s.admin('POST', `/applications/${app.id}/script/rollback`, { version: 1 }));
  await ok(s.admin('POST', '/connections', { name: 'Everywhere' }));
  await ok(s.admin('PUT', '/connections/Everywhere', { jit: { enabled: false } }));
  await ok(s.admin('DELETE', '/connections/Everywhere'));
  const user = await ok(s.admin('POST', '/users', { username: 'audited', password: PASSWORDS[0] }));
  await ok(s.admin('PATCH', `/users/${user.id}`, { password: PASSWORDS[1], roles: ['r'] }));
  await ok(s.admin('POST', `/users/${user.id}/unlock`));
  await ok(s.admin('DELETE', `/users/${user.id}/totp`));
  const googleUser = await provisionThroughGoogle(s, 'g-audit', 'audit@gmail.example');
  await ok(s.admin('PATCH', `/users/${googleUser}/associations/Google/g-audit`, { locked: true }));
  await ok(s.admin('DELETE', `/users/${user.id}`));
  const client = await ok(s.admin('POST', '/clients', { name: 'audited client' }));
  await ok(s.admin('DELETE', `/clients/${client.id}`));
  await ok(s.admin('DELETE', `/applications/${app.id}`));
  return {
    actions: [
      'application.create',
      'application.update',
      'script.draft',
      'script.publish',
      'script.draft',
      'script.rollback',
      // The rollback's source differs from the draft saved since: the draft follows it.
      'script.draft',
      'connection.create',
      'connection.update',
      'connection.delete',
      'user.create',
      'user.update',
      'user.unlock',
      'user.totp.remove',
      'association.lock',
      'user.delete',
      'client.create',
      'client.delete',
      'application.delete',
    ],
    secrets: [...PASSWORDS, client.secret!],
  };
}

describe('the audit log', () => {
  let entries: AuditEntry[];
  let expected: { actions: string[]; secrets: string[] };
  beforeAll(async () => {
    const before = (await auditLog(s)).length;
    expected = await changeEverything();
    const all = await auditLog(s);
    entries = all.slice(0, all.length - before);
  });

  it('records every admin change, newest first', () => {
    expect(entries.map((e) => e.action)).toEqual([...expected.actions].reverse());
    const times = entries.map((e) => e.at);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('names the admin token as the actor of each change', () => {
    for (const e of entries) expect(e.actor).toMatch(/^admin token "demo admin" \([A-Za-z0-9_-]+\)$/);
  });

  it('never holds a password, a password hash, a client secret or the admin token', async () => {
    const text = JSON.stringify(await auditLog(s));
    for (const secret of [...expected.secrets, s.demo.adminToken, s.demo.client.secret]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/scrypt|argon|\$2[aby]\$/i);
  });

  it('pages with ?before=<the last id seen>, each page continuing where the last ended', async () => {
    const all = await auditLog(s);
    const paged: AuditEntry[] = [];
    let before = '';
    for (;;) {
      const page = await s.admin('GET', `/audit?limit=4${before}`);
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(4);
      paged.push(...page.body.entries);
      if (page.body.entries.length < 4) break;
      before = `&before=${page.body.entries[3].id}`;
    }
    expect(paged).toEqual(all);
  });

  it('answers the newest 100 entries by default', async () => {
    const page = await s.admin('GET', '/audit');
    const all = await auditLog(s);
    expect(page.body.entries).toEqual(all.slice(0, 100));
  });

  it('refuses a cursor that names no entry, naming query.before', async () => {
    expectError(await s.admin('GET', '/audit?before=not-an-entry'), 400, 'INVALID_REQUEST', 'query.before');
  });

  it('refuses a page size out of range, naming query.limit', async () => {
    expectError(await s.admin('GET', '/audit?limit=0'), 400, 'INVALID_REQUEST', 'query.limit');
    expectError(await s.admin('GET', '/audit?limit=10000'), 400, 'INVALID_REQUEST', 'query.limit');
  });

  it('records nothing for reads', async () => {
    const before = await auditLog(s);
    for (const path of ['/me', '/applications', '/connections', '/users', '/clients', '/templates', '/outbox', '/audit']) {
      expect((await s.admin('GET', path)).status).toBe(200);
    }
    expect(await auditLog(s)).toEqual(before);
  });
});

describe('the outbox', () => {
  it('lists the emails a script sent during a login, with their recipient and template', async () => {
    const script = "var onLoginRequest = function (context) {\n  executeStep(1, { onSuccess: function (context) {\n    sendEmail(context.currentKnownSubject, 'WelcomeBack', { app: 'Mailer' });\n  } });\n};\n";
    const app = await s.admin('POST', '/applications', { name: 'Mailer', steps: [{ options: [{ idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] }], source: script });
    expect((await s.admin('POST', `/applications/${app.body.id}/script/publish`, { message: 'mail on login' })).status).toBe(201);
    const flow = await s.flow('POST', '/flows', { application: app.body.id });
    const done = await s.flow('POST', `/flows/${flow.body.id}/interactions`, { kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: 'g-mail', claims: { email: 'mail@gmail.example', email_verified: true } });
    expect(done.body.status, JSON.stringify(done.body)).toBe('success');

    const outbox = await s.admin('GET', '/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.body.emails).toContainEqual({ id: expect.any(String), flowId: flow.body.id, to: 'mail@gmail.example', template: 'WelcomeBack', placeholders: { app: 'Mailer' }, createdAt: expect.any(Number) });
    expect(outbox.body.emails[0]).not.toHaveProperty('tenant');
  });
});
