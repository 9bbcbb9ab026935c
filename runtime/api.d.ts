/**
 * The login-script API of authscript: the globals a conditional-authentication script sees, in
 * the dialect of WSO2 Identity Server and Asgardeo. This file feeds the editor's IntelliSense and
 * `checkJs`; every function and member the sandbox provides is described here.
 *
 * How a script runs: the whole script is evaluated, then `onLoginRequest(context)` is called.
 * `executeStep`, `prompt`, `fail`, `sendError` and the long-wait calls (`httpGet`, `httpPost`,
 * `callChoreo`, `callAnalytics`, `callElastic`, `updateUserPassword` with callbacks) only *queue*
 * work; code after them runs at once. Work queued inside a callback runs before work queued earlier at top
 * level. Unlike WSO2, closures and globals survive between steps.
 */

/** A claim map (`localClaims`, `remoteClaims`, runtime `claims`): claim URI to string value; missing claims read as `null`. */
interface AuthClaims {
  [claim: string]: string | null;
}

/** A user as scripts see one (WSO2's JsAuthenticatedUser). Unknown members read as `null`. */
interface AuthUser {
  /** Identifier used in the assertion: the username, with its user store (`EMPLOYEES/carol`) when it is not PRIMARY. */
  readonly identifier: string;
  /** Local username without its user store; for a federated user, the IdP's subject. Writable. */
  username: string;
  /** The user store (`PRIMARY`, `EMPLOYEES`, ...); `null` for a federated user. Writable. */
  userStoreDomain: string | null;
  /** The user's unique id (SCIM id) for local users. */
  readonly uniqueId: string | null;
  readonly tenantDomain: string;
  /**
   * Local claims. Reading a local user's claim reads the user store; writing one writes it (an
   * effect the server applies once, even when the flow is replayed). For a federated user, the
   * remote attributes mapped to local claims, changed in memory only.
   * @example user.localClaims['http://wso2.org/claims/emailaddress']
   */
  readonly localClaims: AuthClaims;
  /** The federated user's attributes by the IdP's claim names; in memory only. */
  readonly remoteClaims: AuthClaims;
  /** Runtime claims of this login: written ones win, otherwise the local claim. Writes are added to the assertion. */
  readonly claims: AuthClaims;
  /** Role names (a federated user has none until provisioned). A fresh copy on each read. */
  readonly roles: string[];
  /** Group names. A fresh copy on each read. */
  readonly groups: string[];
}

/** One authentication option of a step. */
interface AuthOption {
  /** `LOCAL` for local authenticators, otherwise the connection (IdP) name. */
  idp: string;
  /** The authenticator's internal name (`BasicAuthenticator`, `totp`, `GoogleOIDCAuthenticator`, ...). */
  authenticator: string;
}

/** A configured step, as `context.steps[n]`. */
interface AuthStep {
  /** `LOCAL` when a local authenticator completed the step, the connection name when a federated one did, `null` before. */
  readonly idp: string | null;
  /** The authenticator that completed the step, or `null`. */
  readonly authenticator: string | null;
  /** The user the step authenticated, or `null`. */
  readonly subject: AuthUser | null;
  /** The step's configured options. */
  readonly options: AuthOption[];
}

/** A request cookie. */
interface AuthCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string | null;
  readonly path: string | null;
  readonly 'max-age': number | null;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly version: number;
  readonly comment: string | null;
}

/** The HTTP request of the login (read-only). */
interface AuthRequest {
  /** The client's IP address. */
  readonly ip: string | null;
  /** Request headers; names are case-insensitive. @example context.request.headers['user-agent'] */
  readonly headers: { readonly [name: string]: string | null };
  /** Request parameters; each value is an array. @example context.request.params.scenario[0] */
  readonly params: { readonly [name: string]: string[] | null };
  readonly cookies: { readonly [name: string]: AuthCookie | null };
}

/** The HTTP response. */
interface AuthResponse {
  /** Headers to add to the response. @example context.response.headers['X-Risk'] = 'high' */
  readonly headers: { [name: string]: string };
}

