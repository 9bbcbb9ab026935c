/**
 * The AdminRepository on SQL (SQLite and PostgreSQL, one set of Kysely queries). Every change is
 * one transaction with its audit entry. Records are validated before they are written and when
 * they are read back, as in ./sql-store.ts.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import {
  ApplicationRecordSchema,
  AuditEntrySchema,
  ConnectionRecordSchema,
  CredentialSchema,
  IdempotencyRecordSchema,
  NotFoundError,
  SavedScenariosSchema,
  ScriptVersionSchema,
  TenantSchema,
  ConflictError,
  type AdminRepository,
  type ApplicationPatch,
  type ApplicationRecord,
  type AuditEntry,
  type AuditInput,
  type ConnectionRecord,
  type Credential,
  type IdempotencyRecord,
  type NewApplication,
  type SavedScenarios,
  type ScriptVersion,
  type Tenant,
} from '../admin-types.js';
import type { Association, LocalUser, NewLocalUser, UserPatch } from '../types.js';
import type { Json } from '../../../runtime/protocol.js';
import { associationFrom, CorruptRowError, fromFlag, fromJson, json, toFlag, userFrom, validate } from './rows.js';
import type { ApplicationsTable, Database } from './schema.js';
import { check, checkText } from './record-checks.js';
import { insertUser, patchUser } from './user-writes.js';

export class SqlAdminStore implements AdminRepository {
  constructor(private readonly db: Kysely<Database>) {}

  // -------------------------------------------------------------------------------------------
  // Tenants and credentials

  async createTenant(tenant: Tenant): Promise<Tenant> {
    check(TenantSchema, `tenant ${tenant.id}`, tenant);
    checkText(`tenant ${tenant.id}`, tenant, ['id', 'name', 'domain']);
    const inserted = await this.db
      .insertInto('tenants')
      .values({ id: tenant.id, name: tenant.name, domain: tenant.domain, created_at: tenant.createdAt, settings: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    if (inserted.length === 0) throw new ConflictError(`a tenant ${tenant.id} exists`);
    return { ...tenant };
  }

  async getTenant(id: string): Promise<Tenant | null> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : tenantFrom(row);
  }

  async getTenantSettings(id: string): Promise<Record<string, Json>> {
    const row = await this.db.selectFrom('tenants').select('settings').where('id', '=', id).executeTakeFirst();
    if (row === undefined || row.settings === null) return {};
    const parsed = fromJson({ table: 'tenants', row: `id ${id}` }, 'settings', row.settings);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CorruptRowError('tenants', `id ${id}`, 'column settings is not a JSON object');
    return parsed as Record<string, Json>;
  }

  async putTenantSettings(id: string, settings: Record<string, Json>, audit: AuditInput): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('tenants').set({ settings: json(settings) }).where('id', '=', id).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new NotFoundError(`no tenant ${id}`);
      await insertAudit(trx, id, audit, Date.now());
    });
  }

  async listTenants(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(tenantFrom);
  }

  async createCredential(credential: Credential, audit: AuditInput | null): Promise<Credential> {
    check(CredentialSchema, `credential ${credential.id}`, credential);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('credentials')
        .values({
          id: credential.id,
          tenant: credential.tenant,
          kind: credential.kind,
          name: credential.name,
          secret_hash: credential.secretHash,
          created_at: credential.createdAt,
          last_used_at: credential.lastUsedAt,
        })
        .execute();
      if (audit !== null) await insertAudit(trx, credential.tenant, audit, credential.createdAt);
    });
    return { ...credential };
  }

  async getCredential(id: string): Promise<Credential | null> {
    const row = await this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : credentialFrom(row);
  }

  async listCredentials(tenant: string, kind: Credential['kind']): Promise<Credential[]> {
    const rows = await this.db.selectFrom('credentials').selectAll().where('tenant', '=', tenant).where('kind', '=', kind).orderBy('created_at').execute();
    return rows.map(credentialFrom);
  }

  async deleteCredential(tenant: string, id: string, audit: AuditInput): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('credentials').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await insertAudit(trx, tenant, audit, Date.now());
      return true;
    });
  }

  async touchCredential(id: string, at: number): Promise<void> {
    await this.db.updateTable('credentials').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  // -------------------------------------------------------------------------------------------
  // Applications and script versions

  async createApplication(tenant: string, app: NewApplication, at: number, audit: AuditInput): Promise<ApplicationRecord> {
    const record: ApplicationRecord = {
      tenant,
      id: randomUUID(),
      name: app.name,
      steps: structuredClone(app.steps),
      subjectStep: app.subjectStep,
      attributeStep: app.attributeStep,
      scriptEnabled: app.scriptEnabled,
      draft: { source: app.draft, updatedAt: at, updatedBy: audit.actor },
      publishedVersion: null,
      createdAt: at,
      updatedAt: at,
    };
    check(ApplicationRecordSchema, `application ${app.name}`, record);
    checkText(`application ${app.name}`, { name: record.name, draft: app.draft }, ['name', 'draft']);
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('applications').values(applicationRow(record)).execute();
      await insertAudit(trx, tenant, { ...audit, target: record.id }, at);
    });
    return record;
  }

  async getApplication(tenant: string, id: string): Promise<ApplicationRecord | null> {
    const row = await this.db.selectFrom('applications').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : applicationFrom(row);
  }

  async listApplications(tenant: string): Promise<ApplicationRecord[]> {
    const rows = await this.db.selectFrom('applications').selectAll().where('tenant', '=', tenant).orderBy('seq').execute();
    return rows.map(applicationFrom);
  }

  async updateApplication(tenant: string, id: string, patch: ApplicationPatch, at: number, audit: AuditInput): Promise<ApplicationRecord> {
    return this.changeApplication(tenant, id, at, audit, (app) => ({ ...app, ...structuredClone(patch), updatedAt: at }));
  }

  async saveDraft(tenant: string, id: string, source: string, by: string, at: number, audit: AuditInput): Promise<ApplicationRecord> {
    checkText(`the draft of application ${id}`, { source }, ['source']);
    return this.changeApplication(tenant, id, at, audit, (app) => ({ ...app, draft: { source, updatedAt: at, updatedBy: by }, updatedAt: at }));
  }

  private async changeApplication(tenant: string, id: string, at: number, audit: AuditInput, change: (app: ApplicationRecord) => ApplicationRecord): Promise<ApplicationRecord> {
    return this.db.transaction().execute(async (trx) => {
      // The write first: on SQLite the transaction then holds the write lock before it reads.
      const touched = await trx.updateTable('applications').set({ updated_at: at }).where('tenant', '=', tenant).where('id', '=', id).returningAll().executeTakeFirst();
      if (touched === undefined) throw new NotFoundError(`no application ${id}`);
      const next = change(applicationFrom(touched));
      check(ApplicationRecordSchema, `application ${id}`, next);
      checkText(`application ${id}`, { name: next.name }, ['name']);
      const { seq: _seq, ...row } = { seq: 0, ...applicationRow(next) };
      await trx.updateTable('applications').set(row).where('tenant', '=', tenant).where('id', '=', id).execute();
      await insertAudit(trx, tenant, audit, at);
      return next;
    });
  }

  async deleteApplication(tenant: string, id: string, audit: AuditInput): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('applications').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await trx.deleteFrom('script_versions').where('tenant', '=', tenant).where('app_id', '=', id).execute();
      await trx.deleteFrom('saved_scenarios').where('tenant', '=', tenant).where('app_id', '=', id).execute();
      await insertAudit(trx, tenant, audit, Date.now());
      return true;
    });
  }

  async publishVersion(tenant: string, appId: string, version: Pick<ScriptVersion, 'hash' | 'source' | 'author' | 'message'>, at: number, audit: AuditInput): Promise<ScriptVersion> {
    checkText(`a version of application ${appId}`, version, ['source', 'author', 'message']);
    return this.db.transaction().execute(async (trx) => {
      const touched = await trx.updateTable('applications').set({ updated_at: at }).where('tenant', '=', tenant).where('id', '=', appId).returning('id').executeTakeFirst();
      if (touched === undefined) throw new NotFoundError(`no application ${appId}`);
      const last = await trx.selectFrom('script_versions').select((eb) => eb.fn.max('number').as('n')).where('tenant', '=', tenant).where('app_id', '=', appId).executeTakeFirst();
      const number = Number(last?.n ?? 0) + 1;
      const stored: ScriptVersion = { tenant, appId, number, ...version, createdAt: at };
      check(ScriptVersionSchema, `version ${number} of application ${appId}`, stored);
      await trx
        .insertInto('script_versions')
        .values({ tenant, app_id: appId, number, hash: version.hash, source: version.source, author: version.author, message: version.message, created_at: at })
        .execute();
      await trx.updateTable('applications').set({ published_version: number }).where('tenant', '=', tenant).where('id', '=', appId).execute();
      await insertAudit(trx, tenant, { ...audit, details: { ...audit.details, version: number } }, at);
      return stored;
    });
  }

  async listVersions(tenant: string, appId: string): Promise<ScriptVersion[]> {
    const rows = await this.db.selectFrom('script_versions').selectAll().where('tenant', '=', tenant).where('app_id', '=', appId).orderBy('number', 'desc').execute();
    return rows.map(versionFrom);
  }

  async getVersion(tenant: string, appId: string, number: number): Promise<ScriptVersion | null> {
    const row = await this.db.selectFrom('script_versions').selectAll().where('tenant', '=', tenant).where('app_id', '=', appId).where('number', '=', number).executeTakeFirst();
    return row === undefined ? null : versionFrom(row);
  }

  // -------------------------------------------------------------------------------------------
  // Connections

  async createConnection(connection: ConnectionRecord, audit: AuditInput): Promise<ConnectionRecord> {
    check(ConnectionRecordSchema, `connection ${connection.name}`, connection);
    checkText(`connection ${connection.name}`, connection, ['name']);
    await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('connections')
        .values({ tenant: connection.tenant, name: connection.name, record: json(connection) })
        .onConflict((oc) => oc.columns(['tenant', 'name']).doNothing())
        .returning('name')
        .execute();
      if (inserted.length === 0) throw new ConflictError(`a connection named ${connection.name} exists`);
      await insertAudit(trx, connection.tenant, audit, connection.updatedAt);
    });
    return structuredClone(connection);
  }

  async getConnection(tenant: string, name: string): Promise<ConnectionRecord | null> {
    const row = await this.db.selectFrom('connections').selectAll().where('tenant', '=', tenant).where('name', '=', name).executeTakeFirst();
    return row === undefined ? null : connectionFrom(row);
  }

  async listConnections(tenant: string): Promise<ConnectionRecord[]> {
    const rows = await this.db.selectFrom('connections').selectAll().where('tenant', '=', tenant).orderBy('seq').execute();
    return rows.map(connectionFrom);
  }

  async replaceConnection(connection: ConnectionRecord, audit: AuditInput): Promise<ConnectionRecord> {
    check(ConnectionRecordSchema, `connection ${connection.name}`, connection);
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('connections')
        .set({ record: json(connection) })
        .where('tenant', '=', connection.tenant)
        .where('name', '=', connection.name)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new NotFoundError(`no connection ${connection.name}`);
      await insertAudit(trx, connection.tenant, audit, connection.updatedAt);
    });
    return structuredClone(connection);
  }

  async deleteConnection(tenant: string, name: string, provisionedUsers: 'delete' | 'keep', audit: AuditInput): Promise<{ deleted: boolean; usersDeleted: number }> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('connections').where('tenant', '=', tenant).where('name', '=', name).executeTakeFirst();
      if (result.numDeletedRows === 0n) return { deleted: false, usersDeleted: 0 };
      await trx.deleteFrom('associations').where('tenant', '=', tenant).where('idp', '=', name).execute();
      let usersDeleted = 0;
      const provisioned = trx.selectFrom('users').select('id').where('tenant', '=', tenant).where('provisioned_by', '=', name);
      if (provisionedUsers === 'delete') {
        const ids = (await provisioned.execute()).map((r) => r.id);
        for (const id of ids) await deleteUserRows(trx, tenant, id);
        usersDeleted = ids.length;
      } else {
        await trx.updateTable('users').set({ provisioned_by: null }).where('tenant', '=', tenant).where('provisioned_by', '=', name).execute();
      }
      await insertAudit(trx, tenant, { ...audit, details: { ...audit.details, provisionedUsers, usersDeleted } }, Date.now());
      return { deleted: true, usersDeleted };
    });
  }

  async countProvisionedUsers(tenant: string, connection: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant', '=', tenant)
      .where('provisioned_by', '=', connection)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  // -------------------------------------------------------------------------------------------
  // Users

  async listUsers(tenant: string, query: { search?: string; limit: number; offset: number }): Promise<{ users: LocalUser[]; total: number }> {
    let base = this.db.selectFrom('users').where('tenant', '=', tenant);
    if (query.search !== undefined && query.search !== '') {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
      // ESCAPE names the backslash: SQLite's LIKE has no escape character unless told, so "_" and
      // "%" in a search would otherwise stay wildcards (and their escapes literal backslashes).
      base = base.where(sql<boolean>`lower(username) like ${pattern} escape '\\'`);
    }
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('seq').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { users: rows.map(userFrom), total: Number(count?.n ?? 0) };
  }

  async createUserAudited(tenant: string, user: NewLocalUser, audit: AuditInput): Promise<LocalUser> {
    return this.db.transaction().execute(async (trx) => {
      const created = await insertUser(trx, tenant, user);
      await insertAudit(trx, tenant, { ...audit, target: created.id }, Date.now());
      return created;
    });
  }

  async updateUserAudited(tenant: string, id: string, patch: UserPatch, audit: AuditInput): Promise<LocalUser> {
    return this.db.transaction().execute(async (trx) => {
      const user = (await patchUser(trx, tenant, id, patch))!;
      await insertAudit(trx, tenant, audit, Date.now());
      return user;
    });
  }

  async setAssociationLockedAudited(tenant: string, userId: string, idp: string, subject: string, locked: boolean, audit: AuditInput): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('associations')
        .set({ locked: toFlag(locked) })
        .where('tenant', '=', tenant)
        .where('user_id', '=', userId)
        .where('idp', '=', idp)
        .where('subject', '=', subject)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await insertAudit(trx, tenant, audit, Date.now());
      return true;
    });
  }

  async deleteUser(tenant: string, id: string, audit: AuditInput): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await deleteUserRows(trx, tenant, id);
      if (deleted) await insertAudit(trx, tenant, audit, Date.now());
      return deleted;
    });
  }

  async associationsOfUser(tenant: string, userId: string): Promise<Association[]> {
    const rows = await this.db.selectFrom('associations').selectAll().where('tenant', '=', tenant).where('user_id', '=', userId).orderBy('idp').orderBy('subject').execute();
    return rows.map(associationFrom);
  }

  // -------------------------------------------------------------------------------------------
  // Script secrets (sealed by the server)

  async listSecrets(tenant: string): Promise<{ name: string; updatedAt: number }[]> {
    const rows = await this.db.selectFrom('secrets').select(['name', 'updated_at']).where('tenant', '=', tenant).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, updatedAt: r.updated_at }));
  }

  async sealedSecrets(tenant: string): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('secrets').select(['name', 'sealed']).where('tenant', '=', tenant).execute();
    return Object.fromEntries(rows.map((r) => [r.name, r.sealed]));
  }

  async putSecret(tenant: string, name: string, sealed: string, at: number, audit: AuditInput): Promise<void> {
    checkText(`secret ${name}`, { name, sealed }, ['name', 'sealed']);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('secrets')
        .values({ tenant, name, sealed, updated_at: at })
        .onConflict((oc) => oc.columns(['tenant', 'name']).doUpdateSet({ sealed, updated_at: at }))
        .execute();
      await insertAudit(trx, tenant, audit, at);
    });
  }

  async deleteSecret(tenant: string, name: string, audit: AuditInput): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('secrets').where('tenant', '=', tenant).where('name', '=', name).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await insertAudit(trx, tenant, audit, Date.now());
      return true;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Saved scenarios

  async getSavedScenarios(tenant: string, appId: string): Promise<SavedScenarios> {
    const row = await this.db.selectFrom('saved_scenarios').selectAll().where('tenant', '=', tenant).where('app_id', '=', appId).executeTakeFirst();
    if (row === undefined) return { scenarios: [], updatedAt: null, updatedBy: null };
    const ref = { table: 'saved_scenarios', row: `app ${appId}` };
    return validate(SavedScenariosSchema, ref, { scenarios: fromJson(ref, 'document', row.document), updatedAt: row.updated_at, updatedBy: row.updated_by });
  }

  async putSavedScenarios(tenant: string, appId: string, scenarios: SavedScenarios['scenarios'], by: string, at: number, audit: AuditInput): Promise<SavedScenarios> {
    const saved: SavedScenarios = { scenarios: structuredClone(scenarios), updatedAt: at, updatedBy: by };
    check(SavedScenariosSchema, `the saved scenarios of application ${appId}`, saved);
    await this.db.transaction().execute(async (trx) => {
      const touched = await trx.updateTable('applications').set({ updated_at: at }).where('tenant', '=', tenant).where('id', '=', appId).returning('id').executeTakeFirst();
      if (touched === undefined) throw new NotFoundError(`no application ${appId}`);
      await trx
        .insertInto('saved_scenarios')
        .values({ tenant, app_id: appId, document: json(saved.scenarios), updated_at: at, updated_by: by })
        .onConflict((oc) => oc.columns(['tenant', 'app_id']).doUpdateSet({ document: json(saved.scenarios), updated_at: at, updated_by: by }))
        .execute();
      await insertAudit(trx, tenant, audit, at);
    });
    return saved;
  }

  // -------------------------------------------------------------------------------------------
  // Audit log and idempotency keys

  async appendAudit(tenant: string, entry: AuditInput, at: number): Promise<void> {
    await this.db.transaction().execute((trx) => insertAudit(trx, tenant, entry, at));
  }

  async auditLog(tenant: string, query: { limit: number; before?: number }): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('tenant', '=', tenant);
    if (query.before !== undefined) q = q.where('seq', '<', query.before);
    const rows = await q.orderBy('seq', 'desc').limit(query.limit).execute();
    return rows.map((row) => {
      const ref = { table: 'audit_log', row: `id ${row.id}` };
      return validate(AuditEntrySchema, ref, { id: row.id, tenant: row.tenant, at: row.at, actor: row.actor, action: row.action, target: row.target, details: fromJson(ref, 'details', row.details) });
    });
  }

  /** The position of an entry, for `before` paging (the log's insertion order). */
  async auditCursor(tenant: string, id: string): Promise<number | null> {
    const row = await this.db.selectFrom('audit_log').select('seq').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : Number(row.seq);
  }

  async putIdempotency(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    check(IdempotencyRecordSchema, `idempotency key ${record.key}`, record);
    checkText(`idempotency key ${record.key}`, record, ['key']);
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ tenant: record.tenant, key: record.key, fingerprint: record.fingerprint, flow_id: record.flowId, created_at: record.createdAt })
      .onConflict((oc) => oc.columns(['tenant', 'key']).doNothing())
      .returning('key')
      .execute();
    if (inserted.length > 0) return { ...record };
    const stored = await this.getIdempotency(record.tenant, record.key);
    if (stored === null) throw new Error(`idempotency key ${record.key} vanished while it was being stored`);
    return stored;
  }

  async getIdempotency(tenant: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('tenant', '=', tenant).where('key', '=', key).executeTakeFirst();
    if (row === undefined) return null;
    return validate(IdempotencyRecordSchema, { table: 'idempotency_keys', row: `key ${key}` }, { tenant: row.tenant, key: row.key, fingerprint: row.fingerprint, flowId: row.flow_id, createdAt: row.created_at });
  }
}

