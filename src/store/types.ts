/**
 * The store: one interface for users, federated associations, SSO sessions, flows and the email
 * outbox. The
 * in-memory store implements it here; SQLite and PostgreSQL implement the same interface behind
 * one query builder (the server issue). Every method is async, so a networked database fits.
 */
import { z } from 'zod';
import {
  ApplicationSnapshotSchema,
  CommandSchema,
  JournalEventSchema,
  JsonSchema,
  LogLineSchema,
  RequestSnapshotSchema,
  RunErrorSchema,
  UserSnapshotSchema,
  WaitingSchema,
} from '../../runtime/protocol.js';
import { ConnectionSchema } from '../provisioning/connection.js';

export const LocalUserSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    username: z.string(),
    userStoreDomain: z.string(),
    /** A hash from the PasswordHasher; null for users without a password (JIT without a password prompt). */
    passwordHash: z.string().nullable(),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    claims: z.record(z.string(), z.string()),
    /** An enrolled TOTP device (its secret), or null. */
    totpSecret: z.string().nullable(),
    locked: z.boolean(),
    disabled: z.boolean(),
    /** The connection that provisioned the user, for JIT users. */
    provisionedBy: z.string().nullable(),
  })
  .strict();
export type LocalUser = z.infer<typeof LocalUserSchema>;
export type NewLocalUser = Omit<LocalUser, 'id' | 'tenant'>;
export type UserCondition = Partial<Pick<LocalUser, 'claims' | 'locked' | 'totpSecret'>>;
export type UserPatch = Partial<Pick<LocalUser, 'claims' | 'roles' | 'groups' | 'locked' | 'disabled' | 'totpSecret' | 'passwordHash'>>;

export const AssociationSchema = z
  .object({
    tenant: z.string(),
    idp: z.string(),
    subject: z.string(),
    userId: z.string(),
    /** A locked federated identity cannot log in through this connection, whatever the local account's state. */
    locked: z.boolean().default(false),
  })
  .strict();
export type Association = z.infer<typeof AssociationSchema>;
export type AssociationInput = z.input<typeof AssociationSchema>;

/** A federated user waiting to be provisioned by the queue (non-blocking JIT). */
export const ProvisioningJobSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    flowId: z.string(),
    idp: z.string(),
    subject: z.string(),
    claims: z.record(z.string(), JsonSchema),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    /** What happened: the provisioned user, or why it failed. */
    outcome: z.string().nullable(),
    createdAt: z.number(),
  })
  .strict();
export type ProvisioningJob = z.infer<typeof ProvisioningJobSchema>;

export const EmailSchema = z
  .object({ id: z.string(), tenant: z.string(), flowId: z.string().nullable(), to: z.string(), template: z.string(), placeholders: z.record(z.string(), z.string()), createdAt: z.number() })
  .strict();
export type Email = z.infer<typeof EmailSchema>;

/**
 * An SSO session of a local user (WSO2's UserSession). `id` is what scripts see and pass to
 * terminateUserSession: the SHA-256 (hex) of the browser's `commonAuthId` cookie, never the cookie.
 */
export const UserSessionSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    userId: z.string(),
    ip: z.string().nullable(),
    /** The raw User-Agent header of the login that opened the session. */
    userAgent: z.string().nullable(),
    /** Epoch ms. */
    loginTime: z.number(),
    lastAccessTime: z.number(),
    createdTime: z.number(),
    /** Applications signed in through this session. */
    applications: z.array(z.object({ subject: z.string(), appName: z.string(), appId: z.string() }).strict()),
    /** The (idp, authenticator) pairs the session authenticated with: checkSessionExistence reads them. */
    authenticated: z.array(z.object({ idp: z.string(), authenticator: z.string() }).strict()),
  })
  .strict();
export type UserSession = z.infer<typeof UserSessionSchema>;

/** What a flow waits for: the script's waiting states, or the engine's own JIT prompt. */
export const FlowWaitingSchema = z.union([
  WaitingSchema,
  z
    .object({
      kind: z.literal('provisioning'),
      idp: z.string(),
      needs: z.object({ consent: z.boolean(), username: z.boolean(), password: z.boolean() }).strict(),
      suggestedUsername: z.string(),
    })
    .strict(),
]);
export type FlowWaiting = z.infer<typeof FlowWaitingSchema>;

