/**
 * Pure logic of aligned-window series: the window grid, the request limits, forward fill
 * with gap marking, per-window event counts and the combination of several VMs into one
 * VNF series. Plain data in, plain data out; the SQL lives in window-reader.ts.
 *
 * Windows are epoch-aligned `[k*step, (k+1)*step)` and labelled by their start; a range
 * [start, end) covers every k with floor(start/step)*step <= k*step < end.
 */
import { BadRequest } from '../../platform/http/problem-details.ts';

export type WindowQuality = 'observed' | 'filled' | 'gap';
export type GaugeAggregation = 'last' | 'mean' | 'min' | 'max';

export const MAX_STEP_SECONDS = 86_400;
export const MAX_WINDOWS = 100_000;
/** Longest forward fill a query may ask for (windows). */
export const MAX_FILL_LIMIT = MAX_WINDOWS;

/** The windows of one series: index of the first (k0) and how many. */
export interface WindowGrid {
  readonly step: number;
  /** First window index: window k starts at k*step. */
  readonly k0: number;
  readonly count: number;
}

export interface FilledWindows {
  readonly values: (number | null)[];
  readonly quality: WindowQuality[];
}

/** Checks a request's range, step and fill limit; throws BadRequest with what to change. */
export function windowGrid(start: number, end: number, step: number, fillLimit = 0): WindowGrid {
  if (!Number.isInteger(step) || step < 1 || step > MAX_STEP_SECONDS) {
    throw new BadRequest(`step must be an integer number of seconds from 1 to ${MAX_STEP_SECONDS}, got ${step}.`);
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new BadRequest('start and end must be finite times.');
  if (!(end > start)) throw new BadRequest('end must be later than start.');
  if (!Number.isInteger(fillLimit) || fillLimit < 0 || fillLimit > MAX_FILL_LIMIT) {
    throw new BadRequest(`fill must be an integer from 0 to ${MAX_FILL_LIMIT}, got ${fillLimit}.`);
  }
  const k0 = Math.floor(start / step);
  // k*step < end  <=>  k < end/step  <=>  k <= ceil(end/step) - 1
  const count = Math.ceil(end / step) - k0;
  if (count > MAX_WINDOWS) {
    throw new BadRequest(
      `The range holds ${count} windows of ${step} s; at most ${MAX_WINDOWS} per series: use a larger step or a shorter range.`,
    );
  }
  return { step, k0, count };
}

/** Window start times (epoch seconds) of a grid. */
export function windowTimestamps(grid: WindowGrid): number[] {
  return Array.from({ length: grid.count }, (_, i) => (grid.k0 + i) * grid.step);
}

/** Index of the window holding an instant. */
export function windowIndexOf(epochSeconds: number, step: number): number {
  return Math.floor(epochSeconds / step);
}

/**
 * Forward fill with gap marking. `observed` maps window index -> aggregated value and may
 * hold windows before the grid (the last observation before the range, so that the first
 * windows can be filled). A window without a value repeats the last observed one while it
 * is at most `fillLimit` windows old ('filled'); after that, and before the first
 * observation, it is a gap (null). No value is ever made up.
 */
export function fillWindows(grid: WindowGrid, observed: ReadonlyMap<number, number>, fillLimit: number): FilledWindows {
  let lastK: number | undefined;
  let lastValue = 0;
  for (const [k, v] of observed) {
    if (k < grid.k0 && (lastK === undefined || k > lastK)) {
      lastK = k;
      lastValue = v;
    }
  }
  const values: (number | null)[] = new Array(grid.count);
  const quality: WindowQuality[] = new Array(grid.count);
  for (let i = 0; i < grid.count; i++) {
    const k = grid.k0 + i;
    const v = observed.get(k);
    if (v !== undefined) {
      lastK = k;
      lastValue = v;
      values[i] = v;
      quality[i] = 'observed';
    } else if (lastK !== undefined && k - lastK <= fillLimit) {
      values[i] = lastValue;
      quality[i] = 'filled';
    } else {
      values[i] = null;
      quality[i] = 'gap';
    }
  }
  return { values, quality };
}

/** Per-window event count of one feed (`source`), already summed within the window. */
export interface SourceWindowCount {
  readonly k: number;
  readonly source: string;
  readonly count: number;
}

/**
 * Event counts per window: counts of one source add up, and the window takes the largest
 * of its sources, because two feeds (a log file and collectd's tail counter) reporting the
 * same events must not double them. Windows without events count 0 and are observed.
 */
export function eventCountWindows(grid: WindowGrid, rows: Iterable<SourceWindowCount>): FilledWindows {
  const perSource = new Map<string, number>();
  for (const r of rows) {
    if (r.k < grid.k0 || r.k >= grid.k0 + grid.count) continue;
    const key = `${r.k}\u0000${r.source}`;
    perSource.set(key, (perSource.get(key) ?? 0) + r.count);
  }
  const values: number[] = new Array(grid.count).fill(0);
  for (const [key, count] of perSource) {
    const i = Number(key.slice(0, key.indexOf('\u0000'))) - grid.k0;
    if (count > values[i]) values[i] = count;
  }
  return { values, quality: new Array<WindowQuality>(grid.count).fill('observed') };
}

/**
 * One VNF series from the series of its VMs (when the VNF has no series of its own): per
 * window, the mean of the VMs that have a value there. The window is 'observed' when at
 * least one VM observed it, 'filled' when the values are only forward fills, and a gap
 * when no VM has a value. With no VMs at all every window is a gap.
 */
export function combineMean(grid: WindowGrid, parts: readonly FilledWindows[]): FilledWindows {
  const values: (number | null)[] = new Array(grid.count);
  const quality: WindowQuality[] = new Array(grid.count);
  for (let i = 0; i < grid.count; i++) {
    let sum = 0;
    let n = 0;
    let anyObserved = false;
    for (const p of parts) {
      const v = p.values[i];
      if (v === null || v === undefined) continue;
      sum += v;
      n++;
      if (p.quality[i] === 'observed') anyObserved = true;
    }
    values[i] = n === 0 ? null : sum / n;
    quality[i] = n === 0 ? 'gap' : anyObserved ? 'observed' : 'filled';
  }
  return { values, quality };
}

/** Which table answers: 1-minute rollups for long ranges when the step is whole minutes. */
export function useRollups(source: 'auto' | 'raw' | 'rollup', grid: WindowGrid, start: number, end: number): boolean {
  if (source === 'raw') return false;
  if (source === 'rollup') {
    if (grid.step % 60 !== 0) {
      throw new BadRequest(`source=rollup needs a step that is a multiple of 60 s (1-minute rollups), got ${grid.step}.`);
    }
    return true;
  }
  return grid.step % 60 === 0 && end - start > 6 * 3600;
}

/** `events:<type>` names per-window counts of an event type; anything else is a gauge metric. */
export function eventTypeOf(metric: string): string | undefined {
  return metric.startsWith('events:') ? metric.slice('events:'.length) : undefined;
}

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;
