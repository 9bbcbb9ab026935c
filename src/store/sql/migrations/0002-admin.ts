/**
 * 0002: what the server keeps besides logins (tenants, credentials, applications, published
 * script versions, connections, the audit log, flow-start idempotency keys, the editor's saved
 * scenarios per application, scripts' sealed secrets), two columns of
 * flows: the authenticators' state and the interactions' receipts (null in older rows), and the
 * claim time of provisioning jobs.
 */
import { type CreateTableBuilder, type Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

// Migrations see the database as it was when they were written, not as schema.ts says it is now.
type AnyDb = Kysely<any>;

function withSeq<T extends string>(table: CreateTableBuilder<T, never>, dialect: SqlDialect): CreateTableBuilder<T, 'seq'> {
  return dialect === 'sqlite'
    ? table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
}

export async function up(db: AnyDb, dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('flows').addColumn('auth_state', 'text').execute();
  await db.schema.alterTable('flows').addColumn('receipts', 'text').execute();
  // A claim's time, so a job whose claimer died is claimed again after a lease.
  await db.schema.alterTable('provisioning_jobs').addColumn('claimed_at', 'double precision').execute();

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    /** JSON: the tenant's settings (sandbox limits, HTTP allow-list, lockout, email OTP); null for none. */
    .addColumn('settings', 'text')
    .execute();

  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('last_used_at', 'double precision')
    .execute();
  await db.schema.createIndex('credentials_tenant').on('credentials').columns(['tenant', 'kind']).execute();

  await withSeq(db.schema.createTable('applications'), dialect)
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('subject_step', 'integer')
    .addColumn('attribute_step', 'integer')
    .addColumn('script_enabled', 'integer', (c) => c.notNull())
    .addColumn('draft_source', 'text', (c) => c.notNull())
    .addColumn('draft_updated_at', 'double precision', (c) => c.notNull())
    .addColumn('draft_updated_by', 'text', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'double precision', (c) => c.notNull())
    .addUniqueConstraint('applications_id_unique', ['tenant', 'id'])
    .execute();

  await db.schema
    .createTable('script_versions')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('script_versions_pk', ['tenant', 'app_id', 'number'])
    .execute();

  await withSeq(db.schema.createTable('connections'), dialect)
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** The whole ConnectionRecord as JSON; the key columns above are for lookups. */
    .addColumn('record', 'text', (c) => c.notNull())
    .addUniqueConstraint('connections_name_unique', ['tenant', 'name'])
    .execute();

  await withSeq(db.schema.createTable('audit_log'), dialect)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('at', 'double precision', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_tenant').on('audit_log').columns(['tenant', 'seq']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['tenant', 'key'])
    .execute();

  await db.schema
    .createTable('saved_scenarios')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'double precision', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('saved_scenarios_pk', ['tenant', 'app_id'])
    .execute();

  await db.schema
    .createTable('secrets')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** Sealed with the server key (AES-256-GCM); never the value itself. */
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('secrets_pk', ['tenant', 'name'])
    .execute();

  await db.schema.createIndex('users_provisioned_by').on('users').columns(['tenant', 'provisioned_by']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('users_provisioned_by').execute();
  for (const table of ['secrets', 'saved_scenarios', 'idempotency_keys', 'audit_log', 'connections', 'script_versions', 'applications', 'credentials', 'tenants']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('provisioning_jobs').dropColumn('claimed_at').execute();
  await db.schema.alterTable('flows').dropColumn('receipts').execute();
  await db.schema.alterTable('flows').dropColumn('auth_state').execute();
}
