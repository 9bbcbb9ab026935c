import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, traceJsonSchema } from '../../src/simulate/json-schema.js';
import { parseScenario, ScenarioInvalidError } from '../../src/simulate/simulate.js';

const problemsOf = (raw: unknown): string[] => {
  try {
    parseScenario(raw);
    return [];
  } catch (e) {
    if (e instanceof ScenarioInvalidError) return [...e.problems];
    throw e;
  }
};

const APP = { name: 'Thrift', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] };

describe('the scenario format', () => {
  it('accepts the example of SCENARIOS.md', () => {
    const example = {
      name: 'federated login skips MFA',
      script: 'skip-mfa.js',
      application: {
        name: 'Thrift',
        tenantDomain: 'carbon.super',
        steps: [
          { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] },
          { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
        ],
        subjectStep: 1,
      },
      connections: [
        {
          name: 'Google',
          jit: { enabled: true, userStore: 'PRIMARY', scheme: 'silent', associateLocalUser: false, lookupAttributes: ['email'], attributeSync: 'override' },
          claimMappings: { email: 'http://wso2.org/claims/emailaddress' },
          userIdClaim: 'email',
          roleMappings: { 'gh-admins': 'admin' },
          groupsClaim: 'groups',
        },
      ],
      users: [
        {
          username: 'alice', userStoreDomain: 'PRIMARY', password: 's3cret', roles: ['admin'], groups: ['managers'],
          claims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' }, totp: true, locked: false, disabled: false,
          associations: [{ idp: 'Google', subject: 'g-123' }],
        },
      ],
      request: { ip: '203.0.113.7', headers: { 'user-agent': '...' }, cookies: { deviceAuth: '...' }, params: { scenario: ['INIT'] }, acrValues: ['acr2'] },
      now: '2026-11-23T10:00:00Z',
      interactions: [
        { step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', username: 'alice', outcome: 'success' },
        { prompt: 'genericForm', action: 'success', data: {} },
        { http: 'https://risk.example.com/score', status: 200, body: {} },
        { http: 'https://risk.example.com/score', timeout: true },
        { provisioning: { consent: true, username: 'bob', password: '...' } },
      ],
      expect: { outcome: 'success', error: { code: 'X' }, steps: [{ step: 1, idp: 'LOCAL' }], subject: { username: 'alice' }, provisioned: [{ username: 'bob' }], redirect: { url: 'x' }, logs: ['a'] },
    };
    expect(problemsOf(example)).toEqual([]);
  });

  it('names an unknown field with its path', () => {
    expect(problemsOf({ source: 'x', application: { ...APP, stepz: [] } })).toContain('application: Unrecognized key: "stepz"');
  });

  it('explains a malformed step interaction field by field', () => {
    expect(problemsOf({ source: 'x', application: APP, interactions: [{ step: 1, outcom: 'success' }] })).toEqual(['interactions.0: Unrecognized key: "outcom"']);
  });

  it('says what an interaction needs when it has none of the kinds', () => {
    expect(problemsOf({ source: 'x', application: APP, interactions: [{ answer: 1 }] })).toEqual([
      'interactions.0: an interaction needs one of "step", "prompt", "http" or "provisioning"',
    ]);
  });

  it('requires exactly one of script and source', () => {
    expect(problemsOf({ application: APP })).toContain('script: give exactly one of "script" (a file path) or "source" (the script inline)');
    expect(problemsOf({ source: 'x', script: 'y.js', application: APP })).toHaveLength(1);
  });

  it('refuses an http interaction with neither a status nor a timeout', () => {
    expect(problemsOf({ source: 'x', application: APP, interactions: [{ http: 'https://a.example' }] })).toEqual([
      'interactions.0: an http interaction needs a status, or "timeout": true',
    ]);
  });

  it('ships JSON Schemas that match the zod definitions', () => {
    expect(JSON.parse(readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8'))).toEqual(scenarioJsonSchema());
    expect(JSON.parse(readFileSync(new URL('../../docs/trace.schema.json', import.meta.url), 'utf8'))).toEqual(traceJsonSchema());
  });
});

describe('async calls in simulations', () => {
  it('performs updateUserPassword with callbacks against the scenario store, and waits for HTTP answers', async () => {
    const { simulate } = await import('../../src/simulate/simulate.js');
    const trace = await simulate({
      source: `var onLoginRequest = function (context) {
        executeStep(1, { onSuccess: function (context) {
          updateUserPassword(context.currentKnownSubject, 'N3w-secret', { onSuccess: function (c) {
            Log.info('password changed');
            httpGet('https://risk.example.com/score', { onSuccess: function (c, data) { Log.info('risk ' + data.score); } });
          } });
        } });
      };`,
      application: APP,
      users: [{ username: 'alice', password: 'old-secret' }],
      interactions: [{ step: 1, username: 'alice' }],
    });
    expect(trace.logs.map((l) => l.message)).toEqual(['password changed']);
    expect(trace).toMatchObject({ outcome: 'pending', pending: { kind: 'async', call: 'httpGet', args: { url: 'https://risk.example.com/score' } } });
  });
});
