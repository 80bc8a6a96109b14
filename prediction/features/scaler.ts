/**
 * Feature scaling fitted on training rows only (the dataset paper re-fitted its scaler on the
 * test split, which leaks its range); stored as JSON beside the model it was fitted for.
 */
import type { FeatureMatrix } from './feature-windows.ts';

export type ScalerKind = 'minmax' | 'standard';

/** x' = (x - offset) / scale per feature; constant features get scale 1. */
export interface Scaler {
  kind: ScalerKind;
  names: string[];
  offset: number[];
  scale: number[];
}

export function fitScaler(m: FeatureMatrix, trainRows: ArrayLike<number>, kind: ScalerKind = 'standard'): Scaler {
  if (trainRows.length === 0) throw new RangeError('cannot fit a scaler on zero rows');
  const offset: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < m.cols; c++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let k = 0; k < trainRows.length; k++) {
      const v = m.data[trainRows[k] * m.cols + c];
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    if (kind === 'minmax') {
      offset.push(min);
      scale.push(max > min ? max - min : 1);
    } else {
      const mean = sum / trainRows.length;
      let sq = 0;
      for (let k = 0; k < trainRows.length; k++) sq += (m.data[trainRows[k] * m.cols + c] - mean) ** 2;
      const sd = Math.sqrt(sq / trainRows.length);
      offset.push(mean);
      scale.push(sd > 0 ? sd : 1);
    }
  }
  return { kind, names: [...m.names], offset, scale };
}

/** A scaled copy. Values outside the training range are not clipped. */
export function applyScaler(scaler: Scaler, m: FeatureMatrix): FeatureMatrix {
  if (scaler.names.length !== m.cols || scaler.names.some((n, i) => n !== m.names[i])) {
    throw new RangeError(`scaler features [${scaler.names.join(', ')}] do not match the matrix's [${m.names.join(', ')}]`);
  }
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const i = r * m.cols + c;
      data[i] = (m.data[i] - scaler.offset[c]) / scaler.scale[c];
    }
  }
  return { names: [...m.names], rows: m.rows, cols: m.cols, data };
}

export function scalerToJSON(scaler: Scaler): string {
  return JSON.stringify(scaler);
}

/** Parse and check a stored scaler (text or an already parsed object). */
export function scalerFromJSON(input: string | unknown): Scaler {
  const v = (typeof input === 'string' ? JSON.parse(input) : input) as Partial<Scaler> | null;
  const fail = (why: string): never => {
    throw new TypeError(`invalid scaler: ${why}`);
  };
  if (!v || typeof v !== 'object') return fail('not an object');
  if (v.kind !== 'minmax' && v.kind !== 'standard') fail(`kind ${JSON.stringify(v.kind)}`);
  const names = v.names;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) return fail('names must be strings');
  for (const key of ['offset', 'scale'] as const) {
    const arr = v[key];
    if (!Array.isArray(arr) || arr.length !== names.length || arr.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      fail(`${key} must hold ${names.length} finite numbers`);
    }
  }
  if (v.scale!.some((x) => x === 0)) fail('scale must not be 0');
  return { kind: v.kind!, names: [...names], offset: [...v.offset!], scale: [...v.scale!] };
}
