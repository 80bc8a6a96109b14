import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createMigrator, migrateDown, migrateUp } from '../../platform/db/migrator.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
before(async () => {
  t = await openTestDatabase({ migrate: false });
});
after(async () => {
  await t?.close();
});

async function tables(): Promise<string[]> {
  const rows = await t.db.sequelize.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.tablename);
}

test('migrations go up, down and up again on the test database', async () => {
  const all = (await createMigrator(t.db.sequelize, testLog).pending()).map((m) => m.name);
  assert.ok(all.length > 0, 'there are migrations to apply');

  assert.deepEqual(await migrateUp(t.db, testLog), all);
  const created = await tables();
  assert.ok(created.includes('outbox_events'), `outbox_events created (have ${created})`);

  assert.deepEqual(await migrateDown(t.db, testLog), [...all].reverse());
  assert.deepEqual(await tables(), [], 'down removes every table');

  assert.deepEqual(await migrateUp(t.db, testLog), all);
  assert.deepEqual(await tables(), created, 'the second up builds the same schema');
  assert.deepEqual(await migrateUp(t.db, testLog), [], 'nothing left to apply');
});
