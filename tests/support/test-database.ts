import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { migrateUp } from '../../platform/db/migrator.ts';
import { createLogger } from '../../platform/logger.ts';

export const testLog = createLogger(process.env.LOG_LEVEL ?? 'silent');

export interface TestDatabase {
  readonly db: Database;
  /** Connection URL of this test database (a fresh database on the real server, or the embedded one). */
  readonly url: string;
  readonly kind: 'real' | 'embedded';
  close(): Promise<void>;
}

/**
 * A fresh, isolated database for one test file: on the real PostgreSQL of
 * DATABASE_URL a new database is created (and dropped afterwards); without it,
 * an in-memory embedded PostgreSQL. Migrations are applied unless `migrate: false`.
 */
export async function openTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const admin = process.env.DATABASE_URL;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (admin) {
    const name = `vnfm_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const db = await openDatabase({ url, embeddedDataDir: undefined, embeddedPort: 0, poolMax: 5, log: testLog });
  if (opts.migrate !== false) await migrateUp(db, testLog);
  return {
    db,
    url: url ?? embeddedUrl(db),
    kind: admin ? 'real' : 'embedded',
    async close() {
      await db.close();
      await drop?.();
    },
  };
}

function embeddedUrl(db: Database): string {
  const c = db.sequelize.config;
  return `postgres://${c.username ?? 'postgres'}@${c.host}:${c.port}/${c.database}`;
}

/**
 * The RabbitMQ URL for tests that need the real broker, or a reason to skip.
 * Usage: `test('...', { skip: amqpSkipReason() }, ...)`.
 */
export function amqpSkipReason(): string | false {
  return process.env.AMQP_URL ? false : 'needs RabbitMQ: set AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672) to run';
}