async function insertAudit(trx: Transaction<Database>, tenant: string, entry: AuditInput, at: number): Promise<void> {
  const stored: AuditEntry = { id: randomUUID(), tenant, at, ...entry };
  check(AuditEntrySchema, `an audit entry (${entry.action})`, stored);
  await trx
    .insertInto('audit_log')
    .values({ id: stored.id, tenant, at, actor: stored.actor, action: stored.action, target: stored.target, details: json(stored.details) })
    .execute();
}

async function deleteUserRows(trx: Transaction<Database>, tenant: string, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('users').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) return false;
  await trx.deleteFrom('user_claims').where('tenant', '=', tenant).where('user_id', '=', id).execute();
  await trx.deleteFrom('associations').where('tenant', '=', tenant).where('user_id', '=', id).execute();
  await trx.deleteFrom('sessions').where('tenant', '=', tenant).where('user_id', '=', id).execute();
  return true;
}

function tenantFrom(row: Selectable<Database['tenants']>): Tenant {
  return validate(TenantSchema, { table: 'tenants', row: `id ${row.id}` }, { id: row.id, name: row.name, domain: row.domain, createdAt: row.created_at });
}

function credentialFrom(row: Selectable<Database['credentials']>): Credential {
  return validate(CredentialSchema, { table: 'credentials', row: `id ${row.id}` }, {
    id: row.id,
    tenant: row.tenant,
    kind: row.kind,
    name: row.name,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  });
}

