import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';

const APP = { name: 'A', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] };
const check = (groups: string) => `var onLoginRequest = function (c) { executeStep(1, { onSuccess: function (c) {
  Log.info(String(isMemberOfAnyOfGroups(c.currentKnownSubject, ${groups})) + ' ' + String(hasAnyOfTheRoles(c.currentKnownSubject, ${groups.replace('devs', 'ops')})));
} }); };`;

describe('membership checks of a secondary store\u2019s user', () => {
  it('match the store-qualified names WSO2 uses', async () => {
    const trace = await simulate({ source: check("['EMPLOYEES/devs']"), application: APP, users: [{ username: 'carol', userStoreDomain: 'EMPLOYEES', groups: ['devs'], roles: ['ops'] }], interactions: [{ step: 1, username: 'EMPLOYEES/carol' }] });
    expect(trace.logs.map((l) => l.message)).toEqual(['true true']);
  });

  it('match the bare names too', async () => {
    const trace = await simulate({ source: check("['devs']"), application: APP, users: [{ username: 'carol', userStoreDomain: 'EMPLOYEES', groups: ['devs'], roles: ['ops'] }], interactions: [{ step: 1, username: 'EMPLOYEES/carol' }] });
    expect(trace.logs.map((l) => l.message)).toEqual(['true true']);
  });

  it('do not qualify the names of a PRIMARY user', async () => {
    const trace = await simulate({ source: check("['PRIMARY/devs']"), application: APP, users: [{ username: 'alice', groups: ['devs'], roles: ['ops'] }], interactions: [{ step: 1, username: 'alice' }] });
    expect(trace.logs.map((l) => l.message)).toEqual(['false false']);
  });
});
