/**
 * The trained failure model: an LSTM over the last `windowSteps` rows of
 * scaled features with one sigmoid output per question, P(a failure starts within H steps) and
 * P(that failure is long). Stored as a directory: model.json (TensorFlow.js layers format),
 * weights.bin and meta.json (everything needed to build the same inputs again).
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { buildFeatures, buildSequenceWindows, featureNames, type FeatureOptions } from '../features/feature-windows.ts';
import { applyScaler, scalerFromJSON } from '../features/scaler.ts';
import type { AlignedSeries, Trace } from '../dataset/trace.ts';
import { initTf, type Tf } from './tf-backend.ts';
import { readLayersModel, writeLayersModel, writeMeta, readMeta } from './model-io.ts';

export interface ModelMeta {
  readonly id: string;
  readonly kind: 'lstm';
  readonly createdAt: string;
  readonly horizonSteps: number;
  readonly longSteps: number;
  readonly windowSteps: number;
  readonly features: readonly string[];
  readonly featureOptions: FeatureOptions;
  readonly scaler: unknown;
  readonly threshold: number;
  readonly longThreshold: number;
  readonly dataHash: string;
  readonly seed: number;
  readonly metrics: Record<string, unknown>;
  readonly backend: string;
}

export interface FailureModel {
  readonly meta: ModelMeta;
  /** windows: Float32Array [count, windowSteps, features.length], scaled. Per window P(failure starts within H) and P(that failure is long). */
  predict(windows: Float32Array, count: number): Promise<{ failure: Float32Array; long: Float32Array }>;
  dispose(): void;
}

export interface LstmShape {
  windowSteps: number;
  features: number;
  units: number;
  seed: number;
}

/**
 * LSTM(units) -> Dense(2, sigmoid): column 0 the failure score, column 1 the long-failure
 * probability. Seeded Glorot initialisers everywhere (also for the recurrent kernel, whose
 * default orthogonal initialiser is unseeded), so a seed fixes the starting weights.
 */
export function createLstm(tf: Tf, shape: LstmShape): LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: shape.seed * 7 + k });
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units: shape.units,
      inputShape: [shape.windowSteps, shape.features],
      kernelInitializer: init(1),
      recurrentInitializer: init(2),
      biasInitializer: 'zeros',
      unitForgetBias: true,
    }),
  );
  model.add(tf.layers.dense({ units: 2, activation: 'sigmoid', kernelInitializer: init(3), biasInitializer: 'zeros' }));
  return model;
}

/** Largest batch handed to the backend at once: bounds memory (10,000 x 12 x 41 floats is ~20 MB). */
export const PREDICT_BATCH = 10_000;

/** Wraps a layers model: batched predict, tensors freed after each batch. */
export function wrapModel(tf: Tf, layers: LayersModel, meta: ModelMeta): FailureModel & { readonly layers: LayersModel } {
  const per = meta.windowSteps * meta.features.length;
  return {
    meta,
    layers,
    async predict(windows, count) {
      if (windows.length !== count * per) {
        throw new RangeError(`windows hold ${windows.length} values, expected ${count} x ${meta.windowSteps} x ${meta.features.length}`);
      }
      const failure = new Float32Array(count);
      const long = new Float32Array(count);
      for (let from = 0; from < count; from += PREDICT_BATCH) {
        const n = Math.min(PREDICT_BATCH, count - from);
        const x = tf.tensor3d(windows.subarray(from * per, (from + n) * per), [n, meta.windowSteps, meta.features.length]);
        const y = layers.predict(x, { batchSize: n }) as import('@tensorflow/tfjs').Tensor;
        const out = (await y.data()) as Float32Array;
        x.dispose();
        y.dispose();
        for (let i = 0; i < n; i++) {
          failure[from + i] = out[2 * i];
          long[from + i] = out[2 * i + 1];
        }
      }
      return { failure, long };
    },
    dispose() {
      layers.dispose();
    },
  };
}

function checkMeta(meta: ModelMeta, dir: string): void {
  const expected = featureNames(meta.featureOptions);
  if (expected.length !== meta.features.length || expected.some((n, i) => n !== meta.features[i])) {
    throw new Error(`${dir}/meta.json: features do not match featureNames(featureOptions); the model was trained with another feature set`);
  }
}

export async function loadFailureModel(dir: string): Promise<FailureModel> {
  const meta = (await readMeta(dir)) as unknown as ModelMeta;
  checkMeta(meta, dir);
  const { tf } = await initTf();
  const layers = await readLayersModel(tf, dir);
  return wrapModel(tf, layers, meta);
}

/** Writes model.json, weights.bin and meta.json into dir (created when missing). */
export async function saveFailureModel(dir: string, layers: LayersModel, meta: ModelMeta): Promise<void> {
  await writeLayersModel(layers, dir);
  await writeMeta(dir, meta);
}

/** Scaled features of a whole trace as the model expects them. */
export function modelFeatures(meta: Pick<ModelMeta, 'featureOptions' | 'scaler'>, source: Trace | AlignedSeries) {
  return applyScaler(scalerFromJSON(meta.scaler), buildFeatures(source, meta.featureOptions));
}

/**
 * Scores every row of a trace (or aligned series): features with meta.featureOptions, the
 * stored scaler, the window ending at each row, batched predictions. Row i uses rows <= i only.
 */
export async function scoreTrace(model: FailureModel, source: Trace | AlignedSeries): Promise<{ failure: Float32Array; long: Float32Array }> {
  const m = modelFeatures(model.meta, source);
  const failure = new Float32Array(m.rows);
  const long = new Float32Array(m.rows);
  for (let from = 0; from < m.rows; from += PREDICT_BATCH) {
    const n = Math.min(PREDICT_BATCH, m.rows - from);
    const rows = Int32Array.from({ length: n }, (_, k) => from + k);
    const w = buildSequenceWindows(m, rows, model.meta.windowSteps);
    const p = await model.predict(w.data, n);
    failure.set(p.failure, from);
    long.set(p.long, from);
  }
  return { failure, long };
}
