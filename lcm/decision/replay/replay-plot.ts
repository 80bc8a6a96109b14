/**
 * The replay as a bar chart in the manner of Fig. 5 of the CNSM 2021 paper: average downlink
 * throughput without migration, with the policy at each threshold (and its variants) and with
 * the oracle, the number of live migrations written over each bar. Plain SVG, no dependencies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { escapeXml } from '../../../prediction/evaluation/score-plot.ts';
import type { ReplayReport } from './replay.ts';

interface Bar {
  readonly label: string;
  readonly group: string;
  readonly mbps: number;
  readonly migrations: number;
}

const COLORS: Record<string, string> = {
  baseline: '#7f7f7f',
  threshold: '#1f77b4',
  'long-only': '#ff7f0e',
  'heal-fallback': '#2ca02c',
  oracle: '#d62728',
};
const f = (v: number) => (Math.round(v * 10) / 10).toString();

export function renderReplayPlot(r: ReplayReport): string {
  const bars: Bar[] = [
    { label: 'none', group: 'baseline', mbps: r.noMigration.avgMbps, migrations: 0 },
    ...[...r.policies, ...r.variants].map((p) => ({ label: p.threshold.toFixed(1), group: p.variant, mbps: p.avgMbps, migrations: p.migrations })),
    { label: 'oracle', group: 'oracle', mbps: r.oracle.avgMbps, migrations: r.oracle.migrations },
  ];
  const M = { left: 56, right: 16, top: 48, bottom: 64 };
  const slot = 34;
  const width = M.left + M.right + bars.length * slot;
  const height = 380;
  const ph = height - M.top - M.bottom;
  const top = 1.1 * Math.max(r.rateMbps, ...bars.map((b) => b.mbps));
  const y = (v: number) => M.top + (1 - v / top) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="18" font-size="13">${escapeXml(`Average downlink throughput, replay of ${r.source} (${r.failures.total} failures)`)}</text>`,
    `<text x="${M.left}" y="34" fill="#555">${escapeXml(`model ${r.model.id}; live migration ${r.migration.seconds.toFixed(1)} s; numbers over bars: live migrations`)}</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const v = (top * k) / 5;
    out.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${f(v)}</text>`);
  }
  out.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">Mbit/s</text>`);
  bars.forEach((b, i) => {
    const x = M.left + i * slot + 5;
    out.push(`<rect class="bar" data-group="${b.group}" x="${x}" y="${f(y(b.mbps))}" width="${slot - 10}" height="${f(M.top + ph - y(b.mbps))}" fill="${COLORS[b.group] ?? '#999'}"/>`);
    out.push(`<text x="${x + (slot - 10) / 2}" y="${f(y(b.mbps) - 4)}" text-anchor="middle">${b.migrations}</text>`);
    out.push(`<text x="${x + (slot - 10) / 2}" y="${M.top + ph + 14}" text-anchor="middle">${escapeXml(b.label)}</text>`);
  });
  out.push(`<rect x="${M.left}" y="${M.top}" width="${width - M.left - M.right}" height="${ph}" fill="none" stroke="#333"/>`);
  const groups = Object.entries(COLORS).filter(([g]) => bars.some((b) => b.group === g));
  groups.forEach(([g, color], i) => {
    const lx = M.left + i * 120;
    out.push(`<rect x="${lx}" y="${height - 22}" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${lx + 16}" y="${height - 12}">${escapeXml(g === 'threshold' ? 'policy (threshold)' : g)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export async function writeReplayPlot(path: string, r: ReplayReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderReplayPlot(r), 'utf8');
}
