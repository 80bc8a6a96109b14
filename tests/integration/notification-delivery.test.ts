import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { lcmSubscriptionMatcher, type LcmNotificationSubject } from '../../lcm/subscriptions/lcm-subscription-filter.ts';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { HttpNotifier } from '../../platform/sol/subscriptions/http-notifier.ts';
import { enqueueNotification, type SolNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import { NotificationDeliveryRepository } from '../../platform/sol/subscriptions/notification-delivery.repository.ts';
import { NotificationDeliveryWorker, type NotificationDeliveryWorkerDeps } from '../../platform/sol/subscriptions/notification-delivery.worker.ts';
import type { SubscriptionAuthentication } from '../../platform/sol/subscriptions/subscription-authentication.ts';
import { SubscriptionRepository } from '../../platform/sol/subscriptions/subscription.repository.ts';
import { SubscriptionService } from '../../platform/sol/subscriptions/subscription.service.ts';
import { startReceiver, type NotificationReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
let receiver: NotificationReceiver;
let subscriptions: SubscriptionService;
let worker: NotificationDeliveryWorker | undefined;
let metrics: PlatformMetrics;
const notifier = new HttpNotifier(500);

before(async () => {
  t = await openTestDatabase();
  receiver = await startReceiver();
  subscriptions = new SubscriptionService({
    repository: new SubscriptionRepository(t.db),
    notifier,
    publicUrl: 'http://vnfm.test',
    callbackTestTimeoutMs: 2000,
    log: testLog,
  });
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  receiver.reply(() => 204);
  await t.db.sequelize.query('DELETE FROM subscriptions'); // each test starts without subscribers
});
after(async () => {
  await receiver?.close();
  await t?.close();
});

function startWorker(overrides: Partial<NotificationDeliveryWorkerDeps> = {}): NotificationDeliveryWorker {
  metrics = createMetrics();
  worker = new NotificationDeliveryWorker({
    repository: new NotificationDeliveryRepository(t.db.sequelize),
    notifier,
    policy: { backoffMs: 20, maxBackoffMs: 100, maxAttempts: 5 },
    timeoutMs: 500,
    concurrency: 4,
    pollMs: 10,
    metrics,
    log: testLog,
    embedded: t.db.embedded, // as the service wires it
    ...overrides,
  });
  worker.start();
  return worker;
}

async function subscribe(path: string, filter?: object, authentication?: SubscriptionAuthentication): Promise<string> {
  const doc = await subscriptions.create(VNFLCM, {
    callbackUri: `${receiver.url}${path}`,
    authentication,
    render: (id, self) => ({ id, ...(filter && { filter }), callbackUri: `${receiver.url}${path}`, verbosity: 'FULL', _links: { self: { href: self } } }),
  });
  return doc.id;
}

const inst = { id: 'a1b2c3d4-0000-4000-8000-000000000001', vnfdId: 'vnfd-1', vnfProvider: 'P', vnfProductName: 'N', vnfSoftwareVersion: '1', vnfdVersion: '1' };

function lcmNotification(operation: string, operationState: string, marker: string): [SolNotification, LcmNotificationSubject] {
  const n = {
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    timeStamp: new Date().toISOString(),
    notificationStatus: operationState === 'STARTING' ? 'START' : 'RESULT',
    operationState,
    vnfInstanceId: inst.id,
    operation,
    isAutomaticInvocation: false,
    vnfLcmOpOccId: marker,
    _links: { vnfInstance: { href: `http://vnfm.test/vnflcm/v2/vnf_instances/${inst.id}` } },
  };
  return [n, { notificationType: 'VnfLcmOperationOccurrenceNotification', operation, operationState, vnfInstance: inst }];
}

async function enqueue(operation: string, state: string, marker: string): Promise<string[]> {
  const [n, subject] = lcmNotification(operation, state, marker);
  return t.db.transaction((tx) => enqueueNotification(tx, VNFLCM, n, lcmSubscriptionMatcher(subject)));
}

const posts = (path: string) => (rs: ReceivedRequest[]) => rs.filter((r) => r.method === 'POST' && r.path === path);

async function row(id: string) {
  const rows = await t.db.sequelize.query<{ status: string; attempts: number; last_error: string | null; deferred: boolean }>(
    'SELECT status, attempts, last_error, next_attempt_at > now() AS deferred FROM notification_deliveries WHERE id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  return rows[0];
}

const counter = async (outcome: string) =>
  (await metrics.notificationsSent.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

test('enqueued in a transaction that rolls back: nothing is stored or sent', async () => {
  const sub = await subscribe('/rollback');
  const [n, subject] = lcmNotification('HEAL', 'STARTING', 'rolled-back');
  await assert.rejects(
    t.db.transaction(async (tx) => {
      const ids = await enqueueNotification(tx, VNFLCM, n, lcmSubscriptionMatcher(subject));
      assert.equal(ids.length, 1, 'matched inside the transaction');
      throw new Error('state change failed');
    }),
    /state change failed/,
  );
  await startWorker().flush();
  assert.equal(posts('/rollback')(receiver.received).length, 0);
  const [{ n: count }] = await t.db.sequelize.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM notification_deliveries WHERE subscription_id = $1',
    { bind: [sub], type: QueryTypes.SELECT },
  );
  assert.equal(count, 0);
});

test('committed: delivered once per matching subscription, with Version, JSON and its own id and links', async () => {
  const all = await subscribe('/all');
  const heal = await subscribe('/heal-only', { operationTypes: ['HEAL'] });
  await subscribe('/scale-only', { operationTypes: ['SCALE'] });
  startWorker();
  const ids = await enqueue('HEAL', 'COMPLETED', 'committed');
  assert.equal(ids.length, 2, 'the SCALE subscription does not match');
  await receiver.waitFor((rs) => posts('/all')(rs).length === 1 && posts('/heal-only')(rs).length === 1);
  await worker!.flush();
  assert.equal(posts('/scale-only')(receiver.received).length, 0);
  for (const [path, subId] of [['/all', all], ['/heal-only', heal]] as const) {
    const [r] = posts(path)(receiver.received);
    assert.equal(r.headers.version, '2.0.0');
    assert.match(r.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(r.json.subscriptionId, subId);
    assert.equal(r.json._links.subscription.href, `http://vnfm.test/vnflcm/v2/subscriptions/${subId}`);
    assert.equal(r.json._links.vnfInstance.href, `http://vnfm.test/vnflcm/v2/vnf_instances/${inst.id}`);
    assert.equal(r.json.vnfLcmOpOccId, 'committed');
    assert.ok(ids.includes(r.json.id));
    assert.equal((await row(r.json.id)).status, 'delivered');
  }
  assert.notEqual(posts('/all')(receiver.received)[0].json.id, posts('/heal-only')(receiver.received)[0].json.id);
});

test('pending deliveries are sent when the worker starts (as after a restart)', async () => {
  await subscribe('/later');
  await enqueue('SCALE', 'STARTING', 'before-start');
  assert.equal(posts('/later')(receiver.received).length, 0);
  await startWorker().flush();
  assert.equal(posts('/later')(receiver.received).length, 1);
});

/**
 * A worker that "crashed": one subscription's delivery claimed (leased for a
 * minute) and never settled; another's failed once and backs off for a minute.
 */
async function crashedWorkerLeftovers(): Promise<{ claimed: string; backingOff: string }> {
  const repository = new NotificationDeliveryRepository(t.db.sequelize);
  const crashedSub = await subscribe('/crashed');
  const backoffSub = await subscribe('/backing-off');
  const ids = await enqueue('HEAL', 'STARTING', 'left-claimed');
  const seqs = await t.db.sequelize.query<{ seq: number; id: string; subscription_id: string }>(
    'SELECT seq, id, subscription_id FROM notification_deliveries WHERE id = ANY($1::uuid[])',
    { bind: [ids], type: QueryTypes.SELECT },
  );
  const of = (sub: string) => seqs.find((r) => r.subscription_id === sub)!;
  assert.equal((await repository.claim(crashedSub, 10, 60_000)).length, 1);
  assert.equal((await repository.claim(backoffSub, 10, 60_000)).length, 1);
  await repository.deferSubscription(backoffSub, of(backoffSub).seq, 60_000, 'HTTP 503');
  return { claimed: of(crashedSub).id, backingOff: of(backoffSub).id };
}

test('embedded database: claims left by a crashed worker are sent at once by the next; a backoff keeps its time', {
  skip: process.env.DATABASE_URL ? 'DATABASE_URL is set: claims are only released at start on the embedded database' : false,
}, async () => {
  const { claimed, backingOff } = await crashedWorkerLeftovers();
  await startWorker().flush();
  assert.deepEqual(posts('/crashed')(receiver.received).map((r) => r.json.id), [claimed], 'sent without waiting out the lease');
  assert.equal((await row(claimed)).status, 'delivered');
  assert.equal(posts('/backing-off')(receiver.received).length, 0, 'not sent before its backoff ends');
  assert.deepEqual({ ...(await row(backingOff)), last_error: null }, { status: 'pending', attempts: 1, last_error: null, deferred: true });
});

test('real PostgreSQL: a lease is respected at start, as it may belong to another replica', {
  skip: process.env.DATABASE_URL ? false : 'DATABASE_URL is unset: on the embedded database claims are released at start',
}, async () => {
  const { claimed, backingOff } = await crashedWorkerLeftovers();
  await startWorker().flush();
  await new Promise((r) => setTimeout(r, 100)); // several poll periods
  await worker!.flush();
  assert.equal(posts('/crashed')(receiver.received).length + posts('/backing-off')(receiver.received).length, 0);
  assert.deepEqual({ ...(await row(claimed)), last_error: null }, { status: 'pending', attempts: 1, last_error: null, deferred: true });
  assert.deepEqual({ ...(await row(backingOff)), last_error: null }, { status: 'pending', attempts: 1, last_error: null, deferred: true });
});

test('a receiver answering 500 gets the notification again after a backoff, then it is delivered', async () => {
  await subscribe('/flaky');
  let calls = 0;
  receiver.reply((r) => (r.path === '/flaky' && r.method === 'POST' && ++calls === 1 ? 500 : 204));
  startWorker({ policy: { backoffMs: 60_000, maxBackoffMs: 60_000, maxAttempts: 5 } });
  const [id] = await enqueue('HEAL', 'STARTING', 'flaky');
  await receiver.waitFor((rs) => posts('/flaky')(rs).length === 1);
  await worker!.flush();
  const failed = await row(id);
  assert.deepEqual(
    { status: failed.status, attempts: failed.attempts, deferred: failed.deferred },
    { status: 'pending', attempts: 1, deferred: true },
    'after the failure the delivery waits for its backoff',
  );
  assert.match(failed.last_error ?? '', /500/);
  await t.db.sequelize.query('UPDATE notification_deliveries SET next_attempt_at = now() WHERE id = $1', { bind: [id] });
  worker!.nudge();
  await receiver.waitFor((rs) => posts('/flaky')(rs).length === 2);
  await worker!.flush();
  const delivered = await row(id);
  assert.deepEqual({ status: delivered.status, attempts: delivered.attempts, last_error: delivered.last_error }, { status: 'delivered', attempts: 2, last_error: null });
  assert.equal(await counter('retry'), 1);
  assert.equal(await counter('delivered'), 1);
});

test('a notification enqueued while an earlier one backs off waits behind it, then both arrive in order', async () => {
  await subscribe('/backoff-order');
  let calls = 0;
  receiver.reply((r) => (r.path === '/backoff-order' && r.method === 'POST' && ++calls === 1 ? 503 : 204));
  startWorker({ policy: { backoffMs: 60_000, maxBackoffMs: 60_000, maxAttempts: 5 } });
  const [first] = await enqueue('HEAL', 'STARTING', 'first');
  await receiver.waitFor((rs) => posts('/backoff-order')(rs).length === 1);
  await worker!.flush();
  const [second] = await enqueue('HEAL', 'COMPLETED', 'second');
  await worker!.flush();
  assert.equal(posts('/backoff-order')(receiver.received).length, 1, 'the receiver that just failed is not tried again before the backoff ends');
  assert.deepEqual({ ...(await row(second)), last_error: null }, { status: 'pending', attempts: 0, last_error: null, deferred: false });
  await t.db.sequelize.query('UPDATE notification_deliveries SET next_attempt_at = now() WHERE id = $1', { bind: [first] });
  worker!.nudge();
  await receiver.waitFor((rs) => posts('/backoff-order')(rs).length === 3);
  await worker!.flush();
  assert.deepEqual(posts('/backoff-order')(receiver.received).map((r) => r.json.vnfLcmOpOccId), ['first', 'first', 'second']);
});

test('after VNFM_NOTIFY_MAX_ATTEMPTS failures the delivery is kept, marked failed and counted', async () => {
  await subscribe('/down');
  receiver.reply((r) => (r.path === '/down' && r.method === 'POST' ? 503 : 204));
  startWorker({ policy: { backoffMs: 5, maxBackoffMs: 20, maxAttempts: 3 } });
  const [id] = await enqueue('TERMINATE', 'STARTING', 'down');
  for (let i = 0; (await row(id)).status === 'pending'; i++) {
    assert.ok(i < 500, 'the delivery was given up in time');
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal((await row(id)).status, 'failed');
  assert.equal((await row(id)).attempts, 3);
  assert.equal(posts('/down')(receiver.received).length, 3);
  assert.equal(await counter('failed'), 1);
  assert.equal(await counter('retry'), 2);
});

test('deleting the subscription stops its pending deliveries', async () => {
  const sub = await subscribe('/deleted');
  receiver.reply((r) => (r.path === '/deleted' && r.method === 'POST' ? 500 : 204));
  startWorker({ policy: { backoffMs: 5, maxBackoffMs: 5, maxAttempts: 1000 } });
  await enqueue('HEAL', 'STARTING', 'deleted');
  await receiver.waitFor((rs) => posts('/deleted')(rs).length >= 2, 15_000, 'two attempts');
  await subscriptions.delete(VNFLCM, sub);
  await worker!.stop(); // waits for an attempt that was in flight during the delete
  const attempts = posts('/deleted')(receiver.received).length;
  startWorker({ policy: { backoffMs: 5, maxBackoffMs: 5, maxAttempts: 1000 } });
  await new Promise((r) => setTimeout(r, 200)); // many poll periods
  await worker!.flush();
  assert.equal(posts('/deleted')(receiver.received).length, attempts, 'no attempt after the delete');
});

test('a dead receiver does not hold up others, and each subscription gets its notifications in order', async () => {
  await subscribe('/dead');
  await subscribe('/alive');
  receiver.reply((r) => (r.path === '/dead' && r.method === 'POST' ? { status: 204, delayMs: 5000 } : 204));
  await t.db.transaction(async (tx) => {
    for (let i = 0; i < 20; i++) {
      const [n, subject] = lcmNotification('HEAL', 'STARTING', `seq-${i}`);
      await enqueueNotification(tx, VNFLCM, n, lcmSubscriptionMatcher(subject));
    }
  });
  // One slot: the dead subscription (created first) is served first and claims all 20 of its rows.
  startWorker({ concurrency: 1, timeoutMs: 1000, policy: { backoffMs: 60_000, maxBackoffMs: 60_000, maxAttempts: 5 } });
  await receiver.waitFor((rs) => posts('/alive')(rs).length === 20, 15_000, 'all 20 notifications at /alive');
  assert.deepEqual(
    posts('/alive')(receiver.received).map((r) => r.json.vnfLcmOpOccId),
    Array.from({ length: 20 }, (_, i) => `seq-${i}`),
  );
  // (The timed-out attempt may not even reach the receiver when the machine is busy.)
  assert.ok(posts('/dead')(receiver.received).length <= 1, 'one timed-out attempt, then the subscription backs off');
  const dead = await t.db.sequelize.query<{ attempts: number; deferred: boolean }>(
    `SELECT d.attempts, d.next_attempt_at > now() AS deferred FROM notification_deliveries d
       JOIN subscriptions s ON s.id = d.subscription_id WHERE s.callback_uri LIKE '%/dead' AND d.status = 'pending' ORDER BY d.seq`,
    { type: QueryTypes.SELECT },
  );
  assert.equal(dead.length, 20);
  assert.ok(dead.every((r) => r.deferred), 'all of them wait for the backoff');
  assert.deepEqual(dead.map((r) => r.attempts), [1, ...Array(19).fill(0)], 'claimed with it but not attempted: no attempt counted');
});

test('OAuth 2.0: a receiver answering 401 to a cached token gets the notification with a fresh one', async () => {
  let issued = 0;
  const valid = new Set<string>(['Bearer tok-1']);
  receiver.reply((r) => {
    if (r.path === '/oauth/token') return { status: 200, json: { access_token: `tok-${++issued}`, expires_in: 3600 } };
    if (r.path === '/oauth/cb') return valid.has(r.headers.authorization ?? '') ? 204 : 401;
    return 204;
  });
  await subscribe('/oauth/cb', undefined, {
    authType: ['OAUTH2_CLIENT_CREDENTIALS'],
    paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: 's', tokenEndpoint: `${receiver.url}/oauth/token` },
  });
  valid.clear();
  valid.add('Bearer tok-2'); // tok-1 was revoked
  startWorker();
  await enqueue('HEAL', 'STARTING', 'oauth');
  await receiver.waitFor((rs) => posts('/oauth/cb')(rs).some((r) => r.headers.authorization === 'Bearer tok-2'));
  await worker!.flush();
  assert.equal(issued, 2);
  assert.deepEqual(posts('/oauth/cb')(receiver.received).map((r) => r.headers.authorization), ['Bearer tok-1', 'Bearer tok-2']);
  assert.equal(await counter('delivered'), 1);
});

test('delivered rows are deleted after the retention period; failed ones are kept', async () => {
  const sub = await subscribe('/retention');
  const ids = [...(await enqueue('HEAL', 'STARTING', 'old-delivered')), ...(await enqueue('HEAL', 'STARTING', 'old-failed'))];
  const recent = await enqueue('HEAL', 'STARTING', 'recent-delivered');
  await t.db.sequelize.query(
    `UPDATE notification_deliveries SET status = CASE WHEN id = $1 THEN 'delivered' ELSE 'failed' END,
            finished_at = now() - interval '48 hours' WHERE id = ANY($2::uuid[])`,
    { bind: [ids[0], ids] },
  );
  await t.db.sequelize.query(`UPDATE notification_deliveries SET status = 'delivered', finished_at = now() WHERE id = $1`, { bind: [recent[0]] });
  assert.equal(await new NotificationDeliveryRepository(t.db.sequelize).purgeDelivered(24), 1);
  const left = await t.db.sequelize.query<{ id: string }>('SELECT id FROM notification_deliveries WHERE subscription_id = $1 ORDER BY seq', {
    bind: [sub],
    type: QueryTypes.SELECT,
  });
  assert.deepEqual(left.map((r) => r.id), [ids[1], recent[0]]);
});
