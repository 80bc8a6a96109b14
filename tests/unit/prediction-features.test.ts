import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceToSeries, type Trace, type TraceRow } from '../../prediction/dataset/trace.ts';
import { buildFeatures, buildSequenceWindows, featureColumn, featureNames, featureRow } from '../../prediction/features/feature-windows.ts';
import { applyScaler, fitScaler, scalerFromJSON, scalerToJSON } from '../../prediction/features/scaler.ts';
import { generateTrace } from '../../prediction/synthetic/trace-generator.ts';

const row = (time: number, cpu: number, mem: number, swap: number, paging = 0, oom = 0): TraceRow => ({
  time,
  cpu,
  mem,
  swap,
  paging,
  oom,
  failure: 0,
  scenarioSeconds: 100,
});

// calm, two stressed rows, the collapse (with an OOM kill), paging indications, quiet.
const TRACE: Trace = {
  rows: [
    row(0, 1, 0, 0),
    row(5, 50, 20, 10),
    row(15, 90, 80, 40),
    row(25, 20, 0, 15, 0, 1),
    row(30, 0, 0, 15, 2),
    row(35, 0, 0, 15, 3),
    row(40, 0, 0, 15, 0),
  ],
};
const OPTIONS = { rollingSteps: [2], maxSeconds: 100 };

function named(values: Float32Array, names: string[]): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

test('feature names: signals, deltas, rolling max/mean, durations; never the scenario or the label', () => {
  const names = featureNames(OPTIONS);
  assert.equal(names.length, 28);
  assert.deepEqual(names.slice(0, 5), ['cpu', 'mem', 'swap', 'paging', 'oom']);
  assert.ok(names.includes('cpu_max_2') && names.includes('paging_mean_2') && names.includes('oom_sum_2'));
  assert.ok(!names.some((n) => /scenario|failure|label/.test(n)));
  assert.equal(featureNames().length, 5 + 5 + 2 * 9 + 9);
});

test('exact values on a hand-made trace', () => {
  const m = buildFeatures(TRACE, OPTIONS);
  assert.equal(m.rows, 7);
  assert.equal(m.cols, 28);
  assert.deepEqual(named(featureRow(m, 2), m.names), {
    cpu: 90, mem: 80, swap: 40, paging: 0, oom: 0,
    cpu_delta: 40, mem_delta: 60, swap_delta: 30, paging_delta: 0, oom_delta: 0,
    cpu_max_2: 90, cpu_mean_2: 70, mem_max_2: 80, mem_mean_2: 50, swap_max_2: 40, swap_mean_2: 25,
    paging_max_2: 0, paging_mean_2: 0, oom_sum_2: 0,
    step_seconds: 10, secs_since_paging: 100, secs_since_oom: 100, paging_streak_seconds: 0,
    stressed: 1, stressed_seconds: 10, last_stress_seconds: 0, secs_since_collapse: 100,
    stress_phase_log_seconds: Math.fround(Math.log1p(10)),
  });
  assert.deepEqual(named(featureRow(m, 3), m.names), {
    cpu: 20, mem: 0, swap: 15, paging: 0, oom: 1,
    cpu_delta: -70, mem_delta: -80, swap_delta: -25, paging_delta: 0, oom_delta: 1,
    cpu_max_2: 90, cpu_mean_2: 55, mem_max_2: 80, mem_mean_2: 40, swap_max_2: 40, swap_mean_2: 27.5,
    paging_max_2: 0, paging_mean_2: 0, oom_sum_2: 1,
    step_seconds: 10, secs_since_paging: 100, secs_since_oom: 0, paging_streak_seconds: 0,
    stressed: 0, stressed_seconds: 0, last_stress_seconds: 20, secs_since_collapse: 0,
    stress_phase_log_seconds: Math.fround(Math.log1p(20)),
  });
  const r5 = named(featureRow(m, 5), m.names);
  assert.equal(r5.paging_max_2, 3);
  assert.equal(r5.paging_mean_2, 2.5);
  assert.equal(r5.secs_since_paging, 0);
  assert.equal(r5.paging_streak_seconds, 5);
  assert.equal(r5.secs_since_oom, 10);
  assert.equal(r5.secs_since_collapse, 10);
  assert.equal(r5.last_stress_seconds, 20);
  // While calm, the last phase's length stays (as ln(1 + s)) until the next phase starts.
  assert.equal(r5.stress_phase_log_seconds, Math.fround(Math.log1p(20)));
  const r6 = named(featureRow(m, 6), m.names);
  assert.equal(r6.paging_streak_seconds, 0);
  assert.equal(r6.secs_since_paging, 5);
  // First row: no deltas, no step.
  assert.equal(named(featureRow(m, 0), m.names).step_seconds, 0);
  assert.deepEqual([...featureColumn(m, 'stressed')], [0, 1, 1, 0, 0, 0, 0]);
});

