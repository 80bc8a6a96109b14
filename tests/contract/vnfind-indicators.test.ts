import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { PM_PUBLIC_URL, startPmTestApp, VNF_A, VNF_B, type PmTestApp } from '../support/pm-app.ts';

// SOL003 8.4.2-8.4.6: indicators, subscriptions, VnfIndicatorValueChangeNotification (8.5.2.5).
const V = { Version: '1.3.0' };
const T0 = 1_795_618_800;

/** compute-1 forecast at 70 % CPU (headroom 30), compute-2 at 40 % memory (headroom 60). */
const forecastHost = async (host: string) =>
  host === 'compute-1' ? { upper: { cpu: { h5: 70 }, mem: { h5: 20 } } } : { upper: { cpu: null, mem: { h5: 40 } } };

let t: PmTestApp;
let receiver: NotificationReceiver;

before(async () => {
  receiver = await startReceiver();
  t = await startPmTestApp({ now: T0, forecastHost, env: { VNFM_PAGE_SIZE: '2' } });
  t.subscriptions.worker.start();
});
after(async () => {
  await t?.close();
  await receiver?.close();
});

const subscribe = (body: object) => request(t.app).post('/vnfind/v1/subscriptions').set(V).send(body);
const posts = (path: string) => receiver.received.filter((r) => r.path === path && r.method === 'POST');

