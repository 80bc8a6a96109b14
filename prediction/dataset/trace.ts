/**
 * One host's monitoring trace in the shape of the vEPC paging-failure dataset
 * (../shared/datasets/vepc-paging-failure/README.md): one row per monitoring interval.
 */
export interface TraceRow {
  /** End of the interval, epoch seconds UTC (fractional). */
  time: number;
  /** Host CPU usage, %. */
  cpu: number;
  /** Host memory usage, %. */
  mem: number;
  /** Swap space usage, %. */
  swap: number;
  /** Paging-failure indications in the interval (srsEPC `T3413 expired`). */
  paging: number;
  /** OOM-killer kills in the interval; 0 when the source has no such column. */
  oom: number;
  /** 1 while the EPC cannot send S1AP PDUs (broken pipe). */
  failure: 0 | 1;
  /**
   * Stress period of the injected scenario (dataset col 0). Kept for analysis only: it is the
   * injection parameter and leaks the label, so it is never a feature (NEVER_A_FEATURE).
   */
  scenarioSeconds?: number;
}

export interface Trace {
  rows: TraceRow[];
  /** Where the rows came from (file name), for messages. */
  source?: string;
}

/** Observable per-row signals, in the order features are built from them. */
export const SIGNAL_COLUMNS = ['cpu', 'mem', 'swap', 'paging', 'oom'] as const;
export type SignalColumn = (typeof SIGNAL_COLUMNS)[number];

/** Columns that must never reach a model (the scenario length leaks the label). */
export const NEVER_A_FEATURE: readonly (keyof TraceRow)[] = ['scenarioSeconds', 'failure'];

/**
 * Column-wise view of aligned series (e.g. from a store's window reader): same signals as
 * TraceRow, one array entry per aligned step. `oom` may be omitted (treated as 0).
 */
export interface AlignedSeries {
  time: ArrayLike<number>;
  cpu: ArrayLike<number>;
  mem: ArrayLike<number>;
  swap: ArrayLike<number>;
  paging: ArrayLike<number>;
  oom?: ArrayLike<number>;
}

/** Column view of a trace (no copy of the label or scenario column). */
export function traceToSeries(trace: Trace): AlignedSeries {
  const n = trace.rows.length;
  const time = new Float64Array(n);
  const cpu = new Float64Array(n);
  const mem = new Float64Array(n);
  const swap = new Float64Array(n);
  const paging = new Float64Array(n);
  const oom = new Float64Array(n);
  trace.rows.forEach((r, i) => {
    time[i] = r.time;
    cpu[i] = r.cpu;
    mem[i] = r.mem;
    swap[i] = r.swap;
    paging[i] = r.paging;
    oom[i] = r.oom;
  });
  return { time, cpu, mem, swap, paging, oom };
}

/** The failure label as a 0/1 array. */
export function failureLabels(trace: Trace): Uint8Array {
  return Uint8Array.from(trace.rows, (r) => r.failure);
}

export function isTrace(source: Trace | AlignedSeries): source is Trace {
  return Array.isArray((source as Trace).rows);
}
