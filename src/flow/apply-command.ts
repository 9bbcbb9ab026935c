/**
 * Applies one command of a script to the world, exactly once: the engine calls it only for
 * commands past those the flow already applied, after recording the command in the flow's
 * effects. What a command leads to beyond the store (the cookie to set, an email that could not
 * be queued) is recorded as a further effect, so the server and the simulator's trace can read it.
 */
import type { Command, Json } from '../../runtime/protocol.js';
import { hashPassword } from '../authenticators/passwords.js';
import { EMAIL_CLAIM } from '../authenticators/types.js';
import type { FlowRecord, Store } from '../store/types.js';
import { sealCookie } from './cookie-crypto.js';

/**
 * The password rule of the default user store (WSO2's `PasswordJavaRegEx`): 5 to 30 characters,
 * no white space. updateUserPassword skips it on request.
 */
export const PASSWORD_PATTERN = /^\S{5,30}$/u;

/** What an applied updateUserPassword command keeps in place of the password. */
export const REDACTED = '[redacted]';

export async function applyCommand(flow: FlowRecord, command: Command, store: Store, cookieKey?: Buffer): Promise<void> {
  const userOf = (c: { username: string; userStoreDomain: string | null }) => store.getUser(flow.tenant, c.userStoreDomain ?? 'PRIMARY', c.username);
  switch (command.kind) {
    case 'setLocalClaim': {
      const user = await userOf(command);
      if (user === null) return;
      const claims = { ...user.claims };
      if (command.value === null) delete claims[command.claim];
      else claims[command.claim] = command.value;
      await store.updateUser(flow.tenant, user.id, { claims });
      return;
    }
    case 'updateUserRoles': {
      const user = await userOf(command);
      if (user === null) return note(flow, { kind: 'commandSkipped', command: command.kind, reason: `no user ${qualified(command)}` });
      const roles = updateRoles(user.roles, command.assign, command.remove, command.compare);
      if (roles.length !== user.roles.length || roles.some((r, i) => r !== user.roles[i])) await store.updateUser(flow.tenant, user.id, { roles });
      return;
    }
    case 'associateLocalUser': {
      const user = await userOf(command);
      if (user === null) return note(flow, { kind: 'commandSkipped', command: command.kind, reason: `no user ${qualified(command)}` });
      const existing = await store.getAssociation(flow.tenant, command.idp, command.subject);
      // One local user per federated account: WSO2's association table refuses a second one.
      if (existing !== null && existing.userId !== user.id) {
        return note(flow, { kind: 'commandSkipped', command: command.kind, reason: `${command.idp} account ${command.subject} is associated with another user` });
      }
      await store.associate({ tenant: flow.tenant, idp: command.idp, subject: command.subject, userId: user.id });
      return;
    }
    case 'removeAssociatedLocalUser':
      await store.dissociate(flow.tenant, command.idp, command.subject);
      return;
    case 'terminateUserSession': {
      const user = await userOf(command);
      if (user !== null) await store.terminateSession(flow.tenant, user.id, command.sessionId);
      return;
    }
    case 'updateUserPassword': {
      const password = command.password;
      // The password is not kept: the journal's copy of the command (appliedCommands, effects) is
      // this object, and replay compares it without the password (runtime/guest 50-run-state.js).
      command.password = REDACTED;
      const outcome = await updatePassword(store, flow.tenant, command, password, command.skipPasswordValidation);
      if (outcome !== null) note(flow, { kind: 'commandSkipped', command: command.kind, reason: outcome });
      return;
    }
    case 'sendEmail': {
      const to = command.federated ? command.address : ((await userOf(command))?.claims[EMAIL_CLAIM] ?? null);
      if (to === null || to === '') {
        return note(flow, { kind: 'commandSkipped', command: command.kind, reason: `${qualified(command)} has no email address` });
      }
      await store.enqueueEmail({ tenant: flow.tenant, flowId: flow.id, to, template: command.template, placeholders: { ...command.placeholders }, createdAt: flowTime(flow) });
      return;
    }
    case 'setCookie': {
      const sealed = sealCookie(cookieKey, flow.tenant, command);
      if (sealed.kind === 'refused') return note(flow, { kind: 'commandSkipped', command: command.kind, reason: sealed.reason });
      note(flow, { kind: 'responseCookie', name: command.name, value: sealed.value, header: sealed.header });
      return;
    }
    case 'setRuntimeClaim':
    case 'setSelectedAcr':
    case 'setResponseHeader':
    case 'setEndpointParam':
      return; // state of the flow itself: read back from its effects
    default: {
      const never: never = command;
      throw new TypeError(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Sets a user's password as the user store would: the pattern first (unless skipped), then the
 * hash. Returns why it did not, or null. Shared by the command and the async call with callbacks.
 */
export async function updatePassword(
  store: Store,
  tenant: string,
  user: { username: string; userStoreDomain: string | null },
  password: string,
  skipPasswordValidation: boolean,
): Promise<string | null> {
  const u = await store.getUser(tenant, user.userStoreDomain ?? 'PRIMARY', user.username);
  if (u === null) return `no user ${qualified(user)}`;
  if (!skipPasswordValidation && !PASSWORD_PATTERN.test(password)) return 'the password does not match the user store password pattern';
  await store.updateUser(tenant, u.id, { passwordHash: hashPassword(password) });
  return null;
}

/** Role names compared as given, or without a leading `Internal/` (any case) as WSO2's V2 functions do. */
export function updateRoles(roles: readonly string[], assign: readonly string[], remove: readonly string[], compare: 'exact' | 'withoutInternalPrefix'): string[] {
  const key = compare === 'exact' ? (r: string) => r : withoutInternalPrefix;
  const removed = new Set(remove.map(key));
  const out = roles.filter((r) => !removed.has(key(r)));
  for (const r of assign) if (!out.some((have) => key(have) === key(r))) out.push(r);
  return out;
}

export function withoutInternalPrefix(role: string): string {
  return role.toLowerCase().startsWith('internal/') ? role.slice('internal/'.length) : role;
}

function note(flow: FlowRecord, effect: Record<string, Json>): void {
  flow.effects.push(effect);
}

function qualified(u: { username: string; userStoreDomain: string | null }): string {
  return u.userStoreDomain === null || u.userStoreDomain.toUpperCase() === 'PRIMARY' ? u.username : `${u.userStoreDomain}/${u.username}`;
}

/** The flow's clock at its latest event. */
function flowTime(flow: FlowRecord): number {
  return flow.journal[flow.journal.length - 1]?.at ?? flow.createdAt;
}
