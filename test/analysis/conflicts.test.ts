import { describe, expect, it } from 'vitest';
import { explore } from '../../src/analysis/explore.js';
import { lint } from '../../src/analysis/lint.js';

// The seed's story: GitHub with JIT provisioning disabled, TOTP in step 2.
const APPLICATION = {
  name: 'Thrift',
  steps: [
    { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }, { idp: 'GitHub', authenticator: 'GithubAuthenticator' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
  ],
};
const CONNECTIONS = [{ name: 'Google', jit: { enabled: true } }, { name: 'GitHub', jit: { enabled: false } }];
const conflictsOf = (source: string) => lint(source, { application: APPLICATION, connections: CONNECTIONS }).diagnostics.filter((d) => d.code === 'JIT_MFA_CONFLICT');

const DEFAULT_SCRIPT = 'var onLoginRequest = function (context) {\n  executeStep(1);\n  executeStep(2);\n};';
const SKIP_MFA = `var localAuthenticator = 'LOCAL';
var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) {
    if (context.steps[1].idp == localAuthenticator) executeStep(2);
  } });
};`;

describe('the JIT/MFA conflict check', () => {
  it('warns for the unconditional default script, naming the connection and the path', () => {
    const [d] = conflictsOf(DEFAULT_SCRIPT);
    expect(d).toMatchObject({ severity: 'warning', line: 3 });
    expect(d?.message).toMatch(/^GitHub has JIT provisioning off/);
    expect(d?.message).toContain('Path: step 1 via GitHub → step 2 totp');
  });

  it('does not warn when the script skips MFA for external connections', () => {
    expect(conflictsOf(SKIP_MFA)).toEqual([]);
  });

  it('warns for a script that steps up on a role for federated users', () => {
    expect(conflictsOf(`var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (context) {
        if (!hasAnyOfTheRoles(context.currentKnownSubject, ['trusted'])) executeStep(2);
      } });
    };`)).toHaveLength(1);
  });

  it('warns for a script that steps up federated users of a group', () => {
    expect(conflictsOf(`var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (context) {
        if (isMemberOfAnyOfGroups(context.currentKnownSubject, ['admins'])) executeStep(2);
      } });
    };`)).toHaveLength(1);
  });

  it('does not warn about a connection with JIT provisioning on', () => {
    expect(lint(DEFAULT_SCRIPT, { application: APPLICATION, connections: [{ name: 'GitHub', jit: { enabled: true } }] }).diagnostics).toEqual([]);
  });

  it('finds a break the step table hides: MFA reached through a callback after a GitHub login', () => {
    const app = { name: 'A', steps: [{ options: [{ idp: 'GitHub', authenticator: 'GithubAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] }] };
    const r = explore("var onLoginRequest = function (c) { executeStep(1, { onSuccess: function (c) { httpGet('https://risk.example.com', { onFail: function (c) { executeStep(2); } }); } }); };", { application: app, connections: [{ name: 'GitHub', jit: { enabled: false } }] });
    expect(r.conflicts).toEqual([{ connection: 'GitHub', step: 2, authenticator: 'email-otp-authenticator', path: ['step 1 via GitHub', 'httpGet onFail', 'step 2 email-otp-authenticator'] }]);
  });

  it('reports when the exploration bound was hit', () => {
    const retry = "function login() { executeStep(1, { onFail: function (c) { login(); } }); }\nvar onLoginRequest = function (c) { login(); };";
    const r = lint(retry, { application: APPLICATION, connections: CONNECTIONS });
    expect(r.diagnostics.map((d) => d.code)).toContain('EXPLORATION_BOUND');
  });
});

describe('the flow graph', () => {
  it('draws the steps with their options, the ends, and labelled edges', () => {
    const { graph } = explore(SKIP_MFA, { application: APPLICATION, connections: CONNECTIONS });
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([
      'fail:STEP_FAILED',
      'start',
      'step:1:LOCAL/BasicAuthenticator,Google/GoogleOIDCAuthenticator,GitHub/GithubAuthenticator',
      'step:2:LOCAL/totp',
      'success',
    ]);
    expect(graph.edges).toContainEqual({ from: 'step:1:LOCAL/BasicAuthenticator,Google/GoogleOIDCAuthenticator,GitHub/GithubAuthenticator', to: 'success', label: 'via GitHub' });
    expect(graph.edges).toContainEqual({ from: 'step:1:LOCAL/BasicAuthenticator,Google/GoogleOIDCAuthenticator,GitHub/GithubAuthenticator', to: 'step:2:LOCAL/totp', label: 'BasicAuthenticator succeeds' });
  });

  it('shows prompts and async calls as nodes', () => {
    const app = { name: 'A', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] };
    const { graph } = explore("var onLoginRequest = function (c) { prompt('genericForm', {}, { onSuccess: function (c) { httpPost('https://x.example/a', {}, {}); executeStep(1); } }); };", { application: app });
    expect(graph.nodes.map((n) => n.kind)).toEqual(expect.arrayContaining(['prompt', 'async', 'step', 'success']));
  });
});
