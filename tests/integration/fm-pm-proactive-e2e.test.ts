/**
 * The proactive loop end to end through the real composition root (vnfm-plugin/service.ts)
 * on the simulated VIM, with DECISION_MODE=auto: the srsepc-aio sample (ProactiveMigration
 * policy: score_threshold 0.7, two windows in a row) is instantiated through vnflcm; a
 * failure-score trace of its host arrives as prediction publishes it; then, in order:
 * - vnffm: a PREDICTED_FAILURE AlarmNotification at a subscriber filtering on the VNFD;
 * - vnflcm: the decision engine's HEAL (live-migrate, isAutomaticInvocation true) COMPLETED,
 *   the VNFC on the other host;
 * - vnffm: AlarmClearedNotification once the scores of the new host stay low;
 * - vnfpm: a threshold on VFailureScoreVnf (0.7 +/- 0.1) notifies one UP crossing while the
 *   score stays high (also after a dip inside the band) and one DOWN crossing, no repeat.
 * Every notification is checked against the ETSI definitions.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertEtsiValid as assertEtsiFm, ETSI_SKIP } from '../support/fm-etsi.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { assertEtsiValid as assertEtsiPm, etsiSkip, notificationSchema } from '../support/pm-etsi.ts';
import { SRSEPC_AIO, startProactiveService, type PlacedVnfc, type ProactiveService } from '../support/proactive-service.ts';

let s: ProactiveService;
let receiver: NotificationReceiver;
let vnf = '';
let before0: PlacedVnfc[] = [];
const STEP = 5;
let window0 = 0;
let next = 0;

const posts = (prefix: string) => receiver.received.filter((r) => r.method === 'POST' && r.path.startsWith(prefix));
const ofType = (type: string) => posts('/fm').filter((r) => r.json.notificationType === type);
/** ETSI checks run when ../shared/etsi is there (else the conformance tier reports the skip). */
const checkEtsi = (check: () => void) => (ETSI_SKIP || etsiSkip ? undefined : check());

/** Publishes the next scoring windows of the VNF's current placement. */
async function windows(...scores: number[]): Promise<void> {
  const placement = await s.vnfcs(vnf);
  for (const score of scores) await s.publishScores(vnf, placement, score, window0 + STEP * next++);
}

before(async () => {
  receiver = await startReceiver();
  s = await startProactiveService({ DECISION_MODE: 'auto', FM_CLEAR_WINDOWS: '2' });
  vnf = await s.instantiate(SRSEPC_AIO.vnfdId, 'epc-e2e');
  before0 = await s.vnfcs(vnf);
  // Half an hour of readings of both hosts: the history the forecast strategy ranks by.
  await s.postHostSamples(['compute-a', 'compute-b'], 30, 20, 30);
  assert.equal(before0.length, 1);
  const fm = await s.api('POST', '/vnffm/v1/subscriptions', {
    filter: { vnfInstanceSubscriptionFilter: { vnfdIds: [SRSEPC_AIO.vnfdId] }, notificationTypes: ['AlarmNotification', 'AlarmClearedNotification'] },
    callbackUri: `${receiver.url}/fm`,
  });
  assert.equal(fm.status, 201, JSON.stringify(fm.json));
  const lcm = await s.api('POST', '/vnflcm/v2/subscriptions', {
    filter: { operationTypes: ['HEAL'], notificationTypes: ['VnfLcmOperationOccurrenceNotification'] },
    callbackUri: `${receiver.url}/lcm`,
  });
  assert.equal(lcm.status, 201, JSON.stringify(lcm.json));
  const threshold = await s.api('POST', '/vnfpm/v2/thresholds', {
    objectType: 'Vnf',
    objectInstanceId: vnf,
    criteria: { performanceMetric: 'VFailureScoreVnf', thresholdType: 'SIMPLE', simpleThresholdDetails: { thresholdValue: 0.7, hysteresis: 0.1 } },
    callbackUri: `${receiver.url}/pm`,
  });
  assert.equal(threshold.status, 201, JSON.stringify(threshold.json));
  window0 = Math.floor(Date.now() / 1000 / STEP) * STEP - 20 * STEP;
}, { timeout: 90_000 });

after(async () => {
  await s?.close();
  await receiver?.close();
});

