/**
 * JIT provisioning of a federated user, run when a federated step succeeds (before its onSuccess
 * callback, so callbacks and later steps see the local account). The rules, in order:
 *
 * 1. An existing association (idp, subject) names the local user: a locked or disabled account
 *    is refused; otherwise its attributes are synced (override / preserve-local / none).
 * 2. JIT disabled: pass-through; the subject stays federated, with no local account.
 * 3. Association to an existing local user by lookup attributes (remote claims mapped to local
 *    ones), only when exactly one user matches and, unless configured otherwise, only when the IdP
 *    asserts `email_verified: true`: never a silent takeover.
 * 4. Otherwise a new user, in the configured user store (or the one prefixed to the username),
 *    after the consent / password / username prompts the scheme asks for. Creating is idempotent:
 *    two concurrent first logins of one federated user create one user.
 */
import { createHash } from 'node:crypto';
import type { Json, UserSnapshot } from '../../runtime/protocol.js';
import { hashPassword } from '../authenticators/passwords.js';
import { splitUsername } from '../authenticators/simulated.js';
import { DuplicateUserError, type LocalUser, type Store } from '../store/types.js';
import type { Connection } from './connection.js';
import { checkUserStorePolicy, type UserStore } from './user-stores.js';

export interface ProvisionAnswers {
  readonly consent?: boolean | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** The account a hook sees and may change. */
export interface HookUser {
  username: string;
  userStoreDomain: string;
  claims: Record<string, string>;
  roles: string[];
  groups: string[];
}

export type HookFailure = { readonly kind: 'error'; readonly code: string; readonly message: string; readonly line: number | null; readonly column: number | null };

/** The script's `onProvisioningRequest` / `onUserProvisioned`, as the engine runs them in the sandbox. */
export interface ProvisioningHooks {
  beforeCreate(request: { idp: string; subject: string; remoteClaims: Record<string, string>; user: HookUser }): Promise<{ kind: 'continue'; user: HookUser } | { kind: 'denied'; reason: string } | HookFailure>;
  afterCreate(user: HookUser): Promise<{ kind: 'ok' } | HookFailure>;
}

export interface ProvisionRequest {
  readonly tenant: string;
  /** The tenant's user stores and their policies; absent, any store name with default policies. */
  readonly userStores?: readonly UserStore[] | undefined;
  readonly tenantDomain: string;
  readonly connection: Connection;
  readonly subject: string;
  readonly claims: Readonly<Record<string, Json>>;
  readonly answers?: ProvisionAnswers | undefined;
  readonly hooks?: ProvisioningHooks | undefined;
  /** Set by the provisioning queue: provision now, whatever `blocking` says. */
  readonly fromQueue?: boolean | undefined;
}

export type ProvisionResult =
  | { readonly kind: 'passthrough'; readonly snapshot: UserSnapshot }
  /** Non-blocking JIT: the account is queued; the login goes on as a pass-through federated login. */
  | { readonly kind: 'queued'; readonly snapshot: UserSnapshot }
  | { readonly kind: 'local'; readonly user: LocalUser; readonly action: 'created' | 'updated' | 'associated' | null }
  | { readonly kind: 'prompt'; readonly needs: { consent: boolean; username: boolean; password: boolean }; readonly suggestedUsername: string }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  /** A hook failed (script error, limit): the flow ends in error. */
  | HookFailure;

/** Remote claim values as strings: arrays are joined with commas, as WSO2's multi-valued claims. */
export function claimString(v: Json | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function remoteClaimStrings(claims: Readonly<Record<string, Json>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    const s = claimString(v);
    if (s !== null) out[k] = s;
  }
  return out;
}

/**
 * The local claims the server keeps for itself (failed logins, lock state, ...): an IdP never
 * writes them, whatever the mappings say, or a remote claim could reset a lockout.
 */
const IDENTITY_CLAIMS = 'http://wso2.org/claims/identity/';

/** Remote claims to local claims through the connection's mappings (all raw claims when it has none). */
export function mapClaims(connection: Connection, claims: Readonly<Record<string, Json>>): Record<string, string> {
  const remote = remoteClaimStrings(claims);
  const mappings = Object.entries(connection.claimMappings);
  const out: Record<string, string> = {};
  if (mappings.length === 0) {
    for (const [k, v] of Object.entries(remote)) if (!k.startsWith(IDENTITY_CLAIMS)) out[k] = v;
    return out;
  }
  for (const [from, to] of mappings) if (remote[from] !== undefined && !to.startsWith(IDENTITY_CLAIMS)) out[to] = remote[from]!;
  return out;
}

export function remoteGroups(connection: Connection, claims: Readonly<Record<string, Json>>): string[] {
  const raw = claims[connection.groupsClaim ?? 'groups'];
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string');
  return typeof raw === 'string' && raw !== '' ? raw.split(',').map((g) => g.trim()) : [];
}

export function mappedRoles(connection: Connection, claims: Readonly<Record<string, Json>>): string[] {
  const roles = new Set<string>();
  for (const g of remoteGroups(connection, claims)) {
    const role = connection.roleMappings[g];
    if (role !== undefined) roles.add(role);
  }
  return [...roles];
}

/** The federated user as the script sees it when there is no local account. */
export function federatedSnapshot(req: ProvisionRequest): UserSnapshot {
  const { connection, claims } = req;
  return {
    username: usernameFor(req),
    userStoreDomain: null,
    tenantDomain: req.tenantDomain,
    uniqueId: null,
    federated: true,
    idp: connection.name,
    localClaims: mapClaims(connection, claims),
    remoteClaims: remoteClaimStrings(claims),
    roles: [],
    groups: remoteGroups(connection, claims),
  };
}

function usernameFor(req: ProvisionRequest): string {
  if (req.connection.jit.enhanced) return federatedUniqueId(req.connection.name, req.subject);
  const id = req.connection.userIdClaim === undefined ? null : claimString(req.claims[req.connection.userIdClaim]);
  return id ?? req.subject;
}

/** A stable id for (connection, subject), shaped like a UUID: the same federated user always gets the same one. */
export function federatedUniqueId(idp: string, subject: string): string {
  const h = createHash('sha256').update(`${idp}\u0000${subject}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function provision(req: ProvisionRequest, store: Store): Promise<ProvisionResult> {
  const { tenant, connection } = req;
  const jit = connection.jit;
  const association = await store.getAssociation(tenant, connection.name, req.subject);
  if (association?.locked) {
    return { kind: 'refused', code: 'ACCOUNT_LOCKED', message: `the federated identity ${req.subject} of ${connection.name} is locked` };
  }
  if (association !== null) {
    const user = await store.getUserById(tenant, association.userId);
    if (user !== null) {
      const refused = accountState(user);
      if (refused !== null) return refused;
      if (!jit.enabled) return { kind: 'local', user, action: null };
      return sync(req, user, store);
    }
  }
  if (!jit.enabled) return { kind: 'passthrough', snapshot: federatedSnapshot(req) };
  // Non-blocking: the account is created later, by the queue; this login goes on without it.
  if (!jit.blocking && !req.fromQueue) return { kind: 'queued', snapshot: federatedSnapshot(req) };

  if (jit.associateLocalUser) {
    const match = await lookupLocalUser(req, store);
    if (match !== null) {
      const refused = accountState(match);
      if (refused !== null) return refused;
      await store.associate({ tenant, idp: connection.name, subject: req.subject, userId: match.id });
      const synced = await sync(req, match, store);
      return synced.kind === 'local' ? { kind: 'local', user: synced.user, action: 'associated' } : synced;
    }
  }

  const suggested = usernameFor(req);
  const needs = {
    consent: jit.scheme !== 'silent',
    password: jit.scheme === 'prompt-password-consent' || jit.scheme === 'prompt-username-password-consent',
    username: jit.scheme === 'prompt-username-password-consent',
  };
  const answers = req.answers;
  if (needs.consent || needs.password || needs.username) {
    if (answers === undefined) return { kind: 'prompt', needs, suggestedUsername: suggested };
    if (answers.consent !== true) return { kind: 'refused', code: 'PROVISIONING_DENIED', message: `the user did not consent to an account being created from ${connection.name}` };
    if (needs.password && (answers.password === undefined || answers.password === '')) {
      return { kind: 'refused', code: 'PROVISIONING_DENIED', message: 'the provisioning prompt needs a password' };
    }
  }
  const chosen = needs.username && answers?.username ? answers.username : suggested;
  const place = jit.userStore === 'AS_IN_USERNAME' ? splitUsername(chosen) : { userStoreDomain: jit.userStore.toUpperCase(), username: chosen };
  let account: HookUser = { username: place.username, userStoreDomain: place.userStoreDomain, claims: mapClaims(connection, req.claims), roles: mappedRoles(connection, req.claims), groups: remoteGroups(connection, req.claims) };
  if (req.hooks !== undefined) {
    const decided = await req.hooks.beforeCreate({ idp: connection.name, subject: req.subject, remoteClaims: remoteClaimStrings(req.claims), user: structuredClone(account) });
    if (decided.kind === 'denied') return { kind: 'refused', code: 'PROVISIONING_DENIED', message: decided.reason };
    if (decided.kind === 'error') return decided;
    account = decided.user;
  }
  const { username, userStoreDomain, roles } = account;
  const violation = req.userStores === undefined ? null : checkUserStorePolicy(req.userStores, userStoreDomain, username, roles);
  if (violation !== null) return { kind: 'refused', code: violation.code, message: violation.message };
  const init = {
    username,
    userStoreDomain,
    passwordHash: needs.password && answers?.password ? hashPassword(answers.password) : null,
    roles,
    groups: account.groups,
    claims: account.claims,
    totpSecret: null,
    locked: false,
    disabled: false,
    provisionedBy: connection.name,
  };
  let user: LocalUser;
  try {
    user = await store.createUser(tenant, init, { idp: connection.name, subject: req.subject });
  } catch (e) {
    if (!(e instanceof DuplicateUserError)) throw e;
    // A concurrent first login of the same federated user created it: use that one. Any other
    // local user with this name is not ours to take over.
    const existing = await store.getUser(tenant, userStoreDomain, username);
    const raced = await store.getAssociation(tenant, connection.name, req.subject);
    if (existing === null || existing.provisionedBy !== connection.name || (raced !== null && raced.userId !== existing.id)) {
      return { kind: 'refused', code: 'PROVISIONING_CONFLICT', message: `a local user ${userStoreDomain}/${username} exists already and was not provisioned from ${connection.name}` };
    }
    await store.associate({ tenant, idp: connection.name, subject: req.subject, userId: existing.id });
    return { kind: 'local', user: existing, action: null };
  }
  if (req.hooks !== undefined) {
    // The account exists from here on: a failing hook ends this login, and the next login of the
    // same federated user finds the account through its association.
    const after = await req.hooks.afterCreate({ username: user.username, userStoreDomain: user.userStoreDomain, claims: user.claims, roles: user.roles, groups: user.groups });
    if (after.kind === 'error') return after;
  }
  return { kind: 'local', user, action: 'created' };
}

function accountState(user: LocalUser): ProvisionResult | null {
  if (user.locked) return { kind: 'refused', code: 'ACCOUNT_LOCKED', message: `the account ${user.userStoreDomain}/${user.username} is locked` };
  if (user.disabled) return { kind: 'refused', code: 'ACCOUNT_DISABLED', message: `the account ${user.userStoreDomain}/${user.username} is disabled` };
  return null;
}

async function lookupLocalUser(req: ProvisionRequest, store: Store): Promise<LocalUser | null> {
  const { connection, claims } = req;
  // Never associate on an unverified email unless the connection says so explicitly.
  if (claims.email_verified !== true && !connection.jit.associateWithoutVerifiedEmail) return null;
  for (const attribute of connection.jit.lookupAttributes) {
    const value = claimString(claims[attribute]);
    if (value === null) continue;
    const local = connection.claimMappings[attribute] ?? (attribute === 'email' ? 'http://wso2.org/claims/emailaddress' : attribute);
    const matches = await store.findUsersByClaim(req.tenant, local, value);
    if (matches.length === 1) return matches[0]!;
  }
  return null;
}

async function sync(req: ProvisionRequest, user: LocalUser, store: Store): Promise<ProvisionResult> {
  const mode = req.connection.jit.attributeSync;
  if (mode === 'none') return { kind: 'local', user, action: null };
  const incoming = mapClaims(req.connection, req.claims);
  const claims = mode === 'override' ? { ...user.claims, ...incoming } : { ...incoming, ...user.claims };
  const roles = [...new Set([...user.roles, ...mappedRoles(req.connection, req.claims)])];
  // The IdP owns the groups it asserts: override takes them as they are now, preserve-local adds.
  const asserted = remoteGroups(req.connection, req.claims);
  const groups = mode === 'override' ? asserted : [...new Set([...user.groups, ...asserted])];
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const changed = JSON.stringify(claims) !== JSON.stringify(user.claims) || !same(roles, user.roles) || !same(groups, user.groups);
  if (!changed) return { kind: 'local', user, action: null };
  return { kind: 'local', user: await store.updateUser(req.tenant, user.id, { claims, roles, groups }), action: 'updated' };
}
