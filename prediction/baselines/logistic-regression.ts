/**
 * L2-regularised logistic regression, the learned baseline for the failure score.
 *
 * Fitted by Newton's method (IRLS) with a backtracking line search: the problem is convex
 * and small (tens of window features), so a handful of exact steps converges and the result
 * does not depend on a seed or on the row order beyond floating-point summation.
 * Objective, with sample weights s_i from the class weights and S = sum s_i:
 *   (1/S) sum_i s_i * logloss(y_i, sigmoid(w.z_i + b)) + (l2/2) |w|^2   (bias not penalised)
 * where z are the features standardised with mean and std fitted on the training rows only
 * and stored in the model, so that scoring never re-fits them.
 */

export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

export interface LogisticOptions {
  /** L2 strength on the standardised weights (default 1e-2). */
  l2?: number;
  /** 'balanced' weighs each class by n / (2 * n_class) (as scikit-learn); default 'balanced'. */
  classWeight?: 'balanced' | 'none' | { 0: number; 1: number };
  maxIterations?: number;
  /** Stop when the largest gradient component falls below this (default 1e-10). */
  tolerance?: number;
}

/** Plain data: serialise with JSON.stringify, score with `predictLogistic`. */
export interface LogisticModel {
  kind: 'logistic-regression';
  weights: number[];
  bias: number;
  mean: number[];
  std: number[];
  l2: number;
  classWeight: { 0: number; 1: number };
  iterations: number;
  converged: boolean;
}

const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** log(1 + exp(t)) without overflow. */
const softplus = (t: number): number => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

function classWeights(y: ArrayLike<number>, cw: LogisticOptions['classWeight']): { 0: number; 1: number } {
  if (cw === 'none') return { 0: 1, 1: 1 };
  if (cw && typeof cw === 'object') return { 0: cw[0], 1: cw[1] };
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const neg = y.length - pos;
  return { 0: y.length / (2 * neg), 1: y.length / (2 * pos) };
}

/** Solves A x = b for symmetric positive definite A (row-major, m x m) by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('logistic regression: Hessian not positive definite (use l2 > 0)');
        l[i * m + i] = Math.sqrt(s);
      } else {
        l[i * m + j] = s / l[j * m + j];
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * z[k];
    z[i] = s / l[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * x[k];
    x[i] = s / l[i * m + i];
  }
  return x;
}

function standardise(X: FeatureRows, d: number): { z: Float64Array; mean: number[]; std: number[] } {
  const n = X.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    if (X[i].length !== d) throw new RangeError(`row ${i} has ${X[i].length} features, expected ${d}`);
    for (let j = 0; j < d; j++) {
      const v = X[i][j];
      if (!Number.isFinite(v)) throw new RangeError(`feature ${j} of row ${i} is ${v}`);
      mean[j] += v / n;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (X[i][j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = std[j] > 1e-24 ? Math.sqrt(std[j]) : 1; // constant feature: leave unscaled
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = (X[i][j] - mean[j]) / std[j];
  return { z, mean, std };
}

export function fitLogisticRegression(X: FeatureRows, y: ArrayLike<number>, options: LogisticOptions = {}): LogisticModel {
  const { l2 = 1e-2, maxIterations = 100, tolerance = 1e-10 } = options;
  const n = X.length;
  if (n === 0 || n !== y.length) throw new RangeError(`need as many labels as rows (rows ${n}, labels ${y.length})`);
  for (let i = 0; i < n; i++) if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`label at row ${i} is ${y[i]}, expected 0 or 1`);
  const cw = classWeights(y, options.classWeight);
  if (!(cw[0] > 0 && cw[1] > 0) || !Number.isFinite(cw[0] + cw[1])) throw new RangeError('both classes are needed to fit');
  const d = X[0].length;
  const { z, mean, std } = standardise(X, d);
  const m = d + 1; // parameters: weights then bias
  const s = Float64Array.from({ length: n }, (_, i) => cw[y[i] as 0 | 1]);
  const sTotal = s.reduce((a, b) => a + b, 0);
  const theta = new Float64Array(m);
  const margin = (t: Float64Array, i: number): number => {
    let v = t[d];
    for (let j = 0; j < d; j++) v += t[j] * z[i * d + j];
    return v;
  };
  const loss = (t: Float64Array): number => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const u = margin(t, i);
      l += s[i] * (y[i] ? softplus(-u) : softplus(u));
    }
    let r = 0;
    for (let j = 0; j < d; j++) r += t[j] * t[j];
    return l / sTotal + (l2 / 2) * r;
  };
  let current = loss(theta);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const g = new Float64Array(m);
    const h = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin(theta, i));
      const gi = (s[i] * (p - y[i])) / sTotal;
      const hi = (s[i] * p * (1 - p)) / sTotal;
      for (let a = 0; a < m; a++) {
        const xa = a < d ? z[i * d + a] : 1;
        g[a] += gi * xa;
        for (let b = 0; b <= a; b++) h[a * m + b] += hi * xa * (b < d ? z[i * d + b] : 1);
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) h[b * m + a] = h[a * m + b];
    for (let j = 0; j < d; j++) {
      g[j] += l2 * theta[j];
      h[j * m + j] += l2;
    }
    if (Math.max(...Array.from(g, Math.abs)) < tolerance) {
      converged = true;
      break;
    }
    h[d * m + d] += 1e-12; // keeps the bias row definite when a class is (near) separable
    const step = solveSpd(h, g, m);
    // Near the optimum the loss changes by less than its rounding error: allow that much.
    const slack = 1e-12 * Math.max(1, Math.abs(current));
    let t = 1;
    let next = theta.map((v, k) => v - step[k]);
    let nextLoss = loss(next);
    while (nextLoss > current + slack && t > 1e-6) {
      t /= 2;
      next = theta.map((v, k) => v - t * step[k]);
      nextLoss = loss(next);
    }
    if (nextLoss > current + slack) {
      converged = true; // no descent left at floating-point precision
      break;
    }
    theta.set(next);
    current = nextLoss;
  }
  return {
    kind: 'logistic-regression',
    weights: Array.from(theta.subarray(0, d)),
    bias: theta[d],
    mean,
    std,
    l2,
    classWeight: cw,
    iterations,
    converged,
  };
}

/** Probability per row; a row with a missing (non-finite) feature scores NaN. */
export function predictLogistic(model: LogisticModel, X: FeatureRows): Float64Array {
  const d = model.weights.length;
  const out = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) {
    if (X[i].length !== d) throw new RangeError(`row ${i} has ${X[i].length} features, the model ${d}`);
    let u = model.bias;
    for (let j = 0; j < d; j++) u += (model.weights[j] * (X[i][j] - model.mean[j])) / model.std[j];
    out[i] = sigmoid(u);
  }
  return out;
}