describe('GET /vnfind/v1/indicators', () => {
  test('empty before any value; then the indicators of every VNF instance, paged and filtered', async () => {
    assert.deepEqual((await request(t.app).get('/vnfind/v1/indicators').set(V)).body, []);
    await t.indicators.applyValues([{ vnfInstanceId: VNF_A, indicatorId: 'failureScore', value: 0.12 }]);
    await t.indicators.tick(); // pagingFailureRate (no paging timeouts: 0) and hostHeadroom
    const page = await request(t.app).get('/vnfind/v1/indicators').set(V);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.length, 2);
    assert.match(page.headers.link, /rel="next"/);
    const headroom = await request(t.app).get('/vnfind/v1/indicators').query({ filter: '(eq,id,hostHeadroom)' }).set(V);
    assert.deepEqual(
      headroom.body.map((i: { vnfInstanceId: string; value: number }) => [i.vnfInstanceId, i.value]),
      [[VNF_A, 30], [VNF_B, 60]],
      'the least headroom of the hosts of each VNF',
    );
    const high = await request(t.app).get('/vnfind/v1/indicators').query({ filter: '(gt,value,50)' }).set(V);
    assert.deepEqual(high.body.map((i: { id: string }) => i.id), ['hostHeadroom']);
    assert.equal((await request(t.app).get('/vnfind/v1/indicators?filter=(gt,value)').set(V)).status, 400);
  });

  test('per VNF instance, and one indicator; unknown ones are 404', async () => {
    const own = await request(t.app).get(`/vnfind/v1/indicators/${VNF_A}`).set(V);
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.map((i: { id: string }) => i.id), ['failureScore', 'pagingFailureRate'], 'one page of two, in the order they appeared');
    const one = await request(t.app).get(`/vnfind/v1/indicators/${VNF_A}/failureScore`).set(V);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, {
      id: 'failureScore',
      name: one.body.name,
      value: 0.12,
      vnfInstanceId: VNF_A,
      _links: {
        self: { href: `${PM_PUBLIC_URL}/vnfind/v1/indicators/${VNF_A}/failureScore` },
        vnfInstance: { href: `${PM_PUBLIC_URL}/vnflcm/v2/vnf_instances/${VNF_A}` },
      },
    });
    for (const path of [`/indicators/no-such-vnf`, `/indicators/${VNF_B}/failureScore`, `/indicators/${VNF_A}/cpu`]) {
      const res = await request(t.app).get(`/vnfind/v1${path}`).set(V);
      assert.equal(res.status, 404, `${path}: ${res.text}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
    }
  });
});

describe('/vnfind/v1/subscriptions', () => {
  test('create (after the callback test), show, list, delete; bad input 400, failed test 422', async () => {
    const seen = receiver.received.length;
    const filter = { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [VNF_A] }, indicatorIds: ['failureScore'] };
    const res = await subscribe({ callbackUri: `${receiver.url}/ind/a`, filter });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.location, `${PM_PUBLIC_URL}/vnfind/v1/subscriptions/${res.body.id}`);
    assert.deepEqual(res.body, { id: res.body.id, filter, callbackUri: `${receiver.url}/ind/a`, _links: { self: { href: res.headers.location } } });
    assert.equal(receiver.received.slice(seen).find((r) => r.path === '/ind/a')?.headers.version, '1.3.0');
    assert.deepEqual((await request(t.app).get(`/vnfind/v1/subscriptions/${res.body.id}`).set(V)).body, res.body);
    const list = await request(t.app).get('/vnfind/v1/subscriptions').query({ filter: `(eq,filter/indicatorIds,failureScore)` }).set(V);
    assert.deepEqual(list.body.map((s: { id: string }) => s.id), [res.body.id]);

    for (const body of [{}, { callbackUri: 'x' }, { callbackUri: `${receiver.url}/ind/x`, filter: { notificationTypes: ['AlarmNotification'] } }]) {
      assert.equal((await subscribe(body)).status, 400, JSON.stringify(body));
    }
    receiver.reply((r) => (r.path === '/ind/refuse' ? 200 : 204));
    assert.equal((await subscribe({ callbackUri: `${receiver.url}/ind/refuse` })).status, 422);
    receiver.reply(() => 204);

    const other = await subscribe({ callbackUri: `${receiver.url}/ind/tmp` });
    assert.equal((await request(t.app).delete(`/vnfind/v1/subscriptions/${other.body.id}`).set(V)).status, 204);
    assert.equal((await request(t.app).get(`/vnfind/v1/subscriptions/${other.body.id}`).set(V)).status, 404);
  });

  test('VnfIndicatorValueChangeNotification on meaningful change only, to matching subscriptions', async () => {
    const all = await subscribe({ callbackUri: `${receiver.url}/ind/all` });
    assert.equal(all.status, 201);
    // The last notified failureScore of VNF A is 0.12 (at T0); deadband 0.05, minimum interval 60 s.
    t.clock.now = T0 + 120;
    await t.indicators.applyValues([
      { vnfInstanceId: VNF_A, indicatorId: 'failureScore', value: 0.14 }, // inside the deadband
      { vnfInstanceId: VNF_A, indicatorId: 'failureScore', value: 0.5 }, // notified
      { vnfInstanceId: VNF_A, indicatorId: 'failureScore', value: 0.9 }, // within the minimum interval
      { vnfInstanceId: VNF_B, indicatorId: 'failureScore', value: 0.3 }, // first value of B: notified, not to /ind/a
    ]);
    await receiver.waitFor(() => posts('/ind/all').length >= 2, 10_000, 'two notifications');
    await t.subscriptions.worker.flush();
    assert.deepEqual(posts('/ind/a').map((r) => [r.json.vnfInstanceId, r.json.value]), [[VNF_A, 0.5]]);
    assert.deepEqual(posts('/ind/all').map((r) => [r.json.vnfInstanceId, r.json.value]), [[VNF_A, 0.5], [VNF_B, 0.3]]);
    const n = posts('/ind/a')[0];
    assert.equal(n.headers.version, '1.3.0');
    assert.equal(n.json.notificationType, 'VnfIndicatorValueChangeNotification');
    assert.equal(n.json.vnfIndicatorId, 'failureScore');
    assert.equal(n.json._links.vnfInstance.href, `${PM_PUBLIC_URL}/vnflcm/v2/vnf_instances/${VNF_A}`);
    assert.ok(n.json.subscriptionId && n.json._links.subscription.href.endsWith(n.json.subscriptionId));
    // The current value is the latest one, whatever was notified.
    assert.equal((await request(t.app).get(`/vnfind/v1/indicators/${VNF_A}/failureScore`).set(V)).body.value, 0.9);
    // After the interval the latest value goes out once.
    t.clock.now = T0 + 200;
    await t.indicators.applyValues([{ vnfInstanceId: VNF_A, indicatorId: 'failureScore', value: 0.9 }]);
    await receiver.waitFor(() => posts('/ind/a').length >= 2, 10_000, 'the deferred change');
    assert.equal(posts('/ind/a')[1].json.value, 0.9);
  });
});
