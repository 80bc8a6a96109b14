import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { enqueueNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import { databaseRestartSkipReason, ensurePostgresRunning, pgCtlCluster, sleep, until } from '../support/local-services.ts';
import { startReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

// "No data is lost on a database restart": the local PostgreSQL is really restarted
// (`pg_ctlcluster ... restart`) while the service delivers a burst of 1,000 notifications.
// Every notification must still arrive (at least once), the service must keep serving
// (/healthz throughout, /readyz again after the restart) and deliver what comes later.
const skip = databaseRestartSkipReason();

const BURST = 1000;
const RESTART_AFTER = 200;
const AFTER_RESTART = 50;
/** While the restart runs, the receiver answers slowly so deliveries are in flight when PostgreSQL goes down. */
const SLOW_REPLY_MS = 1000;

test('PostgreSQL restarted during a burst of 1,000 notifications: every one arrives, the service recovers', { skip, timeout: 110_000 }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vnfm-db-restart-'));
  const db: TestDatabase = await openTestDatabase();
  const receiver = await startReceiver();
  let service: ServiceProcess | undefined;
  let restarting: Promise<string> | undefined;
  const probes = { healthz: new Map<number, number>(), readyz: new Map<number, number>() };
  let probing = true;
  let prober: Promise<void> | undefined;
  const started = Date.now();
  try {
    service = await startServiceProcess({
      VNFM_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      VNFM_NOTIFY_TIMEOUT_MS: '2000', // a delivery whose outcome could not be written is retried after its lease (4 timeouts + 5 s)
      VNFM_NOTIFY_CONCURRENCY: '16',
      VNFM_OUTBOX_POLL_MS: '100',
    }, 30_000);
    const url = service.url;
    const created = await fetch(`${url}/vnflcm/v2/subscriptions`, {
      method: 'POST',
      headers: { Version: '2.0.0', 'Content-Type': 'application/json' },
      body: JSON.stringify({ callbackUri: `${receiver.url}/burst` }),
    });
    const createdText = await created.text();
    assert.equal(created.status, 201, createdText);

    // /healthz and /readyz polled all along; every status seen is counted.
    const probe = async (name: 'healthz' | 'readyz') => {
      const status = await fetch(`${url}/${name}`, { signal: AbortSignal.timeout(5000) }).then(
        async (r) => (await r.body?.cancel(), r.status),
        () => 0, // no answer at all
      );
      probes[name].set(status, (probes[name].get(status) ?? 0) + 1);
      return status;
    };
    prober = (async () => {
      while (probing) {
        await Promise.all([probe('healthz'), probe('readyz')]);
        await sleep(100);
      }
    })();

    let restartAt = -1;
    let restarted = false;
    receiver.reply(() => {
      if (restartAt < 0 && posts(receiver.received).length >= RESTART_AFTER) {
        restartAt = distinctIds(receiver.received).size;
        restarting = pgCtlCluster('restart');
      }
      return restartAt >= 0 && !restarted ? { status: 204, delayMs: SLOW_REPLY_MS } : 204;
    });

    const bootedBefore = await postmasterStart(db);
    const ids = await enqueue(db, BURST, 'burst');
    await receiver.waitFor(() => restartAt >= 0, 30_000, `${RESTART_AFTER} notifications before the restart`);
    const restartStart = Date.now();
    await restarting;
    const restartMs = Date.now() - restartStart;
    restarted = true;
    const deliveredAtRestart = distinctIds(receiver.received).size;
    assert.ok(deliveredAtRestart < BURST, `restarted mid-burst (${deliveredAtRestart} of ${BURST} delivered)`);

    await until('GET /readyz answers 200 again', async () => (await probe('readyz')) === 200, 30_000, 200);
    const readyMs = Date.now() - restartStart;

    // The test's own pool lost its connections too; the first statement may meet a dead one.
    assert.ok((await retry(() => postmasterStart(db))) > bootedBefore, 'PostgreSQL really restarted');
    const later = await retry(() => enqueue(db, AFTER_RESTART, 'after-restart'));
    const all = [...ids, ...later];
    await receiver.waitFor((rs) => {
      const got = distinctIds(rs);
      return all.every((id) => got.has(id));
    }, 60_000, `all ${all.length} notifications`);
    const drainedMs = Date.now() - restartStart;

    probing = false;
    await prober;
    const got = distinctIds(receiver.received);
    assert.deepEqual(all.filter((id) => !got.has(id)), [], 'no notification is lost');
    assert.deepEqual([...probes.healthz.keys()], [200], `/healthz answered 200 throughout (${fmt(probes.healthz)})`);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const total = posts(receiver.received).length;
    const complaints = service.output().split('\n').filter((l) => /"level":"(warn|error|fatal)"/.test(l));
    const messages = new Map<string, number>();
    for (const l of complaints) {
      const msg = /"msg":"([^"]*)"/.exec(l)?.[1] ?? '?';
      messages.set(msg, (messages.get(msg) ?? 0) + 1);
    }
    t.diagnostic(
      `restart after ${restartAt} delivered took ${(restartMs / 1000).toFixed(1)} s (${deliveredAtRestart} delivered when it ended); ` +
        `/readyz 200 again ${(readyMs / 1000).toFixed(1)} s after it began; all ${all.length} delivered ${(drainedMs / 1000).toFixed(1)} s after it began, ` +
        `in ${total} POSTs (${total - got.size} duplicates); /healthz ${fmt(probes.healthz)}; /readyz ${fmt(probes.readyz)}; ` +
        `service warnings/errors: ${JSON.stringify(Object.fromEntries(messages))}; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    probing = false;
    await prober?.catch(() => undefined);
    await restarting?.catch((err) => t.diagnostic(String(err)));
    await ensurePostgresRunning().catch((err) => t.diagnostic(`PostgreSQL did not start again: ${err}`));
    await service?.stop('SIGTERM');
    await receiver.close();
    await retry(() => db.close()).catch((err) => t.diagnostic(`dropping the test database: ${err}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Enqueues `n` LCM notifications in one transaction (as a producer would); returns their ids. */
async function enqueue(db: TestDatabase, n: number, tag: string): Promise<string[]> {
  return db.db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        ...(await enqueueNotification(tx, VNFLCM, {
          notificationType: 'VnfIdentifierCreationNotification',
          timeStamp: new Date().toISOString(),
          vnfInstanceId: `${tag}-${i}`,
        })),
      );
    }
    assert.equal(ids.length, n, 'one delivery per notification for the one subscription');
    return ids;
  });
}

async function postmasterStart(db: TestDatabase): Promise<number> {
  const [row] = await db.db.sequelize.query<{ at: Date }>('SELECT pg_postmaster_start_time() AS at', { type: QueryTypes.SELECT });
  return new Date(row.at).getTime();
}

async function retry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(500 * i);
    }
  }
}

function posts(received: ReceivedRequest[]): ReceivedRequest[] {
  return received.filter((r) => r.method === 'POST');
}

function distinctIds(received: ReceivedRequest[]): Set<string> {
  return new Set(posts(received).map((r) => r.json?.id as string));
}

function fmt(counts: Map<number, number>): string {
  return [...counts].map(([status, n]) => `${status || 'no answer'}×${n}`).join(', ');
}