/**
 * The login context passed to `onLoginRequest` and to every callback. Callbacks get this type
 * from `executeStep`; type the entry point with JSDoc:
 * `/** @param {AuthContext} context *\/ var onLoginRequest = function (context) { ... };`
 * (the script's own declaration of `onLoginRequest` cannot be typed from here).
 * Unknown members read as `null`; writes to read-only members are ignored.
 */
interface AuthContext {
  /** ACR values the client requested (OIDC `acr_values`). */
  readonly requestedAcr: string[];
  /** The ACR to report to the client. Writable; `delete context.selectedAcr` clears it. */
  selectedAcr: string | null;
  readonly tenantDomain: string;
  /** The application's name. */
  readonly serviceProviderName: string;
  /** The user of the last failed step attempt, or `null`. */
  readonly lastLoginFailedUser: AuthUser | null;
  readonly request: AuthRequest;
  readonly response: AuthResponse;
  /** Steps by their configured 1-based number: `context.steps[1]` is the first step. */
  readonly steps: { readonly [step: number]: AuthStep | null; readonly length: number };
  /** The number of the step being run, or `null`. */
  readonly currentStep: number | null;
  /** The subject so far: the subject step's user once it ran, else the last authenticated user; `null` before any step. */
  readonly currentKnownSubject: AuthUser | null;
  /** Same as `currentKnownSubject`. */
  readonly subject: AuthUser | null;
  /** Whether the current step is being retried. */
  readonly retry: boolean;
  /** Parameters added to the authentication endpoint pages (prompts read them). Writable. */
  readonly endpointParams: { [name: string]: unknown };
}

/** Event callbacks of `executeStep`. A missing handler means "go on"; a failed step without `onFail` fails the login. */
interface StepCallbacks {
  onSuccess?: (context: AuthContext) => void;
  /** After it returns with nothing queued and nothing left, the login fails. */
  onFail?: (context: AuthContext) => void;
  onFallback?: (context: AuthContext) => void;
  onUserAbort?: (context: AuthContext) => void;
}

/** Options of `executeStep`, read only when exactly two arguments follow the step number. */
interface StepOptions {
  /**
   * Keep only these options for this execution. `{authenticator}` alone means idp `LOCAL`;
   * `{idp}` alone keeps every authenticator of that connection. Names match the internal name
   * exactly or the display name ignoring case. A filter that keeps nothing is ignored (warning).
   */
  authenticationOptions?: Array<{ idp?: string; authenticator?: string }> | { [index: string]: { idp?: string; authenticator?: string } };
  /** Parameters for the authenticators; values are passed as strings. */
  authenticatorParams?: {
    common?: { [key: string]: unknown };
    local?: { [authenticator: string]: { [key: string]: unknown } };
    federated?: { [idp: string]: { [key: string]: unknown } };
  };
  /** Flags; `true` and `"true"` are both accepted. */
  stepOptions?: {
    forceAuth?: boolean | 'true' | 'false';
    markAsSubjectIdentifierStep?: boolean | 'true' | 'false';
    markAsSubjectAttributeStep?: boolean | 'true' | 'false';
    skipPrompt?: boolean | 'true' | 'false';
  };
}

/**
 * Queues step `stepId` (the step's 1-based position in the application's configuration). Code
 * after the call runs at once. An unknown step id is ignored with an error log.
 *
 * WSO2's argument rule, kept exactly: the last argument is the callbacks map; the options are
 * read only when there are exactly two arguments after the step id. So `executeStep(1, {options})`
 * takes the options as callbacks — pass `{}` as callbacks: `executeStep(1, {options}, {})`.
 * @example
 * executeStep(1, {
 *   onSuccess: function (context) {
 *     if (context.steps[1].idp == 'LOCAL') executeStep(2);
 *   }
 * });
 */
declare function executeStep(stepId: number, callbacks?: StepCallbacks): void;
declare function executeStep(stepId: number, options: StepOptions, callbacks: StepCallbacks): void;

/**
 * Ends the login as failed, returning an error to the application (no error page). Queued like a
 * step: code after it still runs. Works at top level too (WSO2 allows it only in callbacks).
 * @example fail({ errorCode: 'access_denied', errorMessage: 'Logins from this network are blocked' });
 */
declare function fail(params?: { errorCode?: string; errorMessage?: string; errorURI?: string; [key: string]: unknown }): void;