export const ProvisionedSchema = z
  .object({ username: z.string(), userStoreDomain: z.string(), idp: z.string(), action: z.enum(['created', 'updated', 'associated']) })
  .strict();
export type Provisioned = z.infer<typeof ProvisionedSchema>;

/** A federated step that authenticated but waits for the user's JIT answers (consent, username, password). */
export const PendingFederatedSchema = z
  .object({ step: z.number().int(), idp: z.string(), authenticator: z.string(), subject: z.string(), claims: z.record(z.string(), JsonSchema), at: z.number() })
  .strict();
export type PendingFederated = z.infer<typeof PendingFederatedSchema>;

export const FlowResultSchema = z
  .object({
    subject: UserSnapshotSchema.nullable(),
    error: RunErrorSchema.nullable(),
    redirect: z.object({ url: z.string().nullable(), params: z.record(z.string(), z.string()) }).strict().nullable(),
  })
  .strict();

/** A step that still waits after a wrong answer (a wrong code with attempts left), and why. */
export const StepRetrySchema = z
  .object({ step: z.number().int(), authenticator: z.string(), code: z.string(), message: z.string(), attemptsLeft: z.number().int().nullable() })
  .strict();
export type StepRetryView = z.infer<typeof StepRetrySchema>;

/** What an interaction sent under an idempotency key answered. */
export const FlowReceiptSchema = z
  .object({
    key: z.string(),
    /** A hash of the interaction: the same key with another interaction is refused. */
    fingerprint: z.string(),
    revision: z.number().int().nonnegative(),
    status: z.enum(['waiting', 'success', 'fail', 'error']),
    waiting: FlowWaitingSchema.nullable(),
    result: FlowResultSchema.nullable(),
    /** The step still waits after a wrong code with attempts left: why. */
    retry: StepRetrySchema.nullable().default(null),
  })
  .strict();
export type FlowReceipt = z.infer<typeof FlowReceiptSchema>;

/** A login flow: pinned script version, request snapshot, journal, and what it has produced so far. */
export const FlowRecordSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    revision: z.number().int().nonnegative(),
    scriptVersion: z.string(),
    scriptSource: z.string(),
    /**
     * The tenant's script libraries (name -> source) as they were when the flow started: every
     * run of the flow loads these, so a library changed mid-flow does not change a running flow
     * (they are part of `scriptVersion`). Absent for flows started without libraries.
     */
    libraries: z.record(z.string(), z.string()).optional(),
    application: ApplicationSnapshotSchema,
    request: RequestSnapshotSchema,
    journal: z.array(JournalEventSchema),
    appliedCommands: z.array(CommandSchema),
    logs: z.array(LogLineSchema),
    /** Log lines the flow's own runs emitted (replays mute these); `logs` also holds hooks' lines. */
    emittedLogs: z.number().int().nonnegative(),
    usedScriptMs: z.number().nonnegative(),
    connections: z.array(ConnectionSchema),
    status: z.enum(['waiting', 'success', 'fail', 'error']),
    waiting: FlowWaitingSchema.nullable(),
    pendingFederated: PendingFederatedSchema.nullable(),
    provisioned: z.array(ProvisionedSchema),
    /** Every effect applied, in order: the script's commands and the authenticators' (TOTP enrolment, ...). */
    effects: z.array(z.record(z.string(), JsonSchema)),
    result: FlowResultSchema.nullable(),
    /**
     * What the authenticators keep between a step's challenge and its answer (an email OTP's
     * hashed code and attempts, a TOTP enrolment's pending secret), by `step:authenticator`.
     * Saved with the flow, so a challenge and the flow never disagree.
     */
    authState: z.record(z.string(), JsonSchema).default({}),
    /**
     * The interactions the flow was advanced with under an idempotency key, and what they
     * answered: a retried key answers the same, and the receipt is saved with the flow it
     * advanced (so an acknowledged interaction is never lost nor applied twice).
     */
    receipts: z.array(FlowReceiptSchema).default([]),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type FlowRecord = z.infer<typeof FlowRecordSchema>;

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

export class DuplicateUserError extends Error {
  override readonly name = 'DuplicateUserError';
}

