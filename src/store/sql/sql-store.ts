/**
 * The Store on SQL: one set of Kysely queries for SQLite and PostgreSQL, with the in-memory
 * store's semantics (../memory-store.ts is the reference; test/store/contract.test.ts runs the
 * same suite against all three).
 *
 * - Values are copied in and out (rows are serialized; nothing the caller holds aliases them).
 * - Records are validated before they are written and when they are read back (./rows.ts): an
 *   invalid record is refused at the write that would have stored it, and a row corrupted behind
 *   the store's back is a CorruptRowError naming the row.
 * - Every method is one statement, or one short transaction that starts with a write (so that, on
 *   SQLite, it takes the write lock first and waits for it instead of failing). Optimistic
 *   concurrency on flows is a single `UPDATE ... WHERE id = ? AND revision = ?`; claiming
 *   provisioning jobs is a single `UPDATE ... RETURNING` over rows selected `FOR UPDATE SKIP
 *   LOCKED` on PostgreSQL (SQLite runs one writer at a time).
 * - Opening, migrating and closing are the concern of ./sqlite.ts and ./postgres.ts.
 */
import { randomUUID } from 'node:crypto';
import type { CompiledQuery, Kysely, MigrationResult } from 'kysely';
import {
  AssociationSchema,
  ConcurrentUpdateError,
  EmailSchema,
  FlowRecordSchema,
  ProvisioningJobSchema,
  UserSessionSchema,
  type Association,
  type AssociationInput,
  type Email,
  type FederatedIdentity,
  type ClaimLease,
  DEFAULT_LEASE_MS,
  type FlowRecord,
  type LocalUser,
  type NewLocalUser,
  type ProvisioningJob,
  type Store,
  type UserPatch,
  type UserCondition,
  type UserSession,
} from '../types.js';
import {
  associationFrom,
  associationRow,
  claimLookup,
  domainKey,
  emailFrom,
  emailRow,
  flowFrom,
  flowRow,
  jobFrom,
  jobRow,
  sessionFrom,
  sessionRow,
  userFrom,
} from './rows.js';
import type { Database, SqlDialect, UsersTable } from './schema.js';
import { SqlAdminStore } from './admin-store.js';
import { check, checkText } from './record-checks.js';
import { insertUser, patchUser } from './user-writes.js';

export { InvalidRecordError } from './record-checks.js';
export { UserNotFoundError } from './user-writes.js';

export interface SqlStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  /**
   * Runs a compiled read at once and returns its rows: given for SQLite (better-sqlite3 is
   * synchronous), it makes getUserSync available. Absent for PostgreSQL.
   */
  readonly readSync?: (query: CompiledQuery) => unknown[];
  /** What the migrations did when the store was opened. */
  readonly migrations?: readonly MigrationResult[];
}

const copy = <T>(v: T): T => structuredClone(v);

export class SqlStore implements Store {
  readonly dialect: SqlDialect;
  /** The migrations this store's open ran, one result each (empty when the database was up to date). */
  readonly migrations: readonly MigrationResult[];
  /** For SQLite only: the flow engine then answers role and group reads inside the script's run. */
  readonly getUserSync?: (tenant: string, userStoreDomain: string, username: string) => LocalUser | null;
  /** Tenants, applications, script versions, connections, credentials, the audit log. */
  readonly admin: SqlAdminStore;
  private readonly db: Kysely<Database>;

  constructor(options: SqlStoreOptions) {
    this.db = options.db;
    this.admin = new SqlAdminStore(options.db);
    this.dialect = options.dialect;
    this.migrations = options.migrations ?? [];
    const readSync = options.readSync;
    if (readSync !== undefined) {
      this.getUserSync = (tenant, userStoreDomain, username) => {
        const [row] = readSync(this.userByName(tenant, userStoreDomain, username).compile()) as UsersTable[];
        return row === undefined ? null : userFrom(row);
      };
    }
  }

  /** Closes the database (the SQLite file, or the PostgreSQL pool). */
  async close(): Promise<void> {
    await this.db.destroy();
  }

  // -------------------------------------------------------------------------------------------
  // Users and federated associations

  private userByName(tenant: string, userStoreDomain: string, username: string) {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('domain_key', '=', domainKey(userStoreDomain))
      .where('username', '=', username);
  }

  async getUser(tenant: string, userStoreDomain: string, username: string): Promise<LocalUser | null> {
    const row = await this.userByName(tenant, userStoreDomain, username).executeTakeFirst();
    return row === undefined ? null : userFrom(row);
  }

