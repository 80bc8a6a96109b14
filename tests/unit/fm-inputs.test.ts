import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acknowledgedAlarm, alarmETag, clearedAlarm, raisedAlarm, updatedAlarm } from '../../fault-mgmt/fm/alarm-document.ts';
import type { AlarmFacts } from '../../fault-mgmt/fm/alarm.types.ts';
import { ifMatchHolds, parseAlarmModifications } from '../../fault-mgmt/fm/acknowledge-alarm.ts';
import { alertObservation, eventObservations, scoreObservations } from '../../fault-mgmt/fm/correlation-inputs.ts';
import { matchesFmFilter } from '../../fault-mgmt/fm/fm-subscription-filter.ts';
import type { EntityResolver } from '../../fault-mgmt/monitoring.types.ts';
import { OTHER_VNF_ID, scoringRound, SERVER_ID, VNF_ID, VNFC_ID, vmEvents, vnffmAlert, windowTs } from '../support/fm-inputs.ts';

/** The registry's answers for the one VM of the test VNF; satisfies the port. */
const resolver = {
  resolve: (name: string) =>
    name === SERVER_ID
      ? { entity: { kind: 'vm', id: SERVER_ID }, vm: SERVER_ID, host: 'compute-a', vnfInstanceId: VNF_ID, vnfcInstanceId: VNFC_ID, known: true }
      : { entity: { kind: 'vm', id: name }, vm: name, known: false },
  vmsOfVnf: (id: string) => (id === VNF_ID ? [SERVER_ID] : []),
} satisfies EntityResolver;

describe('inputs of the correlator', () => {
  test('a scoring round gives one observation per VNF instance, its own score, the VNFC at risk and its server', () => {
    const obs = scoreObservations([...scoringRound(3, 0.91), ...scoringRound(3, 0.2, OTHER_VNF_ID)], 0.5);
    assert.equal(obs.length, 2);
    const mine = obs.find((o) => o.managedObjectId === VNF_ID)!;
    assert.equal(mine.score, 0.91);
    assert.equal(mine.ts, windowTs(3));
    assert.deepEqual(mine.vnfcInstanceIds, [VNFC_ID]);
    assert.deepEqual(mine.faultyResource, { resourceId: SERVER_ID, vimLevelResourceType: 'OS::Nova::Server' });
    assert.ok(mine.details.includes('failureScore: 0.91') && mine.details.includes('host: compute-a'));
  });

  test('without a score of its own, a VNF takes its riskiest VNFC; malformed entries are skipped', () => {
    const vnfcOnly = scoringRound(1, 0.7).filter((e) => e.vnfcInstanceId);
    const obs = scoreObservations([...vnfcOnly, { vnfInstanceId: VNF_ID, failureScore: 'x' }, null], 0.5);
    assert.deepEqual(obs.map((o) => [o.managedObjectId, o.score]), [[VNF_ID, 0.7]]);
    assert.deepEqual(scoreObservations({ not: 'an array' }, 0.5), []);
  });

  test('events are placed on their VNF through the VM; other types and unplaceable events are dropped', () => {
    const rows = [...vmEvents('oom_kill', [100, 110]), ...vmEvents('s1ap_broken_pipe', [105]), { ts: 1, type: 'paging_timeout', count: 1, source: 'log', vm: SERVER_ID }, { ts: 2, type: 'oom_kill', count: 1, source: 'syslog', host: 'compute-b' }];
    const out = eventObservations(rows, resolver);
    assert.deepEqual(out.map((o) => [o.cause, o.obs.managedObjectId, o.obs.occurrences.length]), [['oom-kill-storm', VNF_ID, 2], ['s1ap-broken-pipe', VNF_ID, 1]]);
    assert.deepEqual(out[0].obs.vnfcInstanceIds, [VNFC_ID]);
    assert.ok(out[0].obs.details.includes('process: srsepc'));
  });

  test("a Tacker vnffm alert keeps Tacker's labels: severity, event type, probable cause, the VNFC and its server", () => {
    const input = alertObservation(vnffmAlert({ severity: 'MAJOR' }), resolver, '2026-11-25T16:00:00.000Z')!;
    assert.equal(input.cause, 'alert:T3413 expired');
    assert.equal(input.obs.status, 'firing');
    assert.equal(input.obs.alert.severity, 'MAJOR');
    assert.equal(input.obs.alert.startsAt, '2026-11-25T15:18:08.255Z');
    assert.deepEqual(input.obs.alert.faultyResource, { resourceId: SERVER_ID, vimLevelResourceType: 'OS::Nova::Server' });
    assert.deepEqual(input.obs.alert.details, ['fingerprint: fc423d329e759d9e', 'detail: x']);
    const resolved = alertObservation(vnffmAlert({ status: 'resolved' }), resolver, '2026-11-25T16:00:00.000Z')!;
    assert.equal(resolved.obs.endsAt, '2026-11-25T15:20:08.000Z');
    const other = vnffmAlert();
    assert.equal(alertObservation({ ...other, tacker: { ...other.tacker!, functionType: 'auto_heal' } }, resolver, ''), undefined);
    assert.equal(alertObservation({ ...other, tacker: undefined }, resolver, ''), undefined);
  });
});

const facts: AlarmFacts = {
  perceivedSeverity: 'MAJOR', eventType: 'EQUIPMENT_ALARM', probableCause: 'PREDICTED_FAILURE', faultType: 'Predicted host failure',
  isRootCause: false, eventTime: windowTs(0), vnfcInstanceIds: [VNFC_ID], faultyResource: { resourceId: SERVER_ID }, faultDetails: ['failureScore: 0.8'],
};
const KEY = { managedObjectId: VNF_ID, cause: 'predicted-failure' };
const ID = '11111111-2222-4333-8444-555555555555';

