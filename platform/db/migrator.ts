import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { QueryInterface, Sequelize } from 'sequelize';
import type { Database } from './database.ts';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Logger } from '../logger.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const MIGRATION_FILE = /^\d{14}-[a-z0-9-]+\.ts$/;
/** Arbitrary key of the advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK = 72_019_890;

export interface MigrationModule {
  up(qi: QueryInterface): Promise<void>;
  down(qi: QueryInterface): Promise<void>;
}

/** Versioned migrations from `migrations/` (YYYYMMDDHHmmss-verb-object.ts), run by umzug. */
export function createMigrator(sequelize: Sequelize, log: Logger): Umzug<QueryInterface> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort();
  const mlog = log.child({ component: 'migrator' });
  return new Umzug<QueryInterface>({
    migrations: files.map((file) => {
      const load = async () => (await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href)) as MigrationModule;
      return {
        name: file.replace(/\.ts$/, ''),
        up: async ({ context }) => (await load()).up(context),
        down: async ({ context }) => (await load()).down(context),
      };
    }),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: (m) => mlog.info(m),
      warn: (m) => mlog.warn(m),
      error: (m) => mlog.error(m),
      debug: (m) => mlog.debug(m),
    },
  });
}

/** Applies pending migrations under an advisory lock, so concurrent replicas do not race. */
export async function migrateUp(db: Database, log: Logger): Promise<string[]> {
  return withMigrationLock(db, async () => (await createMigrator(db.sequelize, log).up()).map((m) => m.name));
}

/** Reverts migrations down to (and excluding) `to`; `to: 0` reverts all. */
export async function migrateDown(db: Database, log: Logger, to: string | 0 = 0): Promise<string[]> {
  return withMigrationLock(db, async () => (await createMigrator(db.sequelize, log).down({ to })).map((m) => m.name));
}

async function withMigrationLock<T>(db: Database, work: () => Promise<T>): Promise<T> {
  // The embedded database belongs to this process alone, and its connection
  // multiplexer would queue the migrations behind the lock's open transaction.
  if (db.embedded) return work();
  // Hold the lock in a transaction on one connection; migrations run on others.
  const sequelize = db.sequelize;
  const tx = await sequelize.transaction();
  try {
    await sequelize.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`, { transaction: tx });
    return await work();
  } finally {
    await tx.commit();
  }
}
