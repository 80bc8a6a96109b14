/**
 * Plain-text report of a cross-validation run (`vnfm-plugin train --cv K`): one line per fold
 * and scorer at its own threshold, the mean and spread over folds, and the pooled
 * out-of-fold line. Columns as in the `evaluate` table; "-" is "not defined".
 */
import type { ScorerSummary } from '../evaluation/report-table.ts';
import type { CvReport, Spread } from './cross-validate.ts';

const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const spread = (s: Spread, d = 3) => (s.mean === null ? '-' : `${num(s.mean, d)}±${num(s.sd, d)}`);

function cells(name: string, fold: string, s: ScorerSummary): string[] {
  const e = s.events;
  return [
    fold,
    name,
    num(s.threshold),
    num(s.prAuc),
    num(s.rocAuc),
    `${e.all.warned2}/${e.all.total}`,
    num(s.falseAlarmsPerHour, 2),
    e.long.flaggedLong === null ? '-' : `${e.long.flaggedLong}/${e.long.total}`,
    e.short.flaggedLong === null ? '-' : `${e.short.flaggedLong}/${e.short.total}`,
    num(s.medianLeadSteps, 1),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatCvReport(r: CvReport): string {
  const head = ['FOLD', 'SCORER', 'THRESH', 'PR-AUC', 'ROC-AUC', 'WARNED@2', 'FA/H', 'LONG FLAGGED', 'SHORT FLAGGED', 'MEDIAN LEAD'];
  const rows: string[][] = [head];
  for (const f of r.perFold) {
    const label = `${f.index + 1} (rows ${f.test.start + 1}-${f.test.end})`;
    rows.push(cells('lstm', label, f.scorers.model), cells('rule', '', f.scorers.rule), cells('logistic', '', f.scorers.logistic));
  }
  rows.push(cells('lstm', 'pooled', r.pooled.model), cells('rule', '', r.pooled.rule), cells('logistic', '', r.pooled.logistic));
  const lines = [
    `${r.folds}-fold grouped, purged cross-validation (seed ${r.seed}, horizon ${r.horizonSteps}, window ${r.windowSteps}, ${r.units} units), ${r.seconds.toFixed(0)} s`,
    '',
    table(rows),
    'mean±sd over folds (own thresholds):',
  ];
  for (const name of ['model', 'rule', 'logistic'] as const) {
    const s = r.spread[name];
    lines.push(
      `  ${(name === 'model' ? 'lstm' : name).padEnd(8)}  PR-AUC ${spread(s.prAuc)}  ROC-AUC ${spread(s.rocAuc)}  recall@2 ${spread(s.recallAtLead2)}  FA/h ${spread(s.falseAlarmsPerHour, 2)}`,
    );
  }
  lines.push('pooled: out-of-fold scores of every fold, each fold\'s own threshold mapped to 0.5, judged at 0.5');
  return `${lines.join('\n')}\n`;
}
