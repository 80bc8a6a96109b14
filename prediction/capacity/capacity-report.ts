/**
 * Text table of a CapacityReport for `evaluate --capacity` (the JSON form is the report
 * object itself): MAE per metric and horizon, best-host rate and regret per horizon.
 */
import type { CapacityReport, PerHorizon } from './capacity-evaluation.ts';

const KEYS = ['h1', 'h5', 'h15'] as const;
const cell = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));

export function formatCapacityReport(report: CapacityReport): string {
  const src = report.source.kind === 'file' ? `file ${report.source.path}` : `generated trace, seed ${report.source.seed}`;
  const lines = [
    `Capacity forecast: ${src}; ${report.hosts} hosts, ${report.days.toFixed(1)} days at ${report.stepSeconds} s; ` +
      `scored after a ${((report.warmupSteps * report.stepSeconds) / 3600).toFixed(1)} h warm-up, moving average over ${report.movingAverageSeconds / 60} min`,
    '',
  ];
  const header = ['method', ...KEYS.map((k) => `cpu MAE ${k}`), ...KEYS.map((k) => `mem MAE ${k}`), ...KEYS.map((k) => `best host ${k}`), ...KEYS.map((k) => `regret ${k}`)];
  const rows = report.methods.map((m) => [
    m.method,
    ...KEYS.map((k) => cell(m.mae.cpu[k], 3)),
    ...KEYS.map((k) => cell(m.mae.mem[k], 3)),
    ...KEYS.map((k) => cell((m.bestHostRate as PerHorizon)[k], 3)),
    ...KEYS.map((k) => cell(m.meanRegret[k], 2)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(line(header), ...rows.map(line), '');
  const b = report.beatsLastValue;
  lines.push(`Forecaster MAE below last value (cpu and mem): 1 min ${b.h1 ? 'yes' : 'no'}, 5 min ${b.h5 ? 'yes' : 'no'}, 15 min ${b.h15 ? 'yes' : 'no'}`);
  lines.push('MAE in % utilisation; best host: share of moments the chosen host truly had the most headroom h later; regret: headroom lost, points.');
  return lines.join('\n');
}
