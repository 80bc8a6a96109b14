import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { startFmApp, type FmApp } from '../support/fm-app.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';

// SOL003 7.4.4 / 7.4.5 and Tacker vnffm_v1 subscription_create/list/show/delete.
const V = { Version: '1.3.0' };
const PASSWORD = 'fm-p4ssw0rd';
let h: FmApp;
let receiver: NotificationReceiver;

before(async () => {
  h = await startFmApp({ env: { VNFM_PAGE_SIZE: '2', VNFM_CALLBACK_TEST_TIMEOUT_MS: '500' } });
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.close();
  await h?.close();
});

const subscribe = (body: object) => request(h.app).post('/vnffm/v1/subscriptions').set(V).send(body);
const stored = async () =>
  (await h.t.db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions WHERE api = 'vnffm'`, { type: QueryTypes.SELECT }))[0].n;

describe('POST /vnffm/v1/subscriptions', () => {
  test('201 with Location and the FmSubscription, after a GET to callbackUri with Version 1.3.0 answered 204', async () => {
    receiver.reply(() => 204);
    const seen = receiver.received.length;
    const filter = {
      vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['7a1f8c29-9113-4d0c-b903-115730b32fbb'] },
      notificationTypes: ['AlarmNotification', 'AlarmClearedNotification'],
      faultyResourceTypes: ['COMPUTE'],
      perceivedSeverities: ['CRITICAL', 'MAJOR'],
      eventTypes: ['EQUIPMENT_ALARM'],
      probableCauses: ['PREDICTED_FAILURE'],
    };
    const res = await subscribe({ callbackUri: `${receiver.url}/fm`, filter });
    assert.equal(res.status, 201, res.text);
    const id = res.body.id as string;
    assert.equal(res.headers.location, `${h.url}/vnffm/v1/subscriptions/${id}`);
    assert.equal(res.headers.version, '1.3.0');
    assert.deepEqual(res.body, { id, filter, callbackUri: `${receiver.url}/fm`, _links: { self: { href: res.headers.location } } });
    const probe = receiver.received.slice(seen).find((r) => r.path === '/fm');
    assert.equal(probe?.method, 'GET');
    assert.equal(probe?.headers.version, '1.3.0');
  });

  test('a callbackUri that does not answer 204 is 422 and nothing is stored', async () => {
    receiver.reply((r) => (r.path === '/fm-500' ? 500 : 200));
    const before = await stored();
    for (const path of ['/fm-500', '/fm-200']) {
      const res = await subscribe({ callbackUri: `${receiver.url}${path}` });
      assert.equal(res.status, 422, res.text);
      assert.match(res.body.detail, /callbackUri/);
    }
    assert.equal(await stored(), before);
    receiver.reply(() => 204);
  });

  test('bad requests are 400, store nothing and never quote secrets', async () => {
    const before = await stored();
    for (const body of [
      {},
      { callbackUri: 'relative/path' },
      { callbackUri: `http://user:${PASSWORD}@127.0.0.1/cb` },
      { callbackUri: `${receiver.url}/fm`, filter: { perceivedSeverities: ['SEVERE'] } },
      { callbackUri: `${receiver.url}/fm`, filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] } },
      { callbackUri: `${receiver.url}/fm`, filter: { eventTypes: ['PREDICTED'] } },
      { callbackUri: `${receiver.url}/fm`, filter: { faultyResourceTypes: ['HOST'] } },
      { callbackUri: `${receiver.url}/fm`, authentication: { authType: ['BASIC'] } },
    ]) {
      const res = await subscribe(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.ok(!res.text.includes(PASSWORD));
    }
    assert.equal(await stored(), before);
  });

  test('BASIC credentials reach the callback but are never returned', async () => {
    const seen = receiver.received.length;
    const res = await subscribe({ callbackUri: `${receiver.url}/fm-basic`, authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: PASSWORD } } });
    assert.equal(res.status, 201, res.text);
    assert.equal(receiver.received.slice(seen).find((r) => r.path === '/fm-basic')?.headers.authorization, `Basic ${Buffer.from(`nfvo:${PASSWORD}`).toString('base64')}`);
    const show = await request(h.app).get(`/vnffm/v1/subscriptions/${res.body.id}`).set(V);
    const all = await request(h.app).get('/vnffm/v1/subscriptions?all_fields').set(V);
    for (const r of [res, show, all]) assert.ok(!r.text.includes(PASSWORD) && !r.text.includes('authentication'), r.text);
  });
});

describe('GET, DELETE /vnffm/v1/subscriptions[/{id}]', () => {
  test('list with filters and paging; show; delete then 404', async () => {
    const a = await subscribe({ callbackUri: `${receiver.url}/fm-a`, filter: { notificationTypes: ['AlarmListRebuiltNotification'] } });
    assert.equal(a.status, 201, a.text);
    const filtered = await request(h.app).get('/vnffm/v1/subscriptions?filter=(eq,filter/notificationTypes,AlarmListRebuiltNotification)').set(V);
    assert.equal(filtered.status, 200, filtered.text);
    assert.deepEqual(filtered.body.map((s: { id: string }) => s.id), [a.body.id]);
    const page = await request(h.app).get('/vnffm/v1/subscriptions').set(V);
    assert.equal(page.body.length, 2);
    assert.match(page.headers.link, /rel="next"/);
    const bad = await request(h.app).get('/vnffm/v1/subscriptions?filter=(eq,callbackUri)').set(V);
    assert.equal(bad.status, 400);

    const show = await request(h.app).get(`/vnffm/v1/subscriptions/${a.body.id}`).set(V);
    assert.deepEqual(show.body, a.body);
    const del = await request(h.app).delete(`/vnffm/v1/subscriptions/${a.body.id}`).set(V);
    assert.equal(del.status, 204);
    for (const r of [
      await request(h.app).get(`/vnffm/v1/subscriptions/${a.body.id}`).set(V),
      await request(h.app).delete(`/vnffm/v1/subscriptions/${a.body.id}`).set(V),
    ]) {
      assert.equal(r.status, 404, r.text);
      assert.equal(r.body.detail, `Subscription ${a.body.id} not found.`);
    }
  });

  test('methods a resource does not serve are 405', async () => {
    const created = await subscribe({ callbackUri: `${receiver.url}/fm-m` });
    for (const [method, path] of [['put', '/vnffm/v1/subscriptions'], ['patch', '/vnffm/v1/subscriptions'], ['delete', '/vnffm/v1/subscriptions'], ['post', `/vnffm/v1/subscriptions/${created.body.id}`], ['put', `/vnffm/v1/subscriptions/${created.body.id}`], ['patch', `/vnffm/v1/subscriptions/${created.body.id}`]] as const) {
      const res = await request(h.app)[method](path).set(V).set('Content-Type', method === 'patch' ? 'application/merge-patch+json' : 'application/json').send('{}');
      assert.equal(res.status, 405, `${method} ${path}: ${res.text}`);
    }
  });
});
