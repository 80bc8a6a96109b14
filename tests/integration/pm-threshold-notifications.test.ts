import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { saveEntities } from '../../fault-mgmt/registry/entity.repository.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { InProcessEventBus } from '../../platform/bus/in-process-bus.ts';
import { appendToOutbox, OutboxRelay } from '../../platform/bus/outbox.ts';
import { RabbitMqEventBus } from '../../platform/bus/rabbitmq-bus.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { deleteTopology } from '../support/bus-fixtures.ts';
import { createDayPartitions, insertSamples, insertSeries } from '../support/monitoring-rows.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { PM_PUBLIC_URL, startPmTestApp, type PmTestApp } from '../support/pm-app.ts';

// Failure scores published by online prediction reach a PM threshold on VFailureScoreVnf over the
// real outbox and bus (RabbitMQ when AMQP_URL is set): ThresholdCrossedNotification once per
// crossing at the subscriber, also when an event is delivered twice; and a PM job over the real
// monitoring store reports PerformanceInformationAvailableNotification.
const VNF = 'c1d2e3f4-0000-4000-8000-00000000a001';
const T0 = Math.floor(Date.now() / 1000 / 600) * 600 - 1200; // a past period (a multiple of the reporting period), inside the current partitions
const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
const exchange = `vnfm.test.pm.${randomBytes(4).toString('hex')}`;

const ENTITIES: RegistryEntity[] = [
  { kind: 'vnf', id: VNF, name: 'vepc' },
  { kind: 'vm', id: 'srv-1', host: 'compute-1' },
  { kind: 'vm', id: 'srv-2', host: 'compute-2' },
  { kind: 'vnfc', id: 'VDU1-srv-1', vnfInstanceId: VNF, vm: 'srv-1' },
  { kind: 'vnfc', id: 'VDU2-srv-2', vnfInstanceId: VNF, vm: 'srv-2' },
];

let bus: EventBus;
let relay: OutboxRelay;
let t: PmTestApp;
let receiver: NotificationReceiver;

before(async () => {
  receiver = await startReceiver();
  bus = process.env.AMQP_URL
    ? await RabbitMqEventBus.connect({
        url: process.env.AMQP_URL, exchange, prefetch: 10, publishTimeoutMs: 5000, reconnectMaxMs: 2000,
        redelivery: { maxAttempts: 3, backoffMs: 50 }, log,
      })
    : new InProcessEventBus(log, { maxAttempts: 3, backoffMs: 50 });
  t = await startPmTestApp({ bus, topology: 'registry', now: T0 });
  await t.db.transaction((tx) => saveEntities(tx, t.db, ENTITIES, 'config', false));
  relay = new OutboxRelay({ db: t.db, bus, log, metrics: createMetrics(), pollMs: 50 });
  await t.pm.start();
  await t.indicators.start();
  await relay.start(); // after the consumers subscribed
  t.subscriptions.worker.start();
});
after(async () => {
  await relay?.stop();
  await t?.close();
  await bus?.close();
  if (process.env.AMQP_URL) await deleteTopology(exchange, ['vnfpm-score-thresholds', 'vnfind-failure-score']);
  await receiver?.close();
});

/** Publishes one `prediction.failure_scores` event the way online scoring does (outbox, then relay). */
async function publishScore(failureScore: number, id = randomUUID()): Promise<string> {
  const payload = [
    { vnfInstanceId: VNF, host: 'compute-1', failureScore, longProbability: 0.1, inFailure: false, threshold: 0.5, longThreshold: 0.5, horizonSeconds: 300, modelId: 'm1', ts: new Date().toISOString() },
    { vnfInstanceId: VNF, vnfcInstanceId: 'VDU1-srv-1', vm: 'srv-1', host: 'compute-1', failureScore: 0.01, longProbability: 0.1, inFailure: false, threshold: 0.5, longThreshold: 0.5, horizonSeconds: 300, modelId: 'm1', ts: new Date().toISOString() },
  ];
  await t.db.transaction((tx) => appendToOutbox(tx, [{ id, topic: 'prediction.failure_scores', payload }], relay));
  await relay.flush();
  await handled(id);
  return id;
}

