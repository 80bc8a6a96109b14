import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createMetrics } from '../../platform/metrics.ts';
import { predictionMetrics } from '../../prediction/prediction.metrics.ts';
import { createActiveModelHolder } from '../../prediction/registry/active-model-holder.ts';
import { InvalidModelDirectory } from '../../prediction/registry/model-files.ts';
import { InvalidModelMeta } from '../../prediction/registry/model-port.ts';
import {
  createModelRegistry,
  MODEL_ACTIVATED_TOPIC,
  ModelAlreadyRegistered,
  ModelNotFound,
  NothingToRollBack,
  type ModelRegistry,
} from '../../prediction/registry/model-registry.ts';
import { fakeLoader, writeModelDir } from '../support/prediction-models.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
let work: string;
let registry: ModelRegistry;
const dirs: Record<string, string> = {};

async function activatedEvents(): Promise<{ modelId: string; previousModelId: string | null; reason: string }[]> {
  const rows = await t.db.sequelize.query<{ payload: { modelId: string; previousModelId: string | null; reason: string } }>(
    'SELECT payload FROM outbox_events WHERE topic = $1 ORDER BY seq',
    { bind: [MODEL_ACTIVATED_TOPIC], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.payload);
}

async function activeIds(): Promise<string[]> {
  const rows = await t.db.sequelize.query<{ id: string }>('SELECT id FROM prediction_models WHERE active', { type: QueryTypes.SELECT });
  return rows.map((r) => r.id);
}

before(async () => {
  t = await openTestDatabase();
  work = await mkdtemp(path.join(tmpdir(), 'vnfm-models-'));
  registry = createModelRegistry({ db: t.db, log: testLog, modelsDir: path.join(work, 'data', 'models') });
  for (const id of ['model-a', 'model-b', 'model-c']) {
    dirs[id] = path.join(work, 'trained', id);
    await writeModelDir(dirs[id], { id, dataHash: `sha256:${id}` });
  }
});
after(async () => {
  await t.close();
  await rm(work, { recursive: true, force: true });
});

describe('model registry', () => {
  test('register copies the directory into the data directory and records its metadata', async () => {
    const m = await registry.register(dirs['model-a']);
    assert.equal(m.id, 'model-a');
    assert.equal(m.path, path.join(work, 'data', 'models', 'model-a'));
    assert.equal(m.dataHash, 'sha256:model-a');
    assert.equal(m.kind, 'lstm');
    assert.equal(m.createdAt, '2026-11-25T20:15:00.000Z');
    assert.equal(m.meta.horizonSteps, 12);
    assert.deepEqual(m.meta.metrics, { prAuc: 0.42 });
    assert.equal(m.active, false);
    for (const f of ['meta.json', 'model.json', 'weights.bin']) assert.ok((await stat(path.join(m.path, f))).isFile(), f);
    // The registered copy does not depend on the directory it came from.
    await rm(path.join(dirs['model-a'], 'weights.bin'));
    assert.deepEqual([...(await readFile(path.join(m.path, 'weights.bin')))], [1, 2, 3, 4]);
    await writeModelDir(dirs['model-a'], { id: 'model-a', dataHash: 'sha256:model-a' });
  });

  test('registering the same model again returns it; another model under the same id is refused', async () => {
    const again = await registry.register(dirs['model-a']);
    assert.equal(again.id, 'model-a');
    const other = path.join(work, 'trained', 'other-a');
    await writeModelDir(other, { id: 'model-a', dataHash: 'sha256:something-else' });
    await assert.rejects(registry.register(other), ModelAlreadyRegistered);
    assert.equal((await registry.list()).length, 1);
  });

  test('a directory with invalid metadata or a missing weight file is refused, naming the problem', async () => {
    const bad = path.join(work, 'trained', 'bad');
    await writeModelDir(bad, { id: 'bad' });
    const meta = JSON.parse(await readFile(path.join(bad, 'meta.json'), 'utf8'));
    await writeFile(path.join(bad, 'meta.json'), JSON.stringify({ ...meta, windowSteps: 0 }));
    await assert.rejects(registry.register(bad), (err: Error) => err instanceof InvalidModelMeta && /windowSteps must be a positive integer/.test(err.message));
    await writeFile(path.join(bad, 'meta.json'), JSON.stringify({ ...meta, id: '../escape' }));
    await assert.rejects(registry.register(bad), InvalidModelMeta);
    await writeFile(path.join(bad, 'meta.json'), JSON.stringify(meta));
    await rm(path.join(bad, 'weights.bin'));
    await assert.rejects(registry.register(bad), (err: Error) => err instanceof InvalidModelDirectory && /weights\.bin/.test(err.message));
    await assert.rejects(registry.register(path.join(work, 'nowhere')), InvalidModelDirectory);
    assert.deepEqual((await registry.list()).map((m) => m.id), ['model-a']);
  });

  test('activate makes one model active, records the previous one and announces it through the outbox', async () => {
    await registry.register(dirs['model-b']);
    await registry.register(dirs['model-c']);
    assert.equal(await registry.active(), undefined);
    const first = await registry.activate('model-a');
    assert.equal(first.changed, true);
    assert.equal(first.previousModelId, undefined);
    const second = await registry.activate('model-b');
    assert.equal(second.previousModelId, 'model-a');
    assert.equal(second.model.previousActive, 'model-a');
    assert.deepEqual(await activeIds(), ['model-b']);
    assert.equal((await registry.active())?.id, 'model-b');
    const same = await registry.activate('model-b');
    assert.equal(same.changed, false);
    await assert.rejects(registry.activate('no-such-model'), ModelNotFound);
    assert.deepEqual(
      (await activatedEvents()).map((e) => [e.modelId, e.previousModelId, e.reason]),
      [['model-a', null, 'activate'], ['model-b', 'model-a', 'activate']],
    );
  });

  test('the database refuses a second active model', async () => {
    await assert.rejects(t.db.sequelize.query(`UPDATE prediction_models SET active = true WHERE id = 'model-c'`), /unique|duplicate/i);
    assert.deepEqual(await activeIds(), ['model-b']);
  });

  test('concurrent activations leave exactly one model active', async () => {
    const results = await Promise.allSettled(['model-c', 'model-a', 'model-c', 'model-b'].map((id) => registry.activate(id)));
    assert.ok(results.every((r) => r.status === 'fulfilled'));
    assert.equal((await activeIds()).length, 1);
    await registry.activate('model-b');
  });

  test('rollback goes back one activation at a time', async () => {
    await registry.activate('model-a');
    await registry.activate('model-b');
    await registry.activate('model-c');
    const back = await registry.rollback();
    assert.equal(back.model.id, 'model-b');
    assert.equal(back.previousModelId, 'model-c');
    assert.deepEqual(await activeIds(), ['model-b']);
    const events = await activatedEvents();
    assert.deepEqual(events.at(-1), { ...events.at(-1), modelId: 'model-b', previousModelId: 'model-c', reason: 'rollback' });
    // b was activated after a: one more step back is a.
    assert.equal((await registry.rollback()).model.id, 'model-a');
  });
});

describe('shipped default model', () => {
  test('with no active model it is registered and activated; later starts leave the registry alone', async () => {
    const t2 = await openTestDatabase();
    try {
      const r = createModelRegistry({ db: t2.db, log: testLog, modelsDir: path.join(work, 'data2', 'models') });
      assert.equal(await r.ensureDefault(path.join(work, 'no-default-here')), undefined);
      const shipped = path.join(work, 'shipped');
      await writeModelDir(shipped, { id: 'lstm-default' });
      const m = await r.ensureDefault(shipped);
      assert.equal(m?.id, 'lstm-default');
      assert.equal(m?.active, true);
      await r.register(dirs['model-b']);
      await r.activate('model-b');
      assert.equal(await r.ensureDefault(shipped), undefined);
      assert.equal((await r.active())?.id, 'model-b');
      assert.equal((await r.rollback()).model.id, 'lstm-default');
      // The default was the first model activated: nothing before it.
      await assert.rejects(r.rollback(), (err: Error) => err instanceof NothingToRollBack && /no previous model/.test(err.message));
      assert.equal((await r.active())?.id, 'lstm-default');
    } finally {
      await t2.close();
    }
  });
});

describe('active model holder', () => {
  test('loads the active model and swaps it after an activation, without disposing a model in use', async () => {
    const loader = fakeLoader();
    const { metrics, text } = newMetrics();
    const holder = createActiveModelHolder({ db: t.db, log: testLog, load: loader.load, locate: (id) => registry.localDir(id), metrics, pollMs: 3_600_000 });
    await registry.activate('model-a');
    await holder.start();
    try {
      assert.equal(holder.current()?.id, 'model-a');
      let release!: () => void;
      const inUse = holder.use(async (model) => {
        await new Promise<void>((resolve) => (release = resolve));
        return model.predict(new Float32Array(6 * model.meta.features.length), 1);
      });
      await registry.activate('model-b');
      await holder.refresh();
      assert.equal(holder.current()?.id, 'model-b');
      const a = loader.loaded.find((m) => m.meta.id === 'model-a')!;
      assert.equal(a.disposed, false, 'a model in use is not disposed');
      release();
      const out = await inUse;
      assert.equal(out?.failure.length, 1);
      assert.equal(a.disposed, true, 'disposed once the round using it ended');
      assert.match(await text(), /vnfm_prediction_model_info\{model="model-b"\} 1/);
    } finally {
      await holder.stop();
    }
    assert.ok(loader.loaded.every((m) => m.disposed));
  });

  test('an activation made by another process is picked up by polling', async () => {
    const loader = fakeLoader();
    const { metrics } = newMetrics();
    const holder = createActiveModelHolder({ db: t.db, log: testLog, load: loader.load, locate: (id) => registry.localDir(id), metrics, pollMs: 20 });
    await registry.activate('model-a');
    await holder.start();
    try {
      // Another process: its own registry object, no listener in this one.
      const other = createModelRegistry({ db: t.db, log: testLog, modelsDir: path.join(work, 'data', 'models') });
      await other.activate('model-c');
      await waitFor(() => holder.current()?.id === 'model-c');
    } finally {
      await holder.stop();
    }
  });

  test('a process whose data directory lacks the active model writes it from the database, then loads it', async () => {
    // Another machine: same database, its own VNFM_DATA_DIR.
    const elsewhere = createModelRegistry({ db: t.db, log: testLog, modelsDir: path.join(work, 'machine-2', 'models') });
    const loader = fakeLoader();
    const holder = createActiveModelHolder({
      db: t.db, log: testLog, load: loader.load, locate: (id) => elsewhere.localDir(id), metrics: newMetrics().metrics, pollMs: 3_600_000,
    });
    await registry.activate('model-b');
    await holder.start();
    try {
      assert.equal(holder.current()?.id, 'model-b');
      const dir = path.join(work, 'machine-2', 'models', 'model-b');
      for (const f of ['meta.json', 'model.json', 'weights.bin']) {
        assert.deepEqual(await readFile(path.join(dir, f)), await readFile(path.join(work, 'data', 'models', 'model-b', f)), f);
      }
      await assert.rejects(elsewhere.localDir('no-such-model'), ModelNotFound);
    } finally {
      await holder.stop();
    }
  });

  test('a model that cannot be loaded leaves the previous one in use', async () => {
    const loader = fakeLoader();
    const { metrics, text } = newMetrics();
    const holder = createActiveModelHolder({ db: t.db, log: testLog, load: loader.load, locate: (id) => registry.localDir(id), metrics, pollMs: 3_600_000 });
    await registry.activate('model-a');
    await holder.start();
    try {
      loader.fail.add('model-b');
      await registry.activate('model-b');
      await holder.refresh();
      assert.equal(holder.current()?.id, 'model-a');
      assert.match(await text(), /vnfm_prediction_model_load_failures_total 1/);
      await registry.activate('model-c');
      await holder.refresh();
      assert.equal(holder.current()?.id, 'model-c');
    } finally {
      await holder.stop();
    }
  });

  test('a pinned directory (PREDICTION_MODEL_DIR) is used whatever the registry says', async () => {
    const loader = fakeLoader();
    const { metrics } = newMetrics();
    const pinned = path.join(work, 'pinned');
    await writeModelDir(pinned, { id: 'pinned-model' });
    const holder = createActiveModelHolder({ db: t.db, log: testLog, load: loader.load, locate: (id) => registry.localDir(id), metrics, pinnedDir: pinned });
    await holder.start();
    try {
      await registry.activate('model-b');
      await holder.refresh();
      assert.equal(holder.current()?.id, 'pinned-model');
    } finally {
      await holder.stop();
    }
  });

  test('without an active model there is nothing to use', async () => {
    const t3 = await openTestDatabase();
    try {
      const holder = createActiveModelHolder({ db: t3.db, log: testLog, load: fakeLoader().load, locate: async () => assert.fail('nothing to locate'), metrics: newMetrics().metrics });
      await holder.start();
      assert.equal(holder.current(), undefined);
      assert.equal(await holder.use(async () => 'ran'), undefined);
      await holder.stop();
    } finally {
      await t3.close();
    }
  });
});

/** Prediction metrics on a registry of their own, and that registry's text. */
function newMetrics() {
  const registry = createMetrics().registry;
  return { metrics: predictionMetrics(registry), text: () => registry.metrics() };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
