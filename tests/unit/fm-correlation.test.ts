import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConditionState, Correlation } from '../../fault-mgmt/fm/alarm.types.ts';
import { correlateAlert, type AlertObservation } from '../../fault-mgmt/fm/alert-correlation.ts';
import { correlateOomKills, correlateS1apBrokenPipe, expireCondition, expireEvents, reviewAt, type EventObservation } from '../../fault-mgmt/fm/event-correlation.ts';
import { FM_DEFAULTS, parseSeverityBands } from '../../fault-mgmt/fm/fm-settings.ts';
import { correlateScore, type ScoreObservation } from '../../fault-mgmt/fm/score-correlation.ts';

const settings = { ...FM_DEFAULTS, clearWindows: 3, oomStormKills: 3, oomStormSeconds: 60, eventClearSeconds: 120 };
const ts = (i: number) => new Date(Date.UTC(2026, 10, 25, 15, 0, 0) + i * 5000).toISOString();
const score = (i: number, s: number, vnfcs = ['VDU1-a']): ScoreObservation => ({
  managedObjectId: 'vnf-1', score: s, ts: ts(i), vnfcInstanceIds: vnfcs, faultyResource: { resourceId: 'server-a' }, details: [`failureScore: ${s}`],
});

/** Feeds observations through a step function, collecting the change kinds. */
function run<T>(step: (s: ConditionState | undefined, o: T) => Correlation, inputs: T[], start?: ConditionState) {
  let state = start;
  const changes: string[] = [];
  const all: Correlation[] = [];
  for (const o of inputs) {
    const r = step(state, o);
    state = r.state;
    changes.push(r.change.kind === 'none' ? '-' : r.change.kind === 'clear' ? 'clear' : `${r.change.kind}:${r.change.facts.perceivedSeverity}`);
    all.push(r);
  }
  return { state, changes, all };
}

