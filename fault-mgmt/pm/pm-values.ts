/**
 * Collector math: a measurement's value per collection period for one measured object, from
 * the aligned windows of the monitoring store. Plain functions over plain data.
 */

/** One value per epoch-aligned window `[t, t + step)`, labelled by its start; null: no data. */
export interface WindowValues {
  readonly timestamps: readonly number[];
  readonly values: readonly (number | null)[];
}

/**
 * Combines the windows of several VMs into the VNF's: `mean` averages the VMs that have a
 * value in the window (VCpuUsageMeanVnf of a VNF is the mean of its VNFCs' means), `max`
 * takes the highest (a peak of the VNF is the highest peak of its VNFCs). A window no VM
 * has a value for stays null. All inputs share one grid (the window reader's).
 */
export function combineVms(perVm: readonly WindowValues[], agg: 'mean' | 'max', grid: readonly number[]): WindowValues {
  const values = grid.map((t, i) => {
    const present: number[] = [];
    for (const s of perVm) {
      const j = s.timestamps[i] === t ? i : s.timestamps.indexOf(t);
      const v = j >= 0 ? s.values[j] : null;
      if (v !== null && v !== undefined && Number.isFinite(v)) present.push(v);
    }
    if (present.length === 0) return null;
    return agg === 'max' ? Math.max(...present) : present.reduce((a, b) => a + b, 0) / present.length;
  });
  return { timestamps: [...grid], values };
}

/** The window starts of `[start, end)` with `step` (start and end multiples of step). */
export function windowGrid(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t < end; t += step) out.push(t);
  return out;
}

/** A map of window start -> value laid on the grid. */
export function onGrid(byWindow: ReadonlyMap<number, number>, grid: readonly number[]): WindowValues {
  return { timestamps: [...grid], values: grid.map((t) => byWindow.get(t) ?? null) };
}

/** Rounds to 6 significant decimals so reports and notifications stay short. */
export function roundValue(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/**
 * SOL003 6.5.2.10 performanceValues: one per collection period that has a value, stamped
 * with the end of the period (when the value was complete).
 */
export function performanceValues(series: WindowValues, step: number): { timeStamp: string; value: number }[] {
  const out: { timeStamp: string; value: number }[] = [];
  series.timestamps.forEach((t, i) => {
    const v = series.values[i];
    if (v !== null && Number.isFinite(v)) out.push({ timeStamp: new Date((t + step) * 1000).toISOString(), value: roundValue(v) });
  });
  return out;
}

/** The last window's value, or null (thresholds look at the latest complete period). */
export function lastValue(series: WindowValues): number | null {
  const v = series.values[series.values.length - 1];
  return v === undefined ? null : v;
}
