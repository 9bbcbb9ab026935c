/** Applications over HTTP: create, list, read, change and delete, and what each refuses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { adminState, auditLog, expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const BASIC = { idp: 'LOCAL', authenticator: 'BasicAuthenticator' };
const TOTP = { idp: 'LOCAL', authenticator: 'totp' };

async function createApp(body: Record<string, unknown> = {}) {
  const created = await s.admin('POST', '/applications', { name: 'Shop', steps: [{ options: [BASIC] }], ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; name: string };
}

describe('GET /api/v1/me', () => {
  it('names the caller’s tenant and admin token', async () => {
    const me = await s.admin('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ tenant: { id: 'demo', name: 'Thrift (demo)', domain: 'thrift.example' }, credential: { id: expect.any(String), name: 'demo admin' } });
    // The answer names the token; it never repeats its secret.
    expect(JSON.stringify(me.body)).not.toContain(s.demo.adminToken.slice(-20));
  });
});

describe('applications', () => {
  it('lists the demo’s Thrift application with its two steps and published version 1', async () => {
    const list = await s.admin('GET', '/applications');
    expect(list.status).toBe(200);
    const thrift = list.body.applications.find((a: { id: string }) => a.id === s.demo.applicationId);
    expect(thrift).toMatchObject({ name: 'Thrift', subjectStep: 1, attributeStep: 1, scriptEnabled: true, publishedVersion: 1 });
    expect(thrift.steps).toHaveLength(2);
    expect(thrift.steps[1]).toEqual({ options: [TOTP] });
  });

  it('creates an application with its steps and first draft, answering 201 with its Location', async () => {
    const source = 'var onLoginRequest = function (context) { executeStep(1); };';
    const created = await s.admin('POST', '/applications', { name: 'Shop', steps: [{ options: [BASIC] }, { options: [TOTP] }], subjectStep: 1, source });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/applications/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Shop', steps: [{ options: [BASIC] }, { options: [TOTP] }], subjectStep: 1, attributeStep: null, scriptEnabled: true, publishedVersion: null });
    expect(created.body.draft).toMatchObject({ source, updatedBy: expect.stringContaining('demo admin') });
    const read = await s.admin('GET', `/applications/${created.body.id}`);
    expect(read.body).toEqual(created.body);
  });

  it('creates an application with no steps, an empty draft and the script on by default', async () => {
    const created = await s.admin('POST', '/applications', { name: 'Bare' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ steps: [], subjectStep: null, attributeStep: null, scriptEnabled: true, publishedVersion: null, draft: { source: '' } });
  });

  it('lists a created application after the earlier ones', async () => {
    const app = await createApp({ name: 'Listed' });
    const ids = (await s.admin('GET', '/applications')).body.applications.map((a: { id: string }) => a.id);
    expect(ids[0]).toBe(s.demo.applicationId);
    expect(ids[ids.length - 1]).toBe(app.id);
  });

  it('changes only the fields a PATCH gives', async () => {
    const app = await createApp();
    const patched = await s.admin('PATCH', `/applications/${app.id}`, { name: 'Renamed', scriptEnabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', scriptEnabled: false, steps: [{ options: [BASIC] }] });
    expect((await s.admin('GET', `/applications/${app.id}`)).body).toEqual(patched.body);
  });

  it('replaces the steps and sets the subject step with a PATCH', async () => {
    const app = await createApp();
    const patched = await s.admin('PATCH', `/applications/${app.id}`, { steps: [{ options: [BASIC] }, { options: [TOTP] }], subjectStep: 2 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ steps: [{ options: [BASIC] }, { options: [TOTP] }], subjectStep: 2 });
  });

  it('deletes an application with its versions: 204, then 404 for it and for its versions', async () => {
    const app = await createApp({ source: 'var onLoginRequest = function (context) { executeStep(1); };' });
    expect((await s.admin('POST', `/applications/${app.id}/script/publish`, { message: 'first' })).status).toBe(201);
    const deleted = await s.admin('DELETE', `/applications/${app.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expectError(await s.admin('GET', `/applications/${app.id}`), 404, 'NOT_FOUND', app.id);
    expectError(await s.admin('GET', `/applications/${app.id}/script/versions/1`), 404, 'NOT_FOUND');
    expect((await s.admin('GET', '/applications')).body.applications.map((a: { id: string }) => a.id)).not.toContain(app.id);
  });

  it('answers 404 for an application that does not exist, on every verb', async () => {
    expectError(await s.admin('GET', '/applications/nope'), 404, 'NOT_FOUND', 'application nope');
    expectError(await s.admin('PATCH', '/applications/nope', { name: 'x' }), 404, 'NOT_FOUND', 'application nope');
    expectError(await s.admin('DELETE', '/applications/nope'), 404, 'NOT_FOUND', 'application nope');
  });

  it('audits create, update and delete with the admin token as the actor', async () => {
    const app = await createApp({ name: 'Audited' });
    await s.admin('PATCH', `/applications/${app.id}`, { name: 'Audited 2' });
    await s.admin('DELETE', `/applications/${app.id}`);
    const mine = (await auditLog(s)).filter((e) => e.target === app.id);
    expect(mine.map((e) => e.action)).toEqual(['application.delete', 'application.update', 'application.create']);
    for (const e of mine) expect(e.actor).toMatch(/^admin token "demo admin" \(/);
    expect(mine[1]!.details).toEqual({ changed: ['name'] });
  });
});

describe('applications refuse bad input and change nothing', () => {
  it('refuses a subject step the application does not have (400 naming body.subjectStep)', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/applications', { name: 'X', steps: [{ options: [BASIC] }], subjectStep: 2 }), 400, 'INVALID_REQUEST', 'body.subjectStep');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a PATCH whose attribute step the current steps lack', async () => {
    const app = await createApp();
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/applications/${app.id}`, { attributeStep: 3 }), 400, 'INVALID_REQUEST', 'body.attributeStep');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses new steps that would leave the subject step pointing at no step', async () => {
    const app = await createApp({ steps: [{ options: [BASIC] }, { options: [TOTP] }], subjectStep: 2 });
    const before = await adminState(s);
    expectError(await s.admin('PATCH', `/applications/${app.id}`, { steps: [{ options: [BASIC] }] }), 400, 'INVALID_REQUEST', 'body.subjectStep');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses an empty PATCH, saying which fields it takes', async () => {
    const before = await adminState(s);
    const error = expectError(await s.admin('PATCH', `/applications/${s.demo.applicationId}`, {}), 400, 'INVALID_REQUEST', 'give at least one of name');
    expect(error.issues).toEqual([{ path: 'body', message: expect.any(String) }]);
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a step without options, naming body.steps.0.options', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/applications', { name: 'X', steps: [{ options: [] }] }), 400, 'INVALID_REQUEST', 'body.steps.0.options');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a blank name, naming body.name', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/applications', { name: '   ' }), 400, 'INVALID_REQUEST', 'body.name');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a POST without a body', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/applications'), 400, 'INVALID_REQUEST', 'body');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a body on a request that takes none', async () => {
    const before = await adminState(s);
    expectError(await s.admin('DELETE', `/applications/${s.demo.applicationId}`, { really: true }), 400, 'INVALID_REQUEST', 'takes no body');
    expect(await adminState(s)).toEqual(before);
  });
});

describe('the scenarios saved beside a script', () => {
  const scenario = { id: 's1', form: { name: 'GitHub skips MFA', actions: [] }, expect: { outcome: 'success' } };

  it('are an empty list before the first save', async () => {
    const app = await createApp();
    expect((await s.admin('GET', `/applications/${app.id}/scenarios`)).body).toEqual({ scenarios: [], updatedAt: null, updatedBy: null });
  });

  it('are replaced as a whole, kept as sent, and audited', async () => {
    const app = await createApp();
    const saved = await s.admin('PUT', `/applications/${app.id}/scenarios`, { scenarios: [scenario] });
    expect(saved.status).toBe(200);
    expect((await s.admin('GET', `/applications/${app.id}/scenarios`)).body).toEqual({ scenarios: [scenario], updatedAt: expect.any(Number), updatedBy: expect.stringContaining('demo admin') });
    expect((await auditLog(s))[0]).toMatchObject({ action: 'application.scenarios', target: app.id, details: { count: 1 } });
  });

  it('refuse a scenario without an id, naming it, and keep what was saved', async () => {
    const app = await createApp();
    await s.admin('PUT', `/applications/${app.id}/scenarios`, { scenarios: [scenario] });
    expectError(await s.admin('PUT', `/applications/${app.id}/scenarios`, { scenarios: [{ form: {} }] }), 400, 'INVALID_REQUEST', 'body.scenarios.0.id');
    expect((await s.admin('GET', `/applications/${app.id}/scenarios`)).body.scenarios).toEqual([scenario]);
  });

  it('go with their application', async () => {
    const app = await createApp();
    await s.admin('PUT', `/applications/${app.id}/scenarios`, { scenarios: [scenario] });
    await s.admin('DELETE', `/applications/${app.id}`);
    expectError(await s.admin('GET', `/applications/${app.id}/scenarios`), 404, 'NOT_FOUND');
  });
});
