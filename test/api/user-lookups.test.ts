import { describe, expect, it } from 'vitest';
import type { HostCall, Json } from '../../runtime/protocol.js';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { logsOf, runScript, started, stepOutcome, userStoreHost } from '../_support/sandbox.js';
import { flowLogs, harness, localStep, newUser } from './_flow.js';

const EMAIL = 'http://wso2.org/claims/emailaddress';
const COUNTRY = 'http://wso2.org/claims/country';
const MOBILE = 'http://wso2.org/claims/mobile';
const snapshot = (username: string) => ({ username, userStoreDomain: 'PRIMARY', tenantDomain: 'carbon.super', uniqueId: `id-${username}`, federated: false, idp: null, localClaims: {}, remoteClaims: {}, roles: [], groups: [] });

/** A host whose claim look-ups find `found`; records the calls. */
function lookupHost(found: Json[], calls: HostCall[] = []): HostHandler {
  return (call) => {
    calls.push(call);
    return call.call === 'getUsersWithClaimValues' ? { kind: 'value', value: found } : userStoreHost(call);
  };
}
const onLogin = (body: string) => `var onLoginRequest = function (context) { ${body} executeStep(1); };`;

describe('getUniqueUserWithClaimValues in the sandbox', () => {
  it('asks the user store with the claims in order and the default profile', () => {
    const calls: HostCall[] = [];
    runScript(onLogin(`getUniqueUserWithClaimValues({ '${EMAIL}': 'a@x.com', '${COUNTRY}': 'LK' }, context);`), { host: lookupHost([], calls) });
    expect(calls).toEqual([{ call: 'getUsersWithClaimValues', args: { claims: [[EMAIL, 'a@x.com'], [COUNTRY, 'LK']], profile: 'default' } }]);
  });

  it('passes a profile given after the context', () => {
    const calls: HostCall[] = [];
    runScript(onLogin(`getUniqueUserWithClaimValues({ '${EMAIL}': 'a@x.com' }, context, 'work');`), { host: lookupHost([], calls) });
    expect(calls).toMatchObject([{ args: { profile: 'work' } }]);
  });

  it('returns a user object for exactly one match, and null for none or several', () => {
    const src = onLogin(`var u = getUniqueUserWithClaimValues({ '${EMAIL}': 'a@x.com' }, context); Log.info(u === null ? 'null' : u.username + ' ' + u.uniqueId);`);
    expect(logsOf(runScript(src, { host: lookupHost([snapshot('alice')]) }))).toEqual(['alice id-alice']);
    expect(logsOf(runScript(src, { host: lookupHost([]) }))).toEqual(['null']);
    expect(logsOf(runScript(src, { host: lookupHost([snapshot('alice'), snapshot('bob')]) }))).toEqual(['null']);
  });

  it('returns null without asking the host when no context is given', () => {
    const calls: HostCall[] = [];
    const r = runScript(onLogin(`Log.info(getUniqueUserWithClaimValues({ '${EMAIL}': 'a@x.com' }) + ' ' + getUniqueUserWithClaimValues(null, context));`), { host: lookupHost([], calls) });
    expect(logsOf(r)).toEqual(['null null']);
    expect(calls).toEqual([]);
  });

  it('throws for an empty claim map, as WSO2 does', () => {
    const r = runScript(onLogin(`getUniqueUserWithClaimValues({}, context);`));
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: 'TypeError: getUniqueUserWithClaimValues: the claim map is empty' } });
  });

  it('leaves the claim map the script passed unchanged', () => {
    const r = runScript(onLogin(`var m = { '${EMAIL}': 'a@x.com', '${COUNTRY}': 'LK' }; getUniqueUserWithClaimValues(m, context); Log.info(Object.keys(m).length);`), { host: lookupHost([]) });
    expect(logsOf(r)).toEqual(['2']);
  });
});

describe('getUsersWithClaimValues in the sandbox', () => {
  it('returns every match as a user object, or null for none', () => {
    const src = onLogin(`var us = getUsersWithClaimValues({ '${COUNTRY}': 'LK' }, context); Log.info(us === null ? 'null' : us.map(function (u) { return u.username; }).join(','));`);
    expect(logsOf(runScript(src, { host: lookupHost([snapshot('alice'), snapshot('bob')]) }))).toEqual(['alice,bob']);
    expect(logsOf(runScript(src, { host: lookupHost([]) }))).toEqual(['null']);
  });

  it('throws when the second argument is not the context', () => {
    const r = runScript(onLogin(`getUsersWithClaimValues({ '${COUNTRY}': 'LK' }, {});`));
    expect(r.outcome).toMatchObject({ kind: 'error', error: { message: 'TypeError: getUsersWithClaimValues: the second argument must be the context' } });
  });
});

