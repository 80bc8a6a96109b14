import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../platform/db/embedded-postgres.ts';
import { testLog } from '../support/test-database.ts';

/**
 * The embedded PostgreSQL serves every connection from one backend. Connections that
 * run extended-protocol queries (Parse/Bind/Execute/Sync, what `pg` sends for every query
 * with parameters) at the same time, outside transactions, must each get their own
 * statement's result, never "unnamed prepared statement does not exist".
 */
let embedded: EmbeddedPostgres;
const clients: pg.Client[] = [];

before(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: undefined, port: 0, maxConnections: 8, log: testLog });
  for (let i = 0; i < 4; i++) {
    const c = new pg.Client({ connectionString: embedded.url });
    await c.connect();
    clients.push(c);
  }
});

after(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await embedded?.stop();
});

test('four connections, 100 parameterised queries each at once: every answer is its own', async () => {
  // Parameters of 64 KiB make each Bind span several TCP chunks, as big batch inserts do.
  const pad = 'x'.repeat(64 * 1024);
  const results = await Promise.all(
    clients.map(async (c, conn) => {
      const answers: string[] = [];
      for (let i = 0; i < 100; i++) {
        const r = await c.query<{ v: string; n: number }>('SELECT $1::text AS v, length($2::text) AS n', [`${conn}:${i}`, pad]);
        assert.equal(r.rows[0].n, pad.length);
        answers.push(r.rows[0].v);
      }
      return answers;
    }),
  );
  results.forEach((answers, conn) => assert.deepEqual(answers, Array.from({ length: 100 }, (_, i) => `${conn}:${i}`)));
});

test('a transaction on one connection and single statements on the others interleave safely', async () => {
  await clients[0].query('CREATE TABLE seq_check (conn int, i int)');
  const tx = (async () => {
    await clients[0].query('BEGIN');
    for (let i = 0; i < 50; i++) await clients[0].query('INSERT INTO seq_check VALUES ($1, $2)', [0, i]);
    await clients[0].query('COMMIT');
  })();
  const others = clients.slice(1).map(async (c, k) => {
    for (let i = 0; i < 50; i++) await c.query('INSERT INTO seq_check VALUES ($1, $2)', [k + 1, i]);
  });
  await Promise.all([tx, ...others]);
  const { rows } = await clients[0].query<{ conn: number; n: string }>('SELECT conn, count(*) AS n FROM seq_check GROUP BY conn ORDER BY conn');
  assert.deepEqual(rows.map((r) => [r.conn, Number(r.n)]), [[0, 50], [1, 50], [2, 50], [3, 50]]);
});
