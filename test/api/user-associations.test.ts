import { describe, expect, it } from 'vitest';
import type { HostCall } from '../../runtime/protocol.js';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { logsOf, runScript, started, stepOutcome, userStoreHost } from '../_support/sandbox.js';
import { flowLogs, googleStep, harness, newUser, TENANT } from './_flow.js';

const inCallback = (body: string) => `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { var user = context.steps[1].subject; ${body} } });
};`;
const GOOGLE_USER = { username: 'g-123', federated: true, idp: 'Google', userStoreDomain: null, remoteClaims: { email: 'bob@gmail.com' } };
const federated = { journal: [started(), stepOutcome(1, 'success', { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: GOOGLE_USER })] };
const local = { journal: [started(), stepOutcome(1)] };
const BOB = { username: 'bob', userStoreDomain: 'PRIMARY', tenantDomain: 'carbon.super', uniqueId: 'id-bob', federated: false, idp: null, localClaims: {}, remoteClaims: {}, roles: ['staff'], groups: [] };

/** A host with bob associated to Google's g-123; records the calls it answers. */
function associationsHost(calls: HostCall[] = []): HostHandler {
  return (call) => {
    calls.push(call);
    if (call.call !== 'getAssociatedLocalUser') return userStoreHost(call);
    const { idp, subject } = call.args as { idp: string; subject: string };
    return { kind: 'value', value: idp === 'Google' && subject === 'g-123' ? BOB : null };
  };
}

describe('getAssociatedLocalUser', () => {
  it('returns the local user associated with the federated account, as a user object', () => {
    const calls: HostCall[] = [];
    const r = runScript(inCallback(`var local = getAssociatedLocalUser(user);
      Log.info(local.username + ' ' + local.userStoreDomain + ' ' + JSON.stringify(local.roles) + ' ' + hasAnyOfTheRoles(local, ['admin']));`), {
      ...federated,
      host: associationsHost(calls),
    });
    expect(logsOf(r)).toEqual(['bob PRIMARY ["staff"] true']);
    expect(calls[0]).toEqual({ call: 'getAssociatedLocalUser', args: { idp: 'Google', subject: 'g-123' } });
  });

  it('looks up the subject the user arrived with, even after the script renamed the user', () => {
    const r = runScript(inCallback(`user.username = 'renamed'; Log.info(getAssociatedLocalUser(user).username);`), { ...federated, host: associationsHost() });
    expect(logsOf(r)).toEqual(['bob']);
  });

  it('returns null when the federated account has no association', () => {
    const r = runScript(inCallback(`Log.info(String(getAssociatedLocalUser(user)));`), {
      journal: [started(), stepOutcome(1, 'success', { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: { ...GOOGLE_USER, username: 'g-999' } })],
      host: associationsHost(),
    });
    expect(logsOf(r)).toEqual(['null']);
  });

  it('returns null for a local user without asking the host', () => {
    const calls: HostCall[] = [];
    const r = runScript(inCallback(`Log.info(String(getAssociatedLocalUser(user)));`), { ...local, host: associationsHost(calls) });
    expect(logsOf(r)).toEqual(['null']);
    expect(calls).toEqual([]);
  });
});

