// Failure-model speed: windows scored per second for batches of 1, 100 and 10,000 windows
// (target: 10,000 windows in under 1 s), and training time per epoch. Uses the shipped model
// (prediction/models/default) and the shared dataset when present, otherwise a quick model on a
// synthetic trace. Options: --epochs N (default 3) for the training measurement.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataFile, sharedDatasetDir } from '../prediction/dataset/dataset-files.ts';
import type { Trace } from '../prediction/dataset/trace.ts';
import { buildSequenceWindows } from '../prediction/features/feature-windows.ts';
import { loadFailureModel, modelFeatures, type FailureModel } from '../prediction/model/failure-model.ts';
import { initTf } from '../prediction/model/tf-backend.ts';
import { generateTrace } from '../prediction/synthetic/trace-generator.ts';
import { train } from '../prediction/training/train-model.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function windowsPerSecond(model: FailureModel, trace: Trace, batch: number): Promise<{ batch: number; calls: number; windowsPerSecond: number; msPerCall: number }> {
  const m = modelFeatures(model.meta, trace);
  const rows = Int32Array.from({ length: batch }, (_, i) => i % m.rows);
  const w = buildSequenceWindows(m, rows, model.meta.windowSteps);
  await model.predict(w.data, batch); // warm-up: kernels compiled, memory allocated
  const calls = batch === 1 ? 200 : batch === 100 ? 50 : 3;
  const started = performance.now();
  for (let k = 0; k < calls; k++) await model.predict(w.data, batch);
  const ms = (performance.now() - started) / calls;
  return { batch, calls, windowsPerSecond: Math.round((batch * 1000) / ms), msPerCall: Number(ms.toFixed(2)) };
}

export async function benchPredict(options: string[] = []): Promise<Record<string, unknown>> {
  const epochsAt = options.indexOf('--epochs');
  const epochs = epochsAt >= 0 ? Number(options[epochsAt + 1]) : 3;
  const { backend } = await initTf();
  const shared = sharedDatasetDir();
  const trace = shared ? await loadDataFile(path.join(shared, 'data.txt')) : generateTrace({ seed: 1, minRows: 9000 });
  const defaultDir = path.join(ROOT, 'prediction', 'models', 'default');
  let model: FailureModel;
  let modelName: string;
  if (existsSync(path.join(defaultDir, 'model.json'))) {
    model = await loadFailureModel(defaultDir);
    modelName = model.meta.id;
  } else {
    model = (await train(trace, { epochs: 1 })).model;
    modelName = 'untrained-shape (no shipped model)';
  }
  const scoring = [];
  for (const batch of [1, 100, 10_000]) scoring.push(await windowsPerSecond(model, trace, batch));
  model.dispose();
  const t = await train(trace, { epochs, patience: epochs + 1, seed: 1 });
  t.model.dispose();
  return {
    backend,
    model: modelName,
    windowSteps: t.meta.windowSteps,
    features: t.meta.features.length,
    data: shared ? 'shared data.txt (80 %)' : 'synthetic trace',
    rows: trace.rows.length,
    scoring,
    training: {
      epochs: t.fit.epochsRun,
      secondsPerEpoch: Number(t.fit.secondsPerEpoch.toFixed(2)),
      trainingRows: t.split.train.end - t.split.train.start,
      totalSeconds: Number(t.trainSeconds.toFixed(1)),
    },
  };
}
