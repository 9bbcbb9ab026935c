/**
 * The embedded store: SQLite through better-sqlite3, one file (the server puts it under ./data).
 *
 * - WAL mode, so readers never wait for the writer, and a busy timeout, so a writer waits for
 *   another process's write instead of failing at once. `synchronous = FULL`: a transaction that
 *   returned is on disk, even if the machine loses power.
 * - Every transaction is `BEGIN IMMEDIATE`: it takes the write lock before it reads, so two
 *   processes never both read, then both try to write (which SQLite can only refuse). That is
 *   also what makes migrations safe when two processes open the same file at once (Kysely's own
 *   SQLite adapter takes no lock, trusting a single connection).
 * - better-sqlite3 is synchronous, so the store offers getUserSync (the same Kysely query, run at once).
 *   It also means a connection waiting for the write lock blocks its whole thread: two stores
 *   opened on one file in one process therefore take turns through a lock of their own (else one
 *   would wait, thread blocked, for a transaction that the other cannot finish).
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver, type SqliteDialectConfig } from 'kysely';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's write lock before failing, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

/** Opens (creating it and its folder if needed) and migrates the SQLite database at `path`. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqlStore> {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    const turns = inMemory ? new Turns() : turnsOf(realpathSync(path));
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }, turns) });
    const migrations = await migrateToLatest(db, 'sqlite');
    const statements = new Map<string, BetterSqlite3.Statement>();
    const readSync = (query: CompiledQuery): unknown[] => {
      let statement = statements.get(query.sql);
      if (statement === undefined) {
        statement = database.prepare(query.sql);
        statements.set(query.sql, statement);
      }
      return statement.all(...query.parameters);
    };
    return new SqlStore({ db, dialect: 'sqlite', readSync, migrations });
  } catch (error) {
    database.close();
    throw error;
  }
}

/** Kysely's SQLite dialect, with `BEGIN IMMEDIATE` transactions and migrations inside one. */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly turns: Turns,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings, this.turns);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly turns: Turns,
  ) {
    super(config);
  }

  /** A query or a transaction holds the file's turn from its first statement to its last. */
  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.turns.take();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.turns.give();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite's DDL is transactional: the migrator then runs all pending migrations in one
 * (immediate) transaction, which is the lock between processes.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** A FIFO lock: one holder at a time, the others wait their turn. */
class Turns {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  async take(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.held = false;
    else next();
  }
}

/** The turns of the stores of this process on one file (by its real path). */
const fileTurns = new Map<string, Turns>();
function turnsOf(file: string): Turns {
  let turns = fileTurns.get(file);
  if (turns === undefined) {
    turns = new Turns();
    fileTurns.set(file, turns);
  }
  return turns;
}
