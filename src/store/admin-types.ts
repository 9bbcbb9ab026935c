/**
 * What the server keeps besides logins: tenants, their credentials, applications with their
 * script drafts and immutable published versions, connections, the audit log and the flow
 * API's idempotency keys. One interface (AdminRepository), implemented on SQL by
 * ./sql/admin-store.ts for SQLite and PostgreSQL alike.
 *
 * Every change an admin makes takes an AuditInput and writes it in the same transaction as the
 * change: the audit log never misses a change, and never records one that did not happen.
 */
import { z } from 'zod';
import { JsonSchema, StepOptionSchema, type Json } from '../../runtime/protocol.js';
import { ConnectionSchema } from '../provisioning/connection.js';
import type { Association, LocalUser, NewLocalUser, UserPatch } from './types.js';

export const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The tenantDomain scripts see. */
    domain: z.string(),
    createdAt: z.number(),
  })
  .strict();
export type Tenant = z.infer<typeof TenantSchema>;

/**
 * An admin token or a flow client's secret. Only a SHA-256 of the secret is stored: secrets are
 * 256 random bits, so a fast hash is as safe as a slow one and costs nothing per request.
 */
export const CredentialSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    kind: z.enum(['admin', 'flow-client']),
    name: z.string(),
    secretHash: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
  })
  .strict();
export type Credential = z.infer<typeof CredentialSchema>;

export const StepConfigSchema = z.object({ options: z.array(StepOptionSchema).min(1) }).strict();

