import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventInput } from '../../prediction/evaluation/event-metrics.ts';
import { candidateThresholds, chooseThreshold, SWEEP_THRESHOLDS, thresholdSweep } from '../../prediction/evaluation/threshold.ts';

// One hour of 5 s rows. Two failures: A at row 100 (warned by 0.9 at rows 96-98),
// B at row 300 (warned only by 0.6 at rows 296-298). Isolated false alarms: 0.7 at rows
// 500, 520, 540 and 0.55 at rows 600, 620. Healthy time: 710 rows * 5 s = 0.986 h.
function trace(): EventInput & { time: number[]; failure: number[]; score: number[] } {
  const n = 720;
  const time = Array.from({ length: n }, (_, i) => 1_700_000_000 + 5 * i);
  const failure = new Array<number>(n).fill(0);
  const score = new Array<number>(n).fill(0.05);
  for (let i = 100; i < 105; i++) failure[i] = 1;
  for (let i = 300; i < 305; i++) failure[i] = 1;
  for (const i of [96, 97, 98]) score[i] = 0.9;
  for (const i of [296, 297, 298]) score[i] = 0.6;
  for (const i of [500, 520, 540]) score[i] = 0.7;
  for (const i of [600, 620]) score[i] = 0.55;
  return { time, failure, score };
}

const candidates = [0.5, 0.65, 0.8, 0.95];
const hours = (710 * 5) / 3600;

describe('threshold choice', () => {
  test('maximises recall at lead 2 within the false-alarm budget', () => {
    // 0.5: recall 1 with 5 false episodes = 5.07/h, just over the default budget of 5
    const c = chooseThreshold(trace(), { candidates });
    // 0.65 and 0.8 both catch A only; 0.8 raises fewer alarms (1 episode against 5)
    assert.equal(c.threshold, 0.8);
    assert.equal(c.feasible, true);
    assert.equal(c.recall, 0.5);
    assert.equal(c.falseAlarmsPerHour, 0);
    assert.equal(c.alarmEpisodes, 1);
  });

  test('takes the lower threshold when the budget allows its alarms', () => {
    const c = chooseThreshold(trace(), { candidates, maxFalseAlarmsPerHour: 6 });
    assert.equal(c.threshold, 0.5);
    assert.equal(c.recall, 1);
    assert.ok(Math.abs((c.falseAlarmsPerHour as number) - 5 / hours) < 1e-9);
  });

  test('falls back to the quietest threshold, marked infeasible, when nothing fits', () => {
    const c = chooseThreshold(trace(), { candidates, maxFalseAlarmsPerHour: -1 });
    assert.equal(c.feasible, false);
    assert.equal(c.threshold, 0.8); // 0 false alarms like 0.95, but catches A
  });

  test('needs the lead: alarms one step before onset do not count at lead 2', () => {
    const t = trace();
    const score = [...t.score];
    for (const i of [96, 97]) score[i] = 0.05; // A now only warned at row 98 (lead 2)
    assert.equal(chooseThreshold({ ...t, score }, { candidates }).recall, 0.5);
    score[98] = 0.05;
    score[99] = 0.9; // lead 1 only
    const c = chooseThreshold({ ...t, score }, { candidates });
    assert.equal(c.recall, 0);
    assert.equal(c.threshold, 0.95); // recall 0 everywhere in budget: fewest alarms, then highest
  });

  test('does not reward holding the alarm on', () => {
    const t = trace();
    const always = t.score.map(() => 0.9);
    // At 0.5: one episode per healthy stretch, only the last one false (1.01/h), recall 1,
    // but the alarm is on all the time.
    const c = chooseThreshold({ ...t, score: always }, { candidates: [0.5, 0.95] });
    assert.equal(c.threshold, 0.95);
    assert.equal(c.recall, 0);
    // on for about half of the time (every other row): the share budget decides
    const half = t.score.map((v, i) => (i % 2 ? 0.9 : v));
    const h = chooseThreshold({ ...t, score: half }, { candidates: [0.5, 0.95], maxFalseAlarmsPerHour: 1000, maxAlarmTimeShare: 0.6 });
    assert.equal(h.threshold, 0.5);
    assert.ok(Math.abs((h.metrics.alarmTimeShare as number) - 0.5) < 0.02);
    assert.equal(chooseThreshold({ ...t, score: half }, { candidates: [0.5, 0.95], maxFalseAlarmsPerHour: 1000, maxAlarmTimeShare: 0.4 }).threshold, 0.95);
  });

  test('default candidates cover a grid and the score quantiles', () => {
    const c = candidateThresholds([0.501, 0.502, 0.503]);
    assert.ok(c.includes(0.01) && c.includes(0.99) && c.includes(0.502));
    assert.deepEqual(c, [...c].sort((a, b) => a - b));
    // Between 0.55 and 0.6 both failures are warned with 3 false alarms (3.04/h); the highest such wins.
    const chosen = chooseThreshold(trace());
    assert.equal(chosen.recall, 1);
    assert.equal(chosen.threshold, 0.6);
    assert.equal(chosen.metrics.falseAlarmEpisodes, 3);
  });
});

describe('threshold sweep', () => {
  test('reports 0.5 to 0.9 plus the scorer own threshold, in order', () => {
    const rows = thresholdSweep(trace(), { extra: [0.75] });
    assert.deepEqual(SWEEP_THRESHOLDS, [0.5, 0.6, 0.7, 0.8, 0.9]);
    assert.deepEqual(rows.map((r) => r.threshold), [0.5, 0.6, 0.7, 0.75, 0.8, 0.9]);
    assert.deepEqual(rows.map((r) => r.events.all.warned2), [2, 2, 1, 1, 1, 1]);
    assert.deepEqual(rows.map((r) => r.falseAlarmEpisodes), [5, 3, 3, 0, 0, 0]);
  });
});