describe('alarm documents', () => {
  const raised = raisedAlarm(ID, KEY, facts, '2026-11-25T15:00:01.000Z', 'http://vnfm:9890');

  test('a raised alarm is unacknowledged, links itself and its VNF instance', () => {
    assert.equal(raised.ackState, 'UNACKNOWLEDGED');
    assert.equal(raised.alarmRaisedTime, '2026-11-25T15:00:01.000Z');
    assert.deepEqual(raised._links, {
      self: { href: `http://vnfm:9890/vnffm/v1/alarms/${ID}` },
      objectInstance: { href: `http://vnfm:9890/vnflcm/v2/vnf_instances/${VNF_ID}` },
    });
    assert.deepEqual(raised.rootCauseFaultyResource, { faultyResource: { resourceId: SERVER_ID }, faultyResourceType: 'COMPUTE' });
  });

  test('updates keep the acknowledgement; clears keep the severity', () => {
    const acked = acknowledgedAlarm(raised, 'ACKNOWLEDGED', 't1');
    const updated = updatedAlarm(acked, { ...facts, perceivedSeverity: 'CRITICAL', vnfcInstanceIds: [] }, 't2');
    assert.deepEqual([updated.ackState, updated.perceivedSeverity, updated.alarmChangedTime, 'vnfcInstanceIds' in updated], ['ACKNOWLEDGED', 'CRITICAL', 't2', false]);
    const cleared = clearedAlarm(updated, 't3', 't4');
    assert.deepEqual([cleared.alarmClearedTime, cleared.alarmChangedTime, cleared.perceivedSeverity], ['t3', 't4', 'CRITICAL']);
  });

  test('acknowledging sets alarmAcknowledgedTime, unacknowledging removes it', () => {
    const acked = acknowledgedAlarm(raised, 'ACKNOWLEDGED', 't1');
    assert.equal(acked.alarmAcknowledgedTime, 't1');
    assert.equal('alarmAcknowledgedTime' in acknowledgedAlarm(acked, 'UNACKNOWLEDGED', 't2'), false);
  });

  test('the ETag ignores key order and follows every change', () => {
    const reordered = Object.fromEntries(Object.entries(raised).reverse()) as typeof raised;
    assert.equal(alarmETag(reordered), alarmETag(raised));
    assert.notEqual(alarmETag(acknowledgedAlarm(raised, 'ACKNOWLEDGED', 't')), alarmETag(raised));
    assert.ok(ifMatchHolds(undefined, '"a"') && ifMatchHolds('*', '"a"') && ifMatchHolds('"b", "a"', '"a"'));
    assert.ok(!ifMatchHolds('"b"', '"a"') && !ifMatchHolds('W/"a"', '"a"'));
  });

  test('only ackState can be modified', () => {
    assert.deepEqual(parseAlarmModifications({ ackState: 'ACKNOWLEDGED' }), { ackState: 'ACKNOWLEDGED' });
    for (const bad of [{}, { ackState: 'DONE' }, { ackState: null }, { ackState: 'ACKNOWLEDGED', perceivedSeverity: 'MINOR' }, []]) {
      assert.throws(() => parseAlarmModifications(bad), { status: 400 }, JSON.stringify(bad));
    }
  });
});

describe('FM subscription filters (SOL003 7.5.3.2, as Tacker matches them)', () => {
  const alarm = raisedAlarm(ID, KEY, facts, 't', 'http://vnfm');
  const subject = { notificationType: 'AlarmNotification' as const, alarm, vnfInstance: { id: VNF_ID, vnfInstanceName: 'vepc' } };

  test('every attribute given must match, any value of a list will do', () => {
    assert.ok(matchesFmFilter(undefined, subject));
    assert.ok(matchesFmFilter({ perceivedSeverities: ['CRITICAL', 'MAJOR'], eventTypes: ['EQUIPMENT_ALARM'], probableCauses: ['PREDICTED_FAILURE'] }, subject));
    assert.ok(!matchesFmFilter({ perceivedSeverities: ['CRITICAL'] }, subject));
    assert.ok(!matchesFmFilter({ eventTypes: ['QOS_ALARM'] }, subject));
    assert.ok(!matchesFmFilter({ probableCauses: ['OOM_KILL_STORM'] }, subject));
    assert.ok(!matchesFmFilter({ faultyResourceTypes: ['STORAGE'] }, subject));
    assert.ok(!matchesFmFilter({ notificationTypes: ['AlarmClearedNotification'] }, subject));
  });

  test('VNF instance filters: ids and names match, attributes the facts lack never do', () => {
    assert.ok(matchesFmFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: [VNF_ID] } }, subject));
    assert.ok(matchesFmFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['vepc'] } }, subject));
    assert.ok(!matchesFmFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: [OTHER_VNF_ID] } }, subject));
    assert.ok(!matchesFmFilter({ vnfInstanceSubscriptionFilter: { vnfdIds: ['d1'] } }, subject));
  });

  test('AlarmListRebuiltNotification is only filtered by notificationTypes', () => {
    const rebuilt = { notificationType: 'AlarmListRebuiltNotification' as const };
    assert.ok(matchesFmFilter({ perceivedSeverities: ['CRITICAL'], vnfInstanceSubscriptionFilter: { vnfInstanceIds: [OTHER_VNF_ID] } }, rebuilt));
    assert.ok(!matchesFmFilter({ notificationTypes: ['AlarmNotification'] }, rebuilt));
  });
});
