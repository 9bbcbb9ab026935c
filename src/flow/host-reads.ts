/**
 * Answers the reads a script makes from outside the sandbox (the user store, associations,
 * sessions, cookies that need the server key). Each answer is journaled by the engine, so a
 * replay reads the same value however the store changed. The guest builds the arguments; they
 * are still validated here, since a script chooses the values inside them.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { HostAnswer, HostCall, Json, UserSnapshot } from '../../runtime/protocol.js';
import { localSnapshot, splitUsername } from '../authenticators/simulated.js';
import { EMAIL_CLAIM, MOBILE_CLAIM } from '../authenticators/types.js';
import type { FlowRecord, LocalUser, Store, UserSession } from '../store/types.js';
import { openCookie } from './cookie-crypto.js';

/** WSO2's SSO cookie; the session a login belongs to is the one it names. */
export const SSO_COOKIE = 'commonAuthId';
/** The username as a claim: getUniqueUserWithClaimValues may look users up by it. */
export const USERNAME_CLAIM = 'http://wso2.org/claims/username';

/** The session id scripts see for an SSO cookie value (WSO2 hashes it the same way). */
export function ssoSessionId(cookieValue: string): string {
  return createHash('sha256').update(cookieValue, 'utf8').digest('hex');
}

const UserKey = z.object({ username: z.string(), userStoreDomain: z.string().nullable(), tenantDomain: z.string() });
const Option = z.object({ idp: z.string(), authenticator: z.string() });
const ARGS = {
  getRolesOfUser: UserKey,
  getGroupsOfUser: UserKey,
  getAssociatedLocalUser: z.object({ idp: z.string(), subject: z.string() }),
  getUsersWithClaimValues: z.object({ claims: z.array(z.tuple([z.string(), z.string()])).min(1), profile: z.string() }),
  getUserSessions: UserKey,
  checkSessionExistence: z.object({ options: z.array(Option) }),
  getAuthenticatedApplications: z.object({}),
  resolveMultiAttributeLoginIdentifier: z.object({ loginIdentifier: z.string() }),
  getCookieValue: z.object({ name: z.string(), decrypt: z.boolean(), validateSignature: z.boolean() }),
} as const;
type ReadArgs = { [K in keyof typeof ARGS]: z.infer<(typeof ARGS)[K]> };

const value = (v: Json): HostAnswer => ({ kind: 'value', value: v });

export async function answerRead(flow: FlowRecord, call: HostCall, store: Store, cookieKey?: Buffer): Promise<HostAnswer> {
  if (!Object.hasOwn(ARGS, call.call)) return value(null);
  const name = call.call as keyof ReadArgs;
  const parsed = ARGS[name].safeParse(call.args);
  if (!parsed.success) return value(null);
  const reads = new Reads(flow, store, cookieKey);
  return value(await reads[name](parsed.data as never));
}

/**
 * The reads a store can answer without waiting (role and group checks, the most common), or null:
 * the run then suspends and the engine answers through answerRead. The answer is the same either
 * way, and journaled either way.
 */
export function answerReadSync(flow: FlowRecord, call: HostCall, store: Store): HostAnswer | null {
  if (store.getUserSync === undefined || (call.call !== 'getRolesOfUser' && call.call !== 'getGroupsOfUser')) return null;
  const parsed = UserKey.safeParse(call.args);
  if (!parsed.success) return value(null);
  const key = parsed.data;
  const user = key.tenantDomain === flow.application.tenantDomain ? store.getUserSync(flow.tenant, key.userStoreDomain ?? 'PRIMARY', key.username) : null;
  return value(qualifiedNames(user, call.call === 'getRolesOfUser' ? 'roles' : 'groups'));
}

/**
 * A user's roles or groups as membership checks match them: WSO2 qualifies the names of a
 * secondary store's user with the store (`EMPLOYEES/devs`); the bare name matches too.
 */
