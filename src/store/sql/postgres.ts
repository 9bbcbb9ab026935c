/**
 * The store for several server processes: PostgreSQL through `pg`, with a connection pool.
 *
 * Migrations run at open under Kysely's migration lock (a PostgreSQL advisory lock), so processes
 * starting together migrate once. `bigint` values are read as JS numbers (and refused past 2^53),
 * not as the strings `pg` returns by default. getUserSync is not offered: every read is a round
 * trip, so the flow engine suspends a script's role and group checks instead.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
  /**
   * An error of an idle pooled connection (the server restarted, the network dropped). The pool
   * discards that connection and the next query opens a new one; by default the error is ignored.
   */
  readonly onIdleError?: (error: Error) => void;
}

/** Connects to `url` (postgres://user:password@host:port/database) and migrates the database. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: { getTypeParser } as pg.CustomTypesConfig });
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const migrations = await migrateToLatest(db, 'postgres');
    return new SqlStore({ db, dialect: 'postgres', migrations });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

function getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === pg.types.builtins.INT8 && format !== 'binary') return parseInt8;
  return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`a bigint read from PostgreSQL (${text}) is beyond a JS number's exact range`);
  return n;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable connection URL)';
  }
}
