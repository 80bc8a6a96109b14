import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockOfRow, findFailureRuns, findScenarioBlocks, findStressPhases, isStressed } from '../../prediction/dataset/segments.ts';
import type { Trace, TraceRow } from '../../prediction/dataset/trace.ts';

const row = (time: number, cpu: number, mem: number, paging = 0, failure: 0 | 1 = 0): TraceRow => ({
  time,
  cpu,
  mem,
  swap: 15,
  paging,
  oom: 0,
  failure,
});

// stress -> collapse + short failure -> restart gap -> stress -> collapse + paging only -> stress (open)
const TRACE: Trace = {
  rows: [
    row(0, 1, 0),
    row(5, 50, 20),
    row(15, 95, 90),
    row(25, 20, 0, 0, 1),
    row(30, 0, 0, 3, 1),
    row(35, 2, 0),
    row(71, 45, 30),
    row(80, 97, 95),
    row(85, 10, 0, 2),
    row(90, 0, 0, 3),
    row(95, 1, 0),
    row(100, 50, 50),
  ],
};

test('failure runs: start, length in rows and seconds, long flag', () => {
  assert.deepEqual(findFailureRuns(TRACE), [
    { index: 0, start: 3, end: 5, length: 2, startTime: 25, durationSeconds: 10, long: false },
  ]);
  assert.equal(findFailureRuns(TRACE, 2)[0].long, true);
  const endsFailing: Trace = { rows: [row(0, 0, 0), row(5, 0, 0, 0, 1), row(10, 0, 0, 0, 1)] };
  assert.deepEqual(findFailureRuns(endsFailing)[0], { index: 0, start: 1, end: 3, length: 2, startTime: 5, durationSeconds: 5, long: false });
});

test('stress phases end at the memory collapse and record what followed', () => {
  const phases = findStressPhases(TRACE);
  assert.equal(phases.length, 3);
  assert.deepEqual(phases[0], {
    index: 0,
    start: 1,
    end: 3,
    length: 2,
    collapse: 3,
    durationSeconds: 20,
    peakCpu: 95,
    peakMem: 90,
    peakSwap: 15,
    outcome: 'failure',
    failureRun: 0,
    failureDelayRows: 0,
  });
  assert.equal(phases[1].outcome, 'paging');
  assert.equal(phases[1].collapse, 8);
  assert.equal(phases[1].durationSeconds, 14);
  assert.equal(phases[1].failureRun, undefined);
  assert.equal(phases[2].outcome, 'open');
  assert.equal(phases[2].collapse, undefined);
  // minRows drops one-row blips.
  assert.deepEqual(
    findStressPhases(TRACE, undefined, undefined, 2).map((p) => p.start),
    [1, 6],
  );
});

test('stress thresholds are configurable (cpu and memory)', () => {
  assert.equal(isStressed(0, 10), true);
  assert.equal(isStressed(0, 9.9), false);
  assert.equal(isStressed(20, 50, { memPercent: 10, cpuPercent: 40 }), false);
  assert.equal(findStressPhases(TRACE, { memPercent: 60, cpuPercent: 0 }).length, 2);
});

test('scenario blocks split at time gaps', () => {
  const blocks = findScenarioBlocks(TRACE);
  assert.deepEqual(
    blocks.map((b) => [b.start, b.end, b.startTime, b.endTime]),
    [
      [0, 6, 0, 35],
      [6, 12, 71, 100],
    ],
  );
  assert.equal(findScenarioBlocks(TRACE, 40).length, 1);
  assert.deepEqual([...blockOfRow(blocks, 12)], [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
});