/**
 * Ends the login by redirecting to an error page with `params` as query parameters (values turned
 * into strings); with an empty `url`, to the server's default error page.
 * @example sendError('https://example.com/denied', { status: 'Unauthorized', statusMsg: 'Too young' });
 */
declare function sendError(url: string | null, params?: { [key: string]: unknown }): void;

/** Handlers of `prompt`: `onSuccess`, or `on<Action>` for the action the user chose (`action.retry` → `onRetry`). */
interface PromptCallbacks {
  onSuccess?: (context: AuthContext, data?: { [key: string]: unknown }) => void;
  onSkip?: (context: AuthContext, data?: { [key: string]: unknown }) => void;
  [handler: `on${string}`]: ((context: AuthContext, data?: { [key: string]: unknown }) => void) | undefined;
}

/**
 * Shows a page to the user (`genericForm`, `externalRedirect`, `internalWait`, `username`, ...)
 * and continues with the handler of the user's answer. With one argument after the template it
 * is the handlers; with two, the data and the handlers.
 * @example
 * prompt('genericForm', { username: user.username, inputs: [{ id: 'code', label: 'Code' }] }, {
 *   onSuccess: function (context, data) { Log.info('answered'); }
 * });
 */
declare function prompt(templateId: string, callbacks?: PromptCallbacks): void;
declare function prompt(templateId: string, data: { [key: string]: unknown }, callbacks: PromptCallbacks): void;

/** Handlers of an async call; each gets `(context, data)`. A missing handler means "go on". */
interface AsyncCallbacks {
  /** 2xx: `data` is the JSON body (`{response: text}` for text/plain, `{}` when empty). */
  onSuccess?: (context: AuthContext, data: { [key: string]: unknown }) => void;
  /** 3xx, 4xx, 5xx after retries, a domain not allowed, an invalid body: `data` is `{}`. */
  onFail?: (context: AuthContext, data: { [key: string]: unknown }) => void;
  /** No answer in time, after retries: `data` is `{}`. */
  onTimeout?: (context: AuthContext, data: { [key: string]: unknown }) => void;
}

/** Authentication for `httpGet`/`httpPost`. */
type HttpAuthConfig =
  | { type: 'basic'; properties: { username: string; password: string } }
  | { type: 'apikey'; properties: { apiKey: string; headerName: string } }
  | { type: 'bearer'; properties: { token: string } }
  | { type: 'clientcredential'; properties: { consumerKey: string; consumerSecret: string; tokenEndpoint: string; scope?: string } };

/**
 * GETs a URL (only allow-listed domains; never loopback or private addresses) and continues with
 * the handler of the result. Queued like a step; the flow waits for the answer. Wrong arguments
 * throw at once. Shapes: `(url, callbacks)`, `(url, headers, callbacks)`, `(url, headers, authConfig, callbacks)`.
 * @example
 * httpGet('https://risk.example.com/score?user=' + user.username, {
 *   onSuccess: function (context, data) { if (data.score > 50) executeStep(2); },
 *   onFail: function (context, data) { executeStep(2); }
 * });
 */
declare function httpGet(url: string, callbacks: AsyncCallbacks): void;
declare function httpGet(url: string, headers: { [name: string]: string }, callbacks: AsyncCallbacks): void;
declare function httpGet(url: string, headers: { [name: string]: string }, authConfig: HttpAuthConfig, callbacks: AsyncCallbacks): void;

/**
 * POSTs JSON (or a form, with `Content-Type: application/x-www-form-urlencoded`) like `httpGet`.
 * Shapes: `(url, callbacks)`, `(url, payload, callbacks)`, `(url, payload, headers, callbacks)`,
 * `(url, payload, headers, authConfig, callbacks)`.
 * @example httpPost('https://risk.example.com/score', { user: user.username, ip: context.request.ip }, { onSuccess: function (context, data) {} });
 */
declare function httpPost(url: string, callbacks: AsyncCallbacks): void;
declare function httpPost(url: string, payload: { [key: string]: unknown }, callbacks: AsyncCallbacks): void;
declare function httpPost(url: string, payload: { [key: string]: unknown }, headers: { [name: string]: string }, callbacks: AsyncCallbacks): void;
declare function httpPost(url: string, payload: { [key: string]: unknown }, headers: { [name: string]: string }, authConfig: HttpAuthConfig, callbacks: AsyncCallbacks): void;

