import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { startPmTestApp, VNF_A, VNF_B, type PmTestApp } from '../support/pm-app.ts';
import { assertEtsiValid, etsiSkip, INDICATOR_BUNDLE, notificationSchema, responseSchema } from '../support/pm-etsi.ts';

// NFV-TST010 7.3.6 (SOL003 VNF Indicator API, v1.3.0): VNF indicators, VNF instance
// indicators, individual indicator, subscriptions and VnfIndicatorValueChangeNotification.
if (etsiSkip) console.log(`# skipped: ${etsiSkip}`);

const V = { Version: '1.3.0' };
const T0 = 1_795_618_800;
const schema = (p: string, m: string, s: string) => responseSchema(INDICATOR_BUNDLE, p, m, s);
const PROBLEM = () => schema('/indicators', 'get', '400');

describe('NFV-TST010 7.3.6 VNF Indicator API', { skip: etsiSkip }, () => {
  let t: PmTestApp;
  let receiver: NotificationReceiver;
  let subscriptionId = '';

  before(async () => {
    receiver = await startReceiver();
    t = await startPmTestApp({ now: T0, forecastHost: async () => ({ upper: { cpu: { h5: 55 }, mem: { h5: 35 } } }) });
    t.subscriptions.worker.start();
  });
  after(async () => {
    await t?.close();
    await receiver?.close();
  });

  test('7.3.6.4.2 POST Create a new subscription', async () => {
    const res = await request(t.app).post('/vnfind/v1/subscriptions').set(V).send({
      callbackUri: `${receiver.url}/nfvo/indicators`,
      filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [VNF_A] }, notificationTypes: ['VnfIndicatorValueChangeNotification'] },
    });
    assert.equal(res.status, 201, res.text);
    // The bundle types this response as an array (an upstream slip; SOL003 8.4.5.3.1 returns one subscription).
    assertEtsiValid(schema('/subscriptions', 'get', '200'), [res.body], 'VnfIndicatorSubscription');
    assertEtsiValid(schema('/indicators/subscriptions/{subscriptionId}', 'get', '200'), res.body, 'VnfIndicatorSubscription');
    subscriptionId = res.body.id;
  });

  test('7.3.6.6.1 VNF Indicator Value Change Notification', async () => {
    await t.indicators.applyValues([{ vnfInstanceId: VNF_A, indicatorId: 'failureScore', value: 0.42 }]);
    await t.indicators.tick();
    await receiver.waitFor((rs) => rs.filter((r) => r.method === 'POST').length >= 3, 10_000, 'three notifications for VNF A');
    for (const n of receiver.received.filter((r) => r.method === 'POST')) {
      assertEtsiValid(notificationSchema('VnfIndicatorValueChangeNotification'), n.json, 'VnfIndicatorValueChangeNotification');
      assert.equal(n.json.vnfInstanceId, VNF_A);
      assert.equal(n.json.subscriptionId, subscriptionId);
    }
  });

  test('7.3.6.1.1 Get all VNF Indicators', async () => {
    const res = await request(t.app).get('/vnfind/v1/indicators').set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/indicators', 'get', '200'), res.body, 'VnfIndicators');
    assert.equal(res.body.length, 5, 'failureScore of A; pagingFailureRate and hostHeadroom of A and B');
  });

  test('7.3.6.1.2 Get VNF Indicators with attribute-based filter; 7.3.6.1.3 with invalid filter', async () => {
    const res = await request(t.app).get('/vnfind/v1/indicators').query({ filter: `(eq,vnfInstanceId,${VNF_B})` }).set(V);
    assertEtsiValid(schema('/indicators', 'get', '200'), res.body, 'VnfIndicators');
    assert.deepEqual(res.body.map((i: { id: string }) => i.id), ['pagingFailureRate', 'hostHeadroom']);
    const bad = await request(t.app).get('/vnfind/v1/indicators').query({ filter: '(eq,vnfInstanceId' }).set(V);
    assert.equal(bad.status, 400);
    assertEtsiValid(PROBLEM(), bad.body, 'ProblemDetails');
  });

  test('7.3.6.2.1 Get Indicators for VNF Instance; 7.3.6.2.4 for an unknown VNF instance', async () => {
    const res = await request(t.app).get(`/vnfind/v1/indicators/${VNF_A}`).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/indicators/{vnfInstanceId}', 'get', '200'), res.body, 'VnfIndicators');
    const unknown = await request(t.app).get('/vnfind/v1/indicators/0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10').set(V);
    assert.equal(unknown.status, 404);
    assertEtsiValid(PROBLEM(), unknown.body, 'ProblemDetails');
  });

  test('7.3.6.3.1 Get Individual Indicator for VNF Instance; 7.3.6.3.2 with invalid indicator identifier', async () => {
    const res = await request(t.app).get(`/vnfind/v1/indicators/${VNF_A}/hostHeadroom`).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/indicators/{vnfInstanceId}/{indicatorId}', 'get', '200'), res.body, 'VnfIndicator');
    assert.equal(res.body.value, 45);
    assert.equal((await request(t.app).get(`/vnfind/v1/indicators/${VNF_A}/nope`).set(V)).status, 404);
  });

  test('7.3.6.4.1 GET all Subscriptions; 7.3.6.4.3 with attribute-based filter', async () => {
    const all = await request(t.app).get('/vnfind/v1/subscriptions').set(V);
    assert.equal(all.status, 200);
    assertEtsiValid(schema('/subscriptions', 'get', '200'), all.body, 'VnfIndicatorSubscriptions');
    const filtered = await request(t.app).get('/vnfind/v1/subscriptions').query({ filter: `(eq,id,${subscriptionId})` }).set(V);
    assert.deepEqual(filtered.body.map((s: { id: string }) => s.id), [subscriptionId]);
  });

  test('7.3.6.5.1 GET Individual Subscription; 7.3.6.5.5 DELETE Individual Subscription', async () => {
    const res = await request(t.app).get(`/vnfind/v1/subscriptions/${subscriptionId}`).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/indicators/subscriptions/{subscriptionId}', 'get', '200'), res.body, 'VnfIndicatorSubscription');
    assert.equal((await request(t.app).delete(`/vnfind/v1/subscriptions/${subscriptionId}`).set(V)).status, 204);
    const gone = await request(t.app).get(`/vnfind/v1/subscriptions/${subscriptionId}`).set(V);
    assert.equal(gone.status, 404);
    assertEtsiValid(PROBLEM(), gone.body, 'ProblemDetails');
  });
});
