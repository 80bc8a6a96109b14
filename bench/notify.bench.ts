import { loadConfig } from '../platform/config/config.ts';
import { createMetrics } from '../platform/metrics.ts';
import { VNFLCM } from '../platform/http/sol-api.ts';
import { HttpNotifier } from '../platform/sol/subscriptions/http-notifier.ts';
import { enqueueNotification, type SubscriptionMatcher } from '../platform/sol/subscriptions/notification-outbox.ts';
import { createSubscriptions } from '../platform/sol/subscriptions/subscriptions.module.ts';
import { startReceiver, type NotificationReceiver } from '../tests/support/notification-receiver.ts';
import { openTestDatabase, testLog } from '../tests/support/test-database.ts';

/** Deliveries per scenario: enough for a steady rate, short enough for CI-sized machines. */
const DELIVERIES = 6000;
/** Notifications enqueued per transaction, as a busy LCM operation would. */
const BATCH = 100;
/** POSTs per ceiling measurement (after as many to warm up). */
const CEILING_POSTS = 3000;

interface Scenario {
  readonly subscribers: number;
  readonly deliveries: number;
  readonly duplicates: number;
  readonly enqueuePerSecond: number;
  readonly deliveredPerSecond: number;
  /** deliveredPerSecond over the bare-POST rate with as many parallel senders as lanes. */
  readonly ofCeiling: number;
}

/**
 * Notification delivery throughput: notifications are committed to the outbox
 * first, then the delivery worker (default configuration) drains them to a
 * loopback receiver answering 204. Once with one subscriber (one ordered lane)
 * and once with as many subscribers as VNFM_NOTIFY_CONCURRENCY (parallel lanes).
 *
 * The ceiling is measured in the same run, against the same receiver: the rate
 * of bare POSTs of the same body by the same HTTP client, without the database,
 * one after another (what one lane could do at best) and from as many senders
 * in parallel as there are lanes. Sender and receiver share this process, so
 * both figures are bounded by one CPU; the ratio is what the outbox costs.
 */
export async function benchNotify(): Promise<{ ceiling: Ceiling; scenarios: Scenario[]; parallelOverSingle: number }> {
  const concurrency = loadConfig({}).notifications.concurrency;
  const ceiling = await measureCeiling(concurrency);
  const single = await scenario(1, ceiling.sequentialPerSecond);
  const parallel = await scenario(concurrency, ceiling.parallelPerSecond);
  const ratio = parallel.deliveredPerSecond / single.deliveredPerSecond;
  console.log(`${concurrency} subscribers deliver ${ratio.toFixed(2)}x the rate of 1 subscriber`);
  return { ceiling, scenarios: [single, parallel], parallelOverSingle: Number(ratio.toFixed(2)) };
}

interface Ceiling {
  /** Bare POSTs one after another (HttpNotifier, kept-alive connection). */
  readonly sequentialPerSecond: number;
  /** Bare POSTs from `senders` parallel senders, each one after another. */
  readonly parallelPerSecond: number;
  readonly senders: number;
  /** For comparison: the same POSTs one after another with the global fetch. */
  readonly fetchSequentialPerSecond: number;
}

async function measureCeiling(senders: number): Promise<Ceiling> {
  const receiver = await startReceiver(() => 204);
  const notifier = new HttpNotifier(10_000);
  const target = { uri: `${receiver.url}/callback/ceiling`, credential: { kind: 'none' } as const };
  const body = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', subscriptionId: 'x', ...sampleNotification(0) });
  const post = async () => {
    const outcome = await notifier.notify(target, VNFLCM.version, body);
    if (!outcome.ok) throw new Error(`bare POST failed: ${outcome.reason}`);
  };
  const rate = async (streams: number, one: () => Promise<void>) => {
    const perStream = Math.ceil(CEILING_POSTS / streams);
    const run = () => Promise.all(Array.from({ length: streams }, async () => { for (let i = 0; i < perStream; i++) await one(); }));
    await run(); // warm-up: connections opened, code optimised
    receiver.received.length = 0;
    const start = performance.now();
    await run();
    return Math.round((perStream * streams) / ((performance.now() - start) / 1000));
  };
  const fetchPost = async () => {
    const res = await fetch(target.uri, { method: 'POST', body, headers: { 'Content-Type': 'application/json', Version: VNFLCM.version } });
    await res.body?.cancel();
  };
  try {
    const ceiling: Ceiling = {
      sequentialPerSecond: await rate(1, post),
      parallelPerSecond: await rate(senders, post),
      senders,
      fetchSequentialPerSecond: await rate(1, fetchPost),
    };
    console.log(
      `bare POST ceiling (no database): ${ceiling.sequentialPerSecond}/s one after another, ` +
        `${ceiling.parallelPerSecond}/s from ${senders} senders (global fetch: ${ceiling.fetchSequentialPerSecond}/s one after another)`,
    );
    return ceiling;
  } finally {
    notifier.close();
    await receiver.close();
  }
}

