/**
 * The protocol between the host (runtime/host, src/) and the guest (runtime/guest, inside the
 * isolate). Everything that crosses the boundary is defined here once, as zod schemas that also
 * give the TypeScript types. The guest is plain JavaScript and cannot import this file; it builds
 * the same shapes by hand, and the host validates every byte it gets back against these schemas.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Plain data: what may cross the boundary at all.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]),
);
const JsonObject = z.record(z.string(), JsonSchema);

// ---------------------------------------------------------------------------------------------
// Limits. One definition, with the defaults documented in README ("The sandbox contract").

export const LimitsSchema = z
  .object({
    /** Wall-clock time of one run (evaluate the script and replay the journal), in ms. */
    wallMsPerRun: z.number().int().positive().default(250),
    /** CPU time of one run inside the isolate, in ms. */
    cpuMsPerRun: z.number().int().positive().default(100),
    /** Script time added up over every run of one flow (all replays included), in ms. */
    scriptMsPerFlow: z.number().int().positive().default(1000),
    /** Heap of a tenant's isolate, in MiB (isolated-vm's memoryLimit; at least 8). */
    heapMb: z.number().int().min(8).default(64),
    /** Steps, prompts and async calls queued over a whole flow. */
    queuedNodesPerFlow: z.number().int().positive().default(100),
    /** Calls from the script into the host (reads of the user store and the like) in one run. */
    hostCallsPerRun: z.number().int().positive().default(100),
    /** Log lines of one flow. */
    logLinesPerFlow: z.number().int().positive().default(500),
    /** Bytes of log text of one flow. */
    logBytesPerFlow: z.number().int().positive().default(64 * 1024),
    /** Bytes of the JSON document a run hands back to the host. */
    resultBytes: z.number().int().positive().default(1024 * 1024),
    /** Nesting depth of any value that leaves the script. */
    resultDepth: z.number().int().positive().default(32),
    /** Events in a flow's journal (outcomes, reads, async results). */
    journalEvents: z.number().int().positive().default(500),
    /** Async calls (httpGet, httpPost, ...) of one flow. */
    asyncCallsPerFlow: z.number().int().positive().default(20),
    /** Effect commands (claim writes, emails, cookies, ...) of one flow. */
    commandsPerFlow: z.number().int().positive().default(500),
    /** Length of any one string or array a script may build with repeat/padStart/fill/join/new Array. */
    maxCollectionLength: z.number().int().positive().default(1_000_000),
    /** Bytes of a script's source text, with the source of its script libraries added. */
    scriptBytes: z.number().int().positive().default(256 * 1024),
    /** Bytes of any one ArrayBuffer or typed array. */
    maxBufferBytes: z.number().int().positive().default(8 * 1024 * 1024),
  })
  .strict();
export type Limits = z.infer<typeof LimitsSchema>;
export type LimitsInput = z.input<typeof LimitsSchema>;
export const DEFAULT_LIMITS: Limits = LimitsSchema.parse({});

// ---------------------------------------------------------------------------------------------
// What the script sees: application, request, users.

export const StepOptionSchema = z.object({ idp: z.string(), authenticator: z.string() }).strict();
export type StepOption = z.infer<typeof StepOptionSchema>;

export const UserSnapshotSchema = z
  .object({
    username: z.string(),
    userStoreDomain: z.string().nullable().default(null),
    tenantDomain: z.string().default('carbon.super'),
    uniqueId: z.string().nullable().default(null),
    /** True for a federated (not locally provisioned) user: then `idp` names the connection. */
    federated: z.boolean().default(false),
    idp: z.string().nullable().default(null),
    localClaims: z.record(z.string(), z.string()).default({}),
    remoteClaims: z.record(z.string(), z.string()).default({}),
    roles: z.array(z.string()).default([]),
    groups: z.array(z.string()).default([]),
  })
  .strict();
export type UserSnapshot = z.infer<typeof UserSnapshotSchema>;
export type UserSnapshotInput = z.input<typeof UserSnapshotSchema>;

export const CookieSchema = z
  .object({
    value: z.string(),
    domain: z.string().nullable().default(null),
    path: z.string().nullable().default(null),
    maxAge: z.number().int().nullable().default(null),
    secure: z.boolean().default(false),
    httpOnly: z.boolean().default(false),
  })
  .strict();

export const RequestSnapshotSchema = z
  .object({
    ip: z.string().nullable().default(null),
    headers: z.record(z.string(), z.string()).default({}),
    cookies: z.record(z.string(), CookieSchema).default({}),
    params: z.record(z.string(), z.array(z.string())).default({}),
    acrValues: z.array(z.string()).default([]),
  })
  .strict();
export type RequestSnapshot = z.infer<typeof RequestSnapshotSchema>;
export type RequestSnapshotInput = z.input<typeof RequestSnapshotSchema>;

