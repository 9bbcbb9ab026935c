/**
 * Script libraries in scenarios: the `libraries` member (an authscript extension) gives the
 * tenant's libraries by name, and the simulator's flows load them with `require`.
 */
import { describe, expect, it } from 'vitest';
import { checkExpectations } from '../../src/simulate/expectations.js';
import { parseScenario, ScenarioInvalidError, simulate } from '../../src/simulate/simulate.js';

const APPLICATION = {
  name: 'Thrift',
  steps: [
    { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
  ],
};

const SCRIPT = `var network = require('network.js');
var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) {
    if (!network.isCorporate(context.request.ip)) executeStep(2);
  } });
};`;

const NETWORK = `var corporate = ['10.'];
module.exports = {
  isCorporate: function (ip) {
    return corporate.some(function (prefix) { return ip !== null && ip.indexOf(prefix) === 0; });
  }
};`;

const scenario = (ip: string, extra: Record<string, unknown> = {}) => ({
  source: SCRIPT,
  application: APPLICATION,
  libraries: { 'network.js': NETWORK },
  users: [{ username: 'alice', password: 'pw', totp: true }],
  request: { ip },
  now: '2026-11-23T10:00:00Z',
  interactions: [{ step: 1, username: 'alice', password: 'pw' }, { step: 2 }],
  ...extra,
});

describe('script libraries in scenarios', () => {
  it('loads the scenario\u2019s libraries with require', async () => {
    const inside = await simulate(scenario('10.1.2.3'));
    const outside = await simulate(scenario('203.0.113.7'));
    expect(checkExpectations({ outcome: 'success', steps: [{ step: 1, idp: 'LOCAL' }], unusedInteractions: 1 }, inside)).toEqual([]);
    expect(checkExpectations({ outcome: 'success', steps: [{ step: 1, idp: 'LOCAL' }, { step: 2, idp: 'LOCAL' }] }, outside)).toEqual([]);
  });

  it('keeps the flow\u2019s libraries across restarts between interactions', async () => {
    const trace = await simulate(scenario('203.0.113.7'), { restartBetweenInteractions: true });
    expect(trace.outcome).toBe('success');
    expect(trace.steps.map((s) => s.step)).toEqual([1, 2]);
  });

  it('ends with SCRIPT_SYNTAX naming the library when a required library does not compile', async () => {
    const trace = await simulate(scenario('10.1.2.3', { libraries: { 'network.js': 'module.exports = {' } }));
    expect(trace.outcome).toBe('error');
    expect(trace.error).toMatchObject({ code: 'SCRIPT_SYNTAX', message: expect.stringContaining('library:network.js:1:') });
  });

  it('fails the script with an error naming a library the scenario does not give', async () => {
    const trace = await simulate(scenario('10.1.2.3', { libraries: undefined }));
    expect(trace.error).toMatchObject({ code: 'SCRIPT_RUNTIME', message: 'Error: require: there is no script library named "network.js"', line: 1 });
  });

  it('refuses a scenario whose library names are paths', () => {
    let problems: readonly string[] = [];
    try {
      parseScenario(scenario('10.1.2.3', { libraries: { '../network.js': NETWORK } }));
    } catch (e) {
      if (e instanceof ScenarioInvalidError) problems = e.problems;
    }
    expect(problems).toEqual(['libraries.../network.js: "../network.js" is a path; script libraries have plain names (no "/", "\\" or "..")']);
  });
});
