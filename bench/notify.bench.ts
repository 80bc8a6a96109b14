import { loadConfig } from '../platform/config/config.ts';
import { createMetrics } from '../platform/metrics.ts';
import { VNFLCM } from '../platform/http/sol-api.ts';
import { enqueueNotification, type SubscriptionMatcher } from '../platform/sol/subscriptions/notification-outbox.ts';
import { createSubscriptions } from '../platform/sol/subscriptions/subscriptions.module.ts';
import { startReceiver } from '../tests/support/notification-receiver.ts';
import { openTestDatabase, testLog } from '../tests/support/test-database.ts';

/** Deliveries per scenario: enough for a steady rate, short enough for CI-sized machines. */
const DELIVERIES = 3000;
/** Notifications enqueued per transaction, as a busy LCM operation would. */
const BATCH = 100;

interface Scenario {
  readonly subscribers: number;
  readonly deliveries: number;
  readonly enqueuePerSecond: number;
  readonly deliveredPerSecond: number;
}

/**
 * Notification delivery throughput: notifications are committed to the outbox
 * first, then the delivery worker (default configuration) drains them to a
 * loopback receiver answering 204. Once with one subscriber (one ordered lane)
 * and once with as many subscribers as VNFM_NOTIFY_CONCURRENCY (parallel lanes).
 */
export async function benchNotify(): Promise<{ scenarios: Scenario[]; parallelOverSingle: number }> {
  const concurrency = loadConfig({}).notifications.concurrency;
  const single = await scenario(1);
  const parallel = await scenario(concurrency);
  const ratio = parallel.deliveredPerSecond / single.deliveredPerSecond;
  console.log(`${concurrency} subscribers deliver ${ratio.toFixed(2)}x the rate of 1 subscriber`);
  return { scenarios: [single, parallel], parallelOverSingle: Number(ratio.toFixed(2)) };
}

async function scenario(subscribers: number): Promise<Scenario> {
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

    const posts = () => receiver.received.filter((r) => r.method === 'POST').length;
    const deliverStart = performance.now();
    subs.worker.start();
    await receiver.waitFor(() => posts() >= deliveries, 600_000, `${deliveries} notifications`);
    const deliverSeconds = (performance.now() - deliverStart) / 1000;
    await subs.worker.stop();

    const result: Scenario = {
      subscribers,
      deliveries,
      enqueuePerSecond: Math.round(deliveries / enqueueSeconds),
      deliveredPerSecond: Math.round(deliveries / deliverSeconds),
    };
    console.log(
      `${subscribers} subscriber(s): ${deliveries} notifications enqueued at ${result.enqueuePerSecond}/s, ` +
        `delivered at ${result.deliveredPerSecond}/s (${(deliverSeconds * 1000 / deliveries).toFixed(2)} ms each)`,
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
