/**
 * The public scenario and trace formats (shared/SCENARIOS.md), as zod schemas: the one
 * definition the simulator, the CLI, the testing library and the generated JSON Schema use.
 * Unknown fields are errors everywhere (`strict`), so typos never pass silently.
 */
import { z } from 'zod';
import { ConnectionSchema } from '../provisioning/connection.js';
import { UserStoreSchema } from '../provisioning/user-stores.js';
import { libraryNameProblem } from '../../runtime/host/libraries.js';

const StringMap = z.record(z.string(), z.string());
export const JsonValue = z.json();

export const StepOptionSchema = z.object({ idp: z.string().min(1), authenticator: z.string().min(1) }).strict();

export const ScenarioApplicationSchema = z
  .object({
    name: z.string().min(1),
    tenantDomain: z.string().min(1).default('carbon.super'),
    steps: z.array(z.object({ options: z.array(StepOptionSchema).min(1) }).strict()).min(1),
    subjectStep: z.number().int().positive().optional(),
  })
  .strict();

export const ScenarioUserSchema = z
  .object({
    username: z.string().min(1),
    userStoreDomain: z.string().min(1).default('PRIMARY'),
    password: z.string().optional(),
    roles: z.array(z.string()).default([]),
    groups: z.array(z.string()).default([]),
    claims: StringMap.default({}),
    totp: z.boolean().default(false),
    locked: z.boolean().default(false),
    disabled: z.boolean().default(false),
    associations: z
      .array(z.object({ idp: z.string().min(1), subject: z.string().min(1), locked: z.boolean().default(false) }).strict())
      .default([]),
  })
  .strict();

export const ScenarioRequestSchema = z
  .object({
    ip: z.string().optional(),
    headers: StringMap.default({}),
    cookies: StringMap.default({}),
    params: z.record(z.string(), z.array(z.string())).default({}),
    acrValues: z.array(z.string()).default([]),
  })
  .strict();

export const StepInteractionSchema = z
  .object({
    step: z.number().int().positive(),
    idp: z.string().min(1).default('LOCAL'),
    authenticator: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    outcome: z.enum(['success', 'fail', 'abort', 'fallback']).default('success'),
    subject: z.string().min(1).optional(),
    claims: z.record(z.string(), JsonValue).default({}),
    /** Simulated time that passed before this interaction, in seconds. */
    after: z.number().nonnegative().optional(),
  })
  .strict();

export const PromptInteractionSchema = z
  .object({
    prompt: z.string().min(1),
    action: z.string().min(1).default('success'),
    data: z.record(z.string(), JsonValue).default({}),
    after: z.number().nonnegative().optional(),
  })
  .strict();

export const HttpInteractionSchema = z
  .object({
    http: z.string().min(1),
    status: z.number().int().min(100).max(599).optional(),
    body: JsonValue.optional(),
    headers: StringMap.optional(),
    timeout: z.boolean().optional(),
    after: z.number().nonnegative().optional(),
  })
  .strict()
  .refine((h) => h.timeout === true || h.status !== undefined, { message: 'an http interaction needs a status, or "timeout": true' });

export const ProvisioningInteractionSchema = z
  .object({
    provisioning: z
      .object({ consent: z.boolean().optional(), username: z.string().min(1).optional(), password: z.string().optional() })
      .strict(),
    after: z.number().nonnegative().optional(),
  })
  .strict();

export const InteractionSchema = z.union([StepInteractionSchema, PromptInteractionSchema, HttpInteractionSchema, ProvisioningInteractionSchema]);
export type Interaction = z.infer<typeof InteractionSchema>;
export type StepInteraction = z.infer<typeof StepInteractionSchema>;

// ---------------------------------------------------------------------------------------------
// Trace

export const TraceStepSchema = z
  .object({ step: z.number().int().positive(), idp: z.string(), authenticator: z.string().nullable(), outcome: z.enum(['success', 'fail', 'abort', 'fallback']) })
  .strict();

export const TraceSubjectSchema = z
  .object({ username: z.string(), userStoreDomain: z.string().nullable(), federated: z.boolean(), idp: z.string().nullable() })
  .strict();

