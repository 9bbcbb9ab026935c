/**
 * The login-script API of authscript: the globals a conditional-authentication script sees, in
 * the dialect of WSO2 Identity Server and Asgardeo. This file feeds the editor's IntelliSense and
 * `checkJs`; every function and member the sandbox provides is described here.
 *
 * How a script runs: the whole script is evaluated, then `onLoginRequest(context)` is called.
 * `executeStep`, `prompt`, `fail`, `sendError`, `httpGet` and `httpPost` only *queue* work; code
 * after them runs at once. Work queued inside a callback runs before work queued earlier at top
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

/** `console.log` and friends write to the script log, their arguments joined with spaces. */
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

/** Deprecated in WSO2: `hasAnyOfTheRoles(user, [roleName])`. */
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
