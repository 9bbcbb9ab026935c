/**
 * 0001: users (with their claim index), federated associations, SSO sessions, flows, the email
 * outbox and the provisioning queue. Types common to both dialects (text, integer, double
 * precision); only the auto-incremented `seq` column is spelled per dialect.
 */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

// Migrations see the database as it was when they were written, not as schema.ts says it is now.
type AnyDb = Kysely<any>;

/** The insertion counter: `integer primary key autoincrement` in SQLite, an identity in PostgreSQL. */
function withSeq<T extends string>(table: CreateTableBuilder<T, never>, dialect: SqlDialect): CreateTableBuilder<T, 'seq'> {
  return dialect === 'sqlite'
    ? table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
}

const flag = (column: string) => sql`${sql.ref(column)} in (0, 1)`;

export async function up(db: AnyDb, dialect: SqlDialect): Promise<void> {
  await withSeq(db.schema.createTable('users'), dialect)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('user_store_domain', 'text', (c) => c.notNull())
    .addColumn('domain_key', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('groups', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('totp_secret', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull().check(flag('locked')))
    .addColumn('disabled', 'integer', (c) => c.notNull().check(flag('disabled')))
    .addColumn('provisioned_by', 'text')
    .addUniqueConstraint('users_name_unique', ['tenant', 'domain_key', 'username'])
    .execute();

  await db.schema
    .createTable('user_claims')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('lookup', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_claims_pk', ['tenant', 'lookup', 'user_id'])
    .execute();
  await db.schema.createIndex('user_claims_user').on('user_claims').column('user_id').execute();

  await db.schema
    .createTable('associations')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('idp', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('locked', 'integer', (c) => c.notNull().check(flag('locked')))
    .addPrimaryKeyConstraint('associations_pk', ['tenant', 'idp', 'subject'])
    .execute();
  await db.schema.createIndex('associations_user').on('associations').columns(['tenant', 'user_id']).execute();

  await withSeq(db.schema.createTable('sessions'), dialect)
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('login_time', 'double precision', (c) => c.notNull())
    .addColumn('last_access_time', 'double precision', (c) => c.notNull())
    .addColumn('created_time', 'double precision', (c) => c.notNull())
    .addColumn('applications', 'text', (c) => c.notNull())
    .addColumn('authenticated', 'text', (c) => c.notNull())
    .addUniqueConstraint('sessions_id_unique', ['tenant', 'id'])
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['tenant', 'user_id', 'created_time']).execute();

  await db.schema
    .createTable('flows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('script_version', 'text', (c) => c.notNull())
    .addColumn('script_source', 'text', (c) => c.notNull())
    .addColumn('libraries', 'text')
    .addColumn('application', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('journal', 'text', (c) => c.notNull())
    .addColumn('applied_commands', 'text', (c) => c.notNull())
    .addColumn('logs', 'text', (c) => c.notNull())
    .addColumn('emitted_logs', 'integer', (c) => c.notNull())
    .addColumn('used_script_ms', 'double precision', (c) => c.notNull())
    .addColumn('connections', 'text', (c) => c.notNull())
    .addColumn('waiting', 'text')
    .addColumn('pending_federated', 'text')
    .addColumn('provisioned', 'text', (c) => c.notNull())
    .addColumn('effects', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flows_tenant').on('flows').columns(['tenant', 'created_at']).execute();

  await withSeq(db.schema.createTable('emails'), dialect)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text')
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('placeholders', 'text', (c) => c.notNull())
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('emails_tenant').on('emails').columns(['tenant', 'seq']).execute();

  await withSeq(db.schema.createTable('provisioning_jobs'), dialect)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('idp', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('provisioning_jobs_status').on('provisioning_jobs').columns(['status', 'seq']).execute();
  await db.schema.createIndex('provisioning_jobs_tenant').on('provisioning_jobs').columns(['tenant', 'seq']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['provisioning_jobs', 'emails', 'flows', 'sessions', 'associations', 'user_claims', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