/**
 * The script log. Lines appear in the flow's trace and the server log; replaying a flow does not
 * repeat them. `Log.warn` is authscript's (WSO2 has no `Log.warn`).
 * @example Log.info('step-up for ' + getMaskedValue(user.username));
 */
declare const Log: {
  info(message: unknown): void;
  /** Same as `info`. */
  log(message: unknown): void;
  debug(message: unknown): void;
  warn(message: unknown): void;
  error(message: unknown): void;
};

/**
 * `console.log` and friends write to the script log, their arguments joined with spaces.
 * @example console.log('step 1 done for', user.username);
 */
declare const console: {
  log(...parts: unknown[]): void;
  info(...parts: unknown[]): void;
  debug(...parts: unknown[]): void;
  warn(...parts: unknown[]): void;
  error(...parts: unknown[]): void;
};

/**
 * The first of `supportedAcrs` (your priority order) that the client requested, or `null`. It
 * does not set the ACR: assign `context.selectedAcr` yourself.
 * @example context.selectedAcr = selectAcrFrom(context, ['acr3', 'acr2', 'acr1']);
 */
declare function selectAcrFrom(context: AuthContext, supportedAcrs: string[]): string | null;

/**
 * Whether a local user has any of the roles, read from the user store. `false` for federated
 * users and for users of another tenant.
 * @example if (hasAnyOfTheRoles(context.currentKnownSubject, ['admin', 'manager'])) executeStep(2);
 */
declare function hasAnyOfTheRoles(user: AuthUser | null, roleNames: string[]): boolean;

/**
 * Deprecated in WSO2: `hasAnyOfTheRoles(user, [roleName])`.
 * @example if (hasRole(context.currentKnownSubject, 'admin')) executeStep(2);
 */
declare function hasRole(user: AuthUser | null, roleName: string): boolean;

/**
 * Whether the user is in any of the groups: a local user's groups from the user store, a
 * federated user's from the IdP's `groups` claim (comma-separated).
 * @example if (!isMemberOfAnyOfGroups(user, ['employees'])) sendError('', { status: 'Unauthorized' });
 */
declare function isMemberOfAnyOfGroups(user: AuthUser | null, groupNames: string[]): boolean;

/**
 * Masks every character but the first and the last, for logging personal data.
 * @example getMaskedValue('alice@example.com') // 'a***************m'
 */
declare function getMaskedValue(value: string): string;

/**
 * Turns a step's options into an `authenticationOptions` filter without one authenticator: kept
 * local options become `{authenticator}`, federated ones `{idp}`.
 * @example executeStep(1, { authenticationOptions: filterAuthenticators(context.steps[1].options, 'FIDOAuthenticator') }, {});
 */
declare function filterAuthenticators(options: AuthOption[], excludeAuthenticatorName: string): { [index: string]: { idp?: string; authenticator?: string } };

// ---------------------------------------------------------------------------------------------
// Script libraries: the tenant's shared code (Console → Script Libraries in WSO2).

/**
 * Evaluates the tenant's script library `libraryName` and returns its `module.exports`. A library
 * is plain JavaScript that assigns `module.exports` or `exports.x`; it may `require` other
 * libraries and runs under the script's rules (same time limit, no code from strings; names it
 * assigns without declaring them are per-run globals). A second `require` of the same library in
 * the same run returns the same exports object (WSO2 evaluates it again). Throws an `Error` for a
 * library the tenant does not have, or for a name that is not a plain name (`/`, `\`, `..`); a
 * library that does not compile ends the login with `SCRIPT_SYNTAX` naming it
 * (`library:<name>.js`). A flow keeps the libraries it started with until it ends.
 * @example
 * var risk = require('risk.js'); // module.exports = { isTrusted: function (ip) { ... } };
 * var onLoginRequest = function (context) {
 *   executeStep(1, { onSuccess: function (context) {
 *     if (!risk.isTrusted(context.request.ip)) executeStep(2);
 *   } });
 * };
 */
declare function require(libraryName: string): any;

