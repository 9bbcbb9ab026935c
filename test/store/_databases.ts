/**
 * The databases the store tests run against: `for (const dialect of DIALECTS)`.
 *
 * - memory: the reference (a MemoryStore; "another instance" is the same one, there is no file).
 * - sqlite: a fresh file in a temporary folder, deleted at the end.
 * - postgres: a fresh database `authscript_test_<random>` created on the server at
 *   AUTHSCRIPT_TEST_PG (default postgres://postgres@127.0.0.1:5432/test, the CI machine's) and
 *   dropped at the end. An unreachable server fails the tests: it is never a reason to skip them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { MemoryStore } from '../../src/store/memory-store.js';
import { openPostgresStore } from '../../src/store/sql/postgres.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { openSqliteStore } from '../../src/store/sql/sqlite.js';
import type { Store } from '../../src/store/types.js';

export const DIALECTS = ['memory', 'sqlite', 'postgres'] as const;
export const SQL_DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];
export type SqlDialectName = (typeof SQL_DIALECTS)[number];

export const PG_SERVER = process.env['AUTHSCRIPT_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const TABLES = ['users', 'user_claims', 'associations', 'sessions', 'flows', 'emails', 'provisioning_jobs'] as const;

export interface TestDatabase {
  readonly dialect: Dialect;
  /** What a process opens: the SQLite file or the PostgreSQL URL (null for memory). */
  readonly target: string | null;
  /** A new store instance on this database (for memory: the one store). */
  open(): Promise<Store>;
  /** Deletes every row (memory: a new store). */
  clear(): Promise<void>;
  /** A connection of its own, beside the stores, for raw SQL (null for memory). */
  readonly raw: Kysely<unknown> | null;
  /** Closes every instance and deletes the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  switch (dialect) {
    case 'memory':
      return memoryDatabase();
    case 'sqlite':
      return sqliteDatabase();
    case 'postgres':
      return postgresDatabase();
  }
}

function memoryDatabase(): TestDatabase {
  let store = new MemoryStore();
  return {
    dialect: 'memory',
    target: null,
    raw: null,
    open: async () => store,
    clear: async () => {
      store = new MemoryStore();
    },
    drop: async () => {},
  };
}

function sqliteDatabase(): TestDatabase {
  const folder = mkdtempSync(join(tmpdir(), 'authscript-store-'));
  const file = join(folder, 'nested', 'authscript.db');
  const opened: SqlStore[] = [];
  let raw: Kysely<unknown> | null = null;
  const db: TestDatabase = {
    dialect: 'sqlite',
    target: file,
    get raw() {
      // Opened after the first store, which creates the file and its tables.
      raw ??= new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file, { timeout: 5000 }) }) });
      return raw;
    },
    open: async () => {
      const store = await openSqliteStore(file);
      opened.push(store);
      return store;
    },
    clear: async () => {
      for (const table of TABLES) await sql`delete from ${sql.table(table)}`.execute(db.raw!);
    },
    drop: async () => {
      for (const store of opened) await store.close();
      await raw?.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return db;
}

async function postgresDatabase(): Promise<TestDatabase> {
  const name = `authscript_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_SERVER });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch (error) {
    await admin.end().catch(() => {});
    throw new Error(
      `PostgreSQL is not reachable at ${PG_SERVER} (${error instanceof Error ? error.message : String(error)}): ` +
        'the postgres store tests need it (CI runs one; set AUTHSCRIPT_TEST_PG to use another server)',
      { cause: error },
    );
  }
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  const target = url.toString();
  const rawPool = new pg.Pool({ connectionString: target, max: 1 });
  // `drop database ... with (force)` ends the connections that are still closing.
  rawPool.on('error', () => {});
  const raw = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: rawPool }) });
  const opened: SqlStore[] = [];
  return {
    dialect: 'postgres',
    target,
    raw,
    open: async () => {
      const store = await openPostgresStore(target, { maxConnections: 4 });
      opened.push(store);
      return store;
    },
    clear: async () => {
      await sql`truncate ${sql.join(TABLES.map((t) => sql.table(t)))}`.execute(raw);
    },
    drop: async () => {
      try {
        for (const store of opened) await store.close();
        await raw.destroy();
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
