/**
 * The shapes of the HTTP API: request bodies, query strings and responses, defined once with zod.
 * The routes validate with them and the OpenAPI document (/api/v1/openapi.json) is generated from
 * them. Request objects are strict: an unknown field is a 400 that names it.
 */
import { z } from 'zod';
import { JsonSchema, RequestSnapshotSchema, StepOptionSchema, UserSnapshotSchema, RunErrorSchema } from '../../runtime/protocol.js';
import { DiagnosticSchema } from '../analysis/diagnostic.js';
import { AttributeSyncSchema, JitSchemeSchema } from '../provisioning/connection.js';
import { FlowWaitingSchema, StepRetrySchema } from '../store/types.js';

const id = z.string().min(1).max(200);
const name = z.string().trim().min(1).max(200);
const StringMap = z.record(z.string().max(1000), z.string().max(10_000));

export const ErrorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
        requestId: z.string().optional(),
      })
      .catchall(z.unknown()),
  })
  .meta({ id: 'Error' });

// ---------------------------------------------------------------------------------------------
// Applications

export const StepConfigBody = z.object({ options: z.array(StepOptionSchema.extend({ idp: name, authenticator: name })).min(1).max(20) }).strict();

export const ApplicationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    steps: z.array(z.object({ options: z.array(StepOptionSchema) })),
    subjectStep: z.number().int().nullable(),
    attributeStep: z.number().int().nullable(),
    scriptEnabled: z.boolean(),
    draft: z.object({ source: z.string(), updatedAt: z.number(), updatedBy: z.string() }),
    publishedVersion: z.number().int().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Application' });

const stepIndex = z.number().int().positive().max(20).nullable();

export const CreateApplicationBody = z
  .object({
    name,
    steps: z.array(StepConfigBody).max(20).default([]),
    subjectStep: stepIndex.default(null),
    attributeStep: stepIndex.default(null),
    scriptEnabled: z.boolean().default(true),
    /** The first draft; an empty script by default. */
    source: z.string().max(256 * 1024).default(''),
  })
  .strict();

export const UpdateApplicationBody = z
  .object({ name, steps: z.array(StepConfigBody).max(20), subjectStep: stepIndex, attributeStep: stepIndex, scriptEnabled: z.boolean() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, steps, subjectStep, attributeStep, scriptEnabled');

export const AppParams = z.object({ appId: id }).strict();

/** The editor's saved scenarios: each with an id, the simulator form and the expected result. */
const SavedScenario = z.object({ id: z.string().min(1).max(200) }).catchall(JsonSchema);
export const SavedScenariosBody = z.object({ scenarios: z.array(SavedScenario).max(200) }).strict();
export const SavedScenariosViewSchema = z
  .object({ scenarios: z.array(z.record(z.string(), JsonSchema)), updatedAt: z.number().nullable(), updatedBy: z.string().nullable() })
  .meta({ id: 'SavedScenarios' });

// ---------------------------------------------------------------------------------------------
// Scripts

export const DraftBody = z.object({ source: z.string().max(256 * 1024) }).strict();
export const ValidateBody = z.object({ source: z.string().max(256 * 1024).optional() }).strict();
export const PublishBody = z.object({ message: z.string().trim().min(1).max(1000), source: z.string().max(256 * 1024).optional() }).strict();
export const RollbackBody = z.object({ version: z.number().int().positive(), message: z.string().trim().min(1).max(1000).optional() }).strict();
export const VersionParams = z.object({ appId: id, number: z.coerce.number().int().positive() }).strict();
export const DiffQuery = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() }).strict();

export const ScriptVersionSummarySchema = z
  .object({ number: z.number().int(), hash: z.string(), author: z.string(), message: z.string(), createdAt: z.number() })
  .meta({ id: 'ScriptVersionSummary' });
export const ScriptVersionSchema = ScriptVersionSummarySchema.extend({ source: z.string() }).meta({ id: 'ScriptVersion' });

const GraphSchema = z
  .object({
    nodes: z.array(z.object({ id: z.string(), kind: z.string(), label: z.string(), step: z.number().optional(), options: z.array(StepOptionSchema).optional(), code: z.string().optional() })),
    edges: z.array(z.object({ from: z.string(), to: z.string(), label: z.string() })),
  })
  .meta({ id: 'FlowGraph' });