export const TraceErrorSchema = z
  .object({ code: z.string(), message: z.string(), line: z.number().int().nullable().optional(), column: z.number().int().nullable().optional() })
  .strict();

export const TraceProvisionedSchema = z
  .object({ username: z.string(), userStoreDomain: z.string(), idp: z.string(), action: z.enum(['created', 'updated', 'associated']) })
  .strict();

export const TraceSchema = z
  .object({
    outcome: z.enum(['success', 'fail', 'error', 'pending']),
    steps: z.array(TraceStepSchema),
    subject: TraceSubjectSchema.nullable(),
    claims: z.record(z.string(), z.string()),
    selectedAcr: z.string().nullable(),
    error: TraceErrorSchema.nullable(),
    redirect: z.object({ url: z.string().nullable(), params: z.record(z.string(), z.string()) }).strict().nullable(),
    provisioned: z.array(TraceProvisionedSchema),
    pending: z.record(z.string(), JsonValue).nullable(),
    unusedInteractions: z.number().int().nonnegative(),
    logs: z.array(z.object({ level: z.string(), message: z.string() }).strict()),
    effects: z.array(z.record(z.string(), JsonValue)),
  })
  .strict();
export type Trace = z.infer<typeof TraceSchema>;

// ---------------------------------------------------------------------------------------------
// Expectations: any subset of the trace's fields.

export const ExpectSchema = z
  .object({
    outcome: TraceSchema.shape.outcome.optional(),
    steps: z.array(z.object({ step: z.number().int().positive(), idp: z.string() }).catchall(JsonValue)).optional(),
    subject: z.record(z.string(), JsonValue).nullable().optional(),
    claims: z.record(z.string(), z.string()).optional(),
    selectedAcr: z.string().nullable().optional(),
    error: z.object({ code: z.string() }).catchall(JsonValue).nullable().optional(),
    redirect: z.record(z.string(), JsonValue).nullable().optional(),
    provisioned: z.array(z.object({ username: z.string() }).catchall(JsonValue)).optional(),
    pending: z.record(z.string(), JsonValue).nullable().optional(),
    unusedInteractions: z.number().int().nonnegative().optional(),
    logs: z.array(z.string()).optional(),
    effects: z.array(z.record(z.string(), JsonValue)).optional(),
  })
  .strict();
export type Expect = z.infer<typeof ExpectSchema>;

// ---------------------------------------------------------------------------------------------
// Scenario

export const ScenarioSchema = z
  .object({
    name: z.string().optional(),
    script: z.string().min(1).optional(),
    source: z.string().optional(),
    application: ScenarioApplicationSchema,
    connections: z.array(ConnectionSchema).default([]),
    users: z.array(ScenarioUserSchema).default([]),
    /** authscript: user stores with their username and role-name policies (PRIMARY is always there). */
    userStores: z.array(UserStoreSchema).default([]),
    /** authscript: the tenant's script libraries (name -> source) that `require` and `loadLocalLibrary` load. */
    libraries: z
      .record(z.string(), z.string())
      .superRefine((libs, ctx) => {
        for (const name of Object.keys(libs)) {
          const problem = libraryNameProblem(name);
          if (problem !== null) ctx.addIssue({ code: 'custom', path: [name], message: problem });
        }
      })
      .optional(),
    request: ScenarioRequestSchema.default(ScenarioRequestSchema.parse({})),
    now: z.iso.datetime({ offset: true }).optional(),
    interactions: z.array(InteractionSchema).default([]),
    expect: ExpectSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.script === undefined) === (s.source === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['script'], message: 'give exactly one of "script" (a file path) or "source" (the script inline)' });
    }
    const names = new Set<string>();
    s.connections.forEach((c, i) => {
      if (c.name === 'LOCAL') ctx.addIssue({ code: 'custom', path: ['connections', i, 'name'], message: '"LOCAL" names the local authenticators, not a connection' });
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['connections', i, 'name'], message: `connection "${c.name}" is defined twice` });
      names.add(c.name);
    });
    if (s.application.subjectStep !== undefined && s.application.subjectStep > s.application.steps.length) {
      ctx.addIssue({ code: 'custom', path: ['application', 'subjectStep'], message: `the application has ${s.application.steps.length} step(s)` });
    }
  });
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
