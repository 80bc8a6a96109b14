import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { alertmanagerRoutes } from '../../fault-mgmt/alertmanager/alertmanager.routes.ts';
import { alertQueryRoutes } from '../../fault-mgmt/alertmanager/alert-query.routes.ts';
import { createIngestRouter } from '../../fault-mgmt/http/ingest-router.ts';
import { problemHandler } from '../../platform/http/error.middleware.ts';
import { requestContext } from '../../platform/http/request-context.middleware.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { CAPTURED_BODIES_MISSING, capturedWebhookBodies, tackerAlert, webhookBody } from '../support/alertmanager-bodies.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
let metrics: PlatformMetrics;
let nudges = 0;
let app: express.Express;

before(async () => {
  t = await openTestDatabase();
});
after(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.sequelize.query('TRUNCATE monitoring_alerts, outbox_events');
  metrics = createMetrics();
  nudges = 0;
  app = express();
  app.use(requestContext(testLog, metrics));
  const relay = { nudge: () => void nudges++ };
  app.use(createIngestRouter({ auth: undefined, bodyLimit: '1mb', receivers: [alertmanagerRoutes({ db: t.db, relay, metrics, log: testLog })] }));
  const query = express.Router();
  alertQueryRoutes({ db: t.db })(query);
  app.use('/monitoring/v1', query);
  app.use(problemHandler);
});

const post = (body: unknown) => request(app).post('/alertmanager').set('Content-Type', 'application/json').send(JSON.stringify(body));

async function rows() {
  return t.db.sequelize.query<{ fingerprint: string; status: string; ends_at: Date | null; times_received: number; updated_at: Date; function_type: string | null; vnf_instance_id: string | null }>(
    'SELECT fingerprint, status, ends_at, times_received, updated_at, function_type, vnf_instance_id FROM monitoring_alerts ORDER BY seq',
    { type: QueryTypes.SELECT },
  );
}

async function events() {
  return t.db.sequelize.query<{ topic: string; payload: { fingerprint: string; status: string; tacker?: unknown } }>(
    'SELECT topic, payload FROM outbox_events ORDER BY seq',
    { type: QueryTypes.SELECT },
  );
}

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return (value?.value as number | undefined) ?? 0;
}

test('the captured bodies are stored with 204, Tacker columns filled, one event per new alert', { skip: CAPTURED_BODIES_MISSING }, async () => {
  for (const body of capturedWebhookBodies()) await post(body).expect(204).expect((r) => assert.equal(r.text, ''));
  const stored = await rows();
  assert.deepEqual(stored.map((r) => [r.fingerprint, r.status, r.function_type, r.vnf_instance_id]), [
    ['5b4750bc8ece9da9', 'firing', null, null],
    ['fc423d329e759d9e', 'firing', 'vnffm', 'c70aaf4f-bc94-44aa-9de5-861909b0efa0'],
    ['03edfda06a262263', 'firing', null, null],
  ]);
  const published = await events();
  assert.deepEqual(published.map((e) => [e.topic, e.payload.fingerprint, e.payload.status]), [
    ['monitoring.alerts', '5b4750bc8ece9da9', 'firing'],
    ['monitoring.alerts', 'fc423d329e759d9e', 'firing'],
    ['monitoring.alerts', '03edfda06a262263', 'firing'],
  ]);
  assert.deepEqual((published[1].payload.tacker as { perceivedSeverity: string }).perceivedSeverity, 'WARNING');
  assert.equal(nudges, 3);
  assert.equal(await counter('vnfm_monitoring_alerts_total', { status: 'firing', result: 'new' }), 3);
});

test('a repeated firing only counts; resolved sets status and endsAt; a late firing never re-opens', async () => {
  await post(webhookBody([tackerAlert()])).expect(204);
  const [first] = await rows();
  await post(webhookBody([tackerAlert()])).expect(204);
  let [row] = await rows();
  assert.equal(row.times_received, 2);
  assert.equal(row.status, 'firing');
  assert.equal(row.updated_at.getTime(), first.updated_at.getTime(), 'a duplicate changes nothing but the count');
  assert.equal((await events()).length, 1, 'no event for a duplicate');

  await post(webhookBody([tackerAlert({ status: 'resolved', endsAt: '2026-11-25T15:30:00.123456789Z' })])).expect(204);
  [row] = await rows();
  assert.equal(row.status, 'resolved');
  assert.equal(row.ends_at?.toISOString(), '2026-11-25T15:30:00.123Z');
  assert.equal(row.times_received, 3);

  await post(webhookBody([tackerAlert()])).expect(204);
  await post(webhookBody([tackerAlert({ status: 'resolved', endsAt: '2026-11-25T18:00:00Z' })])).expect(204);
  [row] = await rows();
  assert.equal(row.status, 'resolved', 'a late firing does not re-open the alert');
  assert.equal(row.ends_at?.toISOString(), '2026-11-25T15:30:00.123Z', 'a second resolved does not move endsAt');
  assert.equal(row.times_received, 5);
  assert.deepEqual((await events()).map((e) => e.payload.status), ['firing', 'resolved']);
  assert.equal(await counter('vnfm_monitoring_alerts_total', { status: 'firing', result: 'duplicate' }), 2);
  assert.equal(await counter('vnfm_monitoring_alerts_total', { status: 'resolved', result: 'resolved' }), 1);
  assert.equal(await counter('vnfm_monitoring_alerts_total', { status: 'resolved', result: 'duplicate' }), 1);
});