describe('predicted failure: severity bands and hysteresis', () => {
  const step = (s: ConditionState | undefined, o: ScoreObservation) => correlateScore(s, o, settings);

  test('the default bands: CRITICAL >= 0.9, MAJOR >= 0.75, MINOR >= 0.5, nothing under 0.5', () => {
    for (const [s, want] of [[0.95, 'raise:CRITICAL'], [0.9, 'raise:CRITICAL'], [0.8, 'raise:MAJOR'], [0.75, 'raise:MAJOR'], [0.6, 'raise:MINOR'], [0.5, 'raise:MINOR'], [0.49, '-']] as const) {
      assert.deepEqual(run(step, [score(0, s)]).changes, [want], `score ${s}`);
    }
  });

  test('a raise carries the predicted-failure event type, probable cause and the VNFC at risk', () => {
    const { all } = run(step, [score(0, 0.93)]);
    const c = all[0].change;
    assert.equal(c.kind, 'raise');
    if (c.kind !== 'raise') return;
    assert.equal(c.facts.eventType, 'EQUIPMENT_ALARM');
    assert.equal(c.facts.probableCause, 'PREDICTED_FAILURE');
    assert.equal(c.facts.eventTime, ts(0));
    assert.deepEqual(c.facts.vnfcInstanceIds, ['VDU1-a']);
    assert.deepEqual(c.facts.faultyResource, { resourceId: 'server-a' });
  });

  test('one alarm per condition: rising scores update it, equal bands change nothing', () => {
    const { changes } = run(step, [score(0, 0.6), score(1, 0.62), score(2, 0.8), score(3, 0.95), score(4, 0.97), score(5, 0.7)]);
    assert.deepEqual(changes, ['raise:MINOR', '-', 'update:MAJOR', 'update:CRITICAL', '-', 'update:MINOR']);
  });

  test('cleared only after clearWindows windows in a row under every band', () => {
    const { changes, state } = run(step, [score(0, 0.8), score(1, 0.3), score(2, 0.3), score(3, 0.3)]);
    assert.deepEqual(changes, ['raise:MAJOR', '-', '-', 'clear']);
    assert.equal(state?.active, false, 'only a memory of the clear is kept');
    assert.equal(expireCondition(state!, Date.parse(ts(3)) / 1000 + 599, settings).state, state);
    assert.equal(expireCondition(state!, Date.parse(ts(3)) / 1000 + 600, settings).state, undefined, 'then forgotten');
  });

  test('a dip shorter than the hysteresis does not clear, and the count starts again', () => {
    const { changes } = run(step, [score(0, 0.8), score(1, 0.2), score(2, 0.2), score(3, 0.8), score(4, 0.2), score(5, 0.2), score(6, 0.2)]);
    assert.deepEqual(changes, ['raise:MAJOR', '-', '-', '-', '-', '-', 'clear']);
  });

  test('the cleared time is the window that completed the hysteresis', () => {
    const { all } = run(step, [score(0, 0.8), score(1, 0.1), score(2, 0.1), score(3, 0.1)]);
    assert.deepEqual(all[3].change, { kind: 'clear', clearedAt: ts(3) });
  });

  test('a window not newer than the last one (redelivered, out of order) changes nothing', () => {
    const raised = run(step, [score(5, 0.8)]);
    const again = step(raised.state, score(5, 0.1));
    const older = step(raised.state, score(4, 0.95));
    assert.deepEqual([again.change.kind, older.change.kind], ['none', 'none']);
    assert.deepEqual(again.state, raised.state);
  });

  test('windows handled out of order (RabbitMQ prefetch) clear once, at the right window', () => {
    const { changes, all } = run(step, [score(0, 0.8), score(3, 0.2), score(1, 0.2), score(2, 0.2)]);
    assert.deepEqual(changes, ['raise:MAJOR', '-', '-', 'clear']);
    assert.deepEqual(all[3].change, { kind: 'clear', clearedAt: ts(3) });
  });

  test('a late window never undoes what newer ones decided', () => {
    const cleared = run(step, [score(0, 0.8), score(2, 0.2), score(3, 0.2), score(4, 0.2)]);
    assert.deepEqual(cleared.changes.at(-1), 'clear');
    assert.deepEqual(run(step, [score(1, 0.9)], cleared.state).changes, ['-'], 'a high window older than the clear raises nothing');
    assert.deepEqual(run(step, [score(5, 0.9)], cleared.state).changes, ['raise:CRITICAL'], 'a newer one does');
    assert.deepEqual(run(step, [score(2, 0.95), score(1, 0.8)]).changes, ['raise:CRITICAL', '-'], 'the newest window sets the severity');
    const high = run(step, [score(0, 0.8), score(2, 0.8)]);
    assert.deepEqual(run(step, [score(1, 0.1), score(3, 0.1), score(4, 0.1)], high.state).changes, ['-', '-', '-'], 'windows before the last high one do not count');
  });

  test('low scores without an alarm keep no state', () => {
    const r = run(step, [score(0, 0.1), score(1, 0.2)]);
    assert.deepEqual([r.state, r.changes], [undefined, ['-', '-']]);
  });

  test('configured bands are used', () => {
    const bands = parseSeverityBands('MAJOR:0.6,WARNING:0.3');
    const r = run((s, o: ScoreObservation) => correlateScore(s, o, { severityBands: bands, clearWindows: 1 }), [score(0, 0.35), score(1, 0.65), score(2, 0.1)]);
    assert.deepEqual(r.changes, ['raise:WARNING', 'update:MAJOR', 'clear']);
  });
});

describe('parseSeverityBands', () => {
  test('orders the bands and refuses what cannot be meant', () => {
    assert.deepEqual(parseSeverityBands('MINOR:0.5, CRITICAL:0.9'), [{ severity: 'CRITICAL', min: 0.9 }, { severity: 'MINOR', min: 0.5 }]);
    for (const bad of ['CRITICAL', 'BAD:0.5', 'MAJOR:1.5', 'MAJOR:0', 'MAJOR:0.5,MAJOR:0.6', 'CRITICAL:0.5,MAJOR:0.7']) {
      assert.throws(() => parseSeverityBands(bad), Error, bad);
    }
  });
});

const events = (times: number[], vnfcs = ['VDU1-a']): EventObservation => ({
  managedObjectId: 'vnf-1', occurrences: times.map((t) => [t, 1] as const), vnfcInstanceIds: vnfcs, faultyResource: { resourceId: 'server-a' }, details: [],
});

