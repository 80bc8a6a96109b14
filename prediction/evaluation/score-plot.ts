/**
 * Score against ground truth over time as an SVG, in the manner of Fig. 5 of the CNSM 2021
 * paper: failure rows shaded, the failure score (and the long-failure probability) drawn
 * over them, thresholds as dashed lines, a UTC time axis. Plain string building, no
 * dependencies, so the CLI can write it anywhere.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { findRuns } from './failure-runs.ts';

export interface PlotSeries {
  name: string;
  values: ArrayLike<number>;
  color?: string;
}

export interface ScorePlotInput {
  time: ArrayLike<number>;
  failure: ArrayLike<number>;
  score: ArrayLike<number>;
  longProbability?: ArrayLike<number>;
  threshold?: number;
  longThreshold?: number;
  /** Further scores to overlay, e.g. the baselines. */
  extra?: PlotSeries[];
  title?: string;
  /** Lines are broken where the trace pauses for longer than this (default 60 s). */
  maxGapSeconds?: number;
  width?: number;
  height?: number;
}

const M = { left: 48, right: 16, top: 28, bottom: 44 };
const TICK_STEPS = [60, 300, 600, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
const PALETTE = ['#2ca02c', '#9467bd', '#8c564b', '#7f7f7f'];

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

const f = (v: number): string => (Math.round(v * 10) / 10).toString();

function timeLabel(t: number, step: number): string {
  const iso = new Date(t * 1000).toISOString();
  return step >= 86400 ? iso.slice(0, 10) : iso.slice(11, 16);
}

/**
 * Path data for one series, at most about two points per pixel column: each column keeps its
 * first, minimum, maximum and last value so spikes stay visible. NaN and pauses in the trace
 * longer than `maxGap` seconds break the line.
 */
function seriesPath(time: ArrayLike<number>, values: ArrayLike<number>, maxGap: number, x: (t: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  let col = NaN;
  let bucket: [number, number][] = [];
  const flush = (): void => {
    if (bucket.length === 0) return;
    const lo = bucket.reduce((a, b) => (b[1] < a[1] ? b : a));
    const hi = bucket.reduce((a, b) => (b[1] > a[1] ? b : a));
    const keep = [bucket[0], lo, hi, bucket[bucket.length - 1]].filter((p, i, a) => a.indexOf(p) === i);
    for (const [px, py] of keep) {
      parts.push(`${pen ? 'L' : 'M'}${f(px)} ${f(py)}`);
      pen = true;
    }
    bucket = [];
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0 && time[i] - time[i - 1] > maxGap) {
      flush();
      pen = false;
    }
    if (!Number.isFinite(v)) {
      flush();
      pen = false;
      continue;
    }
    const px = x(time[i]);
    const c = Math.floor(px);
    if (c !== col) flush();
    col = c;
    bucket.push([px, y(Math.min(1, Math.max(0, v)))]);
  }
  flush();
  return parts.join('');
}

export function renderScorePlot(input: ScorePlotInput): string {
  const width = input.width ?? 1200;
  const height = input.height ?? 360;
  const n = input.time.length;
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const t0 = n ? input.time[0] : 0;
  const t1 = n > 1 && input.time[n - 1] > t0 ? input.time[n - 1] : t0 + 1;
  const x = (t: number): number => M.left + ((t - t0) / (t1 - t0)) * pw;
  const y = (v: number): number => M.top + (1 - v) * ph;
  const typicalStep = n > 1 ? (t1 - t0) / (n - 1) : 1;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="${M.top - 10}" font-size="13">${escapeXml(input.title ?? 'Failure score against ground truth')}</text>`,
  ];
  // Ground truth: one shaded band per failure run, from its first row to the row after its last.
  for (const run of findRuns(input.failure)) {
    const xs = x(input.time[run.start]);
    const xe = run.end + 1 < n ? x(input.time[run.end + 1]) : x(input.time[run.end] + typicalStep);
    out.push(`<rect class="failure" x="${f(xs)}" y="${M.top}" width="${f(Math.max(1, xe - xs))}" height="${ph}" fill="#d62728" fill-opacity="0.18"/>`);
  }
  // Axes, grid and ticks.
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v}</text>`);
  }
  const step = TICK_STEPS.find((s) => (t1 - t0) / s <= 10) ?? TICK_STEPS[TICK_STEPS.length - 1];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    out.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${M.top + ph}" y2="${M.top + ph + 4}" stroke="#333"/>`);
    out.push(`<text x="${f(x(t))}" y="${M.top + ph + 16}" text-anchor="middle">${timeLabel(t, step)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${height - 6}" text-anchor="middle">time (UTC)</text>`);
  // Thresholds, then the series.
  const legend: [string, string, boolean][] = [['failure (ground truth)', '#d62728', false]];
  const hline = (v: number, color: string, name: string): void => {
    out.push(`<line class="threshold" x1="${M.left}" x2="${M.left + pw}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="${color}" stroke-dasharray="6 4"/>`);
    legend.push([`${name} ${v}`, color, true]);
  };
  if (input.threshold !== undefined) hline(input.threshold, '#1f77b4', 'threshold');
  if (input.longThreshold !== undefined && input.longProbability) hline(input.longThreshold, '#ff7f0e', 'long threshold');
  const series: PlotSeries[] = [
    ...(input.extra ?? []).map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] })),
    ...(input.longProbability ? [{ name: 'long-failure probability', values: input.longProbability, color: '#ff7f0e' }] : []),
    { name: 'failure score', values: input.score, color: '#1f77b4' },
  ];
  for (const s of series) {
    if (s.values.length !== n) throw new RangeError(`series ${s.name} has ${s.values.length} values, time ${n}`);
    const d = seriesPath(input.time, s.values, input.maxGapSeconds ?? 60, x, y);
    if (d) out.push(`<path class="series" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.2"/>`);
    legend.push([s.name, s.color as string, false]);
  }
  out.push(`<rect class="legend" x="${M.left + pw - 196}" y="${M.top + 2}" width="192" height="${legend.length * 14 + 6}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`);
  legend.forEach(([name, color, dashed], i) => {
    const lx = M.left + pw - 190;
    const ly = M.top + 12 + i * 14;
    const dash = dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="${i === 0 ? 8 : 2}"${i === 0 ? ' stroke-opacity="0.3"' : dash}/>`);
    out.push(`<text x="${lx + 24}" y="${ly}">${escapeXml(name)}</text>`);
  });
  if (n === 0) out.push(`<text x="${M.left + pw / 2}" y="${M.top + ph / 2}" text-anchor="middle">no data</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Renders and writes the plot, creating the directory if needed. */
export async function writeScorePlot(path: string, input: ScorePlotInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderScorePlot(input), 'utf8');
}
