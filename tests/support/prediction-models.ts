/**
 * Model directories and fake failure models for registry and scoring tests: a directory in
 * the trainer's layout (meta.json, model.json naming weights.bin, weights.bin) whose meta
 * passes the registry's checks, and a model that `satisfies ScoringModel` without TensorFlow.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { featureNames } from '../../prediction/features/feature-windows.ts';
import type { ScoringModel, ScoringModelMeta } from '../../prediction/registry/model-port.ts';

export function fakeMeta(overrides: Partial<ScoringModelMeta> & Record<string, unknown> = {}): ScoringModelMeta & Record<string, unknown> {
  const features = featureNames({});
  return {
    id: 'lstm-h12-test',
    kind: 'lstm',
    createdAt: '2026-11-25T20:15:00.000Z',
    horizonSteps: 12,
    longSteps: 100,
    windowSteps: 6,
    features,
    featureOptions: {},
    // Identity scaling: the fake model below reads raw feature values.
    scaler: { kind: 'standard', names: features, offset: features.map(() => 0), scale: features.map(() => 1) },
    threshold: 0.5,
    longThreshold: 0.6,
    dataHash: 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    seed: 1,
    metrics: { prAuc: 0.42 },
    backend: 'cpu',
    ...overrides,
  };
}

/** Writes a model directory at `dir` and returns its meta. */
export async function writeModelDir(dir: string, overrides: Partial<ScoringModelMeta> & Record<string, unknown> = {}): Promise<ScoringModelMeta> {
  const meta = fakeMeta(overrides);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
  await writeFile(
    path.join(dir, 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }),
  );
  await writeFile(path.join(dir, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  return meta;
}

export interface FakeModel extends ScoringModel {
  /** `count` of every predict call, in order. */
  readonly calls: number[];
  disposed: boolean;
}

/**
 * A model whose failure score is 0.9 when the last row of a window had paging indications
 * and 0.1 otherwise; its long probability is the last row's memory % / 100.
 */
export function fakeModel(meta: ScoringModelMeta): FakeModel {
  const cols = meta.features.length;
  const paging = meta.features.indexOf('paging');
  const mem = meta.features.indexOf('mem');
  const model = {
    meta,
    calls: [] as number[],
    disposed: false as boolean,
    async predict(windows: Float32Array, count: number) {
      if (model.disposed) throw new Error(`model ${meta.id} used after dispose`);
      if (windows.length !== count * meta.windowSteps * cols) throw new RangeError(`expected ${count} windows of ${meta.windowSteps}x${cols}`);
      model.calls.push(count);
      const failure = new Float32Array(count);
      const long = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const last = ((i + 1) * meta.windowSteps - 1) * cols;
        failure[i] = windows[last + paging] > 0 ? 0.9 : 0.1;
        long[i] = windows[last + mem] / 100;
      }
      return { failure, long };
    },
    dispose() {
      model.disposed = true;
    },
  } satisfies FakeModel;
  return model;
}

/** A loader that reads meta.json from the directory and returns a fake model (all of them, in `loaded`). */
export function fakeLoader(): { load: (dir: string) => Promise<FakeModel>; loaded: FakeModel[]; fail: Set<string> } {
  const loaded: FakeModel[] = [];
  const fail = new Set<string>();
  return {
    loaded,
    fail,
    async load(dir: string) {
      const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as ScoringModelMeta;
      if (fail.has(meta.id)) throw new Error(`cannot load ${meta.id}: broken weights`);
      const m = fakeModel(meta);
      loaded.push(m);
      return m;
    },
  };
}
