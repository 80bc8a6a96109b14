import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitLogisticRegression, predictLogistic } from '../../prediction/baselines/logistic-regression.ts';
import { ruleScores, type RuleInput } from '../../prediction/baselines/rule-baseline.ts';
import { rocAuc } from '../../prediction/evaluation/step-metrics.ts';

/** mulberry32: a small deterministic generator so the synthetic problems are fixed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));

/** y ~ Bernoulli(sigmoid(2 x0 - x1 + 0.5)), x0 ~ N(0,1), x1 ~ N(3, 2^2) (scaled, shifted). */
function noisyProblem(n: number, seed: number): { X: number[][]; y: number[] } {
  const r = rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = gaussian(r);
    const x1 = 3 + 2 * gaussian(r);
    X.push([x0, x1]);
    y.push(r() < sigmoid(2 * x0 - (x1 - 3) + 0.5) ? 1 : 0);
  }
  return { X, y };
}

describe('logistic regression', () => {
  test('separates a separable problem and stays finite thanks to L2', () => {
    const X = [[-2], [-1.5], [-1], [1], [1.5], [2]];
    const y = [0, 0, 0, 1, 1, 1];
    const m = fitLogisticRegression(X, y, { l2: 1e-2 });
    assert.ok(m.converged);
    assert.ok(Number.isFinite(m.weights[0]) && m.weights[0] > 0);
    const p = predictLogistic(m, X);
    for (let i = 0; i < 6; i++) assert.equal(p[i] > 0.5 ? 1 : 0, y[i], `row ${i}: ${p[i]}`);
    assert.ok(Math.abs(m.bias) < 1e-9, 'symmetric data: no bias');
  });

  test('reaches a stationary point of the regularised objective', () => {
    const { X, y } = noisyProblem(400, 7);
    const l2 = 0.05;
    const m = fitLogisticRegression(X, y, { l2 });
    // gradient recomputed independently in the standardised space must vanish
    const w = m.classWeight;
    let sTotal = 0;
    const g = [0, 0, 0];
    X.forEach((x, i) => {
      const z = x.map((v, j) => (v - m.mean[j]) / m.std[j]);
      const p = sigmoid(m.bias + z[0] * m.weights[0] + z[1] * m.weights[1]);
      const s = y[i] ? w[1] : w[0];
      sTotal += s;
      g[0] += s * (p - y[i]) * z[0];
      g[1] += s * (p - y[i]) * z[1];
      g[2] += s * (p - y[i]);
    });
    const grad = [g[0] / sTotal + l2 * m.weights[0], g[1] / sTotal + l2 * m.weights[1], g[2] / sTotal];
    for (const v of grad) assert.ok(Math.abs(v) < 1e-9, `gradient ${grad}`);
  });

  test('recovers the generating weights of a noisy problem, deterministically', () => {
    const { X, y } = noisyProblem(4000, 42);
    const m = fitLogisticRegression(X, y, { l2: 1e-4, classWeight: 'none' });
    const raw = m.weights.map((v, j) => v / m.std[j]); // back to the original units
    assert.ok(Math.abs(raw[0] - 2) < 0.25, `w0 ${raw[0]}`);
    assert.ok(Math.abs(raw[1] + 1) < 0.15, `w1 ${raw[1]}`);
    assert.deepEqual(fitLogisticRegression(X, y, { l2: 1e-4, classWeight: 'none' }), m);
    const test = noisyProblem(2000, 43);
    assert.ok((rocAuc(predictLogistic(m, test.X), test.y) as number) > 0.8);
  });

  test('fits the scaler on the training rows only and keeps it in the model', () => {
    const { X, y } = noisyProblem(500, 1);
    const m = fitLogisticRegression(X, y);
    const mean1 = X.reduce((a, x) => a + x[1], 0) / X.length;
    assert.ok(Math.abs(m.mean[1] - mean1) < 1e-9);
    const shifted = X.map((x) => [x[0], x[1] + 100]);
    const p = predictLogistic(m, shifted);
    const q = predictLogistic(m, X);
    assert.ok(p[0] !== q[0], 'scoring does not re-centre new data');
    assert.deepEqual(JSON.parse(JSON.stringify(m)), m, 'the model is plain data');
  });

  test('weighs classes as n / (2 n_class) when balanced, and accepts typed rows', () => {
    const r = rng(3);
    const X = Array.from({ length: 200 }, () => Float64Array.of(gaussian(r), 5));
    const y = X.map((x, i) => (i % 10 === 0 ? 1 : 0));
    const balanced = fitLogisticRegression(X, y);
    assert.deepEqual(balanced.classWeight, { 0: 200 / 360, 1: 200 / 40 });
    assert.equal(balanced.std[1], 1, 'a constant feature is left unscaled');
    const plain = fitLogisticRegression(X, y, { classWeight: 'none' });
    const mean = (p: Float64Array): number => p.reduce((a, b) => a + b, 0) / p.length;
    // uninformative features: balanced weights centre the score near 0.5, plain ones near the 10% prevalence
    assert.ok(Math.abs(mean(predictLogistic(balanced, X)) - 0.5) < 0.05);
    assert.ok(Math.abs(mean(predictLogistic(plain, X)) - 0.1) < 0.02);
  });

  test('refuses what it cannot fit and scores missing features as NaN', () => {
    assert.throws(() => fitLogisticRegression([[1], [2]], [0, 0]), /both classes/);
    assert.throws(() => fitLogisticRegression([[1], [NaN]], [0, 1]), /feature 0 of row 1/);
    assert.throws(() => fitLogisticRegression([[1], [2, 3]], [0, 1]), /row 1 has 2 features/);
    const m = fitLogisticRegression([[0], [1]], [0, 1]);
    assert.ok(Number.isNaN(predictLogistic(m, [[NaN]])[0]));
  });
});