describe('doAssociationWithLocalUser', () => {
  it('returns true and queues the association of the federated account with the local user', () => {
    const r = runScript(inCallback(`Log.info(String(doAssociationWithLocalUser(user, 'alice', 'CARBON.SUPER', 'PRIMARY')));`), federated);
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([{ kind: 'associateLocalUser', idp: 'Google', subject: 'g-123', username: 'alice', userStoreDomain: 'PRIMARY' }]);
  });

  it('takes the PRIMARY user store when none is given', () => {
    const r = runScript(inCallback(`doAssociationWithLocalUser(user, 'alice', context.tenantDomain, null);`), federated);
    expect(r.newCommands).toMatchObject([{ kind: 'associateLocalUser', userStoreDomain: 'PRIMARY' }]);
  });

  it('returns false for a local user and for a tenant that is not the user’s', () => {
    expect(logsOf(runScript(inCallback(`Log.info(String(doAssociationWithLocalUser(user, 'bob', 'carbon.super', 'PRIMARY')));`), local))).toEqual([
      'doAssociationWithLocalUser: User alice is not a federated user.',
      'false',
    ]);
    const other = runScript(inCallback(`Log.info(String(doAssociationWithLocalUser(user, 'alice', 'other.example', 'PRIMARY')));`), federated);
    expect(logsOf(other)).toEqual([
      'Association failed due to mismatch in tenant. The tenant sent for association: other.example does not match the tenant of the federated user: carbon.super',
      'false',
    ]);
    expect(other.newCommands).toEqual([]);
  });

  it('returns false for a missing user or username', () => {
    const r = runScript(inCallback(`Log.info(doAssociationWithLocalUser(null, 'a', 'carbon.super') + ' ' + doAssociationWithLocalUser(user, '', 'carbon.super'));`), federated);
    expect(logsOf(r).at(-1)).toBe('false false');
    expect(r.newCommands).toEqual([]);
  });
});

describe('removeAssociatedLocalUser', () => {
  it('returns true and queues the removal when the account is associated', () => {
    const r = runScript(inCallback(`Log.info(String(removeAssociatedLocalUser(user)));`), { ...federated, host: associationsHost() });
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([{ kind: 'removeAssociatedLocalUser', idp: 'Google', subject: 'g-123' }]);
  });

  it('returns false without a command when there is no association', () => {
    const r = runScript(inCallback(`Log.info(String(removeAssociatedLocalUser(user)));`), federated);
    expect(logsOf(r)).toEqual(['false']);
    expect(r.newCommands).toEqual([]);
  });
});

describe('associations through the flow engine', () => {
  const ASSOCIATE = `var onLoginRequest = function (context) {
    executeStep(1, { onSuccess: function (context) {
      var user = context.steps[1].subject;
      Log.info('before ' + getAssociatedLocalUser(user));
      Log.info('associated ' + doAssociationWithLocalUser(user, 'alice', context.tenantDomain, 'PRIMARY'));
      Log.info('after ' + getAssociatedLocalUser(user).username);
    } });
  };`;

  it('finds the local user with getAssociatedLocalUser after an association in the same callback', async () => {
    const h = await harness([newUser('alice')]);
    const flow = await h.login(ASSOCIATE, [googleStep('g-123')]);
    expect(flowLogs(flow)).toEqual(['before null', 'associated true', 'after alice']);
    const association = await h.store.getAssociation(TENANT, 'Google', 'g-123');
    expect(association?.userId).toBe((await h.user('alice')).id);
  });

  it('signs the federated account in as the associated local user on the next login', async () => {
    const h = await harness([newUser('alice')]);
    await h.login(ASSOCIATE, [googleStep('g-123')]);
    const next = await h.login(`var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (context) { var u = context.steps[1].subject; Log.info(u.username + ' ' + context.steps[1].idp); } });
    };`, [googleStep('g-123')]);
    expect(flowLogs(next)).toEqual(['alice Google']);
  });

  it('removes an association from the store with removeAssociatedLocalUser', async () => {
    const h = await harness([newUser('alice')]);
    const flow = await h.login(`var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (context) {
        var user = context.steps[1].subject;
        doAssociationWithLocalUser(user, 'alice', context.tenantDomain, 'PRIMARY');
        Log.info('removed ' + removeAssociatedLocalUser(user) + ', again ' + removeAssociatedLocalUser(user));
      } });
    };`, [googleStep('g-123')]);
    expect(flowLogs(flow)).toEqual(['removed true, again false']);
    expect(await h.store.getAssociation(TENANT, 'Google', 'g-123')).toBeNull();
  });
});
