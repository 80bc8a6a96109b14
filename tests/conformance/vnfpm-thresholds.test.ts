import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { startPmTestApp, VNF_A, type PmTestApp } from '../support/pm-app.ts';
import { assertEtsiValid, etsiSkip, INDICATOR_BUNDLE, notificationSchema, PERF_BUNDLE, responseSchema } from '../support/pm-etsi.ts';

// NFV-TST010 7.3.4.4-7.3.4.5 (SOL003 6.4.5/6.4.6 thresholds) and the threshold notification.
if (etsiSkip) console.log(`# skipped: ${etsiSkip}`);

const V = { Version: '2.1.0' };
const T0 = 1_795_618_800;
const memory = { value: 50 };
const measurements: MeasurementReader = {
  async read(_object, _m, start, end, step) {
    const grid = windowGrid(start, end, step);
    return { timestamps: grid, values: grid.map(() => memory.value) };
  },
};

describe('NFV-TST010 7.3.4 VNF PM API: thresholds', { skip: etsiSkip }, () => {
  let t: PmTestApp;
  let receiver: NotificationReceiver;
  let id = '';
  const schema = (p: string, m: string, s: string) => responseSchema(PERF_BUNDLE, p, m, s);

  before(async () => {
    receiver = await startReceiver();
    t = await startPmTestApp({ measurements, now: T0, env: { VNFM_PAGE_SIZE: '1' } });
    t.subscriptions.worker.start();
  });
  after(async () => {
    await t?.close();
    await receiver?.close();
  });

  test('7.3.4.4.2 POST Create new Performance Threshold', async () => {
    for (const [objectType, sub] of [['Vnfc', ['VDU2-srv-a2']], ['Vnf', undefined]] as const) {
      const res = await request(t.app).post('/vnfpm/v2/thresholds').set(V).send({
        objectType,
        objectInstanceId: VNF_A,
        ...(sub && { subObjectInstanceIds: sub }),
        criteria: { performanceMetric: 'VMemoryUsagePeakVnf', thresholdType: 'SIMPLE', simpleThresholdDetails: { thresholdValue: 80, hysteresis: 2.5 } },
        callbackUri: `${receiver.url}/nfvo/thresholds/${objectType}`,
      });
      assert.equal(res.status, 201, res.text);
      assertEtsiValid(schema('/thresholds', 'post', '201'), res.body, 'Threshold');
      id ||= res.body.id;
    }
  });

  test('7.3.4.4.1 GET All Performance Thresholds (paged, with Link)', async () => {
    const res = await request(t.app).get('/vnfpm/v2/thresholds').set(V);
    assert.equal(res.status, 200);
    assert.match(res.headers.link, /rel="next"/);
    assertEtsiValid(schema('/thresholds', 'get', '200'), res.body, 'Thresholds');
  });

  test('7.3.4.4.3 GET Performance Thresholds with attribute-based filter', async () => {
    const res = await request(t.app).get('/vnfpm/v2/thresholds').query({ filter: '(eq,objectType,Vnf)' }).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/thresholds', 'get', '200'), res.body, 'Thresholds');
    assert.deepEqual(res.body.map((x: { objectType: string }) => x.objectType), ['Vnf']);
  });

  test('7.3.4.4.4 GET Performance Thresholds with invalid attribute-based filter', async () => {
    const res = await request(t.app).get('/vnfpm/v2/thresholds').query({ filter: '(eq,objectType)' }).set(V);
    assert.equal(res.status, 400);
    assertEtsiValid(responseSchema(INDICATOR_BUNDLE, '/indicators', 'get', '400'), res.body, 'ProblemDetails');
  });

  test('7.3.4.5.1 GET Individual Threshold', async () => {
    const res = await request(t.app).get(`/vnfpm/v2/thresholds/${id}`).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/thresholds/{thresholdId}', 'get', '200'), res.body, 'Threshold');
  });

  test('7.3.4.6.2 VNF Threshold Crossed Notification (UP then DOWN, once each)', async () => {
    for (const value of [70, 90, 95, 76]) {
      memory.value = value;
      t.clock.now += 60;
      await t.pm.collector.tick();
    }
    const got = () => receiver.received.filter((r) => r.method === 'POST' && r.path.startsWith('/nfvo/thresholds/'));
    await receiver.waitFor(() => got().length >= 4, 10_000, 'UP and DOWN for both thresholds');
    await t.subscriptions.worker.flush();
    assert.equal(got().length, 4);
    for (const n of got()) assertEtsiValid(notificationSchema('ThresholdCrossedNotification'), n.json, 'ThresholdCrossedNotification');
    const vnfc = got().filter((r) => r.path.endsWith('/Vnfc'));
    assert.deepEqual(vnfc.map((r) => [r.json.crossingDirection, r.json.subObjectInstanceId]), [['UP', 'VDU2-srv-a2'], ['DOWN', 'VDU2-srv-a2']]);
  });

  test('7.3.4.5.7 PATCH Individual Threshold', async () => {
    const callbackUri = `${receiver.url}/nfvo/thresholds/moved`;
    const res = await request(t.app).patch(`/vnfpm/v2/thresholds/${id}`).set(V).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ callbackUri }));
    assert.equal(res.status, 200, res.text);
    assertEtsiValid(schema('/thresholds/{thresholdId}', 'patch', '200'), res.body, 'ThresholdModifications');
    assert.equal(res.body.callbackUri, callbackUri);
    const threshold = await request(t.app).get(`/vnfpm/v2/thresholds/${id}`).set(V);
    assertEtsiValid(schema('/thresholds/{thresholdId}', 'get', '200'), threshold.body, 'Threshold');
    assert.equal(threshold.body.callbackUri, callbackUri);
  });

  test('7.3.4.5.9 PATCH Individual Threshold - Unprocessable Entity (the notification endpoint test fails)', async () => {
    receiver.reply((r) => (r.path === '/nfvo/refuses' ? 500 : 204));
    try {
      const res = await request(t.app).patch(`/vnfpm/v2/thresholds/${id}`).set(V).set('Content-Type', 'application/merge-patch+json')
        .send(JSON.stringify({ callbackUri: `${receiver.url}/nfvo/refuses` }));
      assert.equal(res.status, 422, res.text);
      assertEtsiValid(schema('/thresholds/{thresholdId}', 'patch', '422'), res.body, 'ProblemDetails');
      const threshold = await request(t.app).get(`/vnfpm/v2/thresholds/${id}`).set(V);
      assert.equal(threshold.body.callbackUri, `${receiver.url}/nfvo/thresholds/moved`, 'the threshold is not modified');
    } finally {
      receiver.reply(() => 204);
    }
  });

  test('7.3.4.5.3 DELETE Individual Threshold; 7.3.4.5.4 with invalid resource identifier', async () => {
    assert.equal((await request(t.app).delete(`/vnfpm/v2/thresholds/${id}`).set(V)).status, 204);
    const again = await request(t.app).delete(`/vnfpm/v2/thresholds/${id}`).set(V);
    assert.equal(again.status, 404);
    assertEtsiValid(responseSchema(INDICATOR_BUNDLE, '/indicators', 'get', '400'), again.body, 'ProblemDetails');
  });
});
