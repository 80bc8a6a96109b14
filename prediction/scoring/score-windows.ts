/**
 * From stored aligned series to the model's input: the rows of a target's history
 * (windows where the host's cpu, mem and swap are all known, like the dataset's rows,
 * which exist only when the host was monitored), features built with the model's options,
 * scaled with its scaler, and the window ending at the last row; all targets in one batch.
 */
import type { AlignedSeries as StoredSeries } from '../../fault-mgmt/store/window-reader.ts';
import type { AlignedSeries } from '../dataset/trace.ts';
import { buildFeatures, buildSequenceWindows } from '../features/feature-windows.ts';
import { applyScaler, scalerFromJSON } from '../features/scaler.ts';
import type { ScoringModelMeta } from '../registry/model-port.ts';

export interface TargetSeries {
  readonly cpu: StoredSeries;
  readonly mem: StoredSeries;
  readonly swap: StoredSeries;
  readonly paging: StoredSeries;
  readonly oom: StoredSeries;
}

/**
 * The model series of one target, or undefined when the host has no value in the last
 * window (no recent data: a score would describe the past). Windows with a host gap are left
 * out; event counts of a window are 0 when nothing was logged.
 */
export function toModelSeries(s: TargetSeries): AlignedSeries | undefined {
  const n = s.cpu.timestamps.length;
  for (const other of [s.mem, s.swap, s.paging, s.oom]) {
    if (other.timestamps.length !== n) throw new RangeError(`${other.metric} has ${other.timestamps.length} windows, cpu_util ${n}`);
  }
  const known = (i: number) => s.cpu.values[i] !== null && s.mem.values[i] !== null && s.swap.values[i] !== null;
  if (n === 0 || !known(n - 1)) return undefined;
  const time: number[] = [];
  const cpu: number[] = [];
  const mem: number[] = [];
  const swap: number[] = [];
  const paging: number[] = [];
  const oom: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!known(i)) continue;
    time.push(s.cpu.timestamps[i]);
    cpu.push(s.cpu.values[i]!);
    mem.push(s.mem.values[i]!);
    swap.push(s.swap.values[i]!);
    paging.push(s.paging.values[i] ?? 0);
    oom.push(s.oom.values[i] ?? 0);
  }
  return { time, cpu, mem, swap, paging, oom };
}

export class ModelFeatureMismatch extends Error {
  override readonly name = 'ModelFeatureMismatch';
}

/** One [count, windowSteps, features] buffer: the window ending at the last row of each series. */
export function buildScoringBatch(meta: ScoringModelMeta, series: readonly AlignedSeries[]): Float32Array {
  const scaler = scalerFromJSON(meta.scaler);
  const width = meta.features.length;
  const batch = new Float32Array(series.length * meta.windowSteps * width);
  series.forEach((s, i) => {
    const features = buildFeatures(s, meta.featureOptions);
    if (features.names.length !== width || features.names.some((n, c) => n !== meta.features[c])) {
      throw new ModelFeatureMismatch(
        `model ${meta.id} takes features [${meta.features.join(', ')}], this version builds [${features.names.join(', ')}]`,
      );
    }
    const scaled = applyScaler(scaler, features);
    const windows = buildSequenceWindows(scaled, [scaled.rows - 1], meta.windowSteps);
    batch.set(windows.data, i * meta.windowSteps * width);
  });
  return batch;
}