/** A federated identity to associate with a user as it is created. */
export interface FederatedIdentity {
  readonly idp: string;
  readonly subject: string;
}

export interface UserRepository {
  getUser(tenant: string, userStoreDomain: string, username: string): Promise<LocalUser | null>;
  /**
   * The same, without waiting, for stores that need no I/O for it (in memory, SQLite): the flow
   * engine then answers a script's role and group checks inside the run instead of suspending it.
   */
  getUserSync?(tenant: string, userStoreDomain: string, username: string): LocalUser | null;
  getUserById(tenant: string, id: string): Promise<LocalUser | null>;
  /** Users whose claim has exactly this value. */
  findUsersByClaim(tenant: string, claim: string, value: string): Promise<LocalUser[]>;
  /**
   * Creates a user; throws DuplicateUserError when (tenant, store, username) exists. Given a
   * federated identity, the user and its association are written together or not at all (JIT
   * provisioning never leaves an account that its IdP login cannot find).
   */
  createUser(tenant: string, user: NewLocalUser, federated?: FederatedIdentity): Promise<LocalUser>;
  updateUser(tenant: string, id: string, patch: UserPatch): Promise<LocalUser>;
  /**
   * Compare-and-set: applies the patch only while the `expected` fields still hold the values
   * given (as read before); null when one changed, or there is no such user. Authenticators count
   * failures and record the last TOTP time-step with it, so checks running at once in several
   * processes can neither lose a failure nor accept one code twice.
   */
  updateUserIf(tenant: string, id: string, expected: UserCondition, patch: UserPatch): Promise<LocalUser | null>;
  getAssociation(tenant: string, idp: string, subject: string): Promise<Association | null>;
  /** Idempotent: associating the same (idp, subject) with the same user again changes nothing. */
  associate(association: AssociationInput): Promise<{ created: boolean }>;
  /** Locks or unlocks a federated identity; false when there is no such association. */
  setAssociationLocked(tenant: string, idp: string, subject: string, locked: boolean): Promise<boolean>;
  dissociate(tenant: string, idp: string, subject: string): Promise<boolean>;
}

export interface SessionRepository {
  /** Stores a new session; an existing id is replaced. */
  createSession(session: UserSession): Promise<UserSession>;
  getSession(tenant: string, id: string): Promise<UserSession | null>;
  /** The user's active sessions, oldest first. */
  sessionsOfUser(tenant: string, userId: string): Promise<UserSession[]>;
  /** Ends the session if it is the user's; false when there is no such session of that user. */
  terminateSession(tenant: string, userId: string, id: string): Promise<boolean>;
}

export interface FlowRepository {
  createFlow(flow: FlowRecord): Promise<void>;
  getFlow(id: string): Promise<FlowRecord | null>;
  /** Saves the flow if nobody saved it since `flow.revision - 1`; throws ConcurrentUpdateError otherwise. */
  saveFlow(flow: FlowRecord): Promise<void>;
}

export interface Outbox {
  enqueueEmail(email: Omit<Email, 'id'>): Promise<Email>;
  emails(tenant: string): Promise<Email[]>;
}

export interface ClaimLease {
  /** Epoch ms (default Date.now()). */
  readonly now?: number;
  /** How long a claim holds before another caller may take the job over (default 5 minutes). */
  readonly leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 5 * 60 * 1000;

/** The durable queue of non-blocking JIT provisioning. */
export interface ProvisioningQueue {
  enqueueProvisioning(job: Omit<ProvisioningJob, 'id' | 'status' | 'outcome'>): Promise<ProvisioningJob>;
  /**
   * Marks up to `limit` jobs as running and returns them: queued jobs, and running jobs whose
   * claim is older than the lease (the process that claimed them died). A job is claimed by one
   * caller at a time; provisioning is idempotent, so a job run again after a crash is safe.
   */
  claimProvisioningJobs(limit: number, lease?: ClaimLease): Promise<ProvisioningJob[]>;
  finishProvisioningJob(id: string, status: 'done' | 'failed', outcome: string): Promise<void>;
  provisioningJobs(tenant: string): Promise<ProvisioningJob[]>;
}

export interface Store extends UserRepository, SessionRepository, FlowRepository, Outbox, ProvisioningQueue {}