describe('rule baseline', () => {
  const calm = (n: number): RuleInput => ({
    cpu: new Array(n).fill(1),
    mem: new Array(n).fill(2),
    swap: new Array(n).fill(0),
    paging: new Array(n).fill(0),
  });

  test('scores a calm host 0 and a stressed one higher the longer it lasts', () => {
    const input = calm(30);
    const stressed = (i: number): boolean => i >= 10 && i < 20;
    input.cpu = (input.cpu as number[]).map((v, i) => (stressed(i) ? 55 : v));
    input.mem = (input.mem as number[]).map((v, i) => (stressed(i) ? 60 : v));
    const s = ruleScores(input);
    assert.equal(s[5], 0);
    assert.equal(s[10], 1 - Math.exp(-0.1)); // one stressed row at the default weight
    for (let i = 11; i < 20; i++) assert.ok(s[i] > s[i - 1], `row ${i}`);
    assert.ok(s.every((v) => v >= 0 && v < 1));
    // one calm row is forgiven (grace), two reset the stress count
    assert.ok(s[20] > 0 && s[21] === 0);
    const capped = ruleScores(input, { stressCap: 3 });
    assert.equal(capped[15], capped[12]);
  });

  test('counts recent paging indications and OOM kills, and forgets them after the window', () => {
    const input = { ...calm(30), paging: new Array(30).fill(0), oom: new Array(30).fill(0) };
    input.paging[5] = 2;
    input.oom[6] = 1;
    const s = ruleScores(input, { window: 12 });
    assert.equal(s[4], 0);
    assert.ok(s[6] > s[5] && s[5] > 0);
    // the OOM kill at row 6 is in the 12-row window up to row 17, out of it from row 18
    assert.ok(s[17] > 0 && s[18] === 0);
  });

  test('adds swap in use, and only looks backwards', () => {
    const input = calm(30);
    input.swap = (input.swap as number[]).map((_, i) => (i >= 10 ? 15 : 5));
    const s = ruleScores(input);
    assert.equal(s[9], 0);
    assert.equal(s[10], 1 - Math.exp(-0.3));
    const future = { ...input, cpu: (input.cpu as number[]).map((v, i) => (i >= 25 ? 95 : v)) };
    const f = ruleScores(future);
    assert.deepEqual(Array.from(f.subarray(0, 25)), Array.from(s.subarray(0, 25)));
    assert.ok(f[25] > s[25]);
    assert.ok(ruleScores({ ...input, swap: new Array(30).fill(NaN) }).every((v) => v === 0), 'NaN counts as calm');
    assert.throws(() => ruleScores({ ...input, paging: [0] }), /differ in length/);
  });
});
