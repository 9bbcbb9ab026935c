/**
 * The tables of the SQL stores, as Kysely sees them: one definition for SQLite and PostgreSQL.
 *
 * Conventions, the same in both dialects:
 * - JSON values (claims, roles, the journal, ...) are `text` holding JSON, written with
 *   JSON.stringify and read back through the zod schemas of ../types.ts. Not `jsonb`: jsonb
 *   reorders object keys and refuses `\u0000`, and a login script that iterates over an object's
 *   keys must see them in the order the first run saw (replay is deterministic or it fails).
 * - Booleans are integers 0/1 (SQLite has no boolean type, and better-sqlite3 binds no booleans).
 * - Times are epoch milliseconds as `double precision` (a JS number, exactly).
 * - `seq` is an auto-incremented insertion counter: the order the in-memory store keeps
 *   (outbox, provisioning queue, users found by claim, a user's sessions on equal creation time).
 *   It is never part of a record.
 */
import type { Generated } from 'kysely';

/** 0 or 1. */
export type Flag = number;

export interface UsersTable {
  seq: Generated<number>;
  id: string;
  tenant: string;
  username: string;
  /** As given (`primary`, `PRIMARY`, ...): what getUser returns. */
  user_store_domain: string;
  /** `user_store_domain.toUpperCase()`: user stores are matched case-insensitively. */
  domain_key: string;
  password_hash: string | null;
  /** JSON string[]. */
  roles: string;
  /** JSON string[]. */
  groups: string;
  /** JSON Record<string, string>. */
  claims: string;
  totp_secret: string | null;
  locked: Flag;
  disabled: Flag;
  provisioned_by: string | null;
}

/**
 * An index of users.claims for findUsersByClaim, kept in the same transaction as the user row:
 * one row per (user, claim), `lookup` = SHA-256 of JSON [claim, value]. A hash rather than the
 * value itself so that a long claim value never exceeds an index's size limit; the claims column
 * stays the truth (a match is confirmed against it).
 */
export interface UserClaimsTable {
  tenant: string;
  lookup: string;
  user_id: string;
}

export interface AssociationsTable {
  tenant: string;
  idp: string;
  subject: string;
  user_id: string;
  locked: Flag;
}

export interface SessionsTable {
  seq: Generated<number>;
  tenant: string;
  id: string;
  user_id: string;
  ip: string | null;
  user_agent: string | null;
  login_time: number;
  last_access_time: number;
  created_time: number;
  /** JSON array of { subject, appName, appId }. */
  applications: string;
  /** JSON array of { idp, authenticator }. */
  authenticated: string;
}

export interface FlowsTable {
  id: string;
  tenant: string;
  /** Optimistic concurrency: a save must carry the stored revision + 1. */
  revision: number;
  status: string;
  script_version: string;
  script_source: string;
  /** JSON Record<string, string>, or null for flows started without libraries. */
  libraries: string | null;
  application: string;
  request: string;
  journal: string;
  applied_commands: string;
  logs: string;
  emitted_logs: number;
  used_script_ms: number;
  connections: string;
  waiting: string | null;
  pending_federated: string | null;
  provisioned: string;
  effects: string;
  result: string | null;
  /** JSON Record<string, Json>; null in flows saved before migration 0002. */
  auth_state: string | null;
  /** JSON FlowReceipt[]; null in flows saved before migration 0002. */
  receipts: string | null;
  created_at: number;
  updated_at: number;
}

export interface EmailsTable {
  seq: Generated<number>;
  id: string;
  tenant: string;
  flow_id: string | null;
  /** The recipient (`to` in the record). */
  recipient: string;
  template: string;
  /** JSON Record<string, string>. */
  placeholders: string;
  created_at: number;
}

export interface ProvisioningJobsTable {
  seq: Generated<number>;
  id: string;
  tenant: string;
  flow_id: string;
  idp: string;
  subject: string;
  /** JSON Record<string, Json>. */
  claims: string;
  status: string;
  outcome: string | null;
  created_at: number;
  /** When the job was last claimed (epoch ms); null while queued. Added by migration 0002. */
  claimed_at: number | null;
}

export interface TenantsTable {
  id: string;
  name: string;
  domain: string;
  created_at: number;
  /** JSON object: the tenant's settings, validated by the server; null for none. */
  settings: string | null;
}

export interface CredentialsTable {
  id: string;
  tenant: string;
  kind: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface ApplicationsTable {
  seq: Generated<number>;
  tenant: string;
  id: string;
  name: string;
  /** JSON StepConfig[]. */
  steps: string;
  subject_step: number | null;
  attribute_step: number | null;
  script_enabled: Flag;
  draft_source: string;
  draft_updated_at: number;
  draft_updated_by: string;
  published_version: number | null;
  created_at: number;
  updated_at: number;
}

export interface ScriptVersionsTable {
  tenant: string;
  app_id: string;
  number: number;
  hash: string;
  source: string;
  author: string;
  message: string;
  created_at: number;
}

export interface ConnectionsTable {
  seq: Generated<number>;
  tenant: string;
  name: string;
  /** JSON ConnectionRecord. */
  record: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  tenant: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  /** JSON Record<string, Json>. */
  details: string;
}

export interface IdempotencyKeysTable {
  tenant: string;
  key: string;
  fingerprint: string;
  flow_id: string;
  created_at: number;
}

export interface SavedScenariosTable {
  tenant: string;
  app_id: string;
  /** JSON: the editor's saved scenarios of the application. */
  document: string;
  updated_at: number;
  updated_by: string;
}

export interface SecretsTable {
  tenant: string;
  name: string;
  /** Sealed with a key derived from the server key; never the value. */
  sealed: string;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  user_claims: UserClaimsTable;
  associations: AssociationsTable;
  sessions: SessionsTable;
  flows: FlowsTable;
  emails: EmailsTable;
  provisioning_jobs: ProvisioningJobsTable;
  tenants: TenantsTable;
  credentials: CredentialsTable;
  applications: ApplicationsTable;
  script_versions: ScriptVersionsTable;
  connections: ConnectionsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  saved_scenarios: SavedScenariosTable;
  secrets: SecretsTable;
}

/** The SQL dialects the store speaks. */
export type SqlDialect = 'sqlite' | 'postgres';