const ConflictSchema = z
  .object({ connection: z.string(), step: z.number(), authenticator: z.string(), path: z.array(z.string()) })
  .meta({ id: 'Conflict' });

export const AnalysisSchema = z
  .object({
    diagnostics: z.array(DiagnosticSchema),
    conflicts: z.array(ConflictSchema),
    graph: GraphSchema,
    /** The exploration hit its bound: some paths were not explored. */
    truncated: z.boolean(),
  })
  .meta({ id: 'Analysis' });

export const LintBody = z
  .object({
    script: z.string().max(256 * 1024),
    /** An application id of the tenant, or an application snapshot: step ids and the conflict check use it. */
    application: z.union([id, z.object({ name: z.string().default('app'), steps: z.array(StepConfigBody).max(20) }).strict()]).optional(),
    loopsAsErrors: z.boolean().default(false),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Connections

const JitBody = z
  .object({
    enabled: z.boolean(),
    userStore: name,
    scheme: JitSchemeSchema,
    associateLocalUser: z.boolean(),
    lookupAttributes: z.array(name).max(20),
    attributeSync: AttributeSyncSchema,
    associateWithoutVerifiedEmail: z.boolean(),
    enhanced: z.boolean(),
    blocking: z.boolean(),
  })
  .partial()
  .strict();

export const ConnectionBody = z
  .object({
    name: z.string().trim().min(1).max(200).regex(/^[^/]+$/, 'must not contain "/"').refine((n) => n !== 'LOCAL', 'LOCAL names the local authenticators, not a connection'),
    authenticator: name.default('OpenIDConnectAuthenticator'),
    jit: JitBody.default({}),
    claimMappings: StringMap.default({}),
    roleMappings: StringMap.default({}),
    userIdClaim: name.optional(),
    groupsClaim: name.optional(),
    syncedAttributesReadOnly: z.boolean().default(false),
  })
  .strict();
export const ConnectionUpdateBody = ConnectionBody.omit({ name: true });

export const ConnectionParams = z.object({ name: z.string().min(1).max(200) }).strict();
export const DeleteConnectionQuery = z.object({ provisionedUsers: z.enum(['delete', 'keep']).optional() }).strict();

export const ConnectionViewSchema = z
  .object({
    name: z.string(),
    authenticator: z.string(),
    jit: z.record(z.string(), JsonSchema),
    claimMappings: z.record(z.string(), z.string()),
    roleMappings: z.record(z.string(), z.string()),
    userIdClaim: z.string().optional(),
    groupsClaim: z.string().optional(),
    syncedAttributesReadOnly: z.boolean(),
    provisionedUsers: z.number().int(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Connection' });

// ---------------------------------------------------------------------------------------------
// Users

const username = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^/\s]+$/, 'must not contain "/" or spaces (give the user store as userStoreDomain)');
const password = z.string().min(8, 'must be at least 8 characters').max(1024);

export const CreateUserBody = z
  .object({
    username,
    userStoreDomain: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only').default('PRIMARY'),
    password: password.optional(),
    roles: z.array(name).max(200).default([]),
    groups: z.array(name).max(200).default([]),
    claims: StringMap.default({}),
  })
  .strict();

export const UpdateUserBody = z
  .object({ password, roles: z.array(name).max(200), groups: z.array(name).max(200), claims: StringMap, locked: z.boolean(), disabled: z.boolean() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one of password, roles, groups, claims, locked, disabled');

export const UserParams = z.object({ userId: id }).strict();
export const AssociationParams = z.object({ userId: id, idp: z.string().min(1).max(200), subject: z.string().min(1).max(1000) }).strict();
export const AssociationBody = z.object({ locked: z.boolean() }).strict();
export const UsersQuery = z
  .object({ query: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) })
  .strict();

export const UserViewSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    userStoreDomain: z.string(),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    claims: z.record(z.string(), z.string()),
    locked: z.boolean(),
    disabled: z.boolean(),
    hasPassword: z.boolean(),
    totpEnrolled: z.boolean(),
    provisionedBy: z.string().nullable(),
  })
  .meta({ id: 'User' });

// ---------------------------------------------------------------------------------------------
// Clients, audit, templates

export const CreateClientBody = z.object({ name }).strict();
export const ClientParams = z.object({ clientId: id }).strict();
export const ClientViewSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable() }).meta({ id: 'FlowClient' });
export const AuditQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.string().max(200).optional() })
  .strict();