describe('user look-ups through the flow engine', () => {
  const users = [
    newUser('alice', { claims: { [EMAIL]: 'alice@x.com', [COUNTRY]: 'LK', [MOBILE]: '+94 77 000' } }),
    newUser('bob', { userStoreDomain: 'EMPLOYEES', claims: { [EMAIL]: 'shared@x.com', [COUNTRY]: 'LK', [MOBILE]: '+94 77 111' } }),
    newUser('carol', { claims: { [EMAIL]: 'shared@x.com', [COUNTRY]: 'FR', [MOBILE]: '+94 77 111' } }),
  ];
  const lookup = (claims: string, rest = 'context') => `var onLoginRequest = function (context) {
    var u = getUniqueUserWithClaimValues(${claims}, ${rest});
    Log.info(u === null ? 'null' : u.identifier);
    executeStep(1);
  };`;

  it('finds the one user with a claim value', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(lookup(`{ '${EMAIL}': 'alice@x.com' }`), []))).toEqual(['alice']);
  });

  it('finds no user when no one has the claim value', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(lookup(`{ '${EMAIL}': 'nobody@x.com' }`), []))).toEqual(['null']);
  });

  it('finds no user when two users match', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(lookup(`{ '${EMAIL}': 'shared@x.com' }`), []))).toEqual(['null']);
  });

  it('narrows the candidates of the first claim by the others', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(lookup(`{ '${EMAIL}': 'shared@x.com', '${COUNTRY}': 'LK' }`), []))).toEqual(['EMPLOYEES/bob']);
  });

  it('finds users by the username claim', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(lookup(`{ 'http://wso2.org/claims/username': 'EMPLOYEES/bob' }`), []))).toEqual(['EMPLOYEES/bob']);
  });

  it('finds no user in a profile other than default', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(lookup(`{ '${EMAIL}': 'alice@x.com' }`, "context, 'work'"), []))).toEqual(['null']);
  });

  it('returns every user with getUsersWithClaimValues', async () => {
    const h = await harness(users);
    const flow = await h.login(`var onLoginRequest = function (context) {
      Log.info(getUsersWithClaimValues({ '${COUNTRY}': 'LK' }, context).map(function (u) { return u.username; }).join(','));
      executeStep(1);
    };`, []);
    expect(flowLogs(flow)).toEqual(['alice,bob']);
  });

  it('gives a found user the claims and roles of the user store', async () => {
    const h = await harness([newUser('dave', { roles: ['auditor'], claims: { [EMAIL]: 'dave@x.com' } })]);
    const flow = await h.login(`var onLoginRequest = function (context) {
      var u = getUniqueUserWithClaimValues({ '${EMAIL}': 'dave@x.com' }, context);
      Log.info(u.localClaims['${EMAIL}'] + ' ' + hasAnyOfTheRoles(u, ['auditor']));
      executeStep(1);
    };`, []);
    expect(flowLogs(flow)).toEqual(['dave@x.com true']);
  });
});

describe('resolveMultiAttributeLoginIdentifier', () => {
  const users = [
    newUser('alice', { claims: { [EMAIL]: 'alice@x.com', [MOBILE]: '+94 77 000' } }),
    newUser('bob', { userStoreDomain: 'EMPLOYEES', claims: { [MOBILE]: '+94 77 111' } }),
    newUser('carol', { claims: { [MOBILE]: '+94 77 111' } }),
  ];
  const resolve = (id: string, tenant = 'context.tenantDomain') => `var onLoginRequest = function (context) {
    Log.info(String(resolveMultiAttributeLoginIdentifier('${id}', ${tenant})));
    executeStep(1);
  };`;

  it('resolves an email address, a mobile number or a username to the preferred username', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(resolve('alice@x.com'), []))).toEqual(['alice']);
    expect(flowLogs(await h.login(resolve('+94 77 000'), []))).toEqual(['alice']);
    expect(flowLogs(await h.login(resolve('EMPLOYEES/bob'), []))).toEqual(['EMPLOYEES/bob']);
  });

  it('resolves nothing when several users match or none does', async () => {
    const h = await harness(users);
    expect(flowLogs(await h.login(resolve('+94 77 111'), []))).toEqual(['null']);
    expect(flowLogs(await h.login(resolve('nobody'), []))).toEqual(['null']);
  });

  it('resolves nothing for another tenant, without asking the host', () => {
    const r = runScript(resolve('alice@x.com', "'other.example'"));
    expect(logsOf(r)).toEqual(['null']);
    expect(r.newEvents).toEqual([]);
  });
});

describe('user look-ups after a step', () => {
  it('are journaled: a replay reads the same answer', () => {
    const src = `var onLoginRequest = function (context) { executeStep(1, { onSuccess: function (context) {
      Log.info(String(getUniqueUserWithClaimValues({ '${EMAIL}': 'a@x.com' }, context).username)); } }); };`;
    const first = runScript(src, { journal: [started(), stepOutcome(1)], host: lookupHost([snapshot('alice')]) });
    const replay = runScript(src, { journal: [started(), stepOutcome(1), ...first.newEvents], host: lookupHost([snapshot('mallory')]) });
    expect(logsOf(replay)).toEqual(['alice']);
  });

  it('after a login step finds the user the step authenticated', async () => {
    const h = await harness([newUser('alice', { claims: { [EMAIL]: 'alice@x.com' } })]);
    const flow = await h.login(`var onLoginRequest = function (context) { executeStep(1, { onSuccess: function (context) {
      Log.info(getUniqueUserWithClaimValues({ '${EMAIL}': 'alice@x.com' }, context).username === context.currentKnownSubject.username ? 'same' : 'other');
    } }); };`, [localStep(1)]);
    expect(flowLogs(flow)).toEqual(['same']);
  });
});