export const ApplicationSnapshotSchema = z
  .object({
    name: z.string(),
    tenantDomain: z.string().default('carbon.super'),
    steps: z.array(z.object({ options: z.array(StepOptionSchema).min(1) }).strict()),
    subjectStep: z.number().int().positive().nullable().default(null),
    attributeStep: z.number().int().positive().nullable().default(null),
  })
  .strict();
export type ApplicationSnapshot = z.infer<typeof ApplicationSnapshotSchema>;
export type ApplicationSnapshotInput = z.input<typeof ApplicationSnapshotSchema>;

// ---------------------------------------------------------------------------------------------
// The journal: everything the flow learned from outside, in order.

const at = z.number().int().nonnegative(); // epoch ms: the flow's clock when the event arrived

export const JournalEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), at, seed: z.number().int().nonnegative() }).strict(),
  z
    .object({
      kind: z.literal('step'),
      at,
      step: z.number().int().positive(),
      outcome: z.enum(['success', 'fail', 'fallback', 'abort']),
      idp: z.string().nullable().default(null),
      authenticator: z.string().nullable().default(null),
      subject: UserSnapshotSchema.nullable().default(null),
      /** Why a step failed, when the authenticator knows (LOCAL_ACCOUNT_REQUIRED, ACCOUNT_LOCKED, ...). */
      reason: z.object({ code: z.string(), message: z.string() }).strict().nullable().default(null),
    })
    .strict(),
  z.object({ kind: z.literal('prompt'), at, action: z.string(), data: JsonObject.default({}) }).strict(),
  z
    .object({
      kind: z.literal('async'),
      at,
      outcome: z.enum(['onSuccess', 'onFail', 'onTimeout']),
      data: JsonObject.default({}),
    })
    .strict(),
  z.object({ kind: z.literal('read'), at, call: z.string(), args: JsonSchema, result: JsonSchema }).strict(),
]);
export type JournalEvent = z.infer<typeof JournalEventSchema>;
export type JournalEventInput = z.input<typeof JournalEventSchema>;

// ---------------------------------------------------------------------------------------------
// Commands: the side effects a script asks for. The host applies each exactly once.

const userRef = { username: z.string(), userStoreDomain: z.string().nullable() };

/** RFC 7230 token: header and cookie names. */
const HttpToken = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be an HTTP token');
/** Text that cannot end a header or a cookie attribute early. */
const HeaderText = z.string().regex(/^[^\r\n\0]*$/, 'may not hold CR, LF or NUL');
const CookieAttribute = z.string().regex(/^[\x20-\x3a\x3c-\x7e]*$/, 'may hold printable ASCII other than ";" only');

export const CommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('setRuntimeClaim'), claim: z.string(), value: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('setLocalClaim'), ...userRef, claim: z.string(), value: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('setSelectedAcr'), value: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('setResponseHeader'), name: HttpToken, value: HeaderText }).strict(),
  z.object({ kind: z.literal('setEndpointParam'), name: z.string(), value: JsonSchema }).strict(),
  /**
   * assignUserRoles / removeUserRoles (`exact` names) and their V2 forms (names compared without
   * an `Internal/` prefix). Removals first, then assignments; assigning a role held already is a no-op.
   */
  z
    .object({
      kind: z.literal('updateUserRoles'),
      ...userRef,
      assign: z.array(z.string()),
      remove: z.array(z.string()),
      compare: z.enum(['exact', 'withoutInternalPrefix']),
    })
    .strict(),
  /** doAssociationWithLocalUser: the federated account (idp, subject) now signs in as the local user. */
  z.object({ kind: z.literal('associateLocalUser'), idp: z.string(), subject: z.string(), ...userRef }).strict(),
  /** removeAssociatedLocalUser. */
  z.object({ kind: z.literal('removeAssociatedLocalUser'), idp: z.string(), subject: z.string() }).strict(),
  /** terminateUserSession, for a session the script saw belong to the user. */
  z.object({ kind: z.literal('terminateUserSession'), ...userRef, sessionId: z.string() }).strict(),
  /** updateUserPassword without callbacks; a failure (password pattern, unknown user) is swallowed, as in WSO2. */
  z.object({ kind: z.literal('updateUserPassword'), ...userRef, password: z.string(), skipPasswordValidation: z.boolean() }).strict(),
  /**
   * sendEmail: one email into the outbox. A local user's address is read from the user store when
   * the email is queued; a federated user's comes with the command (`address`).
   */
  z
    .object({
      kind: z.literal('sendEmail'),
      ...userRef,
      federated: z.boolean(),
      address: z.string().nullable(),
      template: z.string(),
      placeholders: z.record(z.string(), z.string()),
    })
    .strict(),
  /**
   * setCookie: the host builds the value (REFERENCE §3.4): base64(JSON {value, signature}), signing
   * and encrypting with the server's cookie key. Attributes left `null` are not set.
   */
  z
    .object({
      kind: z.literal('setCookie'),
      name: HttpToken,
      value: z.string().nullable(),
      sign: z.boolean(),
      encrypt: z.boolean(),
      domain: CookieAttribute.nullable(),
      path: CookieAttribute.nullable(),
      comment: CookieAttribute.nullable(),
      maxAge: z.number().int().nullable(),
      version: z.number().int().nullable(),
      httpOnly: z.boolean().nullable(),
      secure: z.boolean().nullable(),
      sameSite: z.enum(['NONE', 'LAX', 'STRICT']).nullable(),
    })
    .strict(),
]);
export type Command = z.infer<typeof CommandSchema>;

