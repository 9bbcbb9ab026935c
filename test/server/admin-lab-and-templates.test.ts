/**
 * The simulator, the analyzer and the template library over HTTP: POST /simulate runs a scenario
 * with its script inline (never a file of the server), POST /lint answers diagnostics and, for an
 * application, its JIT/MFA conflicts and flow graph.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../src/templates/catalog.js';
import { startTestServer, type TestServer } from './_server.js';
import { DEFAULT_SCRIPT, adminState, expectError } from './_admin.js';

let s: TestServer;
let scratch: string;
beforeAll(async () => {
  s = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), 'authscript-lab-'));
});
afterAll(async () => {
  await s?.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

const ONE_STEP = 'var onLoginRequest = function (context) {\n  executeStep(1, { onSuccess: function (context) { Log.info("hello " + context.currentKnownSubject.username); } });\n};\n';
const scenario = (extra: Record<string, unknown>) => ({
  application: { name: 'Lab', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] },
  users: [{ username: 'alice', password: 's3cret' }],
  interactions: [{ step: 1, username: 'alice' }],
  ...extra,
});

describe('POST /simulate', () => {
  it('runs a scenario with its script inline and answers the trace', async () => {
    const answer = await s.admin('POST', '/simulate', scenario({ source: ONE_STEP }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'success',
      steps: [{ step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success' }],
      subject: { username: 'alice', federated: false },
      error: null,
      logs: [{ level: 'info', message: 'hello alice' }],
    });
  });

  it('runs a template’s scenario with the template’s script, as the CLI does, meeting its expectations', async () => {
    const template = (await s.admin('GET', '/templates/skip-mfa-external-connections')).body;
    const { script: _path, expect: expected, ...rest } = githubScenario();
    const trace = await s.admin('POST', '/simulate', { ...rest, source: template.script });
    expect(trace.status).toBe(200);
    expect(trace.body).toMatchObject({ outcome: expected.outcome, subject: expected.subject as object, provisioned: [] });
    expect(trace.body.logs.map((l: { message: string }) => l.message)).toContain(expected.logs[0]);
  });

  it('answers a script error as a trace with outcome error, not as an HTTP error', async () => {
    const answer = await s.admin('POST', '/simulate', scenario({ source: 'var onLoginRequest = function (context) { undefinedThing(); };' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'error', error: { code: 'SCRIPT_RUNTIME' } });
  });

  it('answers a script that never ends with a TIMEOUT trace, and the server goes on answering', async () => {
    const answer = await s.admin('POST', '/simulate', scenario({ source: 'var onLoginRequest = function (context) { while (true) {} };' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'error', error: { code: 'TIMEOUT' } });
    expect((await s.admin('POST', '/simulate', scenario({ source: ONE_STEP }))).body.outcome).toBe('success');
  });

  it('refuses a scenario that names a script file with 400 SCENARIO_INVALID, never reading it', async () => {
    // A readable, valid script on the server's disk: were it read, the simulation would succeed.
    const file = join(scratch, 'script.js');
    writeFileSync(file, ONE_STEP);
    for (const path of [file, 'script.js', '../../templates/skip-mfa-external-connections/script.js']) {
      const answer = await s.admin('POST', '/simulate', scenario({ script: path }));
      const error = expectError(answer, 400, 'SCENARIO_INVALID', '"source"');
      expect(JSON.stringify(answer.body)).not.toContain('executeStep');
      expect(error.problems).toEqual([expect.stringMatching(/^script: /)]);
    }
  });

  it('refuses a scenario with both a script path and a source', async () => {
    const answer = await s.admin('POST', '/simulate', scenario({ script: 'script.js', source: ONE_STEP }));
    expectError(answer, 400, 'SCENARIO_INVALID', 'script');
  });

  it('names the problem of an invalid scenario by its path', async () => {
    const { application: _a, ...noApplication } = scenario({ source: ONE_STEP });
    expectError(await s.admin('POST', '/simulate', noApplication), 400, 'SCENARIO_INVALID', 'application');
    expectError(await s.admin('POST', '/simulate', scenario({ source: ONE_STEP, interactionz: [] })), 400, 'SCENARIO_INVALID', 'interactionz');
    const badStep = await s.admin('POST', '/simulate', scenario({ source: ONE_STEP, interactions: [{ step: 'one' }] }));
    expectError(badStep, 400, 'SCENARIO_INVALID', 'interactions.0.step');
  });

  it('refuses a body that is not a JSON object', async () => {
    expectError(await s.admin('POST', '/simulate', [scenario({ source: ONE_STEP })]), 400, 'INVALID_REQUEST', 'body');
  });

  it('changes nothing of the tenant: simulated users and logins stay in the simulation', async () => {
    const before = await adminState(s);
    expect((await s.admin('POST', '/simulate', scenario({ source: ONE_STEP, users: [{ username: 'simulated-only', password: 'x' }], interactions: [{ step: 1, username: 'simulated-only' }] }))).body.outcome).toBe('success');
    expect(await adminState(s)).toEqual(before);
  });
});

describe('POST /lint', () => {
  it('answers a script’s diagnostics, without conflicts or graph when no application is given', async () => {
    const answer = await s.admin('POST', '/lint', { script: 'var onLoginRequest = function (context) {\n  executeStep(1;\n};' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ diagnostics: [expect.objectContaining({ severity: 'error', code: 'SYNTAX', line: 2 })], conflicts: [], graph: { nodes: [], edges: [] }, truncated: false });
  });

  it('finds no conflict in the demo application’s published skip-MFA script', async () => {
    const published = (await s.admin('GET', `/applications/${s.demo.applicationId}/script/versions/1`)).body.source;
    const answer = await s.admin('POST', '/lint', { script: published, application: s.demo.applicationId });
    expect(answer.status).toBe(200);
    expect(answer.body.conflicts).toEqual([]);
    expect(answer.body.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);
    expect(answer.body.graph.nodes.length).toBeGreaterThan(0);
  });

  it('reports the GitHub conflict of the default executeStep(1); executeStep(2) script for the demo application', async () => {
    const answer = await s.admin('POST', '/lint', { script: DEFAULT_SCRIPT, application: s.demo.applicationId });
    expect(answer.status).toBe(200);
    expect(answer.body.conflicts).toEqual([{ connection: 'GitHub', step: 2, authenticator: 'totp', path: expect.arrayContaining(['step 1 via GitHub']) }]);
    const labels = answer.body.graph.nodes.map((n: { label: string }) => n.label).join(' ');
    expect(labels).toMatch(/GitHub/);
  });

  it('checks against an application given inline, with the tenant’s connections', async () => {
    const application = { name: 'Inline', steps: [{ options: [{ idp: 'GitHub', authenticator: 'GithubAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }] };
    const answer = await s.admin('POST', '/lint', { script: DEFAULT_SCRIPT, application });
    expect(answer.body.conflicts).toEqual([expect.objectContaining({ connection: 'GitHub', step: 2 })]);
    const unknownStep = await s.admin('POST', '/lint', { script: 'var onLoginRequest = function (c) { executeStep(3); };', application });
    expect(unknownStep.body.diagnostics).toEqual([expect.objectContaining({ code: 'UNKNOWN_STEP' })]);
  });

  it('reports loops as warnings, or as errors with loopsAsErrors', async () => {
    const script = 'var onLoginRequest = function (c) { for (var i = 0; i < 2; i++) {} executeStep(1); };';
    expect((await s.admin('POST', '/lint', { script })).body.diagnostics).toEqual([expect.objectContaining({ code: 'LOOP', severity: 'warning' })]);
    expect((await s.admin('POST', '/lint', { script, loopsAsErrors: true })).body.diagnostics).toEqual([expect.objectContaining({ code: 'LOOP', severity: 'error' })]);
  });

  it('answers 404 for an application id the tenant does not have', async () => {
    expectError(await s.admin('POST', '/lint', { script: DEFAULT_SCRIPT, application: 'nope' }), 404, 'NOT_FOUND', 'application nope');
  });

  it('refuses a request without a script, naming body.script', async () => {
    expectError(await s.admin('POST', '/lint', { source: DEFAULT_SCRIPT }), 400, 'INVALID_REQUEST', 'body.script');
  });
});

describe('templates', () => {
  it('lists the template library without the scripts', async () => {
    const list = await s.admin('GET', '/templates');
    expect(list.status).toBe(200);
    expect(list.body.templates.length).toBeGreaterThanOrEqual(10);
    const skip = list.body.templates.find((t: { id: string }) => t.id === 'skip-mfa-external-connections');
    expect(skip).toMatchObject({ title: 'Skip MFA for external connections', category: 'adaptive-mfa', parameters: [expect.objectContaining({ name: 'connectionsRequiringMfa' })] });
    for (const t of list.body.templates) expect(t).not.toHaveProperty('script');
  });

  it('answers one template with its script and its scenario names', async () => {
    const one = await s.admin('GET', '/templates/skip-mfa-external-connections');
    expect(one.status).toBe(200);
    expect(one.body.script).toContain('var onLoginRequest');
    expect(one.body.scenarios).toContain('github-jit-disabled-skips-mfa.scenario.json');
    // The demo publishes this very template.
    expect((await s.admin('GET', `/applications/${s.demo.applicationId}/script/versions/1`)).body.source).toBe(one.body.script);
  });

  it('answers 404 for a template that does not exist', async () => {
    expectError(await s.admin('GET', '/templates/no-such-template'), 404, 'NOT_FOUND', 'template no-such-template');
  });
});

/** The template's own GitHub scenario file, as the CLI reads it (the test reads it; the server never does). */
function githubScenario() {
  const file = join(defaultTemplatesDir(), 'skip-mfa-external-connections', 'github-jit-disabled-skips-mfa.scenario.json');
  return JSON.parse(readFileSync(file, 'utf8')) as { script: string; expect: { outcome: string; subject: unknown; logs: string[] } } & Record<string, unknown>;
}
