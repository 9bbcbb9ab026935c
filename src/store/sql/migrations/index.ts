/**
 * The migrations, in order, and the function that runs them when a store opens.
 *
 * Kysely's Migrator keeps what ran in `kysely_migration` and holds a lock while it migrates, so
 * processes that open the same database at once migrate it once: on PostgreSQL a session
 * advisory lock; on SQLite the migration transaction is `BEGIN IMMEDIATE` (see ../sqlite.ts), which
 * takes the database's write lock before reading what ran. Each migration runs in that transaction.
 *
 * A new migration is a new file `NNNN-name.ts` exporting `up(db, dialect)` (and `down`), listed
 * below. Never edit one that has shipped.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import type { Database, SqlDialect } from '../schema.js';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-admin.js';

interface MigrationModule {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

const MIGRATIONS: Readonly<Record<string, MigrationModule>> = {
  '0001-initial': m0001,
  '0002-admin': m0002,
};

/** The names of the migrations, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** The migrations bound to a dialect, for Kysely's Migrator (names sort in order). */
export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations() {
      const bound: Record<string, Migration> = {};
      for (const [name, module] of Object.entries(MIGRATIONS)) {
        const down = module.down;
        bound[name] = {
          up: (db) => module.up(db, dialect),
          ...(down === undefined ? {} : { down: (db: Kysely<unknown>) => down(db, dialect) }),
        };
      }
      return bound;
    },
  };
}

/** A migration that failed at open: which one, why, and what each migration of the run did. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    readonly results: readonly MigrationResult[],
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/**
 * Brings the database to the latest migration. Returns what this call did, one result per
 * migration it ran (empty when the database was up to date, e.g. another process migrated it);
 * throws a MigrationError naming the migration that failed.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<readonly MigrationResult[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const why = error instanceof Error ? error.message : String(error);
    const done = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    throw new MigrationError(
      `migrating the ${dialect} database failed${failed ? ` at ${failed.migrationName}` : ''}: ${why}` +
        (done.length > 0 ? ` (applied before it: ${done.join(', ')})` : ''),
      results,
      error,
    );
  }
  return results;
}
