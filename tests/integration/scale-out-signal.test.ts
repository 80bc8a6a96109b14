import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Express } from 'express';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { FM_CONSUMERS } from '../../fault-mgmt/fm/fm-consumers.ts';
import { createFmModule, type FmModule } from '../../fault-mgmt/fm/index.ts';
import { NO_MIGRATION_HEADROOM } from '../../fault-mgmt/fm/alarm-causes.ts';
import { createIndicatorModule, INDICATOR_CAPACITY_CONSUMER, INDICATOR_SCORE_CONSUMER, type IndicatorModule } from '../../fault-mgmt/indicators/index.ts';
import { createEntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { DECISION_CONSUMER } from '../../lcm/decision/failure-scores.consumer.ts';
import { createDecisionModule, type Decision, type DecisionModule } from '../../lcm/decision/index.ts';
import { SCALE_OUT_ALERT_CONSUMER } from '../../lcm/decision/scale-out-alert.sender.ts';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { appendToOutbox, OutboxRelay } from '../../platform/bus/outbox.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { VNFFM, VNFIND } from '../../platform/http/sol-api.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { createSubscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import type { FailureScorePayload } from '../../prediction/scoring/failure-score.ts';
import { FAILURE_SCORES_TOPIC } from '../../prediction/scoring/online-scorer.ts';
import { createEventBus } from '../../vnfm-plugin/adapters.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { decisionSettingsOf } from '../../vnfm-plugin/module-settings.ts';
import { deleteTopology } from '../support/bus-fixtures.ts';
import { assertEtsiValid, ETSI_SKIP } from '../support/fm-etsi.ts';
import { fakeLcm, fakeVnfcs, monitored, policy } from '../support/decision-fixtures.ts';
import { startReceiver, type NotificationReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

// The whole path on the simulated VIM, through the bus (in process, or RabbitMQ with AMQP_URL)
// and the outbox: a failure score over the threshold, the only other host full, so the
// decision is `no-destination`; the FM alarm, the indicator and Tacker's auto-scaling alert
// follow, and all of it clears once the other host has room again.
const VNF = randomUUID();
const T0 = Math.floor(Date.now() / 1000 / 5) * 5 - 60;
const ts = (i: number) => new Date((T0 + 5 * i) * 1000).toISOString();
const FLAVOR = { vcpus: 2, ramMb: 2048, diskGb: 20 };

let t: TestDatabase;
let receiver: NotificationReceiver;
let sim: SimulatedVim;
let bus: EventBus;
let relay: OutboxRelay;
let fm: FmModule;
let indicators: IndicatorModule;
let decisions: DecisionModule;
let app: Express;
let vnfcId: string;
let fillerId: string;
const closers: (() => Promise<unknown>)[] = [];

async function activeOn(name: string, zone: string, resources: typeof FLAVOR): Promise<string> {
  const s = await sim.createServer({ name, resources, image: 'cirros', availabilityZone: zone });
  await sim.waitForServer(s.id, 'ACTIVE', { timeoutMs: 5000 });
  return s.id;
}

before(async () => {
  t = await openTestDatabase();
  closers.push(() => t.close());
  receiver = await startReceiver();
  closers.push(() => receiver.close());
  sim = new SimulatedVim({
    hosts: [
      { name: 'compute-a', capacity: { vcpus: 8, ramMb: 8192, diskGb: 100 }, availabilityZone: 'zone-a' },
      { name: 'compute-b', capacity: { vcpus: 8, ramMb: 8192, diskGb: 100 }, availabilityZone: 'zone-b' },
    ],
    bootMs: 10,
  });
  const vnfcServer = await activeOn('vnfc', 'zone-a', FLAVOR);
  vnfcId = `VDU1-${vnfcServer}`;
  fillerId = await activeOn('filler', 'zone-b', { vcpus: 7, ramMb: 7168, diskGb: 50 });

  const exchange = `vnfm.scale-out-test.${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    VNFM_PUBLIC_URL: 'http://vnfm.example.net:9890',
    VNFM_CALLBACK_TEST_TIMEOUT_MS: '2000',
    VNFM_OUTBOX_POLL_MS: '50',
    VNFM_NOTIFY_BACKOFF_MS: '100',
    VNFM_BUS_RETRY_BACKOFF_MS: '100',
    INDICATOR_TICK_SECONDS: '0',
    INDICATOR_MIN_INTERVAL_SECONDS: '0',
    DECISION_SCALE_OUT_ALERT_URL: `${receiver.url}/alert/auto_scaling`,
    ...(process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL, AMQP_EXCHANGE: exchange } : {}),
  });
  const metrics = createMetrics();
  const subscriptions = createSubscriptions({ db: t.db, config, log: testLog, metrics });
  subscriptions.worker.start();
  closers.push(() => subscriptions.worker.stop());
  bus = await createEventBus(config, testLog, metrics);
  closers.push(() => bus.close());
  if (config.amqp.url) {
    const consumers = [...Object.values(FM_CONSUMERS), INDICATOR_SCORE_CONSUMER, INDICATOR_CAPACITY_CONSUMER, DECISION_CONSUMER, 'lcm.decision-engine.operations', SCALE_OUT_ALERT_CONSUMER];
    closers.push(() => deleteTopology(exchange, consumers));
  }
  relay = new OutboxRelay({ db: t.db, bus, log: testLog, metrics, pollMs: config.outbox.pollMs });
  closers.push(() => relay.stop());
  const registry = createEntityRegistry({ db: t.db, log: testLog, metrics });
  await registry.load();
  const reader = createWindowReader({ db: t.db, resolver: registry, defaultStep: 5, defaultFillLimit: 2 });

  fm = createFmModule({ db: t.db, subscriptions: subscriptions.service, resolver: registry, bus, log: testLog, metrics, pageSize: 100, publicUrl: config.publicUrl });
  indicators = createIndicatorModule({ db: t.db, config, log: testLog, metrics, subscriptions: subscriptions.service, reader, bus });
  decisions = createDecisionModule({
    db: t.db, bus, log: testLog, metrics,
    config: { ...config, decision: decisionSettingsOf(config) },
    lcm: fakeLcm(),
    catalogue: { get: () => undefined },
    vim: sim,
    vnfcs: fakeVnfcs([
      monitored({
        vnfInstanceId: VNF, vnfcInstanceId: vnfcId, serverId: vnfcServer, host: 'compute-a', flavor: FLAVOR,
        policy: policy({ destinationStrategy: 'least-loaded' }), scalingAspectId: 'VDU1_scale',
      }),
    ]),
  });
  for (const m of [fm, indicators, decisions]) {
    await m.start();
    closers.push(() => m.stop());
  }
  await relay.start();
  app = createHttpApp({
    config, log: testLog, metrics, authenticator: noAuthentication, readiness: {},
    apis: [
      { ...fm, validate: openApiValidation(VNFFM, { validateResponses: true }) },
      { ...indicators, validate: openApiValidation(VNFIND, { validateResponses: true }) },
    ],
  });
  const fmSub = await request(app).post('/vnffm/v1/subscriptions').set({ Version: '1.3.0' })
    .send({ callbackUri: `${receiver.url}/fm`, filter: { probableCauses: [NO_MIGRATION_HEADROOM.probableCause] } });
  assert.equal(fmSub.status, 201, fmSub.text);
  const indSub = await request(app).post('/vnfind/v1/subscriptions').set({ Version: '1.3.0' })
    .send({ callbackUri: `${receiver.url}/ind`, filter: { indicatorIds: ['migrationHeadroomAvailable'] } });
  assert.equal(indSub.status, 201, indSub.text);
});

after(async () => {
  for (const c of closers.reverse()) await c().catch(() => undefined);
});

function scoring(i: number, failureScore: number): FailureScorePayload {
  return {
    vnfInstanceId: VNF, vnfcInstanceId: vnfcId, vm: vnfcId.slice(5), host: 'compute-a', failureScore, longProbability: 0.2, inFailure: false,
    threshold: 0.8, longThreshold: 0.6, horizonSeconds: 120, modelId: 'model-1', ts: ts(i),
  };
}
const publish = (i: number, score: number) => t.db.transaction((tx) => appendToOutbox(tx, [{ topic: FAILURE_SCORES_TOPIC, payload: [scoring(i, score)] }], relay));
const at = (path: string) => (rs: ReceivedRequest[]) => rs.filter((r) => r.method === 'POST' && r.path === path).map((r) => r.json);
/** Waits until the decision engine has handled `n` scoring events. */
async function decided(n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [{ count }] = await t.db.sequelize.query<{ count: number }>('SELECT count(*)::int AS count FROM inbox_events WHERE consumer = $1', {
      bind: [DECISION_CONSUMER], type: QueryTypes.SELECT,
    });
    if (count >= n) return;
    assert.ok(Date.now() < deadline, `the decision engine handled ${count} of ${n} scoring events`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const storedDecisions = async () =>
  (await t.db.sequelize.query<{ doc: Decision }>('SELECT doc FROM decisions ORDER BY created_at, seq', { type: QueryTypes.SELECT })).map((r) => r.doc);

test('no headroom: no-destination decision, FM alarm, indicator 0 and one Tacker SCALE_OUT alert; all clear when capacity returns', async () => {
  await publish(0, 0.9);
  await receiver.waitFor((rs) => at('/fm')(rs).length >= 1 && at('/alert/auto_scaling')(rs).length >= 1 && at('/ind')(rs).length >= 1, 20_000, 'alarm, alert, indicator');
  const [decision] = await storedDecisions();
  assert.equal(decision.rule, 'no-destination');
  assert.equal(decision.outcome.kind, 'skip');
  assert.deepEqual(decision.ranking?.excluded.map((x) => x.host).sort(), ['compute-a', 'compute-b']);

  const [raised] = at('/fm')(receiver.received);
  assert.equal(raised.notificationType, 'AlarmNotification');
  assert.equal(raised.alarm.managedObjectId, VNF);
  assert.equal(raised.alarm.eventType, 'PROCESSING_ERROR_ALARM');
  assert.equal(raised.alarm.probableCause, 'No host headroom for proactive migration: scale out');
  assert.equal(raised.alarm.perceivedSeverity, 'MAJOR');
  assert.deepEqual(raised.alarm.vnfcInstanceIds, [vnfcId]);
  assert.match(raised.alarm.faultDetails[0], /needs 2 vCPU, 2048 MB RAM, 20 GB disk; no other host has room \(scale out aspect VDU1_scale\)/);

  const [firing] = at('/alert/auto_scaling')(receiver.received);
  const alertPost = receiver.received.find((r) => r.path === '/alert/auto_scaling')!;
  assert.match(String(alertPost.headers['content-type']), /^application\/json/);
  assert.equal(firing.version, '4');
  assert.equal(firing.status, 'firing');
  assert.equal(firing.alerts.length, 1);
  assert.deepEqual(
    { ...firing.alerts[0].labels, alertname: undefined },
    { alertname: undefined, receiver_type: 'tacker', function_type: 'auto_scale', vnf_instance_id: VNF, auto_scale_type: 'SCALE_OUT', aspect_id: 'VDU1_scale' },
  );
  assert.equal(firing.alerts[0].status, 'firing');
  assert.equal(firing.alerts[0].startsAt, ts(0));
  assert.match(firing.alerts[0].fingerprint, /^[0-9a-f]{16}$/);

  const [zero] = at('/ind')(receiver.received);
  assert.equal(zero.notificationType, 'VnfIndicatorValueChangeNotification');
  assert.equal(zero.vnfIndicatorId, 'migrationHeadroomAvailable');
  assert.equal(zero.value, 0);
  const shown = await request(app).get(`/vnfind/v1/indicators/${VNF}/migrationHeadroomAvailable`).set({ Version: '1.3.0' });
  assert.equal(shown.status, 200, shown.text);
  assert.equal(shown.body.value, 0);

  // The shortage holds for two more windows: nothing new anywhere.
  await publish(1, 0.95);
  await publish(2, 0.92);
  await decided(3);
  // Capacity returns: the filler goes, the next window finds compute-b.
  await sim.deleteServer(fillerId);
  await publish(3, 0.9);
  await receiver.waitFor((rs) => at('/fm')(rs).length >= 2 && at('/alert/auto_scaling')(rs).length >= 2 && at('/ind')(rs).length >= 2, 20_000, 'clear, resolved, indicator 1');
  const all = await storedDecisions();
  assert.deepEqual(all.map((d) => d.rule), ['no-destination', 'threshold']);
  assert.equal(all[1].outcome.kind === 'migrate' && all[1].outcome.destination, 'compute-b');

  const fmNotes = at('/fm')(receiver.received);
  assert.deepEqual(fmNotes.map((n) => n.notificationType), ['AlarmNotification', 'AlarmClearedNotification'], 'one raise, one clear');
  assert.equal(fmNotes[1].alarmId, raised.alarm.id);
  assert.equal(fmNotes[1].alarmClearedTime, ts(3));
  const alarm = await request(app).get(`/vnffm/v1/alarms/${raised.alarm.id}`).set({ Version: '1.3.0' });
  assert.equal(alarm.body.alarmClearedTime, ts(3));
  if (!ETSI_SKIP) {
    assertEtsiValid('AlarmNotification', raised);
    assertEtsiValid('AlarmClearedNotification', fmNotes[1]);
    assertEtsiValid('alarm', alarm.body);
  }

  const alerts = at('/alert/auto_scaling')(receiver.received);
  assert.deepEqual(alerts.map((a) => a.status), ['firing', 'resolved'], 'no duplicate firing while the condition held');
  assert.equal(alerts[1].alerts[0].endsAt, ts(3));
  assert.equal(alerts[1].alerts[0].fingerprint, firing.alerts[0].fingerprint);

  assert.deepEqual(at('/ind')(receiver.received).map((n) => n.value), [0, 1]);
  assert.equal((await request(app).get(`/vnfind/v1/indicators/${VNF}/migrationHeadroomAvailable`).set({ Version: '1.3.0' })).body.value, 1);
});
