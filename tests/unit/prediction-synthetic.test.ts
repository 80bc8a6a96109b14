import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../../prediction/dataset/data-file.parser.ts';
import { toDataFile } from '../../prediction/dataset/data-file.writer.ts';
import { sharedDatasetDir } from '../../prediction/dataset/dataset-files.ts';
import { findFailureRuns, findScenarioBlocks, findStressPhases } from '../../prediction/dataset/segments.ts';
import { generateSyntheticTrace, generateTrace } from '../../prediction/synthetic/trace-generator.ts';

test('the same seed gives the same trace, another seed another one', () => {
  assert.equal(toDataFile(generateTrace({ seed: 7, cycles: 10 })), toDataFile(generateTrace({ seed: 7, cycles: 10 })));
  assert.notEqual(toDataFile(generateTrace({ seed: 7, cycles: 10 })), toDataFile(generateTrace({ seed: 8, cycles: 10 })));
});

test('size options: cycles, or at least minRows', () => {
  assert.equal(generateSyntheticTrace({ cycles: 5 }).cycles.length, 5);
  assert.equal(generateSyntheticTrace().cycles.length, 40);
  const big = generateTrace({ minRows: 1500, seed: 3 });
  assert.ok(big.rows.length >= 1500);
});

test('written text parses back to the same trace', () => {
  const trace = generateTrace({ seed: 11, cycles: 30, oomKills: true });
  assert.ok(trace.rows.some((r) => r.oom > 0));
  const back = parseDataFile(toDataFile(trace));
  assert.equal(back.rows.length, trace.rows.length);
  back.rows.forEach((r, i) => {
    const o = trace.rows[i];
    assert.ok(Math.abs(r.time - o.time) < 2e-6, `row ${i} time`);
    assert.deepEqual({ ...r, time: 0 }, { ...o, time: 0 }, `row ${i}`);
  });
  assert.equal(toDataFile(generateTrace({ seed: 11, cycles: 3 })).split('\n')[0].split('\t').length, 7);
});

test('segment finders recover the generated cycles exactly', () => {
  for (const seed of [1, 2, 3, 4]) {
    const { trace, cycles } = generateSyntheticTrace({ seed, minRows: 3000 });
    const runs = findFailureRuns(trace);
    const phases = findStressPhases(trace, undefined, runs);
    assert.deepEqual(
      phases.map((p) => [p.start, p.collapse, p.outcome]),
      cycles.map((c) => [c.stressStart, c.collapse, c.outcome]),
      `seed ${seed}`,
    );
    const failing = cycles.filter((c) => c.outcome === 'failure');
    assert.deepEqual(
      runs.map((r) => [r.start, r.length]),
      failing.map((c) => [c.failureStart, c.failureLength]),
    );
    // One block per failure (the restart pause), plus the tail after the last one.
    const blocks = findScenarioBlocks(trace);
    assert.ok(blocks.length === failing.length || blocks.length === failing.length + 1);
  }
});

test('cycles look like the dataset: stress lengths, ~1 in 4 failing, short and long failures, 5-13 s steps', () => {
  const { trace, cycles } = generateSyntheticTrace({ seed: 5, cycles: 400 });
  const rate = cycles.filter((c) => c.outcome === 'failure').length / cycles.length;
  assert.ok(rate > 0.18 && rate < 0.38, `failure rate ${rate}`);
  assert.ok(cycles.some((c) => c.outcome === 'paging'));
  assert.ok(cycles.some((c) => c.outcome === 'none'));
  const phases = findStressPhases(trace);
  for (const scenario of [30, 100, 500, 1000]) {
    const own = phases.filter((p) => trace.rows[p.start].scenarioSeconds === scenario);
    assert.ok(own.length > 0, `no ${scenario} s cycle`);
    for (const p of own) assert.ok(Math.abs(p.durationSeconds - scenario) < 20, `${scenario} s phase lasted ${p.durationSeconds} s`);
  }
  const runs = findFailureRuns(trace);
  assert.ok(runs.some((r) => r.long) && runs.some((r) => !r.long));
  for (const r of runs) assert.equal(r.long, trace.rows[r.start].scenarioSeconds! >= 500);
  for (let i = 1; i < trace.rows.length; i++) {
    const dt = trace.rows[i].time - trace.rows[i - 1].time;
    assert.ok((dt >= 5 && dt <= 13) || (dt >= 35 && dt <= 36.5), `step ${dt} s at row ${i}`);
  }
  for (const r of trace.rows) {
    for (const v of [r.cpu, r.mem, r.swap]) assert.ok(v >= 0 && v <= 100);
  }
});

test('sharedDatasetDir is undefined where there is no shared folder', () => {
  assert.equal(sharedDatasetDir('/nonexistent/repo'), undefined);
});
