/**
 * `evaluate --capacity`: replays every host's CPU and memory series through the forecaster
 * and the two baselines, step by step, and compares them at 1, 5 and 15 minutes:
 *  - MAE of each series' forecast against the value actually observed h later;
 *  - how often each method's choice of host (the most forecast headroom, headroom being
 *    100 % minus the busier of CPU and memory) is the host that truly had the most headroom h
 *    later, and the mean headroom lost when it is not (regret, percentage points).
 * The first `warmupDays` (default 1, at most half the trace) only feed the methods; every
 * method is scored on the same later origins.
 */
import { createCapacityForecaster } from './capacity-forecaster.ts';
import { readCapacityTraceFile } from './capacity-file.parser.ts';
import { generateCapacityTrace, type CapacityTrace } from './capacity-trace.ts';
import {
  CAPACITY_HORIZONS_SECONDS,
  createLastValueForecaster,
  createMovingAverageForecaster,
  horizonSteps,
  type OnlineForecaster,
} from './online-forecaster.ts';

export const CAPACITY_METHODS = ['forecaster', 'last-value', 'moving-average'] as const;
export type CapacityMethod = (typeof CAPACITY_METHODS)[number];

/** One number per horizon: h1, h5, h15 (minutes). */
export interface PerHorizon {
  h1: number | null;
  h5: number | null;
  h15: number | null;
}

export interface CapacityMethodResult {
  method: CapacityMethod;
  mae: { cpu: PerHorizon; mem: PerHorizon };
  /** Share of origins where the method's best host truly had the most headroom. */
  bestHostRate: PerHorizon;
  /** Mean (true best headroom - true headroom of the chosen host), percentage points. */
  meanRegret: PerHorizon;
}

export interface CapacityReport {
  source: { kind: 'generated'; seed: number; params: unknown } | { kind: 'file'; path: string };
  hosts: number;
  days: number;
  stepSeconds: number;
  horizonsSeconds: number[];
  warmupSteps: number;
  /** Origins per series at the longest horizon (steps after the warm-up with a step h later). */
  origins: number;
  /** Moving-average window, s. */
  movingAverageSeconds: number;
  methods: CapacityMethodResult[];
  /** The forecaster's MAE is below last value's for both metrics at that horizon. */
  beatsLastValue: { h1: boolean; h5: boolean; h15: boolean };
}

export interface EvaluateCapacityOptions {
  hosts?: number;
  days?: number;
  seed?: number;
  /** Step of the generated trace, s (default 60). */
  stepSeconds?: number;
  /** A trace file (JSON CapacityTrace, or CSV `time,host,cpu,mem`) instead of a generated trace. */
  data?: string;
  warmupDays?: number;
  movingAverageSeconds?: number;
}

const KEYS = ['h1', 'h5', 'h15'] as const;
const MA_SECONDS = 600;

function makeMethod(method: CapacityMethod, stepSeconds: number, maSeconds: number): OnlineForecaster {
  const o = { stepSeconds, horizonsSeconds: CAPACITY_HORIZONS_SECONDS };
  if (method === 'forecaster') return createCapacityForecaster(o);
  if (method === 'last-value') return createLastValueForecaster(o);
  return createMovingAverageForecaster({ ...o, windowSeconds: maSeconds });
}

/** Forecasts per method, host, metric, origin step and horizon (NaN = none). */
function replay(trace: CapacityTrace, maSeconds: number): Map<CapacityMethod, Float64Array[][]> {
  const n = trace.hosts[0]?.cpu.length ?? 0;
  const H = CAPACITY_HORIZONS_SECONDS.length;
  const out = new Map<CapacityMethod, Float64Array[][]>();
  for (const method of CAPACITY_METHODS) {
    out.set(
      method,
      trace.hosts.map((host) =>
        [host.cpu, host.mem].map((series) => {
          const f = makeMethod(method, trace.stepSeconds, maSeconds);
          const preds = new Float64Array(n * H).fill(NaN);
          for (let i = 0; i < n; i++) {
            f.update(trace.start + i * trace.stepSeconds, Number.isFinite(series[i]) ? series[i] : null);
            const p = f.point();
            if (p) for (let k = 0; k < H; k++) preds[i * H + k] = p[k];
          }
          return preds;
        }),
      ),
    );
  }
  return out;
}