export const ApplicationRecordSchema = z
  .object({
    tenant: z.string(),
    id: z.string(),
    name: z.string(),
    steps: z.array(StepConfigSchema),
    subjectStep: z.number().int().positive().nullable(),
    attributeStep: z.number().int().positive().nullable(),
    /** false: the flow runs the configured steps in order, without a script (WSO2's default). */
    scriptEnabled: z.boolean(),
    draft: z.object({ source: z.string(), updatedAt: z.number(), updatedBy: z.string() }).strict(),
    /** The version flows of this application run; null before the first publish. */
    publishedVersion: z.number().int().positive().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type ApplicationRecord = z.infer<typeof ApplicationRecordSchema>;
export type NewApplication = Omit<ApplicationRecord, 'tenant' | 'id' | 'createdAt' | 'updatedAt' | 'publishedVersion' | 'draft'> & { draft: string };
export type ApplicationPatch = Partial<Pick<ApplicationRecord, 'name' | 'steps' | 'subjectStep' | 'attributeStep' | 'scriptEnabled'>>;

/** A published script: immutable once written. */
export const ScriptVersionSchema = z
  .object({
    tenant: z.string(),
    appId: z.string(),
    number: z.number().int().positive(),
    /** The sandbox's version hash of the source (what flows pin). */
    hash: z.string(),
    source: z.string(),
    author: z.string(),
    message: z.string(),
    createdAt: z.number(),
  })
  .strict();
export type ScriptVersion = z.infer<typeof ScriptVersionSchema>;

export const ConnectionRecordSchema = ConnectionSchema.extend({
  tenant: z.string(),
  /** The federated authenticator steps name for this connection (GoogleOIDCAuthenticator, ...). */
  authenticator: z.string().min(1),
  /** JIT users' synced attributes (claims, roles, groups) cannot be changed through the admin API. */
  syncedAttributesReadOnly: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
}).strict();
export type ConnectionRecord = z.infer<typeof ConnectionRecordSchema>;

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    at: z.number(),
    /** Who: the credential's name and id (`admin token "ci" (3f2c…)`). */
    actor: z.string(),
    /** What, as `noun.verb`: application.create, script.publish, user.unlock, ... */
    action: z.string(),
    /** Which: the application id, the connection name, the user id, ... */
    target: z.string(),
    /** The change, without secrets (passwords and secrets are never in it). */
    details: z.record(z.string(), JsonSchema),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditInput = Omit<AuditEntry, 'id' | 'tenant' | 'at'>;

/** What a flow start sent under an idempotency key answered (interactions keep theirs in the flow). */
export const IdempotencyRecordSchema = z
  .object({
    tenant: z.string(),
    key: z.string(),
    fingerprint: z.string(),
    flowId: z.string(),
    createdAt: z.number(),
  })
  .strict();
export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;

/** The scenarios saved beside an application's script (the editor's tests of it), as one document. */
export const SavedScenariosSchema = z
  .object({
    scenarios: z.array(z.record(z.string(), JsonSchema)).max(200),
    updatedAt: z.number().nullable(),
    updatedBy: z.string().nullable(),
  })
  .strict();
export type SavedScenarios = z.infer<typeof SavedScenariosSchema>;

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export interface AdminRepository {
  createTenant(tenant: Tenant): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | null>;
  listTenants(): Promise<Tenant[]>;
  /** The tenant's settings as stored (the server validates them): an empty object for none. */
  getTenantSettings(id: string): Promise<Record<string, Json>>;
  /** Replaces them, audited; NotFoundError when there is no such tenant. */
  putTenantSettings(id: string, settings: Record<string, Json>, audit: AuditInput): Promise<void>;

  createCredential(credential: Credential, audit: AuditInput | null): Promise<Credential>;
  getCredential(id: string): Promise<Credential | null>;
  listCredentials(tenant: string, kind: Credential['kind']): Promise<Credential[]>;
  deleteCredential(tenant: string, id: string, audit: AuditInput): Promise<boolean>;
  touchCredential(id: string, at: number): Promise<void>;

  createApplication(tenant: string, app: NewApplication, at: number, audit: AuditInput): Promise<ApplicationRecord>;
  getApplication(tenant: string, id: string): Promise<ApplicationRecord | null>;
  listApplications(tenant: string): Promise<ApplicationRecord[]>;
  updateApplication(tenant: string, id: string, patch: ApplicationPatch, at: number, audit: AuditInput): Promise<ApplicationRecord>;
  saveDraft(tenant: string, id: string, source: string, by: string, at: number, audit: AuditInput): Promise<ApplicationRecord>;
  /** Deletes the application and its versions. */
  deleteApplication(tenant: string, id: string, audit: AuditInput): Promise<boolean>;

  /** Writes the next version (numbered in the same transaction) and makes it the published one. */
  publishVersion(tenant: string, appId: string, version: Pick<ScriptVersion, 'hash' | 'source' | 'author' | 'message'>, at: number, audit: AuditInput): Promise<ScriptVersion>;
  listVersions(tenant: string, appId: string): Promise<ScriptVersion[]>;
  getVersion(tenant: string, appId: string, number: number): Promise<ScriptVersion | null>;

  createConnection(connection: ConnectionRecord, audit: AuditInput): Promise<ConnectionRecord>;
  getConnection(tenant: string, name: string): Promise<ConnectionRecord | null>;
  listConnections(tenant: string): Promise<ConnectionRecord[]>;
  replaceConnection(connection: ConnectionRecord, audit: AuditInput): Promise<ConnectionRecord>;
  /**
   * Deletes a connection and its federated associations; the users it provisioned are deleted
   * or kept (then no longer marked as provisioned by it), as asked.
   */
  deleteConnection(tenant: string, name: string, provisionedUsers: 'delete' | 'keep', audit: AuditInput): Promise<{ deleted: boolean; usersDeleted: number }>;
  countProvisionedUsers(tenant: string, connection: string): Promise<number>;

  listUsers(tenant: string, query: { search?: string; limit: number; offset: number }): Promise<{ users: LocalUser[]; total: number }>;
  /** An admin's createUser: the user and its audit entry in one transaction (DuplicateUserError as createUser). */
  createUserAudited(tenant: string, user: NewLocalUser, audit: AuditInput): Promise<LocalUser>;
  /** An admin's updateUser, audited in the same transaction; NotFoundError when there is no such user. */
  updateUserAudited(tenant: string, id: string, patch: UserPatch, audit: AuditInput): Promise<LocalUser>;
  /** Locks or unlocks a federated identity, audited; false when there is no such association of the user. */
  setAssociationLockedAudited(tenant: string, userId: string, idp: string, subject: string, locked: boolean, audit: AuditInput): Promise<boolean>;
  /** Deletes a user with its associations and sessions. */
  deleteUser(tenant: string, id: string, audit: AuditInput): Promise<boolean>;
  associationsOfUser(tenant: string, userId: string): Promise<Association[]>;

  /** The application's saved scenarios (an empty list before the first save). */
  getSavedScenarios(tenant: string, appId: string): Promise<SavedScenarios>;
  /** Replaces them; NotFoundError when there is no such application. */
  putSavedScenarios(tenant: string, appId: string, scenarios: SavedScenarios['scenarios'], by: string, at: number, audit: AuditInput): Promise<SavedScenarios>;

  /** The names of the tenant's script secrets, with when each was last set (never the values). */
  listSecrets(tenant: string): Promise<{ name: string; updatedAt: number }[]>;
  /** Every sealed secret of the tenant, by name (the server opens them for `{{secret:name}}`). */
  sealedSecrets(tenant: string): Promise<Record<string, string>>;
  putSecret(tenant: string, name: string, sealed: string, at: number, audit: AuditInput): Promise<void>;
  deleteSecret(tenant: string, name: string, audit: AuditInput): Promise<boolean>;

  appendAudit(tenant: string, entry: AuditInput, at: number): Promise<void>;
  auditLog(tenant: string, query: { limit: number; before?: number }): Promise<AuditEntry[]>;

  /** Stores the record, or returns the one already stored under (tenant, key). */
  putIdempotency(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  getIdempotency(tenant: string, key: string): Promise<IdempotencyRecord | null>;
}
