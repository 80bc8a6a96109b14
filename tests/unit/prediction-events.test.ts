import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventMetrics, eventMetricsAt, type EventInput } from '../../prediction/evaluation/event-metrics.ts';

const T0 = 1_700_000_000;
// Rows 0..18 every 5 s, then a 600 s pause before row 19.
const time = Array.from({ length: 20 }, (_, i) => T0 + (i <= 18 ? 5 * i : 5 * 18 + 600));
//                0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19
const failure = [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0];
const score = [0.7, 0, 0, 0.8, 0.8, 0, 0.99, 0, 0, 0, 0.9, 0, 0.6, 0, 0, 0, 0, 0, 0.7, 0.7];
const base: EventInput = { time, failure, score };
const opts = { horizon: 4, leads: [1, 2, 4], longRunSteps: 4 };

describe('event metrics on a hand-made trace', () => {
  // Runs: [6,7] short (2 rows), [14,17] long (4 rows). Threshold 0.65.
  // Run 1 pre-onset window [2,5]: first alarm row 3 -> lead 3 steps, 15 s.
  // Run 2 pre-onset window [10,13]: first alarm row 10 -> lead 4 steps, 20 s.
  // Episodes: [0] false (next onset 6 steps away > H), [3,4] true, [10] true,
  // [18] and [19] false (split by the 600 s pause). Row 6 scores 0.99 inside a failure: no alarm.
  const m = eventMetrics(base, 0.65, opts);

  test('count warned runs per lead, for all, long and short runs', () => {
    assert.deepEqual(m.events, {
      all: { total: 2, warned1: 2, warned2: 2, warned4: 1 },
      long: { total: 1, warned1: 1, warned2: 1, warned4: 1, flaggedLong: null },
      short: { total: 1, warned1: 1, warned2: 1, warned4: 0, alarmed: 1, flaggedLong: null },
    });
    assert.deepEqual(m.recall.all, { warned1: 1, warned2: 1, warned4: 0.5 });
    assert.deepEqual(m.recall.short, { warned1: 1, warned2: 1, warned4: 0 });
  });

  test('report the median lead of the first alarm in steps and seconds', () => {
    assert.equal(m.medianLeadSteps, 3.5);
    assert.equal(m.medianLeadSeconds, 17.5);
    assert.deepEqual(
      m.runs.map((r) => [r.onset, r.length, r.long, r.leadSteps, r.leadSeconds]),
      [
        [6, 2, false, 3, 15],
        [14, 4, true, 4, 20],
      ],
    );
  });

  test('count false alarm episodes per hour of healthy time, with pauses capped', () => {
    assert.equal(m.alarmEpisodes, 5);
    assert.equal(m.falseAlarmEpisodes, 3);
    // healthy rows 0-5 and 8-13 at 5 s, row 18 capped at 60 s, row 19 the median step 5 s: 125 s
    assert.equal(m.healthyHours, 125 / 3600);
    assert.ok(Math.abs((m.falseAlarmsPerHour as number) - 86.4) < 1e-9);
  });

  test('report the strict per-window rate and the time in alarm', () => {
    // healthy rows without an onset within 4 rows: 0, 1, 8, 9, 18, 19; in alarm: 0, 18, 19
    assert.equal(m.falseAlarmWindowRate, 0.5);
    assert.equal(m.falseAlarmRows, 3);
    // alarm rows 0, 3, 4, 10 (5 s each), 18 (60 s), 19 (5 s) = 85 s of 125 s
    assert.equal(m.alarmTimeShare, 85 / 125);
  });

  test('only credit an alarm raised between H and L steps before onset', () => {
    const early = [...score];
    early[10] = 0;
    early[9] = 0.9; // 5 steps before onset 14, beyond H = 4
    const e = eventMetrics({ ...base, score: early }, 0.65, opts);
    assert.equal(e.runs[1].leadSteps, null);
    assert.deepEqual(e.events.long, { total: 1, warned1: 0, warned2: 0, warned4: 0, flaggedLong: null });
    const late = [...score];
    late[3] = 0;
    late[4] = 0;
    late[5] = 0.9; // one step before onset 6: alarmed, but not warned at lead 2
    const l = eventMetrics({ ...base, score: late }, 0.65, opts);
    assert.deepEqual(l.events.short, { total: 1, warned1: 1, warned2: 0, warned4: 0, alarmed: 1, flaggedLong: null });
  });

  test('do not credit an alarm raised before the previous failure', () => {
    // With H = 8, run 2's window would reach row 6, but it starts after run 1 ends (row 8).
    const wide = eventMetrics(base, 0.65, { ...opts, horizon: 8 });
    assert.equal(wide.runs[1].leadSteps, 4);
    assert.equal(wide.runs[0].leadSteps, 6); // row 0 is 6 steps before onset 6: inside H = 8, the first alarm
  });

  test('flag a long failure only when the long probability crosses by onset + 2', () => {
    const longProb = new Array(20).fill(0.1);
    longProb[17] = 0.9; // onset 14 + 3: too late
    const late = eventMetrics({ ...base, longProbability: longProb }, 0.65, opts);
    assert.equal(late.events.long.flaggedLong, 0);
    assert.equal(late.events.short.flaggedLong, 0);
    assert.equal(late.longThreshold, 0.5);
    longProb[16] = 0.9; // onset + 2
    longProb[5] = 0.9; // before the short run: a wrong "long" flag
    const ok = eventMetrics({ ...base, longProbability: longProb }, 0.65, opts);
    assert.equal(ok.events.long.flaggedLong, 1);
    assert.equal(ok.events.short.flaggedLong, 1);
    assert.equal(eventMetrics({ ...base, longProbability: longProb }, 0.65, { ...opts, longThreshold: 0.95 }).events.long.flaggedLong, 0);
  });

  test('use the defaults: H = 12, leads 2, 6, 12, long runs >= 100 steps', () => {
    const d = eventMetrics(base, 0.65);
    assert.deepEqual(Object.keys(d.events.all), ['total', 'warned2', 'warned6', 'warned12']);
    assert.deepEqual([d.horizon, d.longRunSteps], [12, 100]);
    assert.equal(d.events.long.total, 0);
    assert.equal(d.recall.long.warned2, null);
  });

  test('evaluate several thresholds, treat NaN scores as no alarm, refuse mismatched input', () => {
    const [low, high] = eventMetricsAt(base, [0.5, 0.95], opts);
    assert.equal(low.alarmEpisodes, 6); // row 12 (0.6) adds an episode of its own, followed by onset 14
    assert.equal(low.falseAlarmEpisodes, 3);
    assert.equal(high.alarmEpisodes, 0);
    assert.equal(high.falseAlarmsPerHour, 0);
    assert.equal(high.medianLeadSteps, null);
    const nan = eventMetrics({ ...base, score: score.map((s) => (s > 0.85 ? NaN : s)) }, 0.65, opts);
    assert.equal(nan.runs[1].leadSteps, null);
    assert.throws(() => eventMetrics({ ...base, score: [0.1] }, 0.5), /differ in length/);
    assert.throws(() => eventMetrics(base, 0.5, { horizon: 0 }), /positive integer/);
    assert.throws(() => eventMetrics({ ...base, failure: failure.map((f) => f * 2) }, 0.5), /expected 0 or 1/);
  });
});
