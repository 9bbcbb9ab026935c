import { describe, expect, it, vi } from 'vitest';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { ALICE, logsOf, runScript, started, stepOutcome, userStoreHost } from '../_support/sandbox.js';
import { effectsOf, flowLogs, harness, localStep, newUser } from './_flow.js';

/** Runs `body` in step 1's onSuccess, with `user` = the subject. */
const inCallback = (body: string) => `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { var user = context.currentKnownSubject; ${body} } });
};`;
const afterStep1 = { journal: [started(), stepOutcome(1)] };
const federated = {
  journal: [started(), stepOutcome(1, 'success', { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: { username: 'g-123', federated: true, idp: 'Google', userStoreDomain: null } })],
};
const otherTenant = { journal: [started(), stepOutcome(1, 'success', { subject: { ...ALICE, tenantDomain: 'other.example' } })] };
const rolesHost =
  (roles: string[]): HostHandler =>
  (call) =>
    call.call === 'getRolesOfUser' ? { kind: 'value', value: roles } : userStoreHost(call);

describe('hasAnyOfTheRolesV2', () => {
  it('is true when the subject has a role, comparing names without an Internal/ prefix', () => {
    const r = runScript(inCallback(`Log.info(String(hasAnyOfTheRolesV2(context, ['admin'])) + ' ' + hasAnyOfTheRolesV2(context, ['INTERNAL/everyone']));`), {
      ...afterStep1,
      host: rolesHost(['Internal/admin', 'everyone']),
    });
    expect(logsOf(r)).toEqual(['true true']);
  });

  it('is false when the subject has none of the roles', () => {
    const r = runScript(inCallback(`Log.info(String(hasAnyOfTheRolesV2(context, ['auditor'])));`), afterStep1);
    expect(logsOf(r)).toEqual(['false']);
  });

  it('is false for a federated subject, without reading the user store', () => {
    const r = runScript(inCallback(`Log.info(String(hasAnyOfTheRolesV2(context, ['admin'])));`), federated);
    expect(logsOf(r)).toEqual(['false']);
    expect(r.newEvents).toEqual([]);
  });

  it('is false with an error log before any step authenticated a user', () => {
    const r = runScript(`var onLoginRequest = function (context) { Log.info(String(hasAnyOfTheRolesV2(context, ['admin']))); executeStep(1); };`);
    expect(logsOf(r)).toEqual(['hasAnyOfTheRolesV2: the flow has no subject yet: no step has authenticated a user', 'false']);
  });

  it('is false for an empty role list and when the first argument is not the context', () => {
    const r = runScript(inCallback(`Log.info(hasAnyOfTheRolesV2(context, []) + ' ' + hasAnyOfTheRolesV2(user, ['admin']));`), afterStep1);
    expect(logsOf(r)).toEqual(['hasAnyOfTheRolesV2: the first argument must be the context', 'false false']);
  });
});

describe('isAnyOfTheRolesAssignedToUser', () => {
  it('compares the user store roles by exact name', () => {
    const r = runScript(inCallback(`Log.info(isAnyOfTheRolesAssignedToUser(user, ['admin']) + ' ' + isAnyOfTheRolesAssignedToUser(user, ['Internal/admin']));`), afterStep1);
    expect(logsOf(r)).toEqual(['true false']);
  });

  it('is false for a federated user and for a user of another tenant', () => {
    const src = inCallback(`Log.info(String(isAnyOfTheRolesAssignedToUser(user, ['admin'])));`);
    expect(logsOf(runScript(src, federated))).toEqual(['false']);
    expect(logsOf(runScript(src, otherTenant))).toEqual(['false']);
  });
});

