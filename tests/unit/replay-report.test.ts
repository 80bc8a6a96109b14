import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunMetrics } from '../../lcm/decision/replay/replay-metrics.ts';
import { renderReplayPlot } from '../../lcm/decision/replay/replay-plot.ts';
import { formatReplayTable, replayGoals, replayJson } from '../../lcm/decision/replay/replay-report.ts';
import type { PolicyRow, ReplayReport } from '../../lcm/decision/replay/replay.ts';

const m = (avgMbps: number, migrations: number, o: Partial<RunMetrics> = {}): RunMetrics => ({
  avgMbps, migrations, unnecessaryMigrations: 0, failuresHit: 0, migrationsTooLate: 0, heals: 0, refused: 0, lostSeconds: 0, ...o,
});
const row = (threshold: number, variant: PolicyRow['variant'], avgMbps: number, migrations: number): PolicyRow => ({ threshold, variant, ...m(avgMbps, migrations), shareOfOracle: avgMbps / 30 });

function report(policies: PolicyRow[], variants: PolicyRow[] = []): ReplayReport {
  return {
    source: 'data.txt', rows: 100, hours: 1, failures: { total: 10, long: 2, seconds: 600 },
    model: { id: 'm', threshold: 0.8, longThreshold: 0.6, horizonSeconds: 60 }, rateMbps: 30, migration: { seconds: 4.4, downtimeMs: 151 },
    oracle: m(30, 10), noMigration: m(24, 0, { failuresHit: 10 }), policies, variants,
  };
}

test('goals: the best row against 95 %, the best row with no more migrations than the oracle against 85 %', () => {
  const r = report([row(0.5, 'threshold', 29, 40), row(0.9, 'threshold', 27, 12)], [row(0.7, 'long-only', 26, 10), row(0.7, 'heal-fallback', 29.4, 40)]);
  const g = replayGoals(r);
  assert.deepEqual(g.best, { policy: 'heal-fallback 0.7', share: 29.4 / 30, met: true });
  assert.deepEqual(g.bestMigrationOnly, { policy: 'threshold 0.5', share: 29 / 30, met: true });
  // 0.9 reaches 90 % but takes 12 migrations for 10 failures: only long-only qualifies.
  assert.deepEqual(g.frugal, { policy: 'long-only 0.7', share: 26 / 30, met: true });
  assert.equal(g.noMigrationShare, 0.8);
  const none = replayGoals(report([row(0.5, 'threshold', 28, 40)]));
  assert.deepEqual(none.frugal, { policy: null, share: 0, met: false });
  assert.equal(none.best.met, false);
});

test('the JSON line has the documented keys; the table and the plot name every row', () => {
  const r = report([0.5, 0.6, 0.7, 0.8, 0.9].map((t) => row(t, 'threshold', 28, 20)), [row(0.5, 'long-only', 25, 4)]);
  const j = JSON.parse(replayJson(r));
  assert.deepEqual(Object.keys(j.oracle).slice(0, 2), ['avgMbps', 'migrations']);
  assert.deepEqual(Object.keys(j.policies[0]).filter((k) => ['threshold', 'avgMbps', 'migrations', 'unnecessaryMigrations', 'failuresHit'].includes(k)).sort(), [
    'avgMbps', 'failuresHit', 'migrations', 'threshold', 'unnecessaryMigrations',
  ]);
  assert.equal(j.variants.length, 1);
  const text = formatReplayTable(r);
  assert.equal(text.split('\n').filter((l) => /^(threshold|long-only)\s/.test(l)).length, 6);
  assert.match(text, /no migration: 85\.7% of the best threshold policy/);
  assert.equal(renderReplayPlot(r).match(/class="bar"/g)?.length, 8);
});