  async getUserById(tenant: string, id: string): Promise<LocalUser | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).where('tenant', '=', tenant).executeTakeFirst();
    return row === undefined ? null : userFrom(row);
  }

  async findUsersByClaim(tenant: string, claim: string, value: string): Promise<LocalUser[]> {
    const rows = await this.db
      .selectFrom('user_claims')
      .innerJoin('users', 'users.id', 'user_claims.user_id')
      .selectAll('users')
      .where('user_claims.tenant', '=', tenant)
      .where('user_claims.lookup', '=', claimLookup(claim, value))
      .where('users.tenant', '=', tenant)
      .orderBy('users.seq')
      .execute();
    // The index finds candidates; the claims column decides.
    return rows.map(userFrom).filter((u) => Object.hasOwn(u.claims, claim) && u.claims[claim] === value);
  }

  async createUser(tenant: string, user: NewLocalUser, federated?: FederatedIdentity): Promise<LocalUser> {
    return this.db.transaction().execute(async (trx) => {
      const created = await insertUser(trx, tenant, user);
      if (federated !== undefined) {
        const row = associationRow({ tenant, idp: federated.idp, subject: federated.subject, userId: created.id, locked: false });
        checkText(`association ${federated.idp}/${federated.subject}`, row, ['idp', 'subject']);
        // Replaces an association of a deleted user, as associate() does.
        await trx
          .insertInto('associations')
          .values(row)
          .onConflict((oc) => oc.columns(['tenant', 'idp', 'subject']).doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id'), locked: eb.ref('excluded.locked') })))
          .execute();
      }
      return created;
    });
  }

  async updateUser(tenant: string, id: string, patch: UserPatch): Promise<LocalUser> {
    return this.db.transaction().execute(async (trx) => (await patchUser(trx, tenant, id, patch))!);
  }

  async updateUserIf(tenant: string, id: string, expected: UserCondition, patch: UserPatch): Promise<LocalUser | null> {
    return this.db.transaction().execute((trx) => patchUser(trx, tenant, id, patch, expected));
  }

  async getAssociation(tenant: string, idp: string, subject: string): Promise<Association | null> {
    const row = await this.db
      .selectFrom('associations')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('idp', '=', idp)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row === undefined ? null : associationFrom(row);
  }

  async associate(input: AssociationInput): Promise<{ created: boolean }> {
    const association = AssociationSchema.parse(input);
    const row = associationRow(association);
    checkText(`association ${association.idp}/${association.subject}`, row, ['tenant', 'idp', 'subject', 'user_id']);
    // Inserted, or replaced when it pointed at another user; untouched (no row returned) when it
    // already points at this one.
    const written = await this.db
      .insertInto('associations')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['tenant', 'idp', 'subject'])
          .doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id'), locked: eb.ref('excluded.locked') }))
          .where((eb) => eb('associations.user_id', '<>', eb.ref('excluded.user_id'))),
      )
      .returning('tenant')
      .execute();
    return { created: written.length > 0 };
  }

  async setAssociationLocked(tenant: string, idp: string, subject: string, locked: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('associations')
      .set({ locked: locked ? 1 : 0 })
      .where('tenant', '=', tenant)
      .where('idp', '=', idp)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async dissociate(tenant: string, idp: string, subject: string): Promise<boolean> {
    const result = await this.db.deleteFrom('associations').where('tenant', '=', tenant).where('idp', '=', idp).where('subject', '=', subject).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  // -------------------------------------------------------------------------------------------
  // Provisioning queue

  async enqueueProvisioning(job: Omit<ProvisioningJob, 'id' | 'status' | 'outcome'>): Promise<ProvisioningJob> {
    const stored: ProvisioningJob = { ...copy(job), id: randomUUID(), status: 'queued', outcome: null };
    check(ProvisioningJobSchema, `a provisioning job of flow ${job.flowId}`, stored);
    const row = jobRow(stored);
    checkText(`a provisioning job of flow ${job.flowId}`, row, ['tenant', 'flow_id', 'idp', 'subject']);
    await this.db.insertInto('provisioning_jobs').values(row).execute();
    return stored;
  }

  async claimProvisioningJobs(limit: number, lease: ClaimLease = {}): Promise<ProvisioningJob[]> {
    const now = lease.now ?? Date.now();
    const cutoff = now - (lease.leaseMs ?? DEFAULT_LEASE_MS);
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    // The candidates are chosen once, in a materialized CTE: as `IN (subquery)`, PostgreSQL may
    // run the subquery again for each row it updates and claim more than `limit`.
    const rows = await this.db
      .with(
        (cte) => cte('claimed').materialized(),
        (db) =>
          db
            .selectFrom('provisioning_jobs')
            .select('seq')
            .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('claimed_at', '<', cutoff)])]))
            .orderBy('seq')
            .limit(count)
            // Two processes claiming at once each skip the rows the other has locked.
            .$if(this.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
      )
      .updateTable('provisioning_jobs')
      .set({ status: 'running', claimed_at: now })
      .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('claimed_at', '<', cutoff)])]))
      .where('seq', 'in', (eb) => eb.selectFrom('claimed').select('claimed.seq'))
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.seq - b.seq).map(jobFrom);
  }

  async finishProvisioningJob(id: string, status: 'done' | 'failed', outcome: string): Promise<void> {
    const result = await this.db.updateTable('provisioning_jobs').set({ status, outcome }).where('id', '=', id).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new Error(`no provisioning job ${id}`);
  }

  async provisioningJobs(tenant: string): Promise<ProvisioningJob[]> {
    const rows = await this.db.selectFrom('provisioning_jobs').selectAll().where('tenant', '=', tenant).orderBy('seq').execute();
    return rows.map(jobFrom);
  }

  // -------------------------------------------------------------------------------------------
  // SSO sessions

  async createSession(session: UserSession): Promise<UserSession> {
    check(UserSessionSchema, `session ${session.id}`, session);
    const row = sessionRow(session);
    checkText(`session ${session.id}`, row, ['tenant', 'id', 'user_id', 'ip', 'user_agent']);
    const { tenant: _tenant, id: _id, ...rest } = row;
    await this.db
      .insertInto('sessions')
      .values(row)
      // An existing id is replaced (and keeps its place among sessions created at the same time).
      .onConflict((oc) => oc.columns(['tenant', 'id']).doUpdateSet(rest))
      .execute();
    return copy(session);
  }

  async getSession(tenant: string, id: string): Promise<UserSession | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : sessionFrom(row);
  }

  async sessionsOfUser(tenant: string, userId: string): Promise<UserSession[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('user_id', '=', userId)
      .orderBy('created_time')
      .orderBy('seq')
      .execute();
    return rows.map(sessionFrom);
  }

  async terminateSession(tenant: string, userId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('tenant', '=', tenant).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  // -------------------------------------------------------------------------------------------
  // Flows

  async createFlow(flow: FlowRecord): Promise<void> {
    check(FlowRecordSchema, `flow ${flow.id}`, flow);
    const row = flowRow(flow);
    checkText(`flow ${flow.id}`, row, FLOW_TEXT);
    const inserted = await this.db
      .insertInto('flows')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    if (inserted.length === 0) throw new ConcurrentUpdateError(`flow ${flow.id} exists`);
  }

  async getFlow(id: string): Promise<FlowRecord | null> {
    const row = await this.db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : flowFrom(row);
  }

  async saveFlow(flow: FlowRecord): Promise<void> {
    check(FlowRecordSchema, `flow ${flow.id}`, flow);
    const row = flowRow(flow);
    checkText(`flow ${flow.id}`, row, FLOW_TEXT);
    const { id, ...columns } = row;
    const result = await this.db
      .updateTable('flows')
      .set(columns)
      .where('id', '=', id)
      .where('revision', '=', flow.revision - 1)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return;
    const stored = await this.db.selectFrom('flows').select('revision').where('id', '=', id).executeTakeFirst();
    throw new ConcurrentUpdateError(`flow ${flow.id} was changed by another request (revision ${stored?.revision ?? 'none'}, expected ${flow.revision - 1})`);
  }

  // -------------------------------------------------------------------------------------------
  // Email outbox

  async enqueueEmail(email: Omit<Email, 'id'>): Promise<Email> {
    const stored: Email = { ...copy(email), id: randomUUID() };
    check(EmailSchema, `an email of flow ${email.flowId ?? '(none)'}`, stored);
    const row = emailRow(stored);
    checkText(`an email of flow ${email.flowId ?? '(none)'}`, row, ['tenant', 'flow_id', 'recipient', 'template']);
    await this.db.insertInto('emails').values(row).execute();
    return stored;
  }

  async emails(tenant: string): Promise<Email[]> {
    const rows = await this.db.selectFrom('emails').selectAll().where('tenant', '=', tenant).orderBy('seq').execute();
    return rows.map(emailFrom);
  }
}

const FLOW_TEXT = ['id', 'tenant', 'status', 'script_version', 'script_source'] as const;
