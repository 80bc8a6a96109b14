import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { PM_PUBLIC_URL, startPmTestApp, VNF_A, VNF_B, type PmTestApp } from '../support/pm-app.ts';

// SOL003 6.4.5 / 6.4.6: thresholds; ThresholdCrossedNotification (6.5.2.4) for gauge metrics.
const V = { Version: '2.1.0' };
const T0 = 1_795_618_800;

/** CPU mean of whatever the test sets, per VM: the threshold sees the last complete minute. */
const cpu = { value: 10 };
const measurements: MeasurementReader = {
  async read(_object, _measurement, start, end, step) {
    const grid = windowGrid(start, end, step);
    return { timestamps: grid, values: grid.map(() => cpu.value) };
  },
};

let t: PmTestApp;
let receiver: NotificationReceiver;

before(async () => {
  receiver = await startReceiver();
  t = await startPmTestApp({ measurements, now: T0 });
  t.subscriptions.worker.start();
});
after(async () => {
  await t?.close();
  await receiver?.close();
});

const thresholdBody = (over: Record<string, unknown> = {}) => ({
  objectType: 'Vnf',
  objectInstanceId: VNF_A,
  criteria: { performanceMetric: 'VCpuUsageMeanVnf', thresholdType: 'SIMPLE', simpleThresholdDetails: { thresholdValue: 80, hysteresis: 5 } },
  callbackUri: `${receiver.url}/nfvo/threshold`,
  ...over,
});
const create = (body: object) => request(t.app).post('/vnfpm/v2/thresholds').set(V).send(body);

describe('POST /vnfpm/v2/thresholds', () => {
  test('201 with Location and the Threshold, after the callback test', async () => {
    const res = await create(thresholdBody());
    assert.equal(res.status, 201, res.text);
    const id = res.body.id as string;
    assert.equal(res.headers.location, `${PM_PUBLIC_URL}/vnfpm/v2/thresholds/${id}`);
    assert.deepEqual(res.body, {
      ...thresholdBody(),
      id,
      _links: { self: { href: res.headers.location }, object: { href: `${PM_PUBLIC_URL}/vnflcm/v2/vnf_instances/${VNF_A}` } },
    });
    assert.ok(receiver.received.some((r) => r.method === 'GET' && r.path === '/nfvo/threshold' && r.headers.version === '2.1.0'));
  });

  test('bad requests are 400, unknown objects and failed callback tests 422; nothing stored', async () => {
    const stored = async () => (await t.db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM pm_thresholds', { type: QueryTypes.SELECT }))[0].n;
    const before = await stored();
    const criteria = thresholdBody().criteria;
    for (const body of [
      thresholdBody({ criteria: { ...criteria, thresholdType: 'COMPLEX' } }),
      thresholdBody({ criteria: { ...criteria, simpleThresholdDetails: { thresholdValue: 80, hysteresis: -1 } } }),
      thresholdBody({ criteria: { ...criteria, simpleThresholdDetails: { thresholdValue: 80 } } }),
      thresholdBody({ criteria: { ...criteria, performanceMetric: 'ByteIncomingVnfIntCp' } }),
      thresholdBody({ objectInstanceId: undefined }),
      thresholdBody({ subObjectInstanceIds: ['VDU1-srv-a1'] }),
    ]) {
      const res = await create(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
    }
    receiver.reply((r) => (r.path === '/gone' ? 404 : 204));
    for (const body of [thresholdBody({ objectInstanceId: 'no-such-vnf' }), thresholdBody({ callbackUri: `${receiver.url}/gone` })]) {
      const res = await create(body);
      assert.equal(res.status, 422, res.text);
    }
    receiver.reply(() => 204);
    assert.equal(await stored(), before);
  });
});

describe('GET and DELETE /vnfpm/v2/thresholds', () => {
  test('list with filters, show, delete, 404 afterwards', async () => {
    const b = await create(thresholdBody({ objectType: 'Vnfc', objectInstanceId: VNF_B, criteria: { ...thresholdBody().criteria, performanceMetric: 'VFailureScoreVnf' } }));
    assert.equal(b.status, 201, b.text);
    const list = await request(t.app).get('/vnfpm/v2/thresholds').set(V);
    assert.equal(list.status, 200);
    assert.ok(list.body.length >= 2);
    const filtered = await request(t.app).get('/vnfpm/v2/thresholds').query({ filter: '(eq,criteria/performanceMetric,VFailureScoreVnf)' }).set(V);
    assert.deepEqual(filtered.body.map((x: { id: string }) => x.id), [b.body.id]);
    assert.equal((await request(t.app).get('/vnfpm/v2/thresholds?filter=(eq,,x)').set(V)).status, 400);
    assert.equal((await request(t.app).get('/vnfpm/v2/thresholds?all_fields').set(V)).status, 400, 'no attribute selectors on thresholds (SOL003 6.4.5.3.2)');
    const show = await request(t.app).get(`/vnfpm/v2/thresholds/${b.body.id}`).set(V);
    assert.deepEqual(show.body, b.body);
    assert.equal((await request(t.app).delete(`/vnfpm/v2/thresholds/${b.body.id}`).set(V)).status, 204);
    const gone = await request(t.app).get(`/vnfpm/v2/thresholds/${b.body.id}`).set(V);
    assert.equal(gone.status, 404);
    assert.match(gone.body.detail, /Threshold .* not found/);
    assert.equal((await request(t.app).delete(`/vnfpm/v2/thresholds/${b.body.id}`).set(V)).status, 404);
  });
});

describe('ThresholdCrossedNotification on a gauge metric', () => {
  test('CPU above 85 then below 75: one UP, one DOWN; the minutes between add nothing', async () => {
    const res = await create(thresholdBody({ callbackUri: `${receiver.url}/nfvo/cpu` }));
    const id = res.body.id as string;
    const crossings = () => receiver.received.filter((r) => r.path === '/nfvo/cpu' && r.method === 'POST');
    for (const value of [50, 86, 90, 84, 78, 74, 70]) {
      cpu.value = value;
      t.clock.now += 60;
      await t.pm.collector.tick();
    }
    await receiver.waitFor(() => crossings().length >= 2, 10_000, 'two crossings');
    await t.subscriptions.worker.flush();
    assert.deepEqual(crossings().map((r) => `${r.json.crossingDirection}@${r.json.performanceValue}`), ['UP@86', 'DOWN@74']);
    const n = crossings()[0].json;
    assert.equal(n.notificationType, 'ThresholdCrossedNotification');
    assert.equal(n.thresholdId, id);
    assert.equal(n.objectInstanceId, VNF_A);
    assert.equal(n.performanceMetric, 'VCpuUsageMeanVnf');
    assert.equal(n._links.threshold.href, `${PM_PUBLIC_URL}/vnfpm/v2/thresholds/${id}`);
  });
});
