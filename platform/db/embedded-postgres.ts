import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../logger.ts';
import { keepExtendedQueriesTogether } from './pglite-query-sequencing.ts';

/**
 * An embedded PostgreSQL: PGlite with its data under `dataDir`, served over the
 * PostgreSQL wire protocol on loopback so that the very same `pg`/sequelize code
 * path is used as with a real server.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string | undefined; // undefined: in memory (tests)
  port: number;
  maxConnections: number;
  log: Logger;
}): Promise<EmbeddedPostgres> {
  let location: string | undefined;
  if (opts.dataDir) {
    location = path.join(opts.dataDir, 'pgdata');
    mkdirSync(location, { recursive: true });
  }
  const db = location ? await PGlite.create(location) : await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port, maxConnections: opts.maxConnections });
  keepExtendedQueriesTogether(server);
  await server.start();
  const conn = server.getServerConn();
  opts.log.info({ location: location ?? 'memory', conn }, 'embedded PostgreSQL started');
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