function applicationRow(app: ApplicationRecord): Omit<ApplicationsTable, 'seq'> {
  return {
    tenant: app.tenant,
    id: app.id,
    name: app.name,
    steps: json(app.steps),
    subject_step: app.subjectStep,
    attribute_step: app.attributeStep,
    script_enabled: toFlag(app.scriptEnabled),
    draft_source: app.draft.source,
    draft_updated_at: app.draft.updatedAt,
    draft_updated_by: app.draft.updatedBy,
    published_version: app.publishedVersion,
    created_at: app.createdAt,
    updated_at: app.updatedAt,
  };
}

function applicationFrom(row: Selectable<ApplicationsTable>): ApplicationRecord {
  const ref = { table: 'applications', row: `id ${row.id}` };
  return validate(ApplicationRecordSchema, ref, {
    tenant: row.tenant,
    id: row.id,
    name: row.name,
    steps: fromJson(ref, 'steps', row.steps),
    subjectStep: row.subject_step,
    attributeStep: row.attribute_step,
    scriptEnabled: fromFlag(row.script_enabled),
    draft: { source: row.draft_source, updatedAt: row.draft_updated_at, updatedBy: row.draft_updated_by },
    publishedVersion: row.published_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function versionFrom(row: Selectable<Database['script_versions']>): ScriptVersion {
  return validate(ScriptVersionSchema, { table: 'script_versions', row: `app ${row.app_id} number ${row.number}` }, {
    tenant: row.tenant,
    appId: row.app_id,
    number: row.number,
    hash: row.hash,
    source: row.source,
    author: row.author,
    message: row.message,
    createdAt: row.created_at,
  });
}

function connectionFrom(row: Selectable<Database['connections']>): ConnectionRecord {
  const ref = { table: 'connections', row: `name ${row.name}` };
  return validate(ConnectionRecordSchema, ref, fromJson(ref, 'record', row.record));
}