export function qualifiedNames(user: LocalUser | null, what: 'roles' | 'groups'): string[] {
  if (user === null) return [];
  const names = user[what];
  if (user.userStoreDomain === 'PRIMARY') return [...names];
  return [...new Set([...names, ...names.filter((n) => !n.includes('/')).map((n) => `${user.userStoreDomain}/${n}`)])];
}

type ReadHandlers = { [K in keyof ReadArgs]: (args: ReadArgs[K]) => Promise<Json> };

class Reads implements ReadHandlers {
  private readonly tenant: string;
  private readonly tenantDomain: string;

  constructor(
    private readonly flow: FlowRecord,
    private readonly store: Store,
    private readonly cookieKey: Buffer | undefined,
  ) {
    this.tenant = flow.tenant;
    this.tenantDomain = flow.application.tenantDomain;
  }

  async getRolesOfUser(key: ReadArgs['getRolesOfUser']): Promise<Json> {
    return qualifiedNames(await this.localUser(key), 'roles');
  }

  async getGroupsOfUser(key: ReadArgs['getGroupsOfUser']): Promise<Json> {
    return qualifiedNames(await this.localUser(key), 'groups');
  }

  /** The local user a federated account (idp, subject) is associated with. */
  async getAssociatedLocalUser({ idp, subject }: ReadArgs['getAssociatedLocalUser']): Promise<Json> {
    const association = await this.store.getAssociation(this.tenant, idp, subject);
    if (association === null) return null;
    const user = await this.store.getUserById(this.tenant, association.userId);
    return user === null ? null : this.snapshot(user);
  }

  /**
   * Users whose claims all have the given values (WSO2's getUserList on the first claim, then an
   * exact comparison of every other). Users have only the `default` profile, so another profile
   * matches no one.
   */
  async getUsersWithClaimValues({ claims, profile }: ReadArgs['getUsersWithClaimValues']): Promise<Json> {
    if (profile !== 'default') return [];
    const [[firstClaim, firstValue], ...rest] = claims as [[string, string], ...[string, string][]];
    const candidates = firstClaim === USERNAME_CLAIM ? await this.usersNamed(firstValue) : await this.store.findUsersByClaim(this.tenant, firstClaim, firstValue);
    return candidates.filter((u) => rest.every(([claim, v]) => claimOf(u, claim) === v)).map((u) => this.snapshot(u));
  }

  /** The user's active SSO sessions, shaped as WSO2's JsUserSession (REFERENCE §2.6). */
  async getUserSessions(key: ReadArgs['getUserSessions']): Promise<Json> {
    const user = await this.localUser(key);
    if (user === null) return [];
    return (await this.store.sessionsOfUser(this.tenant, user.id)).map(sessionObject);
  }

  /** Whether the browser's SSO session authenticated with any of these options. */
  async checkSessionExistence({ options }: ReadArgs['checkSessionExistence']): Promise<Json> {
    const session = await this.ssoSession();
    if (session === null) return false;
    return options.some((o) => session.authenticated.some((a) => a.idp === o.idp && a.authenticator === o.authenticator));
  }

  /** The applications of the browser's SSO session. */
  async getAuthenticatedApplications(): Promise<Json> {
    const session = await this.ssoSession();
    return session === null ? [] : session.applications.map((a) => ({ subject: a.subject, appName: a.appName, appId: a.appId }));
  }

  /**
   * Multi-attribute login: the one user whose username, email address or mobile number is the
   * identifier, as their preferred username (`STORE/name` outside PRIMARY); null for none or several.
   */
  async resolveMultiAttributeLoginIdentifier({ loginIdentifier }: ReadArgs['resolveMultiAttributeLoginIdentifier']): Promise<Json> {
    if (loginIdentifier === '') return null;
    const found = new Map<string, LocalUser>();
    for (const u of [
      ...(await this.usersNamed(loginIdentifier)),
      ...(await this.store.findUsersByClaim(this.tenant, EMAIL_CLAIM, loginIdentifier)),
      ...(await this.store.findUsersByClaim(this.tenant, MOBILE_CLAIM, loginIdentifier)),
    ]) {
      found.set(u.id, u);
    }
    if (found.size !== 1) return null;
    const [u] = [...found.values()] as [LocalUser];
    return u.userStoreDomain === 'PRIMARY' ? u.username : `${u.userStoreDomain}/${u.username}`;
  }

