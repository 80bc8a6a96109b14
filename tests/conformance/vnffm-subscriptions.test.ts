import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { startFmApp, type FmApp } from '../support/fm-app.ts';
import { assertEtsiValid, ETSI_SKIP } from '../support/fm-etsi.ts';
import { VNF_ID } from '../support/fm-inputs.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';

// ETSI NFV-TST010 / NFV-API-Tests SOL003 VNFFaultManagement-API, Subscriptions and
// Individual subscription (7.3.5.3, 7.3.5.4), bodies checked against SOL003 V3.3.1.
if (ETSI_SKIP) console.log(`# skipped: ${ETSI_SKIP}`);
const V = { Version: '1.3.0' };
const SUBS = '/vnffm/v1/subscriptions';
// The V3.3.1 bundle's VnfInstanceSubscriptionFilter asks for vnfInstanceIds or vnfInstanceNames
// (or a "vnfdId", an upstream misspelling of vnfdIds): the requests use vnfInstanceIds.
const FILTER = { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [VNF_ID] }, notificationTypes: ['AlarmNotification'], perceivedSeverities: ['CRITICAL'] };

describe('VNF FM subscriptions (SOL003 7.4.4, 7.4.5)', { skip: ETSI_SKIP }, () => {
  let h: FmApp;
  let receiver: NotificationReceiver;
  let subscriptionId: string;
  before(async () => {
    h = await startFmApp({ env: { VNFM_PAGE_SIZE: '2' } });
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver?.close();
    await h?.close();
  });

  const get = (path: string) => request(h.app).get(path).set(V);
  const create = () => request(h.app).post(SUBS).set(V).send({ callbackUri: `${receiver.url}/fm`, filter: FILTER });
  const methodNotAllowed = async (method: 'post' | 'put' | 'patch' | 'delete', path: string) => {
    const res = await request(h.app)[method](path).set(V).set('Content-Type', method === 'patch' ? 'application/merge-patch+json' : 'application/json').send('{}');
    assert.equal(res.status, 405, res.text);
    assertEtsiValid('problemDetails', res.body);
  };

  test('7.3.5.3.1 Create a new Fault Management alarm subscription', async () => {
    const res = await create();
    assert.equal(res.status, 201, res.text);
    assert.ok(res.headers.location);
    assertEtsiValid('subscriptionCreated', res.body);
    subscriptionId = res.body.id;
    assert.equal((await get(new URL(res.headers.location).pathname)).status, 200, 'the subscription exists');
  });

  test('7.3.5.3.2 Create a new alarm subscription - DUPLICATION', async () => {
    const res = await create();
    assert.equal(res.status, 201, res.text);
    assertEtsiValid('subscriptionCreated', res.body);
    assert.notEqual(res.body.id, subscriptionId);
  });

  test('7.3.5.3.3 Create a new alarm subscription - NO DUPLICATION', { skip: 'the plugin creates duplicate subscriptions, as Tacker does: 7.3.5.3.2 applies' }, () => {});

  test('7.3.5.3.4 Retrieve a list of alarm subscriptions', async () => {
    const res = await get(SUBS);
    assert.equal(res.status, 200);
    assertEtsiValid('subscriptionListElement', res.body, true);
  });

  test('7.3.5.3.5 Retrieve a list of alarm subscriptions with filter', async () => {
    const res = await get(`${SUBS}?filter=(eq,filter/perceivedSeverities,CRITICAL)`);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 2);
    assertEtsiValid('subscriptionListElement', res.body, true);
  });

  test('7.3.5.3.6 GET subscriptions - Bad Request Invalid attribute-based filtering parameters', async () => {
    const res = await get(`${SUBS}?filter=(eq,filter/perceivedSeverities)`);
    assert.equal(res.status, 400);
    assertEtsiValid('problemDetails', res.body);
  });

  for (const [id, selector] of [['7.3.5.3.7', 'all_fields'], ['7.3.5.3.8', 'exclude_default'], ['7.3.5.3.9', 'fields=filter'], ['7.3.5.3.10', 'exclude_fields=filter']]) {
    test(`${id} GET subscriptions with "${selector.split('=')[0]}" attribute selector`, async () => {
      const res = await get(`${SUBS}?${selector}`);
      assert.equal(res.status, 200, res.text);
      assertEtsiValid('subscriptionListElement', res.body, true);
      assert.equal(res.body.some((s: object) => 'filter' in s), selector !== 'exclude_fields=filter');
    });
  }

  test('7.3.5.3.11 PUT subscriptions - Method not implemented', () => methodNotAllowed('put', SUBS));
  test('7.3.5.3.12 PATCH subscriptions - Method not implemented', () => methodNotAllowed('patch', SUBS));
  test('7.3.5.3.13 DELETE subscriptions - Method not implemented', () => methodNotAllowed('delete', SUBS));

  test('7.3.5.3.14 Retrieve a list of alarm subscriptions as Paged Response', async () => {
    await create();
    const res = await get(SUBS);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 2);
    assert.match(res.headers.link, /^<[^>]+nextpage_opaque_marker=[^>]+>; rel="next"$/);
    assertEtsiValid('subscriptionListElement', res.body, true);
  });

  test('7.3.5.3.15 GET subscriptions - Bad Request Response too Big', { skip: 'paging is on (VNFM_PAGE_SIZE): a list is paged, never refused as too big' }, () => {});

  test('7.3.5.4.1 Post Individual Subscription - Method not implemented', () => methodNotAllowed('post', `${SUBS}/${subscriptionId}`));

  test('7.3.5.4.2 Get Information about an individual subscription', async () => {
    const res = await get(`${SUBS}/${subscriptionId}`);
    assert.equal(res.status, 200);
    assertEtsiValid('subscription', res.body);
  });

  test('7.3.5.4.3 PUT an individual subscription - Method not implemented', () => methodNotAllowed('put', `${SUBS}/${subscriptionId}`));
  test('7.3.5.4.4 PATCH an individual subscription - Method not implemented', () => methodNotAllowed('patch', `${SUBS}/${subscriptionId}`));

  test('7.3.5.4.5 DELETE an individual subscription', async () => {
    const res = await request(h.app).delete(`${SUBS}/${subscriptionId}`).set(V);
    assert.equal(res.status, 204);
    const gone = await get(`${SUBS}/${subscriptionId}`);
    assert.equal(gone.status, 404);
    assertEtsiValid('problemDetails', gone.body);
  });
});