test('a busy CPU keeps a stress phase going through a memory dip (as in the dataset\'s 1000 s phases)', () => {
  const dip: Trace = { rows: [row(0, 1, 0, 0), row(10, 80, 90, 40), row(20, 70, 5, 50), row(30, 90, 95, 60), row(40, 10, 0, 15)] };
  const m = buildFeatures(dip, OPTIONS);
  assert.deepEqual([...featureColumn(m, 'stressed')], [0, 1, 1, 1, 0]);
  assert.deepEqual([...featureColumn(m, 'last_stress_seconds')], [0, 0, 0, 0, 30]);
  // Memory alone would cut the phase at the dip.
  const memoryOnly = buildFeatures(dip, { ...OPTIONS, stress: { memPercent: 10, cpuPercent: 0 } });
  assert.deepEqual([...featureColumn(memoryOnly, 'stressed')], [0, 1, 0, 1, 0]);
  assert.deepEqual([...featureColumn(memoryOnly, 'last_stress_seconds')], [0, 0, 10, 10, 10]);
});

test('features use the past only: a row is the same whether or not later rows exist', () => {
  const trace = generateTrace({ seed: 4, cycles: 12 });
  const full = buildFeatures(trace);
  for (const cut of [1, 17, 60, 150, trace.rows.length - 1]) {
    const prefix = buildFeatures({ rows: trace.rows.slice(0, cut + 1) });
    assert.deepEqual(featureRow(prefix, cut), featureRow(full, cut), `row ${cut}`);
  }
});

test('the scenario column and the label do not change any feature; aligned series give the same', () => {
  const trace = generateTrace({ seed: 9, cycles: 8 });
  const altered: Trace = { rows: trace.rows.map((r) => ({ ...r, scenarioSeconds: 1, failure: 0 })) };
  assert.deepEqual(buildFeatures(altered).data, buildFeatures(trace).data);
  assert.deepEqual(buildFeatures(traceToSeries(trace)).data, buildFeatures(trace).data);
  const series = traceToSeries(trace);
  delete series.oom;
  assert.equal(buildFeatures(series).rows, trace.rows.length);
  assert.throws(() => buildFeatures({ ...series, cpu: [1] }), /series cpu has 1 steps/);
});

test('sequence windows are [count, window, features], padded with the first row', () => {
  const m = buildFeatures(TRACE, OPTIONS);
  const w = buildSequenceWindows(m, [1, 6], 3);
  assert.equal(w.count, 2);
  assert.equal(w.window, 3);
  assert.equal(w.features, 28);
  assert.equal(w.data.length, 2 * 3 * 28);
  const at = (n: number, k: number) => w.data.subarray((n * 3 + k) * 28, (n * 3 + k + 1) * 28);
  assert.deepEqual(at(0, 0), featureRow(m, 0));
  assert.deepEqual(at(0, 1), featureRow(m, 0));
  assert.deepEqual(at(0, 2), featureRow(m, 1));
  assert.deepEqual(at(1, 0), featureRow(m, 4));
  assert.deepEqual(at(1, 2), featureRow(m, 6));
  assert.throws(() => buildSequenceWindows(m, [7], 3), /outside/);
  assert.throws(() => buildSequenceWindows(m, [1], 0), /window/);
});

test('scalers fit on the training rows only and round-trip through JSON', () => {
  const m = buildFeatures(TRACE, OPTIONS);
  const train = [0, 1, 2];
  const minmax = fitScaler(m, train, 'minmax');
  const cpu = m.names.indexOf('cpu');
  assert.equal(minmax.offset[cpu], 1);
  assert.equal(minmax.scale[cpu], 89);
  // paging is 0 on every training row: constant, scale 1.
  assert.equal(minmax.scale[m.names.indexOf('paging')], 1);
  const scaled = applyScaler(minmax, m);
  assert.equal(featureColumn(scaled, 'cpu')[2], 1);
  assert.equal(featureColumn(scaled, 'paging')[5], 3, 'test rows are not clipped to the training range');

  const standard = fitScaler(m, train, 'standard');
  assert.ok(Math.abs(standard.offset[cpu] - 47) < 1e-9);
  assert.ok(Math.abs(standard.scale[cpu] - Math.sqrt(((1 - 47) ** 2 + (50 - 47) ** 2 + (90 - 47) ** 2) / 3)) < 1e-9);
  // Later rows do not move the fit.
  const moreRows = buildFeatures({ rows: [...TRACE.rows, row(45, 100, 100, 100, 3, 4)] }, OPTIONS);
  assert.deepEqual(fitScaler(moreRows, train, 'standard'), standard);

  const back = scalerFromJSON(scalerToJSON(standard));
  assert.deepEqual(back, standard);
  assert.deepEqual(applyScaler(back, m).data, applyScaler(standard, m).data);
  assert.throws(() => scalerFromJSON('{"kind":"log","names":[],"offset":[],"scale":[]}'), /kind/);
  assert.throws(() => scalerFromJSON({ kind: 'minmax', names: ['a'], offset: [0], scale: [0] }), /scale must not be 0/);
  assert.throws(() => scalerFromJSON({ kind: 'minmax', names: ['a'], offset: [], scale: [1] }), /offset/);
  assert.throws(() => applyScaler(standard, buildFeatures(TRACE)), /do not match/);
  assert.throws(() => fitScaler(m, []), /zero rows/);
});
