/**
 * The editor's pure logic, run in Node: the template parameter writer, the MFA guard, the path of
 * a trace through the flow graph, and scenarios built from the simulator's forms — each checked
 * against the real analyzer, explorer and simulator where one exists.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/analysis/explore.js';
import { analyze } from '../../src/analysis/analyze.js';
import { simulate } from '../../src/simulate/simulate.js';
import { loadTemplates } from '../../src/templates/catalog.js';
import { insertMfaGuard, passThroughStep } from '../../editor/src/lib/mfa-guard.js';
import { formatLiteral, isCidr, parseField, readParameters, writeParameters } from '../../editor/src/lib/template-params.js';
import { tracePath } from '../../editor/src/lib/trace-path.js';
import { buildScenario, emptyForm, expectationOf, mismatches, parseClaims, stepAction, type ScenarioForm } from '../../editor/src/lib/scenario.js';
import { layoutGraph, wrapLabel } from '../../editor/src/lib/graph-layout.js';
import type { Application, Connection, FlowGraph, Trace } from '../../editor/src/api/types.js';

const STEPS = [
  { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }, { idp: 'GitHub', authenticator: 'GithubAuthenticator' }] },
  { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
];
const CONNECTIONS = [{ name: 'GitHub', jit: { enabled: false } }, { name: 'Google' }];
const application = { name: 'Thrift', steps: STEPS };
const ALWAYS_MFA = 'var onLoginRequest = function (context) {\n    executeStep(1);\n    executeStep(2);\n};\n';

function jit(enabled: boolean): Connection['jit'] {
  return { enabled, userStore: 'PRIMARY', scheme: 'silent', associateLocalUser: false, lookupAttributes: ['email'], attributeSync: 'override', associateWithoutVerifiedEmail: false, enhanced: false, blocking: true };
}
const APP: Application = {
  id: 'app-1',
  name: 'Thrift',
  steps: STEPS,
  subjectStep: null,
  attributeStep: null,
  scriptEnabled: true,
  draft: { source: '', updatedAt: '', updatedBy: '' },
  publishedVersion: null,
  createdAt: '',
  updatedAt: '',
};
const TENANT_CONNECTIONS: Connection[] = [
  { name: 'GitHub', authenticator: 'GithubAuthenticator', jit: jit(false), claimMappings: {}, roleMappings: {}, syncedAttributesReadOnly: false, provisionedUsers: 0 },
  { name: 'Google', authenticator: 'GoogleOIDCAuthenticator', jit: jit(true), claimMappings: { email: 'http://wso2.org/claims/emailaddress' }, roleMappings: {}, userIdClaim: 'email', syncedAttributesReadOnly: false, provisionedUsers: 0 },
];

describe('template parameters', () => {
  it('reads and rewrites the var lines of every template, keeping the rest of the script', async () => {
    for (const t of await loadTemplates()) {
      const values = readParameters(t.script, t.parameters);
      expect(values, t.id).not.toBeNull();
      for (const p of t.parameters) expect(values!.get(p.name), `${t.id}.${p.name}`).toEqual(p.default);
      const same = writeParameters(t.script, values!);
      expect(same, t.id).toBe(t.script);
    }
  });

  it('writes new values as the script style does, and the result still analyzes clean', async () => {
    const t = (await loadTemplates()).find((x) => x.id === 'ip-based-step-up')!;
    const out = writeParameters(t.script, new Map([['corpNetwork', ["10.0.0.0/8", "2001:db8::/32"]]]))!;
    expect(out).toContain("var corpNetwork = ['10.0.0.0/8', '2001:db8::/32'];");
    expect(out.split('\n').length).toBe(t.script.split('\n').length);
    expect(analyze(out).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('adds a parameter the script lacks after its leading comments', () => {
    const out = writeParameters('// header\nvar onLoginRequest = function (context) { executeStep(1); };\n', new Map([['maxAge', 18]]))!;
    expect(out).toBe('// header\nvar maxAge = 18;\nvar onLoginRequest = function (context) { executeStep(1); };\n');
  });

  it('returns null for a script that does not parse', () => {
    expect(writeParameters('var x = [', new Map([['x', 1]]))).toBeNull();
    expect(readParameters('var x = [', [])).toBeNull();
  });

  it('quotes strings safely and checks typed fields', () => {
    expect(formatLiteral("it's")).toBe("'it\\'s'");
    expect(formatLiteral(['a', 'b'])).toBe("['a', 'b']");
    expect(parseField('number', '18')).toEqual({ value: 18 });
    expect(parseField('number', 'x')).toEqual({ error: 'a number is required' });
    expect(parseField('cidr[]', '10.0.0.0/8\n2001:db8::/32')).toEqual({ value: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(parseField('cidr[]', '10.0.0.0/33')).toEqual({ error: 'not a CIDR block: 10.0.0.0/33' });
    expect(['192.168.1.1', '::1', '::ffff:10.0.0.1', 'fe80::/10'].every(isCidr)).toBe(true);
    expect(['300.1.1.1', '1::2::3', 'abc', '10.0.0.0/x'].some(isCidr)).toBe(false);
  });
});

describe('the MFA guard', () => {
  it('moves a top-level second step behind a local-login check, and the conflict is gone', () => {
    expect(explore(ALWAYS_MFA, { application, connections: CONNECTIONS }).conflicts.map((c) => c.connection)).toEqual(['GitHub']);
    const out = insertMfaGuard(ALWAYS_MFA, 2, 1)!;
    expect(out.source).toContain("if (context.steps[1].idp == 'LOCAL') {");
    expect(analyze(out.source, { application }).filter((d) => d.severity !== 'info')).toEqual([]);
    expect(explore(out.source, { application, connections: CONNECTIONS }).conflicts).toEqual([]);
  });

  it('wraps a second step inside a callback', () => {
    const source = 'var onLoginRequest = function (context) {\n    executeStep(1, {\n        onSuccess: function (context) {\n            executeStep(2);\n        }\n    });\n};\n';
    const out = insertMfaGuard(source, 2, 1)!;
    expect(out.line).toBe(4);
    expect(explore(out.source, { application, connections: CONNECTIONS }).conflicts).toEqual([]);
  });

  it('declines shapes it cannot rewrite safely', () => {
    expect(insertMfaGuard('var onLoginRequest = function (context) {\n    executeStep(2);\n};\n', 2, 1)).toBeNull();
    expect(insertMfaGuard('var onLoginRequest = function (', 2, 1)).toBeNull();
  });

  it('reads the step a connection came through from the path', () => {
    expect(passThroughStep(['step 1 via GitHub', 'step 2 totp'], 'GitHub')).toBe(1);
  });
});

describe('the path of a simulation through the flow graph', () => {
  it('highlights exactly the edges a GitHub login takes under the skip-MFA template', async () => {
    const t = (await loadTemplates()).find((x) => x.id === 'skip-mfa-external-connections')!;
    const { graph } = explore(t.script, { application, connections: CONNECTIONS });
    const trace = (await simulate({ source: t.script, application, connections: CONNECTIONS, interactions: [{ step: 1, idp: 'GitHub', subject: 'gh-42' }] })) as unknown as Trace;
    expect(trace.outcome).toBe('success');
    const h = tracePath(graph as FlowGraph, trace);
    expect([...h.nodes].filter((n) => !n.startsWith('step:'))).toEqual(['start', 'success']);
    expect([...h.edges].map((e) => e.split('\u0000')[2])).toEqual(['', 'via GitHub']);
  });

  it('follows a local login through TOTP', async () => {
    const { graph } = explore(ALWAYS_MFA, { application, connections: CONNECTIONS });
    const trace = (await simulate({
      source: ALWAYS_MFA,
      application,
      users: [{ username: 'alice', totp: true }],
      interactions: [{ step: 1, username: 'alice' }, { step: 2 }],
    })) as unknown as Trace;
    expect(trace.outcome).toBe('success');
    expect([...tracePath(graph as FlowGraph, trace).edges].map((e) => e.split('\u0000')[2])).toEqual(['', 'BasicAuthenticator succeeds', 'totp succeeds']);
  });

  it('lays the graph out with every node placed and labels wrapped', () => {
    const { graph } = explore(ALWAYS_MFA, { application, connections: CONNECTIONS });
    const layout = layoutGraph(graph as FlowGraph);
    expect(layout.nodes.length).toBe(graph.nodes.length);
    expect(layout.nodes.every((n) => Number.isFinite(n.x) && Number.isFinite(n.y))).toBe(true);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(wrapLabel('step 1: BasicAuthenticator | Google | GitHub').length).toBeGreaterThan(1);
  });
});

describe('scenarios from the simulator form', () => {
  it('builds a scenario the simulator accepts, and its expectation passes on a rerun', async () => {
    const form: ScenarioForm = { ...emptyForm(APP), name: 'GitHub user', headers: 'user-agent: test\n', cookies: 'a=b', acrValues: 'acr1, acr2', actions: [{ ...stepAction(1, 'GitHub', 'GithubAuthenticator'), subject: 'gh-1', claims: 'login=octo\nemail_verified=true' }, stepAction(2, 'LOCAL', 'totp')] };
    const scenario = buildScenario(form, { application: APP, connections: TENANT_CONNECTIONS, users: [] }, { source: ALWAYS_MFA });
    expect(scenario.request).toEqual({ ip: '203.0.113.7', headers: { 'user-agent': 'test' }, cookies: { a: 'b' }, acrValues: ['acr1', 'acr2'] });
    const trace = (await simulate(scenario)) as unknown as Trace;
    expect(trace.outcome).toBe('fail');
    expect(trace.error?.code).toBe('LOCAL_ACCOUNT_REQUIRED');
    const expectation = expectationOf(trace);
    expect(mismatches(expectation, trace)).toEqual([]);
    const file = buildScenario(form, { application: APP, connections: TENANT_CONNECTIONS, users: [] }, { script: 'script.js' }, expectation);
    expect(file.script).toBe('script.js');
    expect(mismatches({ ...expectation, outcome: 'success' }, trace)).toEqual(['outcome: expected success, got fail']);
  });

  it('reads claims as lines or JSON', () => {
    expect(parseClaims('a=1\nb=x\nc=true')).toEqual({ claims: { a: 1, b: 'x', c: true } });
    expect(parseClaims('{"groups": ["x"]}')).toEqual({ claims: { groups: ['x'] } });
    expect('error' in parseClaims('{oops')).toBe(true);
  });
});
