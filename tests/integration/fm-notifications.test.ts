import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { ALERTS_TOPIC } from '../../fault-mgmt/alertmanager/alert-intake.ts';
import { FAILURE_SCORES_TOPIC, MONITORING_EVENTS_TOPIC } from '../../fault-mgmt/fm/correlation-inputs.ts';
import { startFmApp, type FmApp } from '../support/fm-app.ts';
import { FM_ENTITIES, scoringRound, VNF_ID, vmEvents, vnffmAlert, windowTs } from '../support/fm-inputs.ts';
import { startReceiver, type NotificationReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';

// Inputs travel as they do in the service: appended to the outbox, published on the bus
// (in-process, or RabbitMQ with AMQP_URL), consumed by the FM consumers; notifications
// go through the delivery outbox to a loopback subscriber.
const V = { Version: '1.3.0' };
let h: FmApp;
let receiver: NotificationReceiver;
let everything: string;
let s1apOnly: string;

before(async () => {
  h = await startFmApp({ bus: true, entities: FM_ENTITIES, settings: { clearWindows: 3, eventClearSeconds: 1 }, sweepMs: 100 });
  receiver = await startReceiver();
  const sub = async (path: string, filter?: object) => {
    const res = await request(h.app).post('/vnffm/v1/subscriptions').set(V).send({ callbackUri: `${receiver.url}${path}`, ...(filter && { filter }) });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  everything = await sub('/all');
  s1apOnly = await sub('/s1ap', { probableCauses: ['S1AP_BROKEN_PIPE'], vnfInstanceSubscriptionFilter: { vnfInstanceIds: [VNF_ID] } });
});
after(async () => {
  await receiver?.close();
  await h?.close();
});

const posts = (path: string) => (rs: ReceivedRequest[]) => rs.filter((r) => r.method === 'POST' && r.path === path);
const ofType = (type: string, path = '/all') => (rs: ReceivedRequest[]) => posts(path)(rs).filter((r) => r.json?.notificationType === type);

test('a rising score sequence raises one alarm and updates it; falling scores clear it after the hysteresis', async () => {
  // Each step waits for its notification: RabbitMQ may hand the consumer a batch of events
  // in any order, and a newer window decides the severity (an older one arriving later
  // changes nothing). The three low windows go together: their order must not matter.
  const steps: [number[], string][] = [[[0.3, 0.6], 'MINOR'], [[0.8], 'MAJOR'], [[0.95, 0.96], 'CRITICAL'], [[0.2, 0.2, 0.2], 'cleared']];
  let i = 0;
  for (const [scores, expected] of steps) {
    for (const score of scores) await h.publish(FAILURE_SCORES_TOPIC, scoringRound(i++, score));
    await receiver.waitFor(
      (rs) => posts('/all')(rs).some((r) => (expected === 'cleared' ? r.json?.notificationType === 'AlarmClearedNotification' : r.json?.alarm?.perceivedSeverity === expected)),
      20_000,
      `the ${expected} notification`,
    );
  }

  const mine = posts('/all')(receiver.received).map((r) => r.json);
  assert.deepEqual(
    mine.map((n) => `${n.notificationType}${n.alarm ? `:${n.alarm.perceivedSeverity}` : ''}`),
    ['AlarmNotification:MINOR', 'AlarmNotification:MAJOR', 'AlarmNotification:CRITICAL', 'AlarmClearedNotification'],
    'one raise, an update per band, one clear',
  );
  const alarmId = mine[0].alarm.id;
  assert.ok(mine.slice(0, 3).every((n) => n.alarm.id === alarmId), 'one alarm for the VNF and cause');
  assert.equal(mine[0].alarm.probableCause, 'PREDICTED_FAILURE');
  assert.equal(mine[0].alarm.eventTime, windowTs(1));
  for (const n of mine) {
    assert.equal(n.subscriptionId, everything);
    assert.equal(n._links.subscription.href, `${h.url}/vnffm/v1/subscriptions/${everything}`);
  }
  const cleared = mine[3];
  assert.equal(cleared.alarmId, alarmId);
  assert.equal(cleared.alarmClearedTime, windowTs(7), 'cleared at the third window under the bands');
  assert.equal(cleared._links.alarm.href, `${h.url}/vnffm/v1/alarms/${alarmId}`);
  assert.ok(posts('/all')(receiver.received).every((r) => r.headers.version === '1.3.0'));
  assert.deepEqual(posts('/s1ap')(receiver.received), [], 'the S1AP-only subscriber heard nothing of it');

  const shown = await request(h.app).get(`/vnffm/v1/alarms/${alarmId}`).set(V);
  assert.equal(shown.body.alarmClearedTime, windowTs(7));
  assert.equal(shown.body.perceivedSeverity, 'CRITICAL');
});

test('an S1AP broken pipe raises an alarm for both subscribers; it clears once the events stop', async () => {
  await h.publish(MONITORING_EVENTS_TOPIC, vmEvents('s1ap_broken_pipe', [Date.now() / 1000]));
  await receiver.waitFor((rs) => ofType('AlarmClearedNotification', '/s1ap')(rs).length >= 1, 20_000, 'the S1AP alarm cleared');
  const s1ap = posts('/s1ap')(receiver.received).map((r) => r.json);
  assert.deepEqual(s1ap.map((n) => n.notificationType), ['AlarmNotification', 'AlarmClearedNotification']);
  assert.equal(s1ap[0].alarm.probableCause, 'S1AP_BROKEN_PIPE');
  assert.equal(s1ap[0].subscriptionId, s1apOnly);
  assert.equal(s1ap[1].alarmId, s1ap[0].alarm.id);
  await receiver.waitFor((rs) => ofType('AlarmClearedNotification')(rs).length >= 2, 10_000, 'the second clear on /all');
});

test('an Alertmanager vnffm alert raises an alarm while firing and clears it when resolved', async () => {
  await h.publish(ALERTS_TOPIC, vnffmAlert({ severity: 'MAJOR' }));
  await receiver.waitFor((rs) => posts('/all')(rs).some((r) => r.json?.alarm?.probableCause === 'T3413 expired'), 20_000, 'the alert alarm');
  await h.publish(ALERTS_TOPIC, vnffmAlert({ status: 'resolved' }));
  await receiver.waitFor((rs) => ofType('AlarmClearedNotification')(rs).length >= 3, 20_000, 'the alert alarm cleared');
  const alert = posts('/all')(receiver.received).map((r) => r.json).filter((n) => n.alarm?.probableCause === 'T3413 expired');
  assert.equal(alert.length, 1);
  assert.equal(alert[0].alarm.perceivedSeverity, 'MAJOR');
  const cleared = ofType('AlarmClearedNotification')(receiver.received).at(-1)!.json;
  assert.equal(cleared.alarmId, alert[0].alarm.id);
  assert.equal(cleared.alarmClearedTime, '2026-11-25T15:20:08.000Z');
});

test('an alarm lost from the list is raised again on rebuild, with AlarmListRebuiltNotification', async () => {
  await h.publish(FAILURE_SCORES_TOPIC, scoringRound(100, 0.99));
  await receiver.waitFor((rs) => posts('/all')(rs).some((r) => r.json?.alarm?.eventTime === windowTs(100)), 20_000, 'the new alarm');
  await h.t.db.sequelize.query(`DELETE FROM fm_alarms WHERE cleared_at IS NULL`);
  const result = await h.fm.correlation.rebuildAlarmList();
  assert.deepEqual(result, { cleared: 0, raised: 1, notified: true });
  await receiver.waitFor((rs) => ofType('AlarmListRebuiltNotification')(rs).length === 1 && ofType('AlarmListRebuiltNotification', '/s1ap')(rs).length === 1, 20_000, 'both rebuilt notifications');
  const n = ofType('AlarmListRebuiltNotification')(receiver.received)[0].json;
  assert.equal(n._links.alarms.href, `${h.url}/vnffm/v1/alarms`);
  const active = await request(h.app).get('/vnffm/v1/alarms?filter=(eq,perceivedSeverity,CRITICAL);(eq,probableCause,PREDICTED_FAILURE)').set(V);
  assert.equal(active.body.filter((a: { alarmClearedTime?: string }) => !a.alarmClearedTime).length, 1);
  assert.deepEqual(await h.fm.correlation.rebuildAlarmList(), { cleared: 0, raised: 0, notified: false }, 'consistent now');
});