test('the same fingerprint firing again later is a new alert (new startsAt)', async () => {
  await post(webhookBody([tackerAlert({ status: 'resolved', endsAt: '2026-11-25T15:30:00Z' })])).expect(204);
  await post(webhookBody([tackerAlert({ startsAt: '2026-11-25T17:00:00Z' })])).expect(204);
  assert.deepEqual((await rows()).map((r) => r.status), ['resolved', 'firing']);
  assert.equal((await events()).length, 2);
});

test('one body with a firing and the resolved of the same alert ends resolved, with both events', async () => {
  await post(webhookBody([tackerAlert(), tackerAlert({ status: 'resolved', endsAt: '2026-11-25T15:30:00Z' }), tackerAlert({ fingerprint: 'other' })])).expect(204);
  assert.deepEqual((await rows()).map((r) => [r.fingerprint, r.status, r.times_received]), [['fc423d329e759d9e', 'resolved', 2], ['other', 'firing', 1]]);
  assert.deepEqual((await events()).map((e) => [e.payload.fingerprint, e.payload.status]), [['fc423d329e759d9e', 'firing'], ['fc423d329e759d9e', 'resolved'], ['other', 'firing']]);
});

test('an invalid alert anywhere in the body: 400 with invalidEntries, nothing stored, nothing published', async () => {
  const body = webhookBody([tackerAlert({ fingerprint: 'good' }), { ...tackerAlert(), labels: { receiver_type: 'tacker', function_type: 'nope' } }]);
  const res = await post(body).expect(400).expect('Content-Type', /application\/problem\+json/);
  assert.equal(res.body.status, 400);
  assert.equal(res.body.invalidEntries[0].index, 1);
  assert.match(res.body.invalidEntries[0].reason, /function_type/);
  assert.equal((await rows()).length, 0);
  assert.equal((await events()).length, 0);
  assert.equal(nudges, 0);
  await post({ ...body, version: '3' }).expect(400);
  assert.equal(await counter('vnfm_monitoring_rejected_total', { endpoint: 'alertmanager', reason: 'invalid_alert' }), 1);
  assert.equal(await counter('vnfm_monitoring_rejected_total', { endpoint: 'alertmanager', reason: 'invalid_body' }), 1);
});

test('labels and annotations are stored exactly, whatever characters they hold', async () => {
  const labels = { alertname: 'Odd', quote: 'a "b" {c}, d', backslash: 'C:\\x\\', unicode: 'ñ 雪 🚀', empty: '' };
  const annotations = { summary: 'line 1\nline 2\t"x"' };
  await post(webhookBody([tackerAlert({ fingerprint: 'odd', labels, annotations })])).expect(204);
  const [row] = await t.db.sequelize.query<{ labels: unknown; annotations: unknown }>(
    "SELECT labels, annotations FROM monitoring_alerts WHERE fingerprint = 'odd'",
    { type: QueryTypes.SELECT },
  );
  assert.deepEqual(row, { labels, annotations });
});

test('concurrent bodies with the same alerts in opposite orders store each alert once', async () => {
  const a = tackerAlert({ fingerprint: 'c1' });
  const b = tackerAlert({ fingerprint: 'c2' });
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post(webhookBody(i % 2 ? [a, b] : [b, a]))));
  assert.deepEqual(results.map((r) => r.status), [204, 204, 204, 204, 204, 204]);
  assert.deepEqual((await rows()).map((r) => [r.fingerprint, r.times_received]).sort(), [['c1', 6], ['c2', 6]]);
  assert.equal((await events()).length, 2);
});

test('GET /alerts filters by status and vnfInstanceId, newest change first', async () => {
  await post(webhookBody([tackerAlert({ fingerprint: 'a1' }), tackerAlert({ fingerprint: 'a2', vnfInstanceId: 'vnf-2' })])).expect(204);
  await post(webhookBody([tackerAlert({ fingerprint: 'a1', status: 'resolved', endsAt: '2026-11-25T15:30:00Z' })])).expect(204);
  const all = await request(app).get('/monitoring/v1/alerts').expect(200);
  assert.deepEqual(all.body.map((a: { fingerprint: string }) => a.fingerprint), ['a1', 'a2']);
  assert.deepEqual(Object.keys(all.body[0]).sort(), [
    'annotations', 'endsAt', 'fingerprint', 'functionType', 'labels', 'receiver', 'startsAt', 'status', 'timesReceived', 'updatedAt', 'vnfInstanceId',
  ]);
  assert.equal(all.body[0].startsAt, '2026-11-25T15:18:08.255021Z');
  assert.equal(all.body[0].endsAt, '2026-11-25T15:30:00.000000Z');
  assert.equal(all.body[0].timesReceived, 2);
  const firing = await request(app).get('/monitoring/v1/alerts?status=firing').expect(200);
  assert.deepEqual(firing.body.map((a: { fingerprint: string }) => a.fingerprint), ['a2']);
  const ofVnf = await request(app).get('/monitoring/v1/alerts?vnfInstanceId=vnf-2&limit=5').expect(200);
  assert.deepEqual(ofVnf.body.map((a: { vnfInstanceId: string }) => a.vnfInstanceId), ['vnf-2']);
  const one = await request(app).get('/monitoring/v1/alerts?limit=1').expect(200);
  assert.equal(one.body.length, 1);
  await request(app).get('/monitoring/v1/alerts?status=open').expect(400);
  await request(app).get('/monitoring/v1/alerts?limit=0').expect(400);
  await request(app).get('/monitoring/v1/alerts?limit=1e3').expect(400);
});
