/** The replay's output: a text table for people, one JSON object (the last line) for programs. */
import type { RunMetrics } from './replay-metrics.ts';
import type { PolicyRow, ReplayReport } from './replay.ts';

const r3 = (v: number) => Math.round(v * 1000) / 1000;

function metricsJson(m: RunMetrics) {
  return {
    avgMbps: r3(m.avgMbps),
    migrations: m.migrations,
    unnecessaryMigrations: m.unnecessaryMigrations,
    failuresHit: m.failuresHit,
    migrationsTooLate: m.migrationsTooLate,
    heals: m.heals,
    refused: m.refused,
    lostSeconds: Math.round(m.lostSeconds),
  };
}

const rowJson = (p: PolicyRow) => ({ threshold: p.threshold, variant: p.variant, ...metricsJson(p), shareOfOracle: r3(p.shareOfOracle) });

export interface ReplayGoals {
  /** The best policy (any row) against the oracle, and whether it reaches 95 %. */
  readonly best: { readonly policy: string; readonly share: number; readonly met: boolean };
  /** The same among the rows that only migrate (no heal fallback: the paper's setting). */
  readonly bestMigrationOnly: { readonly policy: string; readonly share: number; readonly met: boolean };
  /** The best policy with no more migrations than the oracle, and whether it reaches 85 %. */
  readonly frugal: { readonly policy: string | null; readonly share: number; readonly met: boolean };
  /** No migration against the oracle: when it reaches 85 % alone the frugal goal says little. */
  readonly noMigrationShare: number;
}

const label = (p: PolicyRow) => `${p.variant} ${p.threshold}`;

const bestOf = (rows: PolicyRow[]) => rows.reduce((a, b) => (b.shareOfOracle > a.shareOfOracle ? b : a));

export function replayGoals(r: ReplayReport): ReplayGoals {
  const all = [...r.policies, ...r.variants];
  const best = bestOf(all);
  const migrating = bestOf(all.filter((p) => p.variant !== 'heal-fallback'));
  const frugalRows = all.filter((p) => p.migrations <= r.oracle.migrations);
  const frugal = frugalRows.length ? bestOf(frugalRows) : undefined;
  return {
    best: { policy: label(best), share: best.shareOfOracle, met: best.shareOfOracle >= 0.95 },
    bestMigrationOnly: { policy: label(migrating), share: migrating.shareOfOracle, met: migrating.shareOfOracle >= 0.95 },
    frugal: { policy: frugal ? label(frugal) : null, share: frugal?.shareOfOracle ?? 0, met: (frugal?.shareOfOracle ?? 0) >= 0.85 },
    noMigrationShare: r.oracle.avgMbps > 0 ? r.noMigration.avgMbps / r.oracle.avgMbps : 0,
  };
}

/** `{"oracle": {...}, "noMigration": {...}, "policies": [...], ...}` on one line. */
export function replayJson(r: ReplayReport): string {
  const goals = replayGoals(r);
  return JSON.stringify({
    oracle: metricsJson(r.oracle),
    noMigration: metricsJson(r.noMigration),
    policies: r.policies.map(rowJson),
    variants: r.variants.map(rowJson),
    source: r.source,
    rows: r.rows,
    hours: r3(r.hours),
    failures: { ...r.failures, seconds: Math.round(r.failures.seconds) },
    model: r.model,
    rateMbps: r.rateMbps,
    migration: { seconds: r3(r.migration.seconds), downtimeMs: Math.round(r.migration.downtimeMs) },
    goals,
  });
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function formatReplayTable(r: ReplayReport): string {
  const head = ['policy', 'threshold', 'avg Mbit/s', 'of oracle', 'migrations', 'unnecessary', 'too late', 'failures hit', 'heals'];
  const line = (name: string, t: string, m: RunMetrics, share: number) => [
    name, t, m.avgMbps.toFixed(2), pct(share), String(m.migrations), String(m.unnecessaryMigrations), String(m.migrationsTooLate), String(m.failuresHit), String(m.heals),
  ];
  const o = r.oracle.avgMbps || 1;
  const rows = [
    line('oracle', '-', r.oracle, 1),
    line('no migration', '-', r.noMigration, r.noMigration.avgMbps / o),
    ...[...r.policies, ...r.variants].map((p) => line(p.variant, p.threshold.toFixed(2), p, p.shareOfOracle)),
  ];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((x) => x[c].length)));
  const fmt = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  const g = replayGoals(r);
  const best = r.policies.reduce((a, b) => (b.avgMbps > a.avgMbps ? b : a));
  return [
    `replay of ${r.source}: ${r.rows} rows, ${r.hours.toFixed(1)} h, ${r.failures.total} failure periods (${r.failures.long} long), ${Math.round(r.failures.seconds)} s in failure`,
    `model ${r.model.id}: own threshold ${r.model.threshold.toFixed(3)}, long threshold ${r.model.longThreshold.toFixed(3)}, horizon ${r.model.horizonSeconds} s`,
    `downlink ${r.rateMbps} Mbit/s while served; live migration ${r.migration.seconds.toFixed(1)} s with a ${Math.round(r.migration.downtimeMs)} ms pause`,
    '',
    fmt(head),
    ...rows.map(fmt),
    '',
    `no migration: ${pct(r.noMigration.avgMbps / (best.avgMbps || 1))} of the best threshold policy (${best.threshold}); the paper reports 65 %`,
    `goal: best policy >= 95 % of the oracle: ${g.best.policy} ${pct(g.best.share)} -> ${g.best.met ? 'met' : 'NOT met'}` +
      (g.best.policy === g.bestMigrationOnly.policy ? '' : ` (migrating only: ${g.bestMigrationOnly.policy} ${pct(g.bestMigrationOnly.share)} -> ${g.bestMigrationOnly.met ? 'met' : 'NOT met'})`),
    `goal: a policy with <= ${r.oracle.migrations} migrations >= 85 % of the oracle: ${g.frugal.policy ?? 'none'} ${pct(g.frugal.share)} -> ${g.frugal.met ? 'met' : 'NOT met'}` +
      ` (no migration alone: ${pct(g.noMigrationShare)})`,
    '',
  ].join('\n');
}
