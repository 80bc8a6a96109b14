import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimatePrecopy, precopyProgressMb, PRECOPY_DEFAULTS } from '../../lcm/vim/simulated/precopy-model.ts';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6 * Math.max(1, expected), `${what}: ${actual} != ${expected}`);

test('an idle guest is copied in one round and paused only to resume', () => {
  const e = estimatePrecopy({ memoryMb: 2048, dirtyRateMBps: 0, bandwidthMBps: 1024 });
  assert.equal(e.rounds, 1);
  close(e.precopyMs, 2000, 'precopy');
  close(e.downtimeMs, PRECOPY_DEFAULTS.resumeMs, 'downtime');
  assert.equal(e.converged, true);
  close(e.transferredMb, 2048, 'transferred');
});

test('rounds shrink by dirty rate / bandwidth until the rest fits into the allowed downtime', () => {
  // M = 4096 MiB, B = 1000 MiB/s, D = 800 MiB/s: r = 0.8; the rest after k rounds is M r^k,
  // which fits into 300 ms (300 MiB) first at k = 12.
  const e = estimatePrecopy({ memoryMb: 4096, dirtyRateMBps: 800, bandwidthMBps: 1000, maxDowntimeMs: 300, resumeMs: 0 });
  const r = 0.8;
  assert.equal(e.rounds, 12);
  close(e.precopyMs, (4096 * (1 - r ** 12)) / (1 - r), 'precopy (geometric series)');
  close(e.downtimeMs, 4096 * r ** 12, 'downtime = last dirty volume / bandwidth');
  assert.ok(e.downtimeMs <= 300);
  close(e.totalMs, e.precopyMs + e.downtimeMs, 'total');
  assert.equal(e.converged, true);
});

test('migration time grows with memory size and with dirty rate', () => {
  const t = (memoryMb: number, dirtyRateMBps: number) => estimatePrecopy({ memoryMb, dirtyRateMBps, bandwidthMBps: 1250 }).totalMs;
  assert.ok(t(1024, 100) < t(2048, 100));
  assert.ok(t(2048, 100) < t(8192, 100));
  assert.ok(t(4096, 0) < t(4096, 200));
  assert.ok(t(4096, 200) < t(4096, 900));
});

test('a guest dirtying memory as fast as the network sends it never converges: forced stop-and-copy', () => {
  const e = estimatePrecopy({ memoryMb: 1024, dirtyRateMBps: 2000, bandwidthMBps: 1000, maxRounds: 5, resumeMs: 0 });
  assert.equal(e.converged, false);
  assert.equal(e.rounds, 5);
  close(e.downtimeMs, 1024, 'the whole memory is copied while paused');
  close(e.precopyMs, 5 * 1024, 'each round copies all memory again');
});

test('progress is linear in time and stops at the volume sent in all', () => {
  const e = estimatePrecopy({ memoryMb: 1000, dirtyRateMBps: 100, bandwidthMBps: 1000 });
  close(precopyProgressMb(e, 1000, 500), 500, 'half a second at 1000 MiB/s');
  close(precopyProgressMb(e, 1000, 1e9), e.transferredMb, 'capped');
});

test('impossible inputs are refused', () => {
  assert.throws(() => estimatePrecopy({ memoryMb: 1024, dirtyRateMBps: 10, bandwidthMBps: 0 }), RangeError);
  assert.throws(() => estimatePrecopy({ memoryMb: -1, dirtyRateMBps: 10, bandwidthMBps: 10 }), RangeError);
  assert.throws(() => estimatePrecopy({ memoryMb: Number.NaN, dirtyRateMBps: 10, bandwidthMBps: 10 }), RangeError);
});