/** Waits until both consumers handled the event (RabbitMQ hands events over asynchronously), so scores apply in order. */
async function handled(id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await t.db.sequelize.query('SELECT consumer FROM inbox_events WHERE event_id = $1', { bind: [id], type: QueryTypes.SELECT });
    if (rows.length >= 2) return;
    if (Date.now() > deadline) throw new Error(`event ${id} was not handled by both consumers`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a PM threshold on the failure score', () => {
  test('fires ThresholdCrossedNotification once per crossing (UP, DOWN, UP), duplicates and in-band values add nothing', async () => {
    const created = await request(t.app).post('/vnfpm/v2/thresholds').set('Version', '2.1.0').send({
      objectType: 'Vnf',
      objectInstanceId: VNF,
      criteria: { performanceMetric: 'VFailureScoreVnf', thresholdType: 'SIMPLE', simpleThresholdDetails: { thresholdValue: 0.5, hysteresis: 0.1 } },
      callbackUri: `${receiver.url}/nfvo/score`,
    });
    assert.equal(created.status, 201, created.text);
    const crossings = () => receiver.received.filter((r) => r.path === '/nfvo/score' && r.method === 'POST');
    for (const score of [0.2, 0.55, 0.7, 0.9, 0.65]) await publishScore(score); // UP at 0.7
    const again = await publishScore(0.3); // DOWN
    // The broker may deliver an event again: the consumers' inbox makes it a no-op.
    const repeat = { id: again, topic: 'prediction.failure_scores', occurredAt: new Date().toISOString(), payload: [{ vnfInstanceId: VNF, failureScore: 0.95, ts: new Date().toISOString() }] };
    await bus.publish(repeat);
    await new Promise((r) => setTimeout(r, 200)); // RabbitMQ: give the redelivery time to be handled (and skipped)
    for (const score of [0.45, 0.2, 0.62]) await publishScore(score); // UP at 0.62
    await receiver.waitFor(() => crossings().length >= 3, 20_000, 'three crossings');
    await t.subscriptions.worker.flush();
    await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
    assert.deepEqual(crossings().map((r) => `${r.json.crossingDirection}@${r.json.performanceValue}`), ['UP@0.7', 'DOWN@0.3', 'UP@0.62']);
    const n = crossings()[0];
    assert.equal(n.headers.version, '2.1.0');
    assert.equal(n.json.notificationType, 'ThresholdCrossedNotification');
    assert.equal(n.json.thresholdId, created.body.id);
    assert.equal(n.json.objectType, 'Vnf');
    assert.equal(n.json.objectInstanceId, VNF);
    assert.equal(n.json.performanceMetric, 'VFailureScoreVnf');
    assert.deepEqual(n.json._links, {
      objectInstance: { href: `${PM_PUBLIC_URL}/vnflcm/v2/vnf_instances/${VNF}` },
      threshold: { href: `${PM_PUBLIC_URL}/vnfpm/v2/thresholds/${created.body.id}` },
    });
    assert.equal(new Set(crossings().map((r) => r.json.id)).size, 3, 'every notification has its own id');
  });

  test('the failureScore indicator follows the same events', async () => {
    const res = await request(t.app).get(`/vnfind/v1/indicators/${VNF}/failureScore`).set('Version', '1.3.0');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.value, 0.62);
  });
});

describe('a PM job over the monitoring store', () => {
  test('reports VCpuUsageMeanVnf (mean of the VNFCs) and VFailureScoreVnf with PerformanceInformationAvailableNotification', async () => {
    await createDayPartitions(t.db, T0);
    const s1 = await insertSeries(t.db, 'vm', 'srv-1', 'cpu_util');
    const s2 = await insertSeries(t.db, 'vm', 'srv-2', 'cpu_util');
    // Period [T0, T0+60): srv-1 averages 20, srv-2 40 -> 30. Period [T0+60, T0+120): only srv-1, 50.
    await insertSamples(t.db, s1, [[T0 + 5, 10], [T0 + 35, 30], [T0 + 65, 50]]);
    await insertSamples(t.db, s2, [[T0 + 10, 40]]);
    await t.db.sequelize.query(
      `INSERT INTO failure_scores (ts, entity_kind, entity_id, vnf_instance_id, host, failure_score, long_probability, model_id)
       VALUES (to_timestamp($1), 'vnf', $3, $3, 'compute-1', 0.2, 0, 'm1'), (to_timestamp($2), 'vnf', $3, $3, 'compute-1', 0.4, 0, 'm1'),
              (to_timestamp($2 + 5), 'vnf', $3, $3, 'compute-1', 0.3, 0, 'm1')`,
      { bind: [T0 + 20, T0 + 70, VNF] },
    );
    const job = await request(t.app).post('/vnfpm/v2/pm_jobs').set('Version', '2.1.0').send({
      objectType: 'Vnf',
      objectInstanceIds: [VNF],
      criteria: { performanceMetric: ['VCpuUsageMeanVnf', 'VFailureScoreVnf'], collectionPeriod: 60, reportingPeriod: 120 },
      callbackUri: `${receiver.url}/nfvo/pm`,
    });
    assert.equal(job.status, 201, job.text);
    t.clock.now = T0 + 120 + 6;
    assert.equal((await t.pm.collector.tick()).reports, 1);
    await receiver.waitFor((rs) => rs.some((r) => r.path === '/nfvo/pm' && r.method === 'POST'), 10_000, 'the report notification');
    const n = receiver.received.find((r) => r.path === '/nfvo/pm' && r.method === 'POST')!;
    assert.equal(n.json.notificationType, 'PerformanceInformationAvailableNotification');
    assert.equal(n.json.pmJobId, job.body.id);
    const report = await request(t.app).get(n.json._links.performanceReport.href.slice(PM_PUBLIC_URL.length)).set('Version', '2.1.0');
    assert.equal(report.status, 200, report.text);
    const values = (metric: string) =>
      report.body.entries.find((e: { performanceMetric: string }) => e.performanceMetric === metric).performanceValues.map((v: { value: number }) => v.value);
    assert.deepEqual(values('VCpuUsageMeanVnf'), [30, 50]);
    assert.deepEqual(values('VFailureScoreVnf'), [0.2, 0.4], 'the highest score of each period');
  });
});