/**
 * The source text of the tenant's script library `libraryName` (WSO2's primitive under
 * `require`); `null`, with an error log line, when the tenant has no such library.
 * @example Log.debug('risk.js is ' + loadLocalLibrary('risk.js').length + ' characters');
 */
declare function loadLocalLibrary(libraryName: string): string | null;

// ---------------------------------------------------------------------------------------------
// Users: roles, associations, look-ups, sessions, passwords, emails (WSO2's user, user.store,
// notification and utils modules). Reads come from the user store and are recorded in the flow's
// journal; changes are applied by the server once, even when the flow is replayed.

/**
 * Whether the flow's subject (the user the steps so far authenticated) has any of the roles
 * (IS 7 / Asgardeo role model). Role names are compared without an `Internal/` prefix. `false`
 * for a federated user, an empty list, or before any step authenticated a user.
 * @example if (hasAnyOfTheRolesV2(context, ['admin', 'manager'])) executeStep(2);
 */
declare function hasAnyOfTheRolesV2(context: AuthContext, roleNames: string[]): boolean;

/**
 * Whether a local user has any of the roles, read from the user store without a cache. `false`
 * for federated users and users of another tenant.
 * @example if (isAnyOfTheRolesAssignedToUser(context.currentKnownSubject, ['Internal/auditor'])) executeStep(2);
 */
declare function isAnyOfTheRolesAssignedToUser(user: AuthUser | null, roleNames: string[]): boolean;

/**
 * Gives a local user of this tenant the roles (legacy role model, exact names). Returns `true`
 * when the call is valid (an empty list changes nothing and is valid too), `false` for a missing
 * user or role list, a federated user or a user of another tenant. The server applies the change
 * once; `user.roles` and role checks later in the same callback already see it.
 * @example if (!hasAnyOfTheRoles(user, ['Internal/office365Role'])) assignUserRoles(user, ['Internal/office365Role']);
 */
declare function assignUserRoles(user: AuthUser | null, roleNames: string[]): boolean;

/**
 * Takes the roles from a local user of this tenant; otherwise like `assignUserRoles`.
 * @example removeUserRoles(context.currentKnownSubject, ['Internal/trial']);
 */
declare function removeUserRoles(user: AuthUser | null, roleNames: string[]): boolean;

/**
 * Gives the flow's subject the roles (IS 7 / Asgardeo role model; names without an `Internal/`
 * prefix). `false` for an empty list, a federated subject, or no subject yet.
 * @example if (!hasAnyOfTheRolesV2(context, ['office365Role'])) assignUserRolesV2(context, ['office365Role']);
 */
declare function assignUserRolesV2(context: AuthContext, roleNames: string[]): boolean;

/**
 * Takes the roles (compared without an `Internal/` prefix) from the flow's subject; otherwise
 * like `assignUserRolesV2`.
 * @example removeUserRolesV2(context, ['trial']);
 */
declare function removeUserRolesV2(context: AuthContext, roleNames: string[]): boolean;

/**
 * The local user a federated user's account (connection and subject) is associated with, or
 * `null`: for a local user, or when there is no association.
 * @example
 * var local = getAssociatedLocalUser(context.steps[1].subject);
 * if (local === null) sendError('', { status: 'No linked account' });
 */
declare function getAssociatedLocalUser(federatedUser: AuthUser | null): AuthUser | null;

/**
 * Associates a federated user's account with the local user `username` (of `userStoreDomain`,
 * `PRIMARY` when null), so later logins through that connection sign in as the local user.
 * `false` for a local user or when `tenantDomain` is not the user's (compared ignoring case).
 * An account already associated with another user keeps that association.
 * @example doAssociationWithLocalUser(context.steps[1].subject, 'alice', context.tenantDomain, 'PRIMARY');
 */
declare function doAssociationWithLocalUser(federatedUser: AuthUser | null, username: string, tenantDomain: string, userStoreDomain?: string | null): boolean;

/**
 * Removes the association of a federated user's account; `false` when there is none (or for a
 * local user).
 * @example removeAssociatedLocalUser(context.steps[1].subject);
 */
declare function removeAssociatedLocalUser(federatedUser: AuthUser | null): boolean;

