/**
 * vnfInstanceSubscriptionFilter on VNF facts (SOL003 4.4.1.5) for the FM and indicator
 * subscriptions of the running service: vnfdIds, vnfProductsFromProviders and
 * vnfInstanceNames match what vnflcm knows of each instance (its VNFD, provider, product and
 * name), wired in the composition root. Two instances of two VNFDs get a predicted-failure
 * score; each subscriber hears of the one its filter names, and never of the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type NotificationReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';
import { SRSEPC_AIO, startProactiveService, VEPC_SPLIT, type ProactiveService } from '../support/proactive-service.ts';

let s: ProactiveService;
let receiver: NotificationReceiver;
let epcA = '';
let epcB = '';

/** One subscriber path per filter, on the FM and on the indicator API. */
const FILTERS = {
  vnfdIds: { vnfdIds: [SRSEPC_AIO.vnfdId] },
  product: { vnfProductsFromProviders: [{ vnfProvider: VEPC_SPLIT.vnfProvider, vnfProducts: [{ vnfProductName: VEPC_SPLIT.vnfProductName }] }] },
  name: { vnfInstanceNames: ['epc-a'] },
} as const;

const posts = (path: string) => receiver.received.filter((r) => r.method === 'POST' && r.path === path);
const about = (r: ReceivedRequest) => (r.json.alarm?.managedObjectId ?? r.json.vnfInstanceId) as string;

before(async () => {
  receiver = await startReceiver();
  s = await startProactiveService({ DECISION_MODE: 'dry-run' });
  epcA = await s.instantiate(SRSEPC_AIO.vnfdId, 'epc-a');
  epcB = await s.instantiate(VEPC_SPLIT.vnfdId, 'epc-b');
  for (const [name, filter] of Object.entries(FILTERS)) {
    const fm = await s.api('POST', '/vnffm/v1/subscriptions', {
      filter: { vnfInstanceSubscriptionFilter: filter, notificationTypes: ['AlarmNotification'] },
      callbackUri: `${receiver.url}/fm/${name}`,
    });
    assert.equal(fm.status, 201, JSON.stringify(fm.json));
    const ind = await s.api('POST', '/vnfind/v1/subscriptions', {
      filter: { vnfInstanceSubscriptionFilter: filter },
      callbackUri: `${receiver.url}/ind/${name}`,
    });
    assert.equal(ind.status, 201, JSON.stringify(ind.json));
  }
  const now = Math.floor(Date.now() / 1000 / 5) * 5;
  for (const id of [epcA, epcB]) await s.publishScores(id, await s.vnfcs(id), 0.92, now);
}, { timeout: 60_000 });

after(async () => {
  await s?.close();
  await receiver?.close();
});

describe('FM and indicator subscriptions filtered on VNF facts', () => {
  const expected = () => ({ vnfdIds: epcA, product: epcB, name: epcA });

  test('AlarmNotification of the matching instance only, per vnfdIds, product and instance name', { timeout: 30_000 }, async () => {
    await receiver.waitFor(() => Object.keys(FILTERS).every((n) => posts(`/fm/${n}`).length >= 1), 20_000, 'an alarm per FM subscriber');
    await s.svc.service.notifications.flush();
    for (const [name, id] of Object.entries(expected())) {
      const got = posts(`/fm/${name}`);
      assert.deepEqual(got.map(about), [id], `${name}: the alarm of ${id === epcA ? 'epc-a' : 'epc-b'} only`);
      assert.equal(got[0].json.notificationType, 'AlarmNotification');
      assert.equal(got[0].json.alarm.probableCause, 'PREDICTED_FAILURE');
    }
  });

  test('VnfIndicatorValueChangeNotification of the matching instance only', { timeout: 30_000 }, async () => {
    await receiver.waitFor(() => Object.keys(FILTERS).every((n) => posts(`/ind/${n}`).length >= 1), 20_000, 'an indicator change per subscriber');
    await s.svc.service.notifications.flush();
    for (const [name, id] of Object.entries(expected())) {
      const got = posts(`/ind/${name}`);
      assert.deepEqual(got.map(about), [id], `${name}: the failureScore change of ${id === epcA ? 'epc-a' : 'epc-b'} only`);
      assert.equal(got[0].json.vnfIndicatorId, 'failureScore');
      assert.equal(got[0].json.value, 0.92);
    }
  });
});
