import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createEntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import type { Config } from '../../platform/config/config.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { loadFailureModel, scoreTrace } from '../../prediction/model/failure-model.ts';
import { createPredictionModule, type PredictionModule } from '../../prediction/index.ts';
import { generateTrace } from '../../prediction/synthetic/trace-generator.ts';
import { train } from '../../prediction/training/train-model.ts';
import { createDayPartitions, insertEvents, insertSamples, insertSeries } from '../support/monitoring-rows.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

// A real (tiny) LSTM trained on a synthetic trace, registered, activated and used by online
// scoring: the stored score must be the one the model gives the same series offline.
const STEP = 5;
const NOW = Math.floor(Date.now() / 1000 / 300) * 300 + 1;
const LAST = NOW - 1 - STEP;
const N = 150;
const times = Array.from({ length: N }, (_, i) => LAST - (N - 1 - i) * STEP);
const cpu = times.map((_, i) => 20 + ((i * 13) % 50));
const mem = times.map((_, i) => (i > N - 30 ? 60 + (i % 5) : 4));
const swap = times.map((_, i) => (i > N - 20 ? 10 + i / 10 : 0));
const paging = times.map((_, i) => (i > N - 8 && i % 2 === 0 ? 2 : 0));

let t: TestDatabase;
let work: string;
let prediction: PredictionModule;
let modelDir: string;

before(async () => {
  t = await openTestDatabase();
  work = await mkdtemp(path.join(tmpdir(), 'vnfm-lstm-scoring-'));
  modelDir = path.join(work, 'trained');
  const trained = await train(generateTrace({ seed: 7, cycles: 30 }), { quick: true, seed: 1 });
  await trained.save(modelDir);
  trained.model.dispose();

  const db = t.db;
  const metrics = createMetrics();
  await createDayPartitions(db, NOW);
  await createDayPartitions(db, NOW - 86_400);
  const entities = createEntityRegistry({ db, log: testLog, metrics });
  await entities.upsert(
    [{ kind: 'vm', id: 'vm-1', host: 'compute-a' }, { kind: 'vnfc', id: 'a1', vnfInstanceId: 'vnf-a', vm: 'vm-1' }],
    'config',
  );
  for (const [metric, values] of [['cpu_util', cpu], ['mem_util', mem], ['swap_util', swap]] as const) {
    await insertSamples(db, await insertSeries(db, 'host', 'compute-a', metric), times.map((ts, i) => [ts + 1, values[i]]));
  }
  await insertEvents(
    db,
    times.flatMap((ts, i) => (paging[i] > 0 ? [{ ts: ts + 2, type: 'paging_timeout', count: paging[i], source: 'log', host: 'compute-a', vm: 'vm-1', vnfInstanceId: 'vnf-a' }] : [])),
  );
  const config = {
    dataDir: path.join(work, 'data'),
    monitoring: { stepSeconds: STEP, fillLimit: 2, retentionDays: 7 },
    prediction: { tickSeconds: 0 },
  } as unknown as Pick<Config, 'dataDir' | 'monitoring'>;
  prediction = createPredictionModule({
    db, config, log: testLog, metrics, registry: entities, clock: () => NOW, modelPollMs: 3_600_000,
    reader: createWindowReader({ db, resolver: entities, defaultStep: STEP, defaultFillLimit: 2 }),
    defaultModelDir: path.join(work, 'no-shipped-model'),
  });
  await prediction.start();
});
after(async () => {
  await prediction.stop();
  await t.close();
  await rm(work, { recursive: true, force: true });
});

test('a trained model registered and activated scores the stored windows as it scores the same series offline', async () => {
  const registered = await prediction.registry.register(modelDir);
  await prediction.registry.activate(registered.id);
  assert.equal(prediction.holder.current()?.id, registered.id);

  const r = await prediction.scorer.tick();
  assert.equal(r.scored, 2); // a1 and vnf-a (one host)
  const rows = await t.db.sequelize.query<{ entity_id: string; failure_score: number; long_probability: number; model_id: string }>(
    'SELECT entity_id, failure_score, long_probability, model_id FROM failure_scores ORDER BY entity_id',
    { type: QueryTypes.SELECT },
  );
  assert.deepEqual(rows.map((x) => [x.entity_id, x.model_id]), [['a1', registered.id], ['vnf-a', registered.id]]);

  const offline = await loadFailureModel(modelDir);
  try {
    const expected = await scoreTrace(offline, { time: times, cpu, mem, swap, paging, oom: times.map(() => 0) });
    for (const x of rows) {
      assert.ok(Math.abs(x.failure_score - expected.failure[N - 1]) < 1e-5, `${x.entity_id}: ${x.failure_score} vs ${expected.failure[N - 1]}`);
      assert.ok(Math.abs(x.long_probability - expected.long[N - 1]) < 1e-5);
    }
  } finally {
    offline.dispose();
  }
});
