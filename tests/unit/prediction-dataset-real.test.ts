// Facts of the shared vEPC paging-failure dataset (first 80 %, ../shared beside the repository).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDataFile, loadEpcLogDir, sharedDatasetDir } from '../../prediction/dataset/dataset-files.ts';
import { countEventsPerRow } from '../../prediction/dataset/epc-log.parser.ts';
import { findFailureRuns, findScenarioBlocks, findStressPhases } from '../../prediction/dataset/segments.ts';
import { buildFeatures } from '../../prediction/features/feature-windows.ts';
import { groupedPurgedKFold } from '../../prediction/features/splits.ts';
import { buildTargets } from '../../prediction/features/targets.ts';

const dir = sharedDatasetDir();
const skip = dir ? false : 'shared dataset not found (expected ../shared/datasets/vepc-paging-failure/data.txt beside the repository)';

test('shared data: rows, failure rows, failure runs and their lengths', { skip }, async () => {
  const trace = await loadDataFile(path.join(dir!, 'data.txt'));
  assert.equal(trace.rows.length, 9356);
  assert.equal(trace.rows.filter((r) => r.failure === 1).length, 2236);
  // Local UTC+9: the first row, 2021-06-05 00:00:10.307615, is 15:00:10 UTC the day before.
  assert.equal(new Date(trace.rows[0].time * 1000).toISOString(), '2021-06-04T15:00:10.307Z');
  const runs = findFailureRuns(trace);
  assert.equal(runs.length, 75);
  assert.equal(runs.filter((r) => r.long).length, 8);
  assert.equal(Math.min(...runs.map((r) => r.length)), 6);
  assert.equal(Math.max(...runs.map((r) => r.length)), 199);
  assert.equal(runs.filter((r) => r.length > 21 && r.length < 100).length, 0, 'short and long runs are well apart');
});

test('shared data: almost every failure starts within 2 rows of a memory collapse', { skip }, async () => {
  const trace = await loadDataFile(path.join(dir!, 'data.txt'));
  const runs = findFailureRuns(trace);
  const phases = findStressPhases(trace, undefined, runs);
  // Stressed: memory >= 10 % or CPU >= 40 % (memory dips for a row or two inside long phases).
  assert.equal(phases.length, 327);
  const collapses = phases.flatMap((p) => (p.collapse === undefined ? [] : [p.collapse]));
  const near = runs.filter((r) => collapses.some((c) => r.start - c >= 0 && r.start - c <= 2));
  assert.equal(near.length, 69);
  assert.ok(near.length / runs.length >= 0.9);
  // The other 6 are long failures after ~50-70 rows of paging indications following a long stress phase.
  const far = runs.filter((r) => !near.includes(r));
  assert.ok(far.every((r) => r.long));
  // Every failure follows some stress phase; about one phase in four ends in a failure.
  assert.equal(phases.filter((p) => p.outcome === 'failure').length, 75);
  assert.equal(phases.filter((p) => p.outcome === 'paging').length, 211);
  assert.equal(phases.filter((p) => p.outcome === 'none').length, 40);
  // The stress phase lasts the injected stress period (the thresholds find the real phases).
  for (const scenario of [30, 100, 1000]) {
    const durations = phases
      .filter((p) => p.outcome !== 'open' && trace.rows[p.start].scenarioSeconds === scenario)
      .map((p) => p.durationSeconds)
      .sort((a, b) => a - b);
    const median = durations[durations.length >> 1];
    assert.ok(Math.abs(median - scenario) <= 0.1 * scenario, `median stress ${median} s for ${scenario} s scenarios`);
  }
  // Long failures follow long stress: every one follows a phase of >= 490 s, every short one a phase of <= 110 s.
  const longAfterLongStress = phases.filter((p) => p.failureRun !== undefined && runs[p.failureRun].long && p.durationSeconds >= 490);
  assert.equal(longAfterLongStress.length, 8);
  const shortAfterShortStress = phases.filter((p) => p.failureRun !== undefined && !runs[p.failureRun].long && p.durationSeconds <= 110);
  assert.equal(shortAfterShortStress.length, 67);
});

test('shared data: scenario blocks end at the restart pause after each failure', { skip }, async () => {
  const trace = await loadDataFile(path.join(dir!, 'data.txt'));
  const blocks = findScenarioBlocks(trace);
  assert.equal(blocks.length, 76);
  const runs = findFailureRuns(trace);
  // The pause (35-56 s) comes 0-3 rows after a failure ends, for all blocks but one.
  const endsAfterFailure = blocks.slice(0, -1).filter((b) => runs.some((r) => r.end <= b.end && r.end >= b.end - 3));
  assert.equal(endsAfterFailure.length, 74);
  const targets = buildTargets(trace);
  assert.equal(targets.inFailure.reduce((s, v) => s + v, 0), 2236);
});

test('shared data: raw EPC logs agree with the failure label', { skip }, async () => {
  const trace = await loadDataFile(path.join(dir!, 'data.txt'));
  const events = await loadEpcLogDir(path.join(dir!, 'epc_failure_log'));
  const counts = countEventsPerRow(trace, events);
  const first = events[0].time;
  const last = events[events.length - 1].time;
  let covered = 0;
  let failureAgrees = 0;
  let pagingAgrees = 0;
  trace.rows.forEach((r, i) => {
    if (r.time < first || r.time > last) return;
    covered++;
    if ((counts.failure[i] > 0 ? 1 : 0) === r.failure) failureAgrees++;
    if (counts.paging[i] > 0 === r.paging > 0) pagingAgrees++;
  });
  assert.ok(covered > 9000);
  assert.ok(failureAgrees / covered > 0.99, `${failureAgrees}/${covered}`);
  // Log times are whole seconds, row times are not: the exact count per row differs, presence rarely.
  assert.ok(pagingAgrees / covered > 0.98, `${pagingAgrees}/${covered}`);
});

test('shared data: features are finite; grouped folds each hold a dozen or more failures', { skip }, async () => {
  const trace = await loadDataFile(path.join(dir!, 'data.txt'));
  assert.ok(buildFeatures(trace).data.every(Number.isFinite));
  const runs = findFailureRuns(trace);
  const folds = groupedPurgedKFold(trace.rows.length, findScenarioBlocks(trace), { folds: 5, purgeSteps: 12 });
  for (const f of folds) {
    const test = new Set(f.test);
    assert.ok(runs.filter((r) => test.has(r.start)).length >= 12, `fold ${f.index}`);
  }
  const targets = buildTargets(trace);
  assert.equal(targets.willFail.reduce((s, v) => s + v, 0), 900);
  assert.equal(targets.willBeLong.reduce((s, v) => s + v, 0), 96);
});