export const LogLineSchema = z
  .object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() })
  .strict();
export type LogLine = z.infer<typeof LogLineSchema>;

// ---------------------------------------------------------------------------------------------
// One run: what the host hands in, and what the guest hands back.

export const RunInputSchema = z
  .object({
    application: ApplicationSnapshotSchema,
    request: RequestSnapshotSchema.default(RequestSnapshotSchema.parse({})),
    journal: z.array(JournalEventSchema),
    /** Commands that earlier runs of this flow produced and the host applied: replay must repeat them. */
    appliedCommands: z.array(CommandSchema).default([]),
    /** Log lines earlier runs already emitted: replay mutes them. */
    emittedLogs: z.number().int().nonnegative().default(0),
    /**
     * Run a JIT provisioning hook instead of the flow: the script is evaluated, the context is
     * rebuilt from the journal (no callback runs again), and the named hook is called. Hooks can
     * log, read the context and change or deny the account; they cannot queue steps, emit
     * commands or read from the host.
     */
    hook: z
      .object({ name: z.enum(['onProvisioningRequest', 'onUserProvisioned']), request: JsonObject })
      .strict()
      .optional(),
  })
  .strict();
export type RunInput = z.infer<typeof RunInputSchema>;
export type RunInputInput = z.input<typeof RunInputSchema>;

export const WaitingSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('step'),
      step: z.number().int().positive(),
      options: z.array(StepOptionSchema),
      authenticatorParams: JsonObject,
      stepOptions: z.object({ forceAuth: z.boolean(), skipPrompt: z.boolean() }).strict(),
    })
    .strict(),
  z.object({ kind: z.literal('prompt'), templateId: z.string(), data: JsonObject }).strict(),
  z.object({ kind: z.literal('async'), call: z.string(), args: JsonSchema }).strict(),
  z.object({ kind: z.literal('read'), call: z.string(), args: JsonSchema }).strict(),
]);
export type Waiting = z.infer<typeof WaitingSchema>;

/** Our codes are UPPER_SNAKE; `fail({errorCode})` may carry a script's own code as it is. */
export const ErrorCodeSchema = z.string().min(1).max(200);

export const RunErrorSchema = z
  .object({
    code: ErrorCodeSchema,
    message: z.string(),
    line: z.number().int().nullable().default(null),
    column: z.number().int().nullable().default(null),
  })
  .strict();
export type RunError = z.infer<typeof RunErrorSchema>;

export const OutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('waiting'), waiting: WaitingSchema }).strict(),
  z
    .object({
      kind: z.literal('success'),
      subjectStep: z.number().int().positive().nullable(),
      attributeStep: z.number().int().positive().nullable(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('fail'),
      code: ErrorCodeSchema,
      message: z.string(),
      redirect: z.object({ url: z.string().nullable(), params: z.record(z.string(), z.string()) }).strict().nullable(),
      params: z.record(z.string(), z.string()).nullable(),
    })
    .strict(),
  z.object({ kind: z.literal('error'), error: RunErrorSchema }).strict(),
  /** A provisioning hook ran (or the script has none): a denial, and the account as the hook left it. */
  z
    .object({ kind: z.literal('hook'), defined: z.boolean(), denied: z.string().nullable(), user: JsonObject.nullable() })
    .strict(),
]);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** What the guest returns as a JSON string. The host adds timing and host-call counts. */
export const GuestResultSchema = z
  .object({
    outcome: OutcomeSchema,
    /** Commands past `appliedCommands`: the host applies these, once. */
    newCommands: z.array(CommandSchema),
    /** Log lines past `emittedLogs`. */
    newLogs: z.array(LogLineSchema),
    /** Events this run added to the journal (host reads answered during the run). */
    newEvents: z.array(JournalEventSchema),
    /** Number of queued nodes (steps, prompts, async calls) over the whole flow so far. */
    queuedNodes: z.number().int().nonnegative(),
  })
  .strict();
export type GuestResult = z.infer<typeof GuestResultSchema>;

/** A call from the script to the host, and the host's answer. Strings only cross the boundary. */
export const HostCallSchema = z.object({ call: z.string(), args: JsonSchema }).strict();
export type HostCall = z.infer<typeof HostCallSchema>;
export type HostAnswer = { readonly kind: 'value'; readonly value: Json } | { readonly kind: 'pending' };