describe('assignUserRoles and removeUserRoles', () => {
  it('assignUserRoles returns true and queues one role change for a local user', () => {
    const r = runScript(inCallback(`Log.info(String(assignUserRoles(user, ['auditor', 'Internal/office365Role'])));`), afterStep1);
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([
      { kind: 'updateUserRoles', username: 'alice', userStoreDomain: 'PRIMARY', assign: ['auditor', 'Internal/office365Role'], remove: [], compare: 'exact' },
    ]);
  });

  it('removeUserRoles returns true and queues the removal', () => {
    const r = runScript(inCallback(`Log.info(String(removeUserRoles(user, ['admin'])));`), afterStep1);
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([{ kind: 'updateUserRoles', username: 'alice', userStoreDomain: 'PRIMARY', assign: [], remove: ['admin'], compare: 'exact' }]);
  });

  it('shows an assigned role to user.roles and hasAnyOfTheRoles later in the same run', () => {
    const r = runScript(
      inCallback(`assignUserRoles(user, ['auditor']);
        Log.info(JSON.stringify(user.roles) + ' ' + hasAnyOfTheRoles(user, ['auditor']) + ' ' + context.steps[1].subject.roles.length);`),
      afterStep1,
    );
    expect(logsOf(r)).toEqual(['["admin","auditor"] true 2']);
  });

  it('hides a removed role from later reads in the same run', () => {
    const r = runScript(inCallback(`removeUserRoles(user, ['admin']); Log.info(JSON.stringify(user.roles) + ' ' + hasAnyOfTheRoles(user, ['admin']));`), afterStep1);
    expect(logsOf(r)).toEqual(['[] false']);
  });

  it('returns true for an empty list and changes nothing', () => {
    const r = runScript(inCallback(`Log.info(String(assignUserRoles(user, [])));`), afterStep1);
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([]);
  });

  it('returns false without a command for a missing user or role list', () => {
    const r = runScript(inCallback(`Log.info(assignUserRoles(null, ['a']) + ' ' + assignUserRoles(user, null) + ' ' + removeUserRoles(user, 'admin'));`), afterStep1);
    expect(logsOf(r)).toEqual([
      'assignUserRoles: User is not defined',
      'assignUserRoles: Assigning roles are not defined',
      'removeUserRoles: the roles must be an array of role names',
      'false false false',
    ]);
    expect(r.newCommands).toEqual([]);
  });

  it('returns false without a command for a federated user and for a user of another tenant', () => {
    const src = inCallback(`Log.info(assignUserRoles(user, ['a']) + ' ' + removeUserRoles(user, ['a']));`);
    for (const run of [runScript(src, federated), runScript(src, otherTenant)]) {
      expect(logsOf(run).at(-1)).toBe('false false');
      expect(run.newCommands).toEqual([]);
    }
  });
});

describe('assignUserRolesV2 and removeUserRolesV2', () => {
  it('assignUserRolesV2 gives the flow subject the roles without their Internal/ prefix', () => {
    const r = runScript(inCallback(`Log.info(String(assignUserRolesV2(context, ['Internal/office365Role', 'office365Role', 'auditor'])));`), afterStep1);
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([
      { kind: 'updateUserRoles', username: 'alice', userStoreDomain: 'PRIMARY', assign: ['office365Role', 'auditor'], remove: [], compare: 'withoutInternalPrefix' },
    ]);
  });

  it('removeUserRolesV2 removes a role whatever its Internal/ prefix, as later reads show', () => {
    const r = runScript(inCallback(`Log.info(removeUserRolesV2(context, ['admin']) + ' ' + JSON.stringify(user.roles) + ' ' + hasAnyOfTheRolesV2(context, ['admin']));`), {
      ...afterStep1,
      host: rolesHost(['Internal/admin']),
    });
    expect(logsOf(r)).toEqual(['true [] false']);
  });

  it('returns false for an empty list, a federated subject, or no context', () => {
    expect(logsOf(runScript(inCallback(`Log.info(String(assignUserRolesV2(context, [])));`), afterStep1))).toEqual(['false']);
    expect(logsOf(runScript(inCallback(`Log.info(String(assignUserRolesV2(context, ['a'])));`), federated))).toEqual(['false']);
    const noContext = runScript(inCallback(`Log.info(String(removeUserRolesV2({}, ['a'])));`), afterStep1);
    expect(logsOf(noContext)).toEqual(['removeUserRolesV2: the first argument must be the context', 'false']);
    expect(noContext.newCommands).toEqual([]);
  });
});

describe('role changes through the flow engine', () => {
  const SCRIPT = `var onLoginRequest = function (context) {
    executeStep(1, { onSuccess: function (context) {
      Log.info('assigned ' + assignUserRoles(context.currentKnownSubject, ['auditor']));
      executeStep(2, { onSuccess: function (context) {
        Log.info('auditor ' + hasAnyOfTheRoles(context.currentKnownSubject, ['auditor']));
      } });
    } });
  };`;

  it('applies a role assignment made in a callback to the store exactly once, although the flow replays', async () => {
    const h = await harness([newUser('alice', { roles: ['staff'], totpSecret: 'device' })]);
    const updates = vi.spyOn(h.store, 'updateUser');
    const flow = await h.login(SCRIPT, [localStep(1), localStep(2)]);
    expect(flow.status).toBe('success');
    expect((await h.user('alice')).roles).toEqual(['staff', 'auditor']);
    expect(updates.mock.calls.filter(([, , patch]) => patch.roles !== undefined)).toHaveLength(1);
    expect(effectsOf(flow, 'updateUserRoles')).toHaveLength(1);
    expect(flowLogs(flow)).toEqual(['assigned true', 'auditor true']);
  });

  it('applies a V2 removal to the store, matching the role without its Internal/ prefix', async () => {
    const h = await harness([newUser('alice', { roles: ['Internal/trial', 'staff'] })]);
    const flow = await h.login(`var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (context) { removeUserRolesV2(context, ['trial']); } });
    };`, [localStep(1)]);
    expect(flow.status).toBe('success');
    expect((await h.user('alice')).roles).toEqual(['staff']);
  });
});
