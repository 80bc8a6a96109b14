import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateTrace } from '../../prediction/synthetic/trace-generator.ts';
import { buildFeatures, buildSequenceWindows } from '../../prediction/features/feature-windows.ts';
import { applyScaler, scalerFromJSON } from '../../prediction/features/scaler.ts';
import { loadFailureModel, scoreTrace, type FailureModel } from '../../prediction/model/failure-model.ts';
import { train, type TrainResult } from '../../prediction/training/train-model.ts';
import { chooseLongThreshold, runPeaks } from '../../prediction/training/thresholds.ts';
import { balancedWeights, concatTraces } from '../../prediction/training/training-data.ts';
import { validateModelMeta } from '../../prediction/registry/model-port.ts';

const log = () => undefined;

describe('failure model: save, load, score', () => {
  const trace = generateTrace({ seed: 3, minRows: 2500 });
  let dir: string;
  let trained: TrainResult;
  let loaded: FailureModel;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'prediction-model-'));
    const { initTf } = await import('../../prediction/model/tf-backend.ts');
    await initTf({ log });
    trained = await train(trace, { quick: true, seed: 5 });
    await trained.save(dir);
    loaded = await loadFailureModel(dir);
  });
  after(async () => {
    trained?.model.dispose();
    loaded?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('the directory holds model.json, weights.bin and a meta.json the registry accepts', async () => {
    const modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(modelJson.weightsManifest[0].paths, ['weights.bin']);
    const bytes = (await readFile(path.join(dir, 'weights.bin'))).byteLength;
    const declared = modelJson.weightsManifest[0].weights.reduce((s: number, w: { shape: number[] }) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(bytes, declared);
    const meta = validateModelMeta(JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')));
    assert.equal(meta.kind, 'lstm');
    assert.equal(meta.horizonSteps, 12);
    assert.ok(meta.threshold >= 0 && meta.threshold <= 1);
    assert.equal(loaded.meta.id, trained.meta.id);
  });

  test('a loaded model predicts exactly what the trained one did', async () => {
    const m = applyScaler(scalerFromJSON(loaded.meta.scaler), buildFeatures(trace, loaded.meta.featureOptions));
    const rows = [0, 1, 500, 1000, m.rows - 1];
    const w = buildSequenceWindows(m, rows, loaded.meta.windowSteps);
    const a = await trained.model.predict(w.data, rows.length);
    const b = await loaded.predict(w.data, rows.length);
    assert.deepEqual(Array.from(b.failure), Array.from(a.failure));
    assert.deepEqual(Array.from(b.long), Array.from(a.long));
    assert.deepEqual(Array.from(b.failure), rows.map((r) => trained.scores.failure[r]));
  });

  test('scoreTrace gives one failure score and one long probability per row, all in [0, 1]', async () => {
    const s = await scoreTrace(loaded, trace);
    assert.equal(s.failure.length, trace.rows.length);
    assert.equal(s.long.length, trace.rows.length);
    for (const v of [...s.failure, ...s.long]) assert.ok(v >= 0 && v <= 1, `score ${v}`);
    assert.deepEqual(Array.from(s.failure), Array.from(trained.scores.failure));
  });

  test('scoreTrace of a prefix equals the prefix of the scores (row i uses rows <= i only)', async () => {
    const prefix = { rows: trace.rows.slice(0, 700) };
    const s = await scoreTrace(loaded, prefix);
    assert.deepEqual(Array.from(s.failure), Array.from(trained.scores.failure.subarray(0, 700)));
  });

  test('predict rejects windows of the wrong size', async () => {
    await assert.rejects(loaded.predict(new Float32Array(10), 1), RangeError);
  });

  test('the same seed trains the same weights', async () => {
    const again = await train(trace, { quick: true, seed: 5 });
    try {
      assert.deepEqual(Array.from(again.scores.failure), Array.from(trained.scores.failure));
      assert.equal(again.meta.threshold, trained.meta.threshold);
    } finally {
      again.model.dispose();
    }
  });

  test('loading a directory whose features do not match its feature options fails clearly', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'prediction-model-bad-'));
    try {
      const { writeMeta } = await import('../../prediction/model/model-io.ts');
      await trained.save(other);
      await writeMeta(other, { ...trained.meta, features: ['cpu'] });
      await assert.rejects(loadFailureModel(other), /features do not match/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('long threshold', () => {
  test('sits a third of the way from the highest short peak below the lowest long peak up to it', () => {
    const c = chooseLongThreshold([
      { peak: 0.9, long: true },
      { peak: 0.7, long: true },
      { peak: 0.3, long: false },
      { peak: 0.5, long: false },
      { peak: 0.95, long: false },
    ]);
    assert.ok(Math.abs(c.threshold - (0.5 + 0.2 / 3)) < 1e-12, String(c.threshold));
    assert.equal(c.shortFlagged, 1);
    const halfway = chooseLongThreshold([{ peak: 0.9, long: true }, { peak: 0.3, long: false }], 0.5, 0.5).threshold;
    assert.ok(Math.abs(halfway - 0.6) < 1e-12, String(halfway));
    assert.equal(c.longRuns, 2);
  });

  test('without long runs it stays above every short peak', () => {
    const c = chooseLongThreshold([{ peak: 0.6, long: false }]);
    assert.ok(c.threshold > 0.6);
    assert.equal(c.shortFlagged, 0);
  });

  test('runPeaks looks from H rows before onset to onset + 2, not into an earlier run', () => {
    //            0  1  2  3  4  5  6  7  8  9
    const fail = [0, 1, 0, 0, 0, 0, 1, 1, 1, 1];
    const long = [0, 0.9, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.8, 0.99];
    const peaks = runPeaks(fail, long, 3, 4);
    assert.equal(peaks.length, 2);
    assert.equal(peaks[1].peak, 0.8); // rows 3..8
    assert.equal(peaks[1].long, true);
    assert.equal(peaks[0].peak, 0.9);
  });
});

describe('training data', () => {
  test('balanced weights count masked rows only', () => {
    const w = balancedWeights(Float32Array.from([1, 0, 0, 0, 1]), Float32Array.from([1, 1, 1, 1, 0]));
    assert.equal(w.pos, 4 / 2);
    assert.equal(w.neg, 4 / 6);
  });

  test('concatenated traces keep increasing times and a pause at each seam', () => {
    const a = generateTrace({ seed: 1, cycles: 2 });
    const b = generateTrace({ seed: 2, cycles: 2 });
    const c = concatTraces([a, b]);
    assert.equal(c.rows.length, a.rows.length + b.rows.length);
    for (let i = 1; i < c.rows.length; i++) assert.ok(c.rows[i].time > c.rows[i - 1].time);
    assert.ok(c.rows[a.rows.length].time - c.rows[a.rows.length - 1].time >= 3600);
  });
});