export const AuditEntryViewSchema = z
  .object({ id: z.string(), at: z.number(), actor: z.string(), action: z.string(), target: z.string(), details: z.record(z.string(), JsonSchema) })
  .meta({ id: 'AuditEntry' });
export const TemplateParams = z.object({ templateId: id }).strict();
export const SecretParams = z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, "_", "." and "-", at most 100') }).strict();
export const SecretBody = z.object({ value: z.string().min(1).max(8192) }).strict();
export const SecretListSchema = z.object({ secrets: z.array(z.object({ name: z.string(), updatedAt: z.number() })) }).meta({ id: 'SecretList' });

// ---------------------------------------------------------------------------------------------
// Flows

export const StartFlowBody = z
  .object({
    /** The application's id. */
    application: id,
    request: RequestSnapshotSchema.default(RequestSnapshotSchema.parse({})),
  })
  .strict();

export const FlowParams = z.object({ flowId: id }).strict();

const Credentials = z
  .object({ username: z.string().min(1).max(400).optional(), password: z.string().max(1024).optional(), code: z.string().max(64).optional() })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'give username and password, or a code');

export const InteractionBody = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('step'),
      step: z.number().int().positive(),
      idp: z.string().min(1).max(200),
      authenticator: z.string().min(1).max(200),
      /** For local authenticators: what the user typed. */
      credentials: Credentials.optional(),
      /** What happened: a federated step's result as the identity server saw it, or an abort / fallback. */
      outcome: z.enum(['success', 'fail', 'abort', 'fallback']).optional(),
      /** A federated success: the IdP's subject and claims. */
      subject: z.string().min(1).max(1000).optional(),
      claims: z.record(z.string().max(1000), JsonSchema).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('prompt'), action: z.string().min(1).max(200), data: z.record(z.string(), JsonSchema).default({}) }).strict(),
  z.object({ kind: z.literal('async'), outcome: z.enum(['onSuccess', 'onFail', 'onTimeout']), data: z.record(z.string(), JsonSchema).default({}) }).strict(),
  z
    .object({
      kind: z.literal('provisioning'),
      answers: z.object({ consent: z.boolean().optional(), username: z.string().max(200).optional(), password: z.string().max(1024).optional() }).strict(),
    })
    .strict(),
]);
export type InteractionBodyType = z.infer<typeof InteractionBody>;

export const ChallengeBody = z
  .object({ step: z.number().int().positive(), idp: z.string().min(1).max(200).default('LOCAL'), authenticator: z.string().min(1).max(200), username: z.string().min(1).max(400).optional() })
  .strict();



export const IdempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const FlowViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(['waiting', 'success', 'fail', 'error']),
    waiting: FlowWaitingSchema.nullable(),
    result: z
      .object({
        subject: UserSnapshotSchema.nullable(),
        error: RunErrorSchema.nullable(),
        redirect: z.object({ url: z.string().nullable(), params: z.record(z.string(), z.string()) }).nullable(),
      })
      .nullable(),
    /** The step still waits after a wrong answer with attempts left (a wrong code): why, and how many attempts remain. */
    retry: StepRetrySchema.nullable(),
    /** This answer is the stored answer of an earlier request with the same Idempotency-Key. */
    replayed: z.boolean(),
  })
  .meta({ id: 'Flow' });

export const ChallengeViewSchema = z
  .object({
    flow: FlowViewSchema,
    /** What the user needs: where the code went, or a TOTP enrolment's secret and otpauth URI; null when the step failed at the challenge. */
    challenge: z.record(z.string(), JsonSchema).nullable(),
    /** Why the step failed at the challenge (no email address, no local account): the flow moved on. */
    reason: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'Challenge' });