/**
 * The one user whose claims have all these values, or `null` when none or several match (or when
 * no context is given). The first claim selects the candidates, the others must be equal.
 * An empty claim map throws. Users have only the `default` profile. (WSO2 also deletes the first
 * entry of the map passed in; authscript leaves it.)
 * @example var user = getUniqueUserWithClaimValues({ 'http://wso2.org/claims/emailaddress': email }, context);
 */
declare function getUniqueUserWithClaimValues(claims: { [claimUri: string]: string }, context: AuthContext, profile?: string): AuthUser | null;

/**
 * Every user whose claims have all these values, or `null` when none match.
 * @example var users = getUsersWithClaimValues({ 'http://wso2.org/claims/country': 'LK' }, context);
 */
declare function getUsersWithClaimValues(claims: { [claimUri: string]: string }, context: AuthContext, profile?: string): AuthUser[] | null;

/**
 * Multi-attribute login: the preferred username (`STORE/name` outside `PRIMARY`) of the one user
 * whose username, email address or mobile number is `loginIdentifier`; `null` when none or
 * several match, or for another tenant.
 * @example var username = resolveMultiAttributeLoginIdentifier(context.request.params.username[0], context.tenantDomain);
 */
declare function resolveMultiAttributeLoginIdentifier(loginIdentifier: string, tenantDomain: string): string | null;

/** An application signed in through an SSO session. */
interface AuthApplication {
  readonly subject: string;
  readonly appName: string;
  readonly appId: string;
}

/** An active SSO session of a user (WSO2's JsUserSession). */
interface AuthUserSession {
  /** The id to give `terminateUserSession`. */
  readonly id: string;
  readonly ip: string | null;
  /** Epoch milliseconds, as a string (as WSO2 keeps it). */
  readonly loginTime: string;
  /** Epoch milliseconds, as a string. */
  readonly lastAccessTime: string;
  /** Epoch milliseconds. */
  readonly createdTime: number;
  /** The browser, OS and device families of the login's User-Agent (`Other` when not recognised). */
  readonly userAgent: { readonly rawString: string | null; readonly browser: string; readonly platform: string; readonly device: string };
  readonly applications: AuthApplication[];
}

/**
 * The user's active SSO sessions, oldest first; `null` for something that is not a user or a
 * user of another tenant. A federated user without a local account has none.
 * @example
 * var sessions = getUserSessions(context.currentKnownSubject);
 * if (sessions !== null && sessions.length >= 3) terminateUserSession(context.currentKnownSubject, sessions[0].id);
 */
declare function getUserSessions(user: AuthUser | null): AuthUserSession[] | null;

/**
 * Ends one of the user's SSO sessions; `false` when the user has no session with that id.
 * @example terminateUserSession(user, getUserSessions(user)[0].id);
 */
declare function terminateUserSession(user: AuthUser | null, sessionId: string): boolean;

/**
 * The applications signed in through the browser's current SSO session; `[]` without one.
 * @example if (getAuthenticatedApplications(context).length === 0) executeStep(2);
 */
declare function getAuthenticatedApplications(context: AuthContext): AuthApplication[];

/**
 * Whether an option of step `stepId` (an idp and authenticator) has already authenticated the
 * user: in this login, or in the browser's SSO session.
 * @example if (!checkSessionExistence(1, context)) executeStep(1);
 */
declare function checkSessionExistence(stepId: number, context: AuthContext): boolean;

/** Callbacks of `promptIdentifierForStep`; `preHandler` returning `true` skips the prompt and runs `onSkip`. */
interface IdentifierPromptCallbacks extends PromptCallbacks {
  preHandler?: (step: number, context: AuthContext) => boolean;
}

/**
 * Asks for the user's identifier (prompt template `username`, data `{step}`) unless the
 * preHandler returns `true`, which runs `onSkip` instead. The default preHandler is
 * `checkSessionExistence(step, context)`: a user with a session skips the prompt. As in WSO2,
 * with two arguments after the step the *second* one is both the callbacks and the handler map,
 * so put a custom `preHandler` there.
 * @example
 * promptIdentifierForStep(1, {
 *   onSuccess: function (context, data) { executeStep(1); },
 *   onSkip: function (context) { executeStep(2); }
 * });
 */
