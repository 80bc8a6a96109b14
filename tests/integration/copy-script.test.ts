import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { runCopyScript, type CopyScript } from '../../fault-mgmt/store/copy-script.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

const skip = process.env.DATABASE_URL
  ? false
  : 'COPY scripts need a real PostgreSQL (the embedded one does not take COPY FROM STDIN): set DATABASE_URL';

let t: TestDatabase;
before(async () => {
  if (skip) return;
  t = await openTestDatabase({ migrate: false });
  await t.db.sequelize.query('CREATE TABLE cs_rows (a int PRIMARY KEY, b text NOT NULL); CREATE TABLE cs_marks (x int NOT NULL)');
});
after(async () => {
  await t?.close();
});
beforeEach(async () => {
  if (!skip) await t.db.sequelize.query('TRUNCATE cs_rows, cs_marks');
});

const rows = (...r: [number, string][]) => [Buffer.from(r.map(([a, b]) => `${a}\t${b}\n`).join(''))];
const script = (data: Buffer[], ...then: string[]): CopyScript => ({ copy: 'COPY cs_rows (a, b) FROM STDIN', data, then });

async function counts(): Promise<{ rows: number; marks: number }> {
  const [r] = await t.db.sequelize.query<{ rows: number; marks: number }>(
    'SELECT (SELECT count(*) FROM cs_rows)::int AS rows, (SELECT count(*) FROM cs_marks)::int AS marks',
    { type: QueryTypes.SELECT },
  );
  return r;
}

/** The same connection runs a script and then a plain query: it was left ready. */
async function onOneConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<{ result: T | unknown; after: number }> {
  return t.db.withConnection(async (client) => {
    const result = await work(client).catch((err: unknown) => err);
    const after = Number((await client.query('SELECT 41 + 1 AS n')).rows[0].n);
    return { result, after };
  });
}

test('the COPY and the statements after it commit together; the tags come back in order', { skip }, async () => {
  const r = await onOneConnection((c) => runCopyScript(c, script(rows([1, 'a'], [2, 'b'], [3, "c'd"]), 'INSERT INTO cs_marks VALUES (1)', 'INSERT INTO cs_marks VALUES (2), (3)')));
  assert.deepEqual(r.result, { tags: ['COPY 3', 'INSERT 0 1', 'INSERT 0 2'], copied: 3 });
  assert.equal(r.after, 42);
  assert.deepEqual(await counts(), { rows: 3, marks: 3 });
});

test('a statement failing after the COPY rolls the COPY back too; the connection stays usable', { skip }, async () => {
  const r = await onOneConnection((c) => runCopyScript(c, script(rows([1, 'a'], [2, 'b']), 'INSERT INTO cs_marks VALUES (1)', 'INSERT INTO cs_marks VALUES (1 / 0)')));
  assert.equal((r.result as { code?: string }).code, '22012', String(r.result));
  assert.equal(r.after, 42);
  assert.deepEqual(await counts(), { rows: 0, marks: 0 });
});

test('a row failing inside the COPY (unique violation) stores nothing; the data left in the socket is ignored', { skip }, async () => {
  await t.db.sequelize.query("INSERT INTO cs_rows VALUES (5, 'old')");
  const many = Array.from({ length: 5000 }, (_, i): [number, string] => [i === 4000 ? 5 : 10 + i, 'x'.repeat(50)]);
  const r = await onOneConnection((c) => runCopyScript(c, script(rows(...many), 'INSERT INTO cs_marks VALUES (1)')));
  assert.equal((r.result as { code?: string }).code, '23505', String(r.result));
  assert.equal(r.after, 42, 'the rest of the COPY data and CopyDone did not disturb the next query');
  assert.deepEqual(await counts(), { rows: 1, marks: 0 });
});

test('a COPY that fails before reading its data (no such table) leaves the connection usable', { skip }, async () => {
  const r = await onOneConnection((c) => runCopyScript(c, { copy: 'COPY cs_missing (a) FROM STDIN', data: rows([1, 'a']), then: ['INSERT INTO cs_marks VALUES (1)'] }));
  assert.equal((r.result as { code?: string }).code, '42P01', String(r.result));
  assert.equal(r.after, 42);
  assert.deepEqual(await counts(), { rows: 0, marks: 0 });
});

test('a connection inside a transaction block is refused: the script would not commit on its own', { skip }, async () => {
  const r = await onOneConnection(async (c) => {
    await c.query('BEGIN');
    try {
      return await runCopyScript(c, script(rows([1, 'a']), 'INSERT INTO cs_marks VALUES (1)'));
    } finally {
      await c.query('ROLLBACK');
    }
  });
  assert.match(String(r.result), /inside a transaction block/);
  assert.equal(r.after, 42);
  assert.deepEqual(await counts(), { rows: 0, marks: 0 });
});

test('a script that leaves the connection in a transaction block is not reported as committed', { skip }, async () => {
  const r = await onOneConnection(async (c) => {
    try {
      return await runCopyScript(c, script(rows([1, 'a']), 'INSERT INTO cs_marks VALUES (1)', 'BEGIN'));
    } finally {
      await c.query('ROLLBACK');
    }
  });
  assert.match(String(r.result), /transaction status 'T' after the script: not committed/);
  assert.deepEqual(await counts(), { rows: 0, marks: 0 });
});

test('a connection whose server process ends rejects the script instead of hanging', { skip }, async () => {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  client.on('error', () => undefined); // the pool's clients log this; here it is expected
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await t.db.sequelize.query('SELECT pg_terminate_backend($1)', { bind: [pid] });
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(runCopyScript(client, script(rows([1, 'a']), 'INSERT INTO cs_marks VALUES (1)')));
  } finally {
    await client.end().catch(() => undefined);
  }
  assert.deepEqual(await counts(), { rows: 0, marks: 0 });
});
