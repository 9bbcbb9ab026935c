/**
 * Helpers for the admin API's tests: what every error answer must look like, the audit log's
 * state (to show a refused request changed nothing), and a Google login through the flow API
 * (the way a connection provisions a user).
 */
import { expect } from 'vitest';
import type { Answer, TestServer } from './_server.js';

/**
 * A 4xx (or 5xx) error as the API promises it: JSON `{ error: { code, message, requestId } }`,
 * the message naming what was wrong, and nothing of the server's insides (no stack trace).
 */
export function expectError(answer: Answer, status: number, code: string, mentions?: string | RegExp): { code: string; message: string; [k: string]: unknown } {
  expect({ status: answer.status, code: answer.body?.error?.code }, JSON.stringify(answer.body)).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const error = answer.body.error;
  expect(typeof error.message).toBe('string');
  expect(error.requestId).toBe(answer.headers.get('x-request-id'));
  expectNoStackTrace(answer);
  if (typeof mentions === 'string') expect(error.message).toContain(mentions);
  else if (mentions !== undefined) expect(error.message).toMatch(mentions);
  return error;
}

/** No stack frame, no source path, no `stack` field anywhere in the answer. */
export function expectNoStackTrace(answer: Answer): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  expect(text).not.toMatch(/\.(ts|js):\d+/);
  expect(text).not.toContain('"stack"');
  expect(text).not.toContain('node_modules');
}

export interface AuditEntry {
  readonly id: string;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: Record<string, unknown>;
}

/** The whole audit log of the demo tenant (or of the caller of `call`), newest first. */
export async function auditLog(s: TestServer, call = s.admin): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await call('GET', `/audit?limit=500${before === undefined ? '' : `&before=${before}`}`);
    expect(page.status).toBe(200);
    all.push(...page.body.entries);
    if (page.body.entries.length < 500) return all;
    before = all[all.length - 1]!.id;
  }
}

/**
 * What a refused request must leave as it was: the tenant's applications (with their drafts and
 * published versions), connections, users and audit log.
 */
export async function adminState(s: TestServer, call = s.admin): Promise<unknown> {
  const [applications, connections, users, clients, audit] = await Promise.all([
    call('GET', '/applications'),
    call('GET', '/connections'),
    call('GET', '/users?limit=500'),
    call('GET', '/clients'),
    auditLog(s, call),
  ]);
  const versions = await Promise.all(applications.body.applications.map((a: { id: string }) => call('GET', `/applications/${a.id}/script/versions`)));
  return {
    applications: applications.body,
    versions: versions.map((v) => v.body),
    connections: connections.body,
    users: users.body,
    // lastUsedAt moves with every call: not a change an admin made.
    clients: clients.body.clients.map(({ lastUsedAt: _l, ...c }: { lastUsedAt: unknown }) => c),
    audit,
  };
}

export const GOOGLE = { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' } as const;

/** A Google login through the flow API (the demo's Thrift application); answers the finished flow. */
export async function googleLogin(s: TestServer, subject: string, claims: Record<string, unknown>): Promise<Answer> {
  const started = await s.flow('POST', '/flows', { application: s.demo.applicationId });
  expect(started.status).toBe(201);
  return s.flow('POST', `/flows/${started.body.id}/interactions`, { kind: 'step', step: 1, ...GOOGLE, subject, claims });
}

/** Provisions a user through the demo's Google connection (JIT on); answers the user's id. */
export async function provisionThroughGoogle(s: TestServer, subject: string, email: string): Promise<string> {
  const done = await googleLogin(s, subject, { email, email_verified: true });
  expect(done.body.status, JSON.stringify(done.body)).toBe('success');
  const users = await s.admin('GET', `/users?query=${encodeURIComponent(email)}`);
  const user = users.body.users.find((u: { username: string }) => u.username === email);
  expect(user, `a user ${email} provisioned by Google`).toMatchObject({ provisionedBy: 'Google' });
  return user.id as string;
}

/** A request with the demo admin token and exactly this body and content type. */
export function adminRaw(s: TestServer, method: string, path: string, body: string, contentType = 'application/json'): Promise<Answer> {
  return s.raw(method, `/api/v1${path}`, { body, headers: { authorization: `Bearer ${s.demo.adminToken}`, 'content-type': contentType } });
}

/** A script that queues steps 1 and 2 unconditionally (the default of a new application). */
export const DEFAULT_SCRIPT = 'var onLoginRequest = function (context) {\n  executeStep(1);\n  executeStep(2);\n};\n';