describe('S1AP broken pipe', () => {
  test('raised at the first occurrence, MAJOR communications alarm; more occurrences change nothing', () => {
    const { changes, all } = run(correlateS1apBrokenPipe, [events([1000]), events([1005, 1010])]);
    assert.deepEqual(changes, ['raise:MAJOR', '-']);
    const c = all[0].change;
    assert.ok(c.kind === 'raise' && c.facts.eventType === 'COMMUNICATIONS_ALARM' && c.facts.probableCause === 'S1AP_BROKEN_PIPE');
  });

  test('a new VNFC involved updates the alarm', () => {
    assert.deepEqual(run(correlateS1apBrokenPipe, [events([1000]), events([1001], ['VDU2-b'])]).changes, ['raise:MAJOR', 'update:MAJOR']);
  });

  test('cleared eventClearSeconds after the last occurrence, not before', () => {
    const { state } = run(correlateS1apBrokenPipe, [events([1000]), events([1050])]);
    assert.equal(reviewAt(state, settings), 1170);
    assert.equal(expireEvents(state!, 1169, settings).change.kind, 'none');
    assert.deepEqual(expireEvents(state!, 1200, settings), { state: undefined, change: { kind: 'clear', clearedAt: new Date(1170_000).toISOString() } });
  });
});

describe('OOM kill storm', () => {
  const step = (s: ConditionState | undefined, o: EventObservation) => correlateOomKills(s, o, settings);

  test('N kills within M seconds raise the alarm; fewer, or spread out, only count', () => {
    assert.deepEqual(run(step, [events([100]), events([130]), events([150])]).changes, ['-', '-', 'raise:MAJOR']);
    assert.deepEqual(run(step, [events([100]), events([170]), events([240])]).changes, ['-', '-', '-'], '3 kills, never 3 within 60 s');
    assert.deepEqual(run(step, [events([100, 101, 102])]).changes, ['raise:MAJOR'], 'one batch');
  });

  test('counts (collectd tail counters) add up', () => {
    const burst: EventObservation = { ...events([]), occurrences: [[100, 3]] };
    assert.deepEqual(run(step, [burst]).changes, ['raise:MAJOR']);
  });

  test('kills that left the window are forgotten by the sweep, then the condition itself', () => {
    const { state } = run(step, [events([100]), events([130])]);
    assert.equal(reviewAt(state, settings), 160);
    const later = expireEvents(state!, 165, settings);
    assert.deepEqual(later.state?.events?.recent, [[130, 1]]);
    assert.equal(expireEvents(later.state!, 200, settings).state, undefined);
  });

  test('an active storm clears after the quiet period following the last kill', () => {
    const { state } = run(step, [events([100, 110, 120]), events([300])]);
    assert.equal(state?.active, true);
    assert.equal(expireEvents(state!, 419, settings).change.kind, 'none', 'the kill at 300 extends it');
    assert.equal(expireEvents(state!, 420, settings).change.kind, 'clear');
  });
});

describe('Alertmanager alerts', () => {
  const alert = (key: string, status: 'firing' | 'resolved', severity: 'WARNING' | 'CRITICAL' = 'WARNING', vnfc = 'VDU1-a'): AlertObservation => ({
    managedObjectId: 'vnf-1', probableCause: 'T3413 expired', alertKey: key, status, endsAt: status === 'resolved' ? '2026-11-25T15:20:00.000Z' : undefined,
    alert: { severity, eventType: 'PROCESSING_ERROR_ALARM', faultType: 'Server Down', startsAt: '2026-11-25T15:18:00.000Z', vnfcInstanceId: vnfc, details: [`fingerprint: ${key}`] },
  });

  test('alerts with one probable cause make one alarm: raised, updated to the worst severity, cleared by the last resolution', () => {
    const { changes, all } = run(correlateAlert, [
      alert('a', 'firing'), alert('a', 'firing'), alert('b', 'firing', 'CRITICAL', 'VDU1-b'), alert('b', 'resolved'), alert('a', 'resolved'),
    ]);
    assert.deepEqual(changes, ['raise:WARNING', '-', 'update:CRITICAL', 'update:WARNING', 'clear']);
    assert.deepEqual(all[4].change, { kind: 'clear', clearedAt: '2026-11-25T15:20:00.000Z' });
  });

  test('the resolution of an alert never seen firing changes nothing, and a late firing of it is stale', () => {
    const r = run(correlateAlert, [alert('x', 'resolved'), alert('x', 'firing')]);
    assert.deepEqual(r.changes, ['-', '-']);
    assert.equal(r.state?.active, false);
    assert.equal(reviewAt(r.state, settings), Date.parse('2026-11-25T15:20:00.000Z') / 1000 + 3600, 'forgotten an hour later');
  });
});
