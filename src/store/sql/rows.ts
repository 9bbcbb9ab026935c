/**
 * Records to rows and back. What is read back is validated with the zod schemas of ../types.ts:
 * a row that a bug, a manual edit or a bad migration left in a shape the store does not know is
 * a CorruptRowError naming the table, the row and the field — never a half-valid record.
 */
import { createHash } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { z } from 'zod';
import {
  AssociationSchema,
  EmailSchema,
  FlowRecordSchema,
  LocalUserSchema,
  ProvisioningJobSchema,
  UserSessionSchema,
  type Association,
  type Email,
  type FlowRecord,
  type LocalUser,
  type ProvisioningJob,
  type UserSession,
} from '../types.js';
import type { AssociationsTable, EmailsTable, FlowsTable, ProvisioningJobsTable, SessionsTable, UserClaimsTable, UsersTable } from './schema.js';

/** A stored row that does not read back as a valid record. */
export class CorruptRowError extends Error {
  override readonly name = 'CorruptRowError';
  constructor(
    readonly table: string,
    /** The row's key, e.g. `id 3f2c…` or `tenant t, idp Google, subject 42`. */
    readonly row: string,
    readonly detail: string,
  ) {
    super(`corrupt row in ${table} (${row}): ${detail}`);
  }
}

/** Where a row came from, for errors. */
export interface RowRef {
  readonly table: string;
  readonly row: string;
}

export const json = (value: unknown): string => JSON.stringify(value);

/** Parses a JSON column; the error names the column but never quotes its content (it may hold personal data). */
export function fromJson(ref: RowRef, column: string, text: unknown): unknown {
  if (typeof text !== 'string') throw new CorruptRowError(ref.table, ref.row, `column ${column} holds ${describe(text)}, not JSON text`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CorruptRowError(ref.table, ref.row, `column ${column} is not valid JSON (${text.length} characters)`);
  }
}

function fromJsonOrNull(ref: RowRef, column: string, text: unknown): unknown {
  return text === null ? null : fromJson(ref, column, text);
}

/** 0/1 to a boolean; anything else is left for the schema to refuse. */
export function fromFlag(value: unknown): unknown {
  return value === 1 ? true : value === 0 ? false : value;
}