  async getCookieValue({ name, decrypt, validateSignature }: ReadArgs['getCookieValue']): Promise<Json> {
    const cookie = this.flow.request.cookies[name];
    if (cookie === undefined) return null;
    return openCookie(this.cookieKey, this.tenant, cookie.value, { decrypt, validateSignature });
  }

  private async localUser(key: z.infer<typeof UserKey>): Promise<LocalUser | null> {
    if (key.tenantDomain !== this.tenantDomain) return null;
    return this.store.getUser(this.tenant, key.userStoreDomain ?? 'PRIMARY', key.username);
  }

  private async usersNamed(qualified: string): Promise<LocalUser[]> {
    const { userStoreDomain, username } = splitUsername(qualified);
    const u = await this.store.getUser(this.tenant, userStoreDomain, username);
    return u === null ? [] : [u];
  }

  private async ssoSession(): Promise<UserSession | null> {
    const cookie = this.flow.request.cookies[SSO_COOKIE];
    return cookie === undefined ? null : this.store.getSession(this.tenant, ssoSessionId(cookie.value));
  }

  private snapshot(u: LocalUser): UserSnapshot {
    return localSnapshot(u, this.tenantDomain);
  }
}

function claimOf(u: LocalUser, claim: string): string | undefined {
  return claim === USERNAME_CLAIM ? u.username : u.claims[claim];
}

function sessionObject(s: UserSession): Json {
  return {
    id: s.id,
    ip: s.ip,
    // WSO2's UserSession keeps these two as strings of epoch milliseconds.
    loginTime: String(s.loginTime),
    lastAccessTime: String(s.lastAccessTime),
    createdTime: s.createdTime,
    userAgent: userAgentOf(s.userAgent),
    applications: s.applications.map((a) => ({ subject: a.subject, appName: a.appName, appId: a.appId })),
  };
}

/**
 * The families WSO2 reports through ua-parser (browser, OS, device), for the common agents; an
 * agent not recognised is "Other", as ua-parser says.
 */
export function userAgentOf(raw: string | null): { rawString: string | null; browser: string; platform: string; device: string } {
  const ua = raw ?? '';
  const first = (rules: readonly (readonly [RegExp, string])[]) => rules.find(([re]) => re.test(ua))?.[1] ?? 'Other';
  return {
    rawString: raw,
    browser: first([
      [/Edg(e|A|iOS)?\//, 'Edge'],
      [/OPR\/|Opera/, 'Opera'],
      [/Firefox\/|FxiOS\//, 'Firefox'],
      [/CriOS\//, 'Chrome Mobile iOS'],
      [/Chrome\/[\d.]+ Mobile/, 'Chrome Mobile'],
      [/Chrome\//, 'Chrome'],
      [/Version\/[\d.]+.*Mobile\/.*Safari\//, 'Mobile Safari'],
      [/Version\/[\d.]+.*Safari\//, 'Safari'],
    ]),
    platform: first([
      [/Windows/, 'Windows'],
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Android/, 'Android'],
      [/CrOS/, 'Chrome OS'],
      [/Mac OS X|Macintosh/, 'Mac OS X'],
      [/Ubuntu/, 'Ubuntu'],
      [/Linux/, 'Linux'],
    ]),
    device: first([
      [/iPhone/, 'iPhone'],
      [/iPad/, 'iPad'],
      [/Macintosh/, 'Mac'],
      [/Android.*Mobile/, 'Generic Smartphone'],
      [/Android/, 'Generic Tablet'],
    ]),
  };
}