test('predicted failure -> alarm -> automatic live migration -> alarm cleared; one threshold crossing each way', { timeout: 60_000 }, async () => {
  // The host's score climbs: 0.75 is a first window over the policy's threshold (one window
  // is not enough to act) and raises a MAJOR alarm; 0.85 is the second (the migration, and
  // the threshold's UP crossing at 0.8).
  await windows(0.2, 0.75);
  await receiver.waitFor(() => ofType('AlarmNotification').length >= 1, 15_000, 'AlarmNotification');
  const raised = ofType('AlarmNotification')[0].json;
  assert.equal(raised.alarm.managedObjectId, vnf);
  assert.equal(raised.alarm.probableCause, 'PREDICTED_FAILURE');
  assert.deepEqual(raised.alarm.vnfcInstanceIds, [before0[0].vnfcInstanceId]);
  checkEtsi(() => assertEtsiFm('AlarmNotification', raised));

  // The decision engine's HEAL, as any NFVO sees it in vnflcm.
  await windows(0.85, 0.9);
  let heal: any;
  const deadline = Date.now() + 20_000;
  while (!heal && Date.now() < deadline) {
    const ops = await s.api('GET', `/vnflcm/v2/vnf_lcm_op_occs?filter=(eq,operation,HEAL);(eq,vnfInstanceId,${vnf})`);
    heal = ops.json?.[0];
    if (!heal) await new Promise((r) => setTimeout(r, 50));
  }
  if (!heal) {
    const decisions = await (await fetch(`${s.url}/decisions/v1/decisions`)).json();
    assert.fail(`no HEAL operation occurrence; the decisions: ${JSON.stringify(decisions)}`);
  }
  const done = await s.waitForOp(heal.id, ['COMPLETED', 'FAILED_TEMP', 'ROLLED_BACK']);
  assert.equal(done.operationState, 'COMPLETED', JSON.stringify(done.error));
  assert.equal(done.isAutomaticInvocation, true);
  assert.equal(done.operationParams.additionalParams.healType, 'live-migrate');
  assert.deepEqual(done.operationParams.vnfcInstanceId, [before0[0].vnfcInstanceId]);
  const after0 = await s.vnfcs(vnf);
  assert.notEqual(after0[0].host, before0[0].host, 'the VNFC runs on the other host now');
  await receiver.waitFor(() => posts('/lcm').some((r) => r.json.operationState === 'COMPLETED'), 10_000, 'HEAL COMPLETED notification');
  assert.ok(posts('/lcm').every((r) => r.json.isAutomaticInvocation === true && r.json.vnfLcmOpOccId === heal.id));

  // On the new host the score dips into the threshold's band (no DOWN), comes back (no second
  // UP), then stays low: the alarm clears after FM_CLEAR_WINDOWS windows, the threshold goes DOWN.
  await windows(0.65, 0.9, 0.3, 0.1, 0.1);
  await receiver.waitFor(() => ofType('AlarmClearedNotification').length >= 1, 15_000, 'AlarmClearedNotification');
  const cleared = ofType('AlarmClearedNotification')[0];
  assert.equal(cleared.json.alarmId, raised.alarm.id);
  checkEtsi(() => assertEtsiFm('AlarmClearedNotification', cleared.json));
  const completedAt = receiver.received.findIndex((r) => r.path === '/lcm' && r.json?.operationState === 'COMPLETED');
  assert.ok(receiver.received.indexOf(ofType('AlarmNotification')[0]) < completedAt, 'alarm before the migration completed');
  assert.ok(receiver.received.indexOf(cleared) > completedAt, 'cleared after it');

  await receiver.waitFor(() => posts('/pm').some((r) => r.json.crossingDirection === 'DOWN'), 15_000, 'the DOWN crossing');
  await s.svc.service.notifications.flush();
  const crossings = posts('/pm').map((r) => `${r.json.crossingDirection}@${r.json.performanceValue}`);
  // The collector samples the score: under load it may first see the high score at the second
  // peak (0.9) rather than the first (0.85), and the low one at 0.1 rather than 0.3, the first
  // window below the band. Either way one UP, then one DOWN, and no more.
  assert.equal(crossings.length, 2, `one crossing each way: ${crossings.join(', ')}`);
  assert.match(crossings[0], /^UP@0\.(85|9)$/, crossings.join(', '));
  assert.match(crossings[1], /^DOWN@0\.(3|1)$/, crossings.join(', '));
  for (const r of posts('/pm')) {
    assert.equal(r.json.objectInstanceId, vnf);
    assert.equal(r.json.performanceMetric, 'VFailureScoreVnf');
    checkEtsi(() => assertEtsiPm(notificationSchema('ThresholdCrossedNotification'), r.json, 'ThresholdCrossedNotification'));
  }
  assert.equal(ofType('AlarmClearedNotification').length, 1, 'cleared once');
  const ops = await s.api('GET', `/vnflcm/v2/vnf_lcm_op_occs?filter=(eq,operation,HEAL)`);
  assert.equal(ops.json.length, 1, 'one migration for one predicted failure');
});