const headroom = (cpu: number, mem: number) => 100 - Math.max(cpu, mem);

export function evaluateCapacityTrace(trace: CapacityTrace, opts: { warmupDays?: number; movingAverageSeconds?: number } = {}): Omit<CapacityReport, 'source'> {
  const step = trace.stepSeconds;
  const n = trace.hosts[0]?.cpu.length ?? 0;
  const hs = horizonSteps({ stepSeconds: step, horizonsSeconds: CAPACITY_HORIZONS_SECONDS });
  const H = hs.length;
  const warmupSteps = Math.min(Math.round(((opts.warmupDays ?? 1) * 86_400) / step), Math.floor(n / 2));
  const maSeconds = opts.movingAverageSeconds ?? MA_SECONDS;
  const preds = replay(trace, maSeconds);
  const methods: CapacityMethodResult[] = CAPACITY_METHODS.map((method) => {
    const p = preds.get(method) as Float64Array[][];
    const mae = { cpu: {} as PerHorizon, mem: {} as PerHorizon };
    const bestHostRate = {} as PerHorizon;
    const meanRegret = {} as PerHorizon;
    hs.forEach((h, k) => {
      const key = KEYS[k];
      (['cpu', 'mem'] as const).forEach((metric, mi) => {
        let sum = 0;
        let count = 0;
        trace.hosts.forEach((host, hi) => {
          const series = host[metric];
          for (let i = warmupSteps; i + h < n; i++) {
            const f = p[hi][mi][i * H + k];
            if (Number.isFinite(f) && Number.isFinite(series[i + h])) {
              sum += Math.abs(f - series[i + h]);
              count++;
            }
          }
        });
        mae[metric][key] = count ? sum / count : null;
      });
      let hits = 0;
      let regret = 0;
      let origins = 0;
      for (let i = warmupSteps; i + h < n; i++) {
        let chosen = -1;
        let chosenForecast = -Infinity;
        let best = -Infinity;
        trace.hosts.forEach((host, hi) => {
          const fh = headroom(p[hi][0][i * H + k], p[hi][1][i * H + k]);
          if (fh > chosenForecast) {
            chosenForecast = fh;
            chosen = hi;
          }
          const truth = headroom(host.cpu[i + h], host.mem[i + h]);
          if (Number.isFinite(truth)) best = Math.max(best, truth);
        });
        if (chosen < 0 || !Number.isFinite(best)) continue;
        const got = headroom(trace.hosts[chosen].cpu[i + h], trace.hosts[chosen].mem[i + h]);
        if (!Number.isFinite(got)) continue;
        origins++;
        if (got >= best) hits++;
        regret += best - got;
      }
      bestHostRate[key] = origins ? hits / origins : null;
      meanRegret[key] = origins ? regret / origins : null;
    });
    return { method, mae, bestHostRate, meanRegret };
  });
  const [model, last] = methods;
  const beats = (key: (typeof KEYS)[number]) =>
    (['cpu', 'mem'] as const).every((m) => model.mae[m][key] !== null && last.mae[m][key] !== null && (model.mae[m][key] as number) < (last.mae[m][key] as number));
  return {
    hosts: trace.hosts.length,
    days: (n * step) / 86_400,
    stepSeconds: step,
    horizonsSeconds: [...CAPACITY_HORIZONS_SECONDS],
    warmupSteps,
    origins: Math.max(0, n - warmupSteps - hs[H - 1]),
    movingAverageSeconds: maSeconds,
    methods,
    beatsLastValue: { h1: beats('h1'), h5: beats('h5'), h15: beats('h15') },
  };
}

/** Generated trace (hosts, days, seed) or a trace file (data). */
export function evaluateCapacity(opts: EvaluateCapacityOptions = {}): CapacityReport {
  if (opts.data) {
    const trace = readCapacityTraceFile(opts.data);
    return { source: { kind: 'file', path: opts.data }, ...evaluateCapacityTrace(trace, opts) };
  }
  const seed = opts.seed ?? 1;
  const trace = generateCapacityTrace({ hosts: opts.hosts, days: opts.days, seed, stepSeconds: opts.stepSeconds });
  return { source: { kind: 'generated', seed, params: trace.params }, ...evaluateCapacityTrace(trace, opts) };
}