async function scenario(subscribers: number, ceilingPerSecond: number): Promise<Scenario> {
  const t = await openTestDatabase();
  const receiver = await startReceiver(() => 204);
  const config = loadConfig({});
  const subs = createSubscriptions({ db: t.db, config, log: testLog, metrics: createMetrics() });
  try {
    for (let i = 0; i < subscribers; i++) {
      const callbackUri = `${receiver.url}/callback/${i}`;
      await subs.service.create(VNFLCM, {
        callbackUri,
        authentication: undefined,
        render: (id, self) => ({ id, callbackUri, _links: { self: { href: self } } }),
      });
    }
    const notifications = Math.ceil(DELIVERIES / subscribers);
    const deliveries = notifications * subscribers;
    const every: SubscriptionMatcher = () => true;

    const enqueueStart = performance.now();
    for (let done = 0; done < notifications; done += BATCH) {
      await t.db.transaction(async (tx) => {
        for (let i = done; i < Math.min(done + BATCH, notifications); i++) {
          await enqueueNotification(tx, VNFLCM, sampleNotification(i), every);
        }
      });
    }
    const enqueueSeconds = (performance.now() - enqueueStart) / 1000;

    const posts = () => receiver.received.filter((r) => r.method === 'POST');
    receiver.received.length = 0; // the callback tests of the subscriptions
    const deliverStart = performance.now();
    subs.worker.start();
    await receiver.waitFor((rs) => rs.length >= deliveries, 600_000, `${deliveries} notifications`);
    const deliverSeconds = (performance.now() - deliverStart) / 1000;
    await subs.worker.stop();
    const distinct = new Set(posts().map((r) => r.json?.id)).size;
    if (distinct !== deliveries) throw new Error(`${deliveries - distinct} notifications missing`);

    const deliveredPerSecond = Math.round(deliveries / deliverSeconds);
    const result: Scenario = {
      subscribers,
      deliveries,
      duplicates: posts().length - distinct,
      enqueuePerSecond: Math.round(deliveries / enqueueSeconds),
      deliveredPerSecond,
      ofCeiling: Number((deliveredPerSecond / ceilingPerSecond).toFixed(2)),
    };
    console.log(
      `${subscribers} subscriber(s): ${deliveries} notifications enqueued at ${result.enqueuePerSecond}/s, ` +
        `delivered at ${deliveredPerSecond}/s (${((deliverSeconds * 1000) / deliveries).toFixed(2)} ms each), ` +
        `${Math.round(result.ofCeiling * 100)} % of the bare-POST ceiling (${ceilingPerSecond}/s)`,
    );
    return result;
  } finally {
    await subs.worker.stop();
    await receiver.close();
    await t.close();
  }
}

/** A VnfLcmOperationOccurrenceNotification of a typical size (SOL003 5.5.2.17). */
function sampleNotification(i: number) {
  const vnfInstanceId = '6f4b7a3e-2c1d-4e5f-8a9b-0c1d2e3f4a5b';
  const opOccId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    timeStamp: new Date().toISOString(),
    notificationStatus: 'START',
    operationState: 'STARTING',
    vnfInstanceId,
    operation: 'HEAL',
    isAutomaticInvocation: true,
    verbosity: 'FULL',
    vnfLcmOpOccId: opOccId,
    _links: {
      vnfInstance: { href: `http://127.0.0.1:9890/vnflcm/v2/vnf_instances/${vnfInstanceId}` },
      vnfLcmOpOcc: { href: `http://127.0.0.1:9890/vnflcm/v2/vnf_lcm_op_occs/${opOccId}` },
    },
  };
}
