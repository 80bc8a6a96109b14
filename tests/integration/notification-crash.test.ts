import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { enqueueNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import { startReceiver } from '../support/notification-receiver.ts';
import { freePort, startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

// The crash test: the process is SIGKILLed during a burst of 1,000 notifications to a
// local receiver; after a restart every notification arrives at least once.
const BURST = 1000;
const KILL_AFTER = 150;

test('SIGKILL during a burst of 1,000 notifications: after a restart every one arrives', { timeout: 300_000 }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vnfm-crash-'));
  const embeddedPort = await freePort();
  // Real PostgreSQL: a fresh database both the service and this test use. Embedded: the
  // service's own PGlite under dataDir, which this test reaches over the wire protocol.
  const real: TestDatabase | undefined = process.env.DATABASE_URL ? await openTestDatabase() : undefined;
  const env = {
    VNFM_DATA_DIR: dataDir,
    DATABASE_URL: real?.url,
    VNFM_EMBEDDED_DB_PORT: real ? undefined : String(embeddedPort),
    VNFM_NOTIFY_TIMEOUT_MS: '1000', // the lease of the one delivery in flight at the kill is 4 timeouts + 5 s
    VNFM_OUTBOX_POLL_MS: '100',
  };
  const connect = async (): Promise<Database> =>
    real?.db ??
    openDatabase({ url: `postgres://postgres@127.0.0.1:${embeddedPort}/postgres`, embeddedDataDir: undefined, embeddedPort: 0, poolMax: 2, log: testLog });

  let service: ServiceProcess | undefined;
  let db: Database | undefined;
  const receiver = await startReceiver();
  try {
    service = await startServiceProcess(env);
    const created = await fetch(`${service.url}/vnflcm/v2/subscriptions`, {
      method: 'POST',
      headers: { Version: '2.0.0', 'Content-Type': 'application/json' },
      body: JSON.stringify({ callbackUri: `${receiver.url}/burst` }),
    });
    const createdText = await created.text();
    assert.equal(created.status, 201, createdText);
    const subscriptionId = (JSON.parse(createdText) as { id: string }).id;

    const first = service;
    let killed = false;
    receiver.reply((r) => {
      const count = receiver.received.filter((x) => x.method === 'POST').length;
      if (!killed && count >= KILL_AFTER) {
        killed = true;
        first.child.kill('SIGKILL');
      }
      return 204;
    });

    db = await connect();
    const ids = new Set<string>();
    await db.transaction(async (tx) => {
      for (let i = 0; i < BURST; i++) {
        const enqueued = await enqueueNotification(tx, VNFLCM, {
          notificationType: 'VnfIdentifierCreationNotification',
          timeStamp: new Date().toISOString(),
          vnfInstanceId: `burst-${i}`,
        });
        for (const id of enqueued) ids.add(id);
      }
    });
    assert.equal(ids.size, BURST, 'one delivery per notification for the one subscription');

    await receiver.waitFor(() => killed, 60_000, `${KILL_AFTER} notifications before the kill`);
    const ended = await first.stop('SIGKILL'); // already killed: waits for the exit
    assert.equal(ended.signal, 'SIGKILL');
    const before = distinctIds(receiver.received);
    t.diagnostic(`received before the kill: ${before.size} distinct of ${BURST}`);
    assert.ok(before.size >= KILL_AFTER && before.size < BURST, `killed mid-burst (${before.size} delivered)`);
    if (!real) {
      await db.close().catch(() => undefined);
      db = undefined;
    }

    service = await startServiceProcess(env);
    db = await connect();
    // Everything committed before the kill must still be there (PGlite on disk included).
    const [stored] = await db.sequelize.query<{ total: number; subscriptions: number }>(
      `SELECT (SELECT count(*)::int FROM notification_deliveries WHERE subscription_id = $1) AS total,
              (SELECT count(*)::int FROM subscriptions WHERE id = $1) AS subscriptions`,
      { bind: [subscriptionId], type: QueryTypes.SELECT },
    );
    assert.deepEqual(stored, { total: BURST, subscriptions: 1 }, 'committed rows survived the SIGKILL');

    await receiver.waitFor((rs) => [...ids].every((id) => distinctIds(rs).has(id)), 120_000, `all ${BURST} notifications`);
    const posts = receiver.received.filter((r) => r.method === 'POST');
    const got = distinctIds(receiver.received);
    assert.deepEqual([...ids].filter((id) => !got.has(id)), [], 'no notification is lost');
    assert.ok(posts.every((r) => r.headers.version === '2.0.0'));
    t.diagnostic(`delivered ${got.size} distinct notifications in ${posts.length} POSTs: ${posts.length - got.size} duplicates`);
  } finally {
    if (!real) await db?.close().catch(() => undefined);
    await service?.stop('SIGTERM');
    await receiver.close();
    await real?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function distinctIds(received: { method: string; json: any }[]): Set<string> {
  return new Set(received.filter((r) => r.method === 'POST').map((r) => r.json?.id as string));
}
