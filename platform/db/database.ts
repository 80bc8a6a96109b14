import pg from 'pg';
import { Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../config/config.ts';
import { maskUrl } from '../config/mask-secret.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';

// bigint (int8) and numeric come back as strings by default; the plugin's counters fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export interface Database {
  readonly sequelize: Sequelize;
  /** Where the database lives, with any password masked (for logs and `config`). */
  readonly description: string;
  /** True for the embedded PostgreSQL: one process owns it, transactions are serialised. */
  readonly embedded: boolean;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Lends one connection of the pool to `work` alone, for protocol-level work no query
   * builder covers (the monitoring store's COPY scripts); returned to the pool after.
   */
  withConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url: string | undefined;
  /** Data directory of the embedded database; undefined keeps it in memory. */
  embeddedDataDir: string | undefined;
  embeddedPort: number;
  poolMax: number;
  log: Logger;
}

export function databaseOptionsFrom(config: Config, log: Logger): OpenDatabaseOptions {
  return {
    url: config.database.url,
    embeddedDataDir: config.dataDir,
    embeddedPort: config.database.embeddedPort,
    poolMax: config.database.poolMax,
    log,
  };
}

interface PooledConnections {
  getConnection(options: { type: 'read' | 'write' }): Promise<pg.Client>;
  releaseConnection(client: pg.Client): void;
  destroyConnection(client: pg.Client): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is absent. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = opts.url;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: opts.embeddedDataDir,
      port: opts.embeddedPort,
      maxConnections: opts.poolMax + 4,
      log: opts.log,
    });
    url = embedded.url;
  }
  const log = opts.log.child({ component: 'database' });
  const sequelize = new Sequelize(url, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: (sql: string) => log.trace({ sql }, 'sql'),
    pool: { max: opts.poolMax, min: 0, idle: 10_000, acquire: 60_000 },
    define: { underscored: true, timestamps: false },
  });
  try {
    await sequelize.authenticate();
  } catch (err) {
    await sequelize.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw new Error(`cannot connect to the database at ${maskUrl(url)}: ${(err as Error).message}`);
  }
  const description = embedded ? `embedded PostgreSQL (${opts.embeddedDataDir ?? 'memory'})` : maskUrl(url);
  log.info({ database: description }, 'database connected');
  return {
    sequelize,
    description,
    embedded: embedded !== undefined,
    transaction: (work) => sequelize.transaction((tx) => work(tx)),
    async withConnection(work) {
      // sequelize's pool hands out the pg clients its queries run on (not in its typings).
      const pool = (sequelize as unknown as { connectionManager: PooledConnections }).connectionManager;
      const client = await pool.getConnection({ type: 'write' });
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(client);
      } catch (err) {
        // After a statement's ERROR the connection is fine; after anything else (FATAL, a
        // broken socket, a failure outside the database) it may not be: never lent again.
        if ((err as { severity?: unknown } | undefined)?.severity === 'ERROR') pool.releaseConnection(client);
        else await pool.destroyConnection(client).catch(() => undefined);
        throw err;
      }
      pool.releaseConnection(client);
      return result;
    },
    async ping() {
      await sequelize.query('SELECT 1');
    },
    async close() {
      await sequelize.close();
      await embedded?.stop();
    },
  };
}

/** The Sequelize instance a transaction belongs to (kept on it, but not in the published typings). */
export function sequelizeOf(tx: Transaction): Sequelize {
  const sequelize = (tx as unknown as { sequelize?: Sequelize }).sequelize;
  if (!sequelize) throw new TypeError('expected a sequelize transaction');
  return sequelize;
}
