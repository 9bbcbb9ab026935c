/**
 * An application's script over HTTP: the draft, validation, publishing (refused while the
 * analyzer reports errors), immutable numbered versions, the diff between two, and rollback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { DEFAULT_SCRIPT, adminState, auditLog, expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const STEPS = [
  { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'GitHub', authenticator: 'GithubAuthenticator' }] },
  { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
];
const ONE_STEP = 'var onLoginRequest = function (context) {\n  executeStep(1);\n};\n';
const SYNTAX_ERROR = 'var onLoginRequest = function (context) {\n  executeStep(1;\n};\n';
const WITH_LOOP = "var onLoginRequest = function (context) {\n  for (var i = 0; i < 2; i++) { Log.info('i ' + i); }\n  executeStep(1);\n};\n";

async function newApp(source = ONE_STEP): Promise<string> {
  const created = await s.admin('POST', '/applications', { name: 'Scripted', steps: STEPS, subjectStep: 1, source });
  expect(created.status).toBe(201);
  return created.body.id;
}

const publish = (appId: string, body: Record<string, unknown>) => s.admin('POST', `/applications/${appId}/script/publish`, body);

describe('the draft', () => {
  it('saves a draft, which the application then shows with who saved it', async () => {
    const appId = await newApp();
    const saved = await s.admin('PUT', `/applications/${appId}/script/draft`, { source: DEFAULT_SCRIPT });
    expect(saved.status).toBe(200);
    expect(saved.body.draft).toMatchObject({ source: DEFAULT_SCRIPT, updatedBy: expect.stringContaining('demo admin') });
    expect((await s.admin('GET', `/applications/${appId}`)).body.draft).toEqual(saved.body.draft);
  });

  it('keeps flows on the published version while the draft changes', async () => {
    const appId = await newApp();
    expect((await publish(appId, { message: 'one step' })).status).toBe(201);
    await s.admin('PUT', `/applications/${appId}/script/draft`, { source: SYNTAX_ERROR });
    const app = (await s.admin('GET', `/applications/${appId}`)).body;
    expect(app.publishedVersion).toBe(1);
    expect((await s.admin('GET', `/applications/${appId}/script/versions/1`)).body.source).toBe(ONE_STEP);
  });

  it('answers 404 for the draft of an application that does not exist', async () => {
    expectError(await s.admin('PUT', '/applications/nope/script/draft', { source: ONE_STEP }), 404, 'NOT_FOUND', 'nope');
  });
});

describe('validate', () => {
  it('validates the draft by default: a syntax error with its line', async () => {
    const appId = await newApp(SYNTAX_ERROR);
    const answer = await s.admin('POST', `/applications/${appId}/script/validate`, {});
    expect(answer.status).toBe(200);
    expect(answer.body.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'SYNTAX', line: 2 })]);
    expect(answer.body).toMatchObject({ conflicts: [], graph: { nodes: [], edges: [] }, truncated: false });
  });

  it('validates a given source against the application: the GitHub JIT/MFA conflict and the flow graph', async () => {
    const appId = await newApp();
    const answer = await s.admin('POST', `/applications/${appId}/script/validate`, { source: DEFAULT_SCRIPT });
    expect(answer.status).toBe(200);
    // The conflict, also as a warning the editor shows beside the others.
    expect(answer.body.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'JIT_MFA_CONFLICT', message: expect.stringContaining('GitHub') })]);
    expect(answer.body.conflicts).toEqual([expect.objectContaining({ connection: 'GitHub', step: 2, authenticator: 'totp' })]);
    expect(answer.body.graph.nodes.length).toBeGreaterThan(0);
    expect(answer.body.graph.edges.length).toBeGreaterThan(0);
  });

  it('reports a step the application lacks', async () => {
    const appId = await newApp();
    const answer = await s.admin('POST', `/applications/${appId}/script/validate`, { source: 'var onLoginRequest = function (context) { executeStep(3); };' });
    expect(answer.body.diagnostics).toEqual([expect.objectContaining({ code: 'UNKNOWN_STEP' })]);
  });

  it('changes nothing: no draft saved, no audit entry', async () => {
    const appId = await newApp();
    const before = await adminState(s);
    expect((await s.admin('POST', `/applications/${appId}/script/validate`, { source: DEFAULT_SCRIPT })).status).toBe(200);
    expect(await adminState(s)).toEqual(before);
  });
});

describe('publish', () => {
  it('publishes the draft as version 1 with its author, message and hash, and makes it the published version', async () => {
    const appId = await newApp();
    const published = await publish(appId, { message: 'first' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ number: 1, message: 'first', source: ONE_STEP, author: expect.stringContaining('demo admin'), hash: expect.any(String), warnings: [] });
    expect((await s.admin('GET', `/applications/${appId}`)).body.publishedVersion).toBe(1);
  });

  it('publishes a script that breaks GitHub logins, with the JIT/MFA conflict among its warnings', async () => {
    const appId = await newApp(DEFAULT_SCRIPT);
    const published = await publish(appId, { message: 'MFA for everyone' });
    expect(published.status).toBe(201);
    expect(published.body.warnings).toEqual([expect.objectContaining({ code: 'JIT_MFA_CONFLICT', message: expect.stringContaining('GitHub') })]);
  });

  it('refuses a script with a syntax error with 409 PUBLISH_REFUSED and the diagnostics, publishing nothing', async () => {
    const appId = await newApp(SYNTAX_ERROR);
    const before = await adminState(s);
    const error = expectError(await publish(appId, { message: 'broken' }), 409, 'PUBLISH_REFUSED', 'line 2');
    expect(error.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'SYNTAX', line: 2 })]);
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a given source with errors and leaves the draft as it was', async () => {
    const appId = await newApp();
    const before = await adminState(s);
    const error = expectError(await publish(appId, { message: 'no entry', source: 'var x = 1;' }), 409, 'PUBLISH_REFUSED');
    expect(error.diagnostics).toEqual([expect.objectContaining({ code: 'NO_ENTRY_POINT' })]);
    expect(await adminState(s)).toEqual(before);
  });

  it('accepts a script with warnings and lists them', async () => {
    const appId = await newApp(WITH_LOOP);
    const published = await publish(appId, { message: 'with a loop' });
    expect(published.status).toBe(201);
    expect(published.body.warnings).toEqual([expect.objectContaining({ severity: 'warning', code: 'LOOP', line: 2 })]);
  });

  it('publishes a given source and makes it the draft too', async () => {
    const appId = await newApp();
    const published = await publish(appId, { message: 'given', source: DEFAULT_SCRIPT });
    expect(published.status).toBe(201);
    expect(published.body.source).toBe(DEFAULT_SCRIPT);
    expect((await s.admin('GET', `/applications/${appId}`)).body.draft.source).toBe(DEFAULT_SCRIPT);
  });

  it('numbers versions 1, 2, 3 and lists them newest first without their sources', async () => {
    const appId = await newApp();
    for (const [i, source] of [ONE_STEP, DEFAULT_SCRIPT, WITH_LOOP].entries()) {
      expect((await publish(appId, { message: `v${i + 1}`, source })).body.number).toBe(i + 1);
    }
    const versions = await s.admin('GET', `/applications/${appId}/script/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.versions.map((v: { number: number; message: string }) => [v.number, v.message])).toEqual([[3, 'v3'], [2, 'v2'], [1, 'v1']]);
    expect(versions.body.versions[0]).not.toHaveProperty('source');
  });

  it('keeps a published version as it was when the draft and later versions change', async () => {
    const appId = await newApp();
    const v1 = (await publish(appId, { message: 'v1' })).body;
    await s.admin('PUT', `/applications/${appId}/script/draft`, { source: DEFAULT_SCRIPT });
    await publish(appId, { message: 'v2' });
    const read = await s.admin('GET', `/applications/${appId}/script/versions/1`);
    expect(read.status).toBe(200);
    const { warnings: _w, ...stored } = v1;
    expect(read.body).toEqual(stored);
  });

  it('has no route that changes or deletes a published version', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expectError(await s.admin(method, `/applications/${appId}/script/versions/1`, method === 'DELETE' ? undefined : { source: DEFAULT_SCRIPT }), 404, 'NOT_FOUND', 'no route');
    }
    expect((await s.admin('GET', `/applications/${appId}/script/versions/1`)).body.source).toBe(ONE_STEP);
  });

  it('answers 404 for a version that does not exist', async () => {
    const appId = await newApp();
    expectError(await s.admin('GET', `/applications/${appId}/script/versions/7`), 404, 'NOT_FOUND', 'version 7');
  });

  it('refuses a version number that is not a positive integer, naming params.number', async () => {
    const appId = await newApp();
    expectError(await s.admin('GET', `/applications/${appId}/script/versions/one`), 400, 'INVALID_REQUEST', 'params.number');
    expectError(await s.admin('GET', `/applications/${appId}/script/versions/0`), 400, 'INVALID_REQUEST', 'params.number');
  });

  it('refuses a publish without a message, naming body.message', async () => {
    const appId = await newApp();
    const before = await adminState(s);
    expectError(await publish(appId, {}), 400, 'INVALID_REQUEST', 'body.message');
    expectError(await publish(appId, { message: '  ' }), 400, 'INVALID_REQUEST', 'body.message');
    expect(await adminState(s)).toEqual(before);
  });

  it('audits each publish with its version number', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    await publish(appId, { message: 'v2', source: DEFAULT_SCRIPT });
    const publishes = (await auditLog(s)).filter((e) => e.target === appId && e.action === 'script.publish');
    expect(publishes.map((e) => e.details.version)).toEqual([2, 1]);
  });
});

describe('diff', () => {
  it('answers both versions and a unified patch between them', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'one step' });
    await publish(appId, { message: 'two steps', source: DEFAULT_SCRIPT });
    const diff = await s.admin('GET', `/applications/${appId}/script/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.body.from).toMatchObject({ number: 1, source: ONE_STEP });
    expect(diff.body.to).toMatchObject({ number: 2, source: DEFAULT_SCRIPT });
    const lines: string[] = diff.body.patch.split('\n');
    expect(lines).toContain('--- v1\tone step');
    expect(lines).toContain('+++ v2\ttwo steps');
    expect(lines.some((l) => l.startsWith('@@ '))).toBe(true);
    expect(lines).toContain('+  executeStep(2);');
    expect(lines).toContain('   executeStep(1);');
  });

  it('answers an empty patch between a version and itself', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    const diff = await s.admin('GET', `/applications/${appId}/script/diff?from=1&to=1`);
    expect(diff.status).toBe(200);
    expect(diff.body.patch).not.toMatch(/^@@/m);
  });

  it('answers 404 naming a version that does not exist', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    expectError(await s.admin('GET', `/applications/${appId}/script/diff?from=1&to=9`), 404, 'NOT_FOUND', 'version 9');
  });

  it('refuses a missing or non-numeric version, naming query.from or query.to', async () => {
    const appId = await newApp();
    expectError(await s.admin('GET', `/applications/${appId}/script/diff?to=1`), 400, 'INVALID_REQUEST', 'query.from');
    expectError(await s.admin('GET', `/applications/${appId}/script/diff?from=1&to=latest`), 400, 'INVALID_REQUEST', 'query.to');
  });

  it('refuses an unknown query parameter, naming it', async () => {
    const appId = await newApp();
    expectError(await s.admin('GET', `/applications/${appId}/script/diff?from=1&to=1&context=9`), 400, 'INVALID_REQUEST', 'context');
  });
});

describe('rollback', () => {
  it('publishes the old source as a new version, and the draft follows', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    await publish(appId, { message: 'v2', source: DEFAULT_SCRIPT });
    const rolled = await s.admin('POST', `/applications/${appId}/script/rollback`, { version: 1 });
    expect(rolled.status).toBe(201);
    expect(rolled.body).toMatchObject({ number: 3, source: ONE_STEP, message: 'Roll back to v1' });
    const app = (await s.admin('GET', `/applications/${appId}`)).body;
    expect(app.publishedVersion).toBe(3);
    expect(app.draft.source).toBe(ONE_STEP);
    // The versions in between stay as they were.
    expect((await s.admin('GET', `/applications/${appId}/script/versions/2`)).body.source).toBe(DEFAULT_SCRIPT);
    expect((await s.admin('GET', `/applications/${appId}/script/versions`)).body.versions.map((v: { number: number }) => v.number)).toEqual([3, 2, 1]);
  });

  it('takes the message given, and audits the rollback with the version it went back to', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    await publish(appId, { message: 'v2', source: DEFAULT_SCRIPT });
    const rolled = await s.admin('POST', `/applications/${appId}/script/rollback`, { version: 1, message: 'v2 broke GitHub logins' });
    expect(rolled.body.message).toBe('v2 broke GitHub logins');
    const [entry] = (await auditLog(s)).filter((e) => e.target === appId && e.action === 'script.rollback');
    expect(entry?.details).toEqual({ to: 1, version: 3 });
  });

  it('answers 404 for a version that does not exist, and publishes nothing', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    const before = await adminState(s);
    expectError(await s.admin('POST', `/applications/${appId}/script/rollback`, { version: 5 }), 404, 'NOT_FOUND', 'version 5');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a version given as a string, naming body.version', async () => {
    const appId = await newApp();
    await publish(appId, { message: 'v1' });
    const before = await adminState(s);
    expectError(await s.admin('POST', `/applications/${appId}/script/rollback`, { version: '1' }), 400, 'INVALID_REQUEST', 'body.version');
    expect(await adminState(s)).toEqual(before);
  });
});