declare function promptIdentifierForStep(stepId: number, callbacks: IdentifierPromptCallbacks): void;
declare function promptIdentifierForStep(stepId: number, validators: { [key: string]: unknown }, callbacks: IdentifierPromptCallbacks): void;

/** Handlers of `updateUserPassword`; each gets `(context, {})`. */
interface PasswordCallbacks {
  onSuccess?: (context: AuthContext, data: { [key: string]: unknown }) => void;
  onFail?: (context: AuthContext, data: { [key: string]: unknown }) => void;
}

/**
 * Sets a local user's password. Arguments in this order only: the callbacks must be an object
 * and `skipPasswordValidation` a boolean, and a missing user or an empty password throws. With
 * callbacks the flow waits for the update and continues with `onSuccess` or `onFail`; without,
 * the server applies it once and a failure (the password pattern, no such user) is only logged.
 * The user store's pattern is 5 to 30 characters without white space, unless skipped.
 * @example
 * updateUserPassword(user, context.request.params.password[0], {
 *   onSuccess: function (context, data) { executeStep(1); },
 *   onFail: function (context, data) { sendError('', { status: 'Password update failed' }); }
 * });
 */
declare function updateUserPassword(user: AuthUser, newPassword: string, callbacks?: PasswordCallbacks, skipPasswordValidation?: boolean): void;

/**
 * Queues an email with the template and placeholders (values turned into strings) to the user's
 * address: a local user's from the user store, a federated user's from the IdP's email claim.
 * `true` once queued; `false` for a user of another tenant. Sent once, even when the flow replays.
 * @example sendEmail(user, 'UnseenDeviceLogin', { username: user.identifier, 'login-time': new Date().toUTCString() });
 */
declare function sendEmail(user: AuthUser | null, templateId: string, placeholders: { [name: string]: unknown }): boolean;

// ---------------------------------------------------------------------------------------------
// Cookies, JWTs, secrets, and calls to Choreo, analytics and Elasticsearch.

/** Properties of `setCookie`. A value of the wrong type throws, as in WSO2. */
interface SetCookieProperties {
  /** Sign the value with the server's key, so `getCookieValue(..., {validateSignature: true})` can trust it. */
  sign?: boolean;
  /** Encrypt the value with the server's key (AES-GCM); read it with `{decrypt: true}`. */
  encrypt?: boolean;
  domain?: string;
  path?: string;
  comment?: string;
  /** Seconds. */
  'max-age'?: number;
  version?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'NONE' | 'LAX' | 'STRICT';
}

/**
 * Sets a cookie on the response. The value sent is WSO2's: base64 of `{"value", "signature"}`,
 * signed and encrypted by the server when asked. Without a value, or with more than the value
 * and the properties, nothing is set.
 * @example setCookie(context.response, 'deviceAuth', user.identifier, { sign: true, 'max-age': 63072000, sameSite: 'LAX' });
 */
declare function setCookie(response: AuthResponse, name: string, value: string, properties?: SetCookieProperties): void;

/**
 * The value of a cookie `setCookie` set, or `null`: when it is absent, does not decode, or (when
 * asked) does not decrypt or carries no valid signature of the server.
 * @example if (getCookieValue(context.request, 'deviceAuth', { validateSignature: true }) !== user.identifier) executeStep(2);
 */
declare function getCookieValue(request: AuthRequest, name: string, properties?: { decrypt?: boolean; validateSignature?: boolean }): string | null;

/**
 * A claim of a JWT's payload (`true`) or a parameter of its header (`false`), as text: objects
 * and arrays as JSON, numbers and booleans as written; `''` when it is absent or the JWT does not
 * parse. The signature is NOT verified (as in WSO2): never trust the value for access decisions
 * unless the JWT came from a trusted channel.
 * @example var nonce = getValueFromDecodedAssertion(context.request.params.request[0], 'nonce', true);
 */
declare function getValueFromDecodedAssertion(jwt: string, parameterName: string, isParameterInPayload: boolean): string;

