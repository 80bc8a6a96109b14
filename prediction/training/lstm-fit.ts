/**
 * The training loop: mini-batch Adam on class-weighted, masked binary cross-entropy of the two
 * outputs, rows shuffled each epoch by a seeded generator, early stopping on the validation
 * loss with the best epoch's weights restored. A hand-written loop because tfjs `fit` has no
 * per-output masks or sample weights.
 */
import type { LayersModel, Scalar, Tensor } from '@tensorflow/tfjs';
import { SeededRng } from '../../platform/seeded-rng.ts';
import { prAuc } from '../evaluation/step-metrics.ts';
import type { Tf } from '../model/tf-backend.ts';
import { balancedWeights, type SampleSet } from './training-data.ts';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  seed: number;
  /** Weight of the long-failure output's loss against the failure output's. */
  longLossWeight: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number;
  valPrAuc: number | null;
  seconds: number;
  best: boolean;
}

export interface FitResult {
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  history: EpochReport[];
  secondsPerEpoch: number;
}

interface Weights {
  fail: { neg: number; pos: number };
  long: { neg: number; pos: number };
}

function gather(set: SampleSet, idx: ArrayLike<number>, per: number) {
  const n = idx.length;
  const x = new Float32Array(n * per);
  const y = new Float32Array(n * 2);
  const w = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    x.set(set.windows.subarray(i * per, (i + 1) * per), k * per);
    y[2 * k] = set.yFail[i];
    y[2 * k + 1] = set.yLong[i];
    w[2 * k] = set.mFail[i];
    w[2 * k + 1] = set.mLong[i];
  }
  return { x, y, w, n };
}

/** Per-element weights: mask times the class weight of the element's label, scaled per output. */
function elementWeights(y: Float32Array, mask: Float32Array, cw: Weights, longWeight: number): Float32Array {
  const out = new Float32Array(y.length);
  for (let k = 0; k < y.length; k += 2) {
    out[k] = mask[k] * (y[k] ? cw.fail.pos : cw.fail.neg);
    out[k + 1] = longWeight * mask[k + 1] * (y[k + 1] ? cw.long.pos : cw.long.neg);
  }
  return out;
}

function weightedBce(tf: Tf, pred: Tensor, y: Tensor, w: Tensor, n: number): Scalar {
  const eps = 1e-6;
  const p = pred.clipByValue(eps, 1 - eps);
  const ll = y.mul(p.log()).add(tf.scalar(1).sub(y).mul(tf.scalar(1).sub(p).log()));
  return ll.mul(w).sum().neg().div(tf.scalar(Math.max(1, n))) as Scalar;
}

export async function fitLstm(
  tf: Tf,
  model: LayersModel,
  train: SampleSet,
  validation: SampleSet,
  shape: { windowSteps: number; features: number },
  o: FitOptions,
  onEpoch?: (r: EpochReport) => void,
): Promise<FitResult> {
  const per = shape.windowSteps * shape.features;
  const cw: Weights = { fail: balancedWeights(train.yFail, train.mFail), long: balancedWeights(train.yLong, train.mLong) };
  const optimizer = tf.train.adam(o.learningRate);
  const rng = new SeededRng(o.seed);
  const order = Array.from({ length: train.count }, (_, i) => i);
  const all = (set: SampleSet) => gather(set, Array.from({ length: set.count }, (_, i) => i), per);
  const val = all(validation);
  const valW = elementWeights(val.y, val.w, cw, o.longLossWeight);
  const valMask = Array.from({ length: val.n }, (_, k) => val.w[2 * k] > 0);
  const valLabels = Array.from({ length: val.n }, (_, k) => val.y[2 * k]);
  let best = { loss: Infinity, epoch: 0, weights: [] as Tensor[] };
  const history: EpochReport[] = [];
  let sinceBest = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const started = performance.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let batches = 0;
    for (let from = 0; from < order.length; from += o.batchSize) {
      const b = gather(train, order.slice(from, from + o.batchSize), per);
      const ew = elementWeights(b.y, b.w, cw, o.longLossWeight);
      const loss = tf.tidy(() => {
        const x = tf.tensor3d(b.x, [b.n, shape.windowSteps, shape.features]);
        const y = tf.tensor2d(b.y, [b.n, 2]);
        const w = tf.tensor2d(ew, [b.n, 2]);
        return optimizer.minimize(() => weightedBce(tf, model.apply(x, { training: true }) as Tensor, y, w, b.n), true) as Scalar;
      });
      lossSum += (await loss.data())[0];
      loss.dispose();
      batches++;
    }
    let valLoss = NaN;
    let valPr: number | null = null;
    if (val.n > 0) {
      const pred = tf.tidy(() => model.predict(tf.tensor3d(val.x, [val.n, shape.windowSteps, shape.features]), { batchSize: 10_000 }) as Tensor);
      const p = (await pred.data()) as Float32Array;
      const vl = tf.tidy(() => weightedBce(tf, pred, tf.tensor2d(val.y, [val.n, 2]), tf.tensor2d(valW, [val.n, 2]), val.n));
      valLoss = (await vl.data())[0];
      vl.dispose();
      pred.dispose();
      valPr = prAuc(Array.from({ length: val.n }, (_, k) => p[2 * k]), valLabels, valMask);
    } else {
      valLoss = lossSum / Math.max(1, batches);
    }
    const improved = valLoss < best.loss - 1e-6;
    if (improved) {
      best.weights.forEach((w) => w.dispose());
      best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      sinceBest = 0;
    } else {
      sinceBest++;
    }
    const report: EpochReport = {
      epoch,
      epochs: o.epochs,
      loss: lossSum / Math.max(1, batches),
      valLoss,
      valPrAuc: valPr,
      seconds: (performance.now() - started) / 1000,
      best: improved,
    };
    history.push(report);
    onEpoch?.(report);
    if (sinceBest >= o.patience) break;
  }
  if (best.weights.length) {
    model.setWeights(best.weights);
    best.weights.forEach((w) => w.dispose());
  }
  optimizer.dispose();
  return {
    epochsRun: history.length,
    bestEpoch: best.epoch,
    bestValLoss: best.loss,
    history,
    secondsPerEpoch: history.reduce((s, h) => s + h.seconds, 0) / Math.max(1, history.length),
  };
}
