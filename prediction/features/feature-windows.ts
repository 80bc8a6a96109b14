/**
 * Per-row feature vectors built from the past only (row i sees rows 0..i), plus sequence
 * windows for a recurrent model. Inputs are the observable signals (cpu, mem, swap, paging,
 * oom) and the row times; the scenario column and the label are never read (the
 * scenario length leaks the label). Durations are in seconds because the monitoring step
 * stretches under stress (about 5 s calm, about 10 s stressed in the vEPC dataset).
 */
import { DEFAULT_STRESS, isStressed, type StressThresholds } from '../dataset/segments.ts';
import { isTrace, traceToSeries, type AlignedSeries, type Trace } from '../dataset/trace.ts';

export interface FeatureOptions {
  /** Rolling windows, in steps, for max/mean features (default 3 and 12). */
  rollingSteps?: readonly number[];
  stress?: StressThresholds;
  /** "Time since" features saturate here, s (default 3600): "never" reads as this. */
  maxSeconds?: number;
}

/** Row-major matrix: value of feature c at row r is data[r * cols + c]. */
export interface FeatureMatrix {
  names: string[];
  rows: number;
  cols: number;
  data: Float32Array;
}

const BASE = ['cpu', 'mem', 'swap', 'paging', 'oom'] as const;
const ROLLED = ['cpu', 'mem', 'swap', 'paging'] as const;
const DURATIONS = [
  'step_seconds', // monitoring slows down under stress, and pauses after a failure
  'secs_since_paging',
  'secs_since_oom',
  'paging_streak_seconds', // how long indications have kept coming without a quiet row
  'stressed',
  'stressed_seconds', // how long the current stress phase has lasted (0 when calm)
  'last_stress_seconds', // how long the last finished stress phase lasted
  'secs_since_collapse', // since the last memory collapse (end of a stress phase)
  // ln(1 + s) of the current stress phase's length, or of the last one while calm: how long the
  // stress lasted is what tells a long failure from a short one (30-107 s before short ones,
  // 500-1003 s before long ones in the shared data), and on a log scale a 500 s phase sits near
  // the 1000 s ones rather than halfway to the short ones.
  'stress_phase_log_seconds',
] as const;

function resolve(options: FeatureOptions) {
  return {
    rollingSteps: options.rollingSteps ?? [3, 12],
    stress: options.stress ?? DEFAULT_STRESS,
    maxSeconds: options.maxSeconds ?? 3600,
  };
}

export function featureNames(options: FeatureOptions = {}): string[] {
  const { rollingSteps } = resolve(options);
  const names: string[] = [...BASE, ...BASE.map((b) => `${b}_delta`)];
  for (const k of rollingSteps) {
    for (const c of ROLLED) names.push(`${c}_max_${k}`, `${c}_mean_${k}`);
    names.push(`oom_sum_${k}`);
  }
  names.push(...DURATIONS);
  return names;
}

/** Features of every row; each row uses only itself and earlier rows. */
export function buildFeatures(source: Trace | AlignedSeries, options: FeatureOptions = {}): FeatureMatrix {
  const { rollingSteps, stress, maxSeconds } = resolve(options);
  const s = isTrace(source) ? traceToSeries(source) : source;
  const n = s.time.length;
  for (const key of ['cpu', 'mem', 'swap', 'paging'] as const) {
    if (s[key].length !== n) throw new RangeError(`series ${key} has ${s[key].length} steps, time has ${n}`);
  }
  const oom = s.oom ?? new Float64Array(n);
  const signals: Record<(typeof BASE)[number], ArrayLike<number>> = { cpu: s.cpu, mem: s.mem, swap: s.swap, paging: s.paging, oom };
  const names = featureNames(options);
  const cols = names.length;
  const data = new Float32Array(n * cols);
  const cap = (v: number) => Math.min(maxSeconds, v);

  let lastPaging = -Infinity;
  let lastOom = -Infinity;
  let streakStart = -1;
  let stressStart = -1;
  let lastStress = 0;
  let lastCollapse = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = s.time[i];
    let c = i * cols;
    for (const b of BASE) data[c++] = signals[b][i];
    for (const b of BASE) data[c++] = i === 0 ? 0 : signals[b][i] - signals[b][i - 1];
    for (const k of rollingSteps) {
      const from = Math.max(0, i - k + 1);
      for (const key of ROLLED) {
        const v = signals[key];
        let max = -Infinity;
        let sum = 0;
        for (let j = from; j <= i; j++) {
          max = Math.max(max, v[j]);
          sum += v[j];
        }
        data[c++] = max;
        data[c++] = sum / (i - from + 1);
      }
      let kills = 0;
      for (let j = from; j <= i; j++) kills += oom[j];
      data[c++] = kills;
    }
    if (s.paging[i] > 0) {
      lastPaging = t;
      if (streakStart < 0) streakStart = i;
    } else {
      streakStart = -1;
    }
    if (oom[i] > 0) lastOom = t;
    const stressed = isStressed(s.cpu[i], s.mem[i], stress);
    if (stressed && stressStart < 0) stressStart = i;
    if (!stressed && stressStart >= 0) {
      lastStress = t - s.time[stressStart];
      lastCollapse = t;
      stressStart = -1;
    }
    data[c++] = i === 0 ? 0 : t - s.time[i - 1];
    data[c++] = cap(t - lastPaging);
    data[c++] = cap(t - lastOom);
    data[c++] = streakStart < 0 ? 0 : cap(t - s.time[streakStart]);
    data[c++] = stressed ? 1 : 0;
    data[c++] = stressStart < 0 ? 0 : cap(t - s.time[stressStart]);
    data[c++] = cap(lastStress);
    data[c++] = cap(t - lastCollapse);
    data[c++] = Math.log1p(stressStart < 0 ? cap(lastStress) : cap(t - s.time[stressStart]));
  }
  return { names, rows: n, cols, data };
}

/** One row's features (a view, not a copy). */
export function featureRow(m: FeatureMatrix, row: number): Float32Array {
  return m.data.subarray(row * m.cols, (row + 1) * m.cols);
}

/** Column of one named feature. */
export function featureColumn(m: FeatureMatrix, name: string): Float32Array {
  const c = m.names.indexOf(name);
  if (c < 0) throw new RangeError(`no feature ${name}`);
  return Float32Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + c]);
}

/** Windows shaped [count, window, features] in one row-major buffer (a tensor3d's layout). */
export interface SequenceWindows {
  data: Float32Array;
  count: number;
  window: number;
  features: number;
}

/**
 * The window ending at each requested row (rows row-window+1 .. row). Before the first row of
 * the matrix the first row is repeated, so early rows still get full-length windows.
 */
export function buildSequenceWindows(m: FeatureMatrix, endRows: ArrayLike<number>, window: number): SequenceWindows {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  const count = endRows.length;
  const data = new Float32Array(count * window * m.cols);
  for (let w = 0; w < count; w++) {
    const end = endRows[w];
    if (end < 0 || end >= m.rows) throw new RangeError(`row ${end} is outside 0..${m.rows - 1}`);
    for (let k = 0; k < window; k++) {
      const src = Math.max(0, end - window + 1 + k);
      data.set(m.data.subarray(src * m.cols, (src + 1) * m.cols), (w * window + k) * m.cols);
    }
  }
  return { data, count, window, features: m.cols };
}