/**
 * A tenant secret by name, as the placeholder `{{secret:name}}`. The value never enters the
 * script or the flow's journal: the server's HTTP layer replaces the placeholder when it sends
 * `httpGet`, `httpPost` and `callChoreo` requests. `null` (logged) for a name that is not letters,
 * digits, `_`, `.` and `-`.
 * @example httpGet(url, { Authorization: 'Bearer ' + getSecretByName('riskApiToken') }, { onSuccess: function (c, d) {} });
 */
declare function getSecretByName(name: string): string | null;

/**
 * Tenant secrets by name: `secrets.name` is `getSecretByName('name')`, a placeholder the HTTP
 * layer replaces with the value.
 * @example callChoreo({ url: url, consumerKey: secrets.choreoKey, consumerSecret: secrets.choreoSecret }, payload, callbacks);
 */
declare const secrets: { readonly [name: string]: string };

/**
 * Calls a Choreo-hosted API (POST of `payload` as JSON, client-credentials token from the
 * metadata) and continues with the handler of the result. Exactly three arguments, all objects.
 * Metadata: `url`, `consumerKey` or `consumerKeyAlias`, `consumerSecret` or `consumerSecretAlias`,
 * optional `asgardeoTokenEndpoint`.
 * @example
 * callChoreo({ url: 'https://example.choreoapis.dev/risk', consumerKey: secrets.key, consumerSecret: secrets.secret },
 *   { username: user.username }, { onSuccess: function (context, data) { if (data.risk > 50) executeStep(2); } });
 */
declare function callChoreo(connectionMetadata: { [key: string]: string }, payload: { [key: string]: unknown }, callbacks: AsyncCallbacks): void;

/**
 * Publishes `{event: payload}` to a Siddhi / Stream Processor app and continues with the handler
 * of its answer. Metadata: `Application`, `InputStream`, optional `ReceiverUrl`.
 * @example
 * callAnalytics({ Application: 'RiskBasedLogin', InputStream: 'InputStream' }, { username: user.username }, {
 *   onSuccess: function (context, data) { if (data.event.riskScore > 0) executeStep(2); },
 *   onFail: function (context, data) { executeStep(2); }
 * });
 */
declare function callAnalytics(metadata: { [key: string]: string }, payload: { [key: string]: unknown }, callbacks: AsyncCallbacks): void;

/**
 * Runs the Elasticsearch risk query for a user and continues with the handler of its answer
 * (`data.risk_score`, 0 or 1). Params: `username`, optional `index`, `duration`, `riskLogic`, `threshold`.
 * @example callElastic({ username: user.username }, { onSuccess: function (context, data) { if (data.risk_score > 0) executeStep(2); } });
 */
declare function callElastic(params: { [key: string]: string }, callbacks: AsyncCallbacks): void;

/**
 * Restricted (WSO2 removes Nashorn's shell functions): only logs `quit function is restricted.`.
 * @example quit();
 */
declare function quit(...args: unknown[]): void;
/**
 * Restricted: only logs `exit function is restricted.`.
 * @example exit();
 */
declare function exit(...args: unknown[]): void;
/**
 * Restricted: only logs `print function is restricted.`; use `Log.info`.
 * @example print('x'); // use Log.info('x')
 */
declare function print(...args: unknown[]): void;
/**
 * Restricted: only logs `echo function is restricted.`; use `Log.info`.
 * @example echo('x'); // use Log.info('x')
 */
declare function echo(...args: unknown[]): void;
/**
 * Restricted: only logs `readFully function is restricted.`.
 * @example readFully('/etc/passwd'); // logs an error, reads nothing
 */
declare function readFully(...args: unknown[]): void;
/**
 * Restricted: only logs `readLine function is restricted.`.
 * @example readLine();
 */
declare function readLine(...args: unknown[]): void;
/**
 * Restricted: only logs `load function is restricted.`.
 * @example load('lib.js'); // logs an error, loads nothing
 */
declare function load(...args: unknown[]): void;
/**
 * Restricted: only logs `printErr function is restricted.`; use `Log.error`.
 * @example printErr('x'); // use Log.error('x')
 */
declare function printErr(...args: unknown[]): void;
/**
 * Restricted: only logs `loadWithNewGlobal function is restricted.`.
 * @example loadWithNewGlobal('lib.js');
 */
declare function loadWithNewGlobal(...args: unknown[]): void;
