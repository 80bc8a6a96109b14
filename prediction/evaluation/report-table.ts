/**
 * Plain-text table of step and event metrics, one line per (scorer, threshold), for the
 * `evaluate` command. Column meanings follow event-metrics.ts; "-" is "not defined"
 * (no such runs, no long-failure probability, no healthy time).
 */
import type { EventMetrics } from './event-metrics.ts';

export interface ReportRow {
  /** Scorer name: the model version, "rule", "logistic". */
  name: string;
  rocAuc: number | null;
  prAuc: number | null;
  metrics: EventMetrics;
  /** Marks the scorer's own threshold (chosen on validation). */
  own?: boolean;
}

/** The keys `evaluate --json` prints for one scorer at one threshold (the documented shape, plus a few extras). */
export interface ScorerSummary {
  threshold: number;
  rocAuc: number | null;
  prAuc: number | null;
  falseAlarmsPerHour: number | null;
  events: EventMetrics['events'];
  medianLeadSteps: number | null;
  medianLeadSeconds: number | null;
  recall: EventMetrics['recall'];
  falseAlarmWindowRate: number | null;
  alarmTimeShare: number | null;
  healthyHours: number;
}

/** Drops the per-run details so the object stays one short JSON line. */
export function scorerSummary(row: Pick<ReportRow, 'rocAuc' | 'prAuc' | 'metrics'>): ScorerSummary {
  const m = row.metrics;
  return {
    threshold: m.threshold,
    rocAuc: row.rocAuc,
    prAuc: row.prAuc,
    falseAlarmsPerHour: m.falseAlarmsPerHour,
    events: m.events,
    medianLeadSteps: m.medianLeadSteps,
    medianLeadSeconds: m.medianLeadSeconds,
    recall: m.recall,
    falseAlarmWindowRate: m.falseAlarmWindowRate,
    alarmTimeShare: m.alarmTimeShare,
    healthyHours: m.healthyHours,
  };
}

interface Column {
  title: string;
  cell: (r: ReportRow) => string;
  left?: boolean;
}

const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const ratio = (a: number | null, b: number): string => (a === null ? '-' : `${a}/${b}`);

function columns(leads: readonly number[]): Column[] {
  return [
    { title: 'scorer', cell: (r) => r.name, left: true },
    { title: 'thr', cell: (r) => `${num(r.metrics.threshold, 2)}${r.own ? '*' : ' '}` },
    { title: 'ROC-AUC', cell: (r) => num(r.rocAuc) },
    { title: 'PR-AUC', cell: (r) => num(r.prAuc) },
    { title: 'runs', cell: (r) => String(r.metrics.events.all.total) },
    ...leads.map((l) => ({ title: `rec@${l}`, cell: (r: ReportRow) => num(r.metrics.recall.all[`warned${l}`]) })),
    { title: `long@${leads[0]}`, cell: (r) => ratio(r.metrics.events.long[`warned${leads[0]}`], r.metrics.events.long.total) },
    { title: 'long flagged', cell: (r) => ratio(r.metrics.events.long.flaggedLong, r.metrics.events.long.total) },
    { title: 'short alarmed', cell: (r) => ratio(r.metrics.events.short.alarmed, r.metrics.events.short.total) },
    { title: 'short flagged', cell: (r) => ratio(r.metrics.events.short.flaggedLong, r.metrics.events.short.total) },
    { title: 'FA/h', cell: (r) => num(r.metrics.falseAlarmsPerHour, 2) },
    { title: 'FA win', cell: (r) => num(r.metrics.falseAlarmWindowRate) },
    { title: 'alarm time', cell: (r) => num(r.metrics.alarmTimeShare) },
    { title: 'lead (steps)', cell: (r) => num(r.metrics.medianLeadSteps, 1) },
    { title: 'lead (s)', cell: (r) => num(r.metrics.medianLeadSeconds, 0) },
  ];
}

/** Aligned text table; the legend lines below it explain the columns. */
export function formatReportTable(rows: readonly ReportRow[]): string {
  if (rows.length === 0) return '(no results)\n';
  const leads = rows[0].metrics.leads;
  const cols = columns(leads);
  const cells = rows.map((r) => cols.map((c) => c.cell(r)));
  const widths = cols.map((c, j) => Math.max(c.title.length, ...cells.map((row) => row[j].length)));
  const line = (values: string[]): string =>
    values.map((v, j) => (cols[j].left ? v.padEnd(widths[j]) : v.padStart(widths[j]))).join('  ').trimEnd();
  const m = rows[0].metrics;
  return [
    line(cols.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    '',
    `horizon H = ${m.horizon} steps; rec@L = share of failure runs with an alarm in [onset-H, onset-L];`,
    `long = runs of >= ${m.longRunSteps} steps; flagged = long-failure probability over its threshold by onset+2;`,
    `FA/h = alarm episodes not followed by an onset within H, per hour of healthy time (gaps capped);`,
    `FA win = share of healthy rows without an onset ahead that are in alarm; alarm time = share of healthy time in alarm;`,
    `* = the scorer's own threshold, chosen on validation data.`,
    '',
  ].join('\n');
}