export const toFlag = (value: boolean): number => (value ? 1 : 0);

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/** Validates an assembled record; the error lists each invalid field by its path. */
export function validate<S extends z.ZodType>(schema: S, ref: RowRef, record: unknown): z.output<S> {
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length === 0 ? '(record)' : i.path.join('.')}: ${i.message}`);
  const more = parsed.error.issues.length > 5 ? `; and ${parsed.error.issues.length - 5} more` : '';
  throw new CorruptRowError(ref.table, ref.row, issues.join('; ') + more);
}

// ---------------------------------------------------------------------------------------------
// Users

export function userRow(user: LocalUser): Insertable<UsersTable> {
  return {
    id: user.id,
    tenant: user.tenant,
    username: user.username,
    user_store_domain: user.userStoreDomain,
    domain_key: domainKey(user.userStoreDomain),
    password_hash: user.passwordHash,
    roles: json(user.roles),
    groups: json(user.groups),
    claims: json(user.claims),
    totp_secret: user.totpSecret,
    locked: toFlag(user.locked),
    disabled: toFlag(user.disabled),
    provisioned_by: user.provisionedBy,
  };
}

/** User stores are matched case-insensitively, as the in-memory store does (JS upper case). */
export const domainKey = (userStoreDomain: string): string => userStoreDomain.toUpperCase();

export type UserColumns = Omit<Selectable<UsersTable>, 'seq' | 'domain_key'>;

export function userFrom(row: UserColumns): LocalUser {
  const ref = { table: 'users', row: `id ${row.id}` };
  return validate(LocalUserSchema, ref, {
    id: row.id,
    tenant: row.tenant,
    username: row.username,
    userStoreDomain: row.user_store_domain,
    passwordHash: row.password_hash,
    roles: fromJson(ref, 'roles', row.roles),
    groups: fromJson(ref, 'groups', row.groups),
    claims: fromJson(ref, 'claims', row.claims),
    totpSecret: row.totp_secret,
    locked: fromFlag(row.locked),
    disabled: fromFlag(row.disabled),
    provisionedBy: row.provisioned_by,
  });
}

/** The index key of one claim value. */
export function claimLookup(claim: string, value: string): string {
  return createHash('sha256').update(json([claim, value])).digest('hex');
}

export function claimRows(tenant: string, userId: string, claims: Readonly<Record<string, string>>): Insertable<UserClaimsTable>[] {
  const lookups = new Set(Object.entries(claims).map(([claim, value]) => claimLookup(claim, value)));
  return [...lookups].map((lookup) => ({ tenant, lookup, user_id: userId }));
}

// ---------------------------------------------------------------------------------------------
// Associations

export function associationRow(a: Association): Insertable<AssociationsTable> {
  return { tenant: a.tenant, idp: a.idp, subject: a.subject, user_id: a.userId, locked: toFlag(a.locked) };
}

export function associationFrom(row: Selectable<AssociationsTable>): Association {
  const ref = { table: 'associations', row: `tenant ${row.tenant}, idp ${row.idp}, subject ${row.subject}` };
  return validate(AssociationSchema, ref, { tenant: row.tenant, idp: row.idp, subject: row.subject, userId: row.user_id, locked: fromFlag(row.locked) });
}

// ---------------------------------------------------------------------------------------------
// Sessions

export type SessionColumns = Omit<Selectable<SessionsTable>, 'seq'>;

export function sessionRow(s: UserSession): Omit<Insertable<SessionsTable>, 'seq'> {
  return {
    tenant: s.tenant,
    id: s.id,
    user_id: s.userId,
    ip: s.ip,
    user_agent: s.userAgent,
    login_time: s.loginTime,
    last_access_time: s.lastAccessTime,
    created_time: s.createdTime,
    applications: json(s.applications),
    authenticated: json(s.authenticated),
  };
}

export function sessionFrom(row: SessionColumns): UserSession {
  const ref = { table: 'sessions', row: `tenant ${row.tenant}, id ${row.id}` };
  return validate(UserSessionSchema, ref, {
    id: row.id,
    tenant: row.tenant,
    userId: row.user_id,
    ip: row.ip,
    userAgent: row.user_agent,
    loginTime: row.login_time,
    lastAccessTime: row.last_access_time,
    createdTime: row.created_time,
    applications: fromJson(ref, 'applications', row.applications),
    authenticated: fromJson(ref, 'authenticated', row.authenticated),
  });
}

// ---------------------------------------------------------------------------------------------
// Flows

export function flowRow(f: FlowRecord): Insertable<FlowsTable> {
  return {
    id: f.id,
    tenant: f.tenant,
    revision: f.revision,
    status: f.status,
    script_version: f.scriptVersion,
    script_source: f.scriptSource,
    libraries: f.libraries === undefined ? null : json(f.libraries),
    application: json(f.application),
    request: json(f.request),
    journal: json(f.journal),
    applied_commands: json(f.appliedCommands),
    logs: json(f.logs),
    emitted_logs: f.emittedLogs,
    used_script_ms: f.usedScriptMs,
    connections: json(f.connections),
    waiting: f.waiting === null ? null : json(f.waiting),
    pending_federated: f.pendingFederated === null ? null : json(f.pendingFederated),
    provisioned: json(f.provisioned),
    effects: json(f.effects),
    result: f.result === null ? null : json(f.result),
    auth_state: json(f.authState),
    receipts: json(f.receipts),
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  };
}

export function flowFrom(row: Selectable<FlowsTable>): FlowRecord {
  const ref = { table: 'flows', row: `id ${row.id}` };
  return validate(FlowRecordSchema, ref, {
    id: row.id,
    tenant: row.tenant,
    revision: row.revision,
    scriptVersion: row.script_version,
    scriptSource: row.script_source,
    ...(row.libraries === null ? {} : { libraries: fromJson(ref, 'libraries', row.libraries) }),
    application: fromJson(ref, 'application', row.application),
    request: fromJson(ref, 'request', row.request),
    journal: fromJson(ref, 'journal', row.journal),
    appliedCommands: fromJson(ref, 'applied_commands', row.applied_commands),
    logs: fromJson(ref, 'logs', row.logs),
    emittedLogs: row.emitted_logs,
    usedScriptMs: row.used_script_ms,
    connections: fromJson(ref, 'connections', row.connections),
    status: row.status,
    waiting: fromJsonOrNull(ref, 'waiting', row.waiting),
    pendingFederated: fromJsonOrNull(ref, 'pending_federated', row.pending_federated),
    provisioned: fromJson(ref, 'provisioned', row.provisioned),
    effects: fromJson(ref, 'effects', row.effects),
    result: fromJsonOrNull(ref, 'result', row.result),
    // Flows saved before migration 0002 have neither.
    authState: row.auth_state === null ? {} : fromJson(ref, 'auth_state', row.auth_state),
    receipts: row.receipts === null ? [] : fromJson(ref, 'receipts', row.receipts),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

// ---------------------------------------------------------------------------------------------
// Outbox and provisioning queue

export type EmailColumns = Omit<Selectable<EmailsTable>, 'seq'>;

export function emailRow(e: Email): Omit<Insertable<EmailsTable>, 'seq'> {
  return { id: e.id, tenant: e.tenant, flow_id: e.flowId, recipient: e.to, template: e.template, placeholders: json(e.placeholders), created_at: e.createdAt };
}

export function emailFrom(row: EmailColumns): Email {
  const ref = { table: 'emails', row: `id ${row.id}` };
  return validate(EmailSchema, ref, {
    id: row.id,
    tenant: row.tenant,
    flowId: row.flow_id,
    to: row.recipient,
    template: row.template,
    placeholders: fromJson(ref, 'placeholders', row.placeholders),
    createdAt: row.created_at,
  });
}

export type JobColumns = Omit<Selectable<ProvisioningJobsTable>, 'seq'>;

export function jobRow(j: ProvisioningJob): Omit<Insertable<ProvisioningJobsTable>, 'seq'> {
  return { id: j.id, tenant: j.tenant, flow_id: j.flowId, idp: j.idp, subject: j.subject, claims: json(j.claims), status: j.status, outcome: j.outcome, created_at: j.createdAt };
}

export function jobFrom(row: JobColumns): ProvisioningJob {
  const ref = { table: 'provisioning_jobs', row: `id ${row.id}` };
  return validate(ProvisioningJobSchema, ref, {
    id: row.id,
    tenant: row.tenant,
    flowId: row.flow_id,
    idp: row.idp,
    subject: row.subject,
    claims: fromJson(ref, 'claims', row.claims),
    status: row.status,
    outcome: row.outcome,
    createdAt: row.created_at,
  });
}
