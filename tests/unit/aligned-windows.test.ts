import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequest } from '../../platform/http/problem-details.ts';
import {
  combineMean,
  eventCountWindows,
  eventTypeOf,
  fillWindows,
  MAX_WINDOWS,
  useRollups,
  windowGrid,
  windowTimestamps,
} from '../../fault-mgmt/store/aligned-windows.ts';

const T0 = 1_795_618_500; // 2026-11-25T14:55:00Z, a multiple of 5 and 60

describe('window grid: epoch-aligned [k*step, (k+1)*step), labelled by the start', () => {
  test('an unaligned start is rounded down, the end is exclusive', () => {
    const grid = windowGrid(T0 + 3, T0 + 20, 5);
    assert.deepEqual(windowTimestamps(grid), [T0, T0 + 5, T0 + 10, T0 + 15]);
    assert.deepEqual(windowTimestamps(windowGrid(T0 + 3, T0 + 20.5, 5)), [T0, T0 + 5, T0 + 10, T0 + 15, T0 + 20]);
  });

  test('a range inside one window gives that window', () => {
    assert.deepEqual(windowTimestamps(windowGrid(T0 + 1, T0 + 2, 5)), [T0]);
  });

  test('fractional start and end', () => {
    assert.deepEqual(windowTimestamps(windowGrid(T0 + 4.999, T0 + 5.001, 5)), [T0, T0 + 5]);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['step 0', () => windowGrid(T0, T0 + 10, 0), /step/],
    ['fractional step', () => windowGrid(T0, T0 + 10, 2.5), /step/],
    ['step above a day', () => windowGrid(T0, T0 + 10, 86_401), /step/],
    ['end equal to start', () => windowGrid(T0, T0, 5), /end must be later/],
    ['end before start', () => windowGrid(T0, T0 - 1, 5), /end must be later/],
    ['NaN start', () => windowGrid(NaN, T0, 5), /finite/],
    ['negative fill', () => windowGrid(T0, T0 + 10, 5, -1), /fill/],
    ['too many windows', () => windowGrid(T0, T0 + (MAX_WINDOWS + 1) * 5, 5), /at most 100000/],
  ];
  for (const [name, run, message] of bad) {
    test(`refused with BadRequest: ${name}`, () => {
      assert.throws(run, (err: unknown) => err instanceof BadRequest && message.test(err.detail));
    });
  }

  test('exactly the maximum number of windows is allowed', () => {
    assert.equal(windowGrid(T0, T0 + MAX_WINDOWS * 5, 5).count, MAX_WINDOWS);
  });
});

describe('forward fill and gaps', () => {
  const grid = windowGrid(T0, T0 + 50, 5); // 10 windows, k0 = T0/5
  const k = (i: number) => grid.k0 + i;

  test('observed windows keep their value; at most fillLimit empty windows repeat it; then gaps', () => {
    const out = fillWindows(grid, new Map([[k(1), 10], [k(6), 20]]), 2);
    assert.deepEqual(out.values, [null, 10, 10, 10, null, null, 20, 20, 20, null]);
    assert.deepEqual(out.quality, ['gap', 'observed', 'filled', 'filled', 'gap', 'gap', 'observed', 'filled', 'filled', 'gap']);
  });

  test('nothing before the first sample is invented, whatever the fill limit', () => {
    const out = fillWindows(grid, new Map([[k(4), 7]]), 1000);
    assert.deepEqual(out.values.slice(0, 4), [null, null, null, null]);
    assert.deepEqual(out.quality.slice(0, 4), ['gap', 'gap', 'gap', 'gap']);
    assert.deepEqual(out.values.slice(4), [7, 7, 7, 7, 7, 7]);
  });

  test('fill limit 0: no fill at all', () => {
    const out = fillWindows(grid, new Map([[k(0), 1], [k(2), 3]]), 0);
    assert.deepEqual(out.values, [1, null, 3, null, null, null, null, null, null, null]);
  });

  test('the last observation before the range fills the first windows while it is recent enough', () => {
    const out = fillWindows(grid, new Map([[k(-2), 5], [k(-9), 99]]), 3);
    // observed in window -2: windows -1, 0 and 1 are its 3 fills, window 2 is a gap
    assert.deepEqual(out.values.slice(0, 3), [5, 5, null]);
    assert.deepEqual(out.quality.slice(0, 3), ['filled', 'filled', 'gap']);
    const tooOld = fillWindows(grid, new Map([[k(-4), 5]]), 3);
    assert.equal(tooOld.quality[0], 'gap');
  });

  test('a zero value is a value, not a gap', () => {
    const out = fillWindows(grid, new Map([[k(0), 0]]), 1);
    assert.deepEqual(out.values.slice(0, 3), [0, 0, null]);
  });
});

describe('event counts per window', () => {
  const grid = windowGrid(T0, T0 + 20, 5);
  const k = (i: number) => grid.k0 + i;

  test('counts of one source add up; two sources of the same events take the larger, never the sum', () => {
    const out = eventCountWindows(grid, [
      { k: k(0), source: 'log', count: 2 },
      { k: k(0), source: 'log', count: 1 },
      { k: k(0), source: 'collectd-tail:t3413_expired', count: 2 },
      { k: k(2), source: 'syslog', count: 1 },
      { k: k(2), source: 'log', count: 4 },
    ]);
    assert.deepEqual(out.values, [3, 0, 4, 0]);
  });

  test('windows without events count 0 and are observed; rows outside the grid are ignored', () => {
    const out = eventCountWindows(grid, [{ k: k(7), source: 'log', count: 9 }, { k: k(-1), source: 'log', count: 9 }]);
    assert.deepEqual(out.values, [0, 0, 0, 0]);
    assert.deepEqual(out.quality, ['observed', 'observed', 'observed', 'observed']);
  });
});

describe('a VNF from its VMs', () => {
  const grid = windowGrid(T0, T0 + 15, 5);

  test('per window the mean of the VMs that have a value; quality from the best contributor', () => {
    const a = { values: [10, 10, null], quality: ['observed', 'filled', 'gap'] as const };
    const b = { values: [30, null, null], quality: ['observed', 'gap', 'gap'] as const };
    const out = combineMean(grid, [
      { values: [...a.values], quality: [...a.quality] },
      { values: [...b.values], quality: [...b.quality] },
    ]);
    assert.deepEqual(out.values, [20, 10, null]);
    assert.deepEqual(out.quality, ['observed', 'filled', 'gap']);
  });

  test('no VMs: all gaps', () => {
    assert.deepEqual(combineMean(grid, []).quality, ['gap', 'gap', 'gap']);
  });
});

describe('which table answers', () => {
  const day = windowGrid(T0, T0 + 86_400, 60);
  test('auto: rollups only for whole-minute steps over more than 6 hours', () => {
    assert.equal(useRollups('auto', day, T0, T0 + 86_400), true);
    assert.equal(useRollups('auto', windowGrid(T0, T0 + 3600, 60), T0, T0 + 3600), false);
    assert.equal(useRollups('auto', windowGrid(T0, T0 + 86_400, 5), T0, T0 + 86_400), false);
    assert.equal(useRollups('raw', day, T0, T0 + 86_400), false);
  });
  test('rollup asked for with a step that does not cover whole minutes: BadRequest', () => {
    assert.throws(() => useRollups('rollup', windowGrid(T0, T0 + 100, 5), T0, T0 + 100), BadRequest);
    assert.equal(useRollups('rollup', windowGrid(T0, T0 + 120, 120), T0, T0 + 120), true);
  });
  test('events:<type> names event counts', () => {
    assert.equal(eventTypeOf('events:paging_timeout'), 'paging_timeout');
    assert.equal(eventTypeOf('cpu_util'), undefined);
  });
});
