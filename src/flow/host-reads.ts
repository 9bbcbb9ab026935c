/**
 * Answers the reads a script makes from outside the sandbox (the user store and the like). Each
 * answer is journaled by the engine, so a replay reads the same value however the store changed.
 */
import type { HostAnswer, HostCall, Json } from '../../runtime/protocol.js';
import type { FlowRecord, Store } from '../store/types.js';

interface UserKey {
  username: string;
  userStoreDomain: string | null;
  tenantDomain: string;
}

function userKey(args: Json): UserKey | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null;
  const { username, userStoreDomain, tenantDomain } = args;
  if (typeof username !== 'string' || typeof tenantDomain !== 'string') return null;
  return { username, userStoreDomain: typeof userStoreDomain === 'string' ? userStoreDomain : null, tenantDomain };
}

export async function answerRead(flow: FlowRecord, call: HostCall, store: Store): Promise<HostAnswer> {
  switch (call.call) {
    case 'getRolesOfUser':
    case 'getGroupsOfUser': {
      const key = userKey(call.args);
      if (key === null || key.tenantDomain !== flow.application.tenantDomain) return { kind: 'value', value: [] };
      const user = await store.getUser(flow.tenant, key.userStoreDomain ?? 'PRIMARY', key.username);
      if (user === null) return { kind: 'value', value: [] };
      return { kind: 'value', value: call.call === 'getRolesOfUser' ? user.roles : user.groups };
    }
    default:
      return { kind: 'value', value: null };
  }
}
