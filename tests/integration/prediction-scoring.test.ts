import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createEntityRegistry, type EntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import type { Config } from '../../platform/config/config.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { createPredictionModule, type PredictionModule } from '../../prediction/index.ts';
import { FAILURE_SCORES_TOPIC } from '../../prediction/scoring/online-scorer.ts';
import type { FailureScorePayload } from '../../prediction/scoring/failure-score.ts';
import { purgeFailureScores } from '../../prediction/scoring/failure-score.repository.ts';
import { createDayPartitions, insertEvents, insertSamples, insertSeries } from '../support/monitoring-rows.ts';
import { fakeLoader, writeModelDir } from '../support/prediction-models.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

const STEP = 5;
// A fixed "now" 2 s into a window, today (so the day's partitions are the ones created here).
const NOW = Math.floor(Date.now() / 1000 / 300) * 300 + 2;
const LAST = NOW - 2 - STEP; // start of the last complete window

let t: TestDatabase;
let work: string;
let entities: EntityRegistry;
let metrics: PlatformMetrics;
let prediction: PredictionModule;
const loader = fakeLoader();

/** One sample per window for 10 minutes up to the last complete window. */
function series(value: (i: number) => number): [number, number][] {
  return Array.from({ length: 120 }, (_, i) => [LAST - (119 - i) * STEP + 1, value(i)] as [number, number]);
}

async function scores(): Promise<{ entity_kind: string; entity_id: string; vm: string | null; host: string; failure_score: number; long_probability: number; model_id: string; ts: Date }[]> {
  return t.db.sequelize.query('SELECT * FROM failure_scores ORDER BY entity_kind, entity_id, ts', { type: QueryTypes.SELECT });
}

async function published(): Promise<FailureScorePayload[][]> {
  const rows = await t.db.sequelize.query<{ payload: FailureScorePayload[] }>(
    'SELECT payload FROM outbox_events WHERE topic = $1 ORDER BY seq',
    { bind: [FAILURE_SCORES_TOPIC], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.payload);
}

before(async () => {
  t = await openTestDatabase();
  work = await mkdtemp(path.join(tmpdir(), 'vnfm-scoring-'));
  metrics = createMetrics();
  const db = t.db;
  await createDayPartitions(db, NOW);
  await createDayPartitions(db, NOW - 86_400); // the 1-hour history may start yesterday
  entities = createEntityRegistry({ db, log: testLog, metrics });
  await entities.upsert(
    [
      { kind: 'vm', id: 'vm-1', host: 'compute-a' },
      { kind: 'vm', id: 'vm-2', host: 'compute-b' },
      { kind: 'vm', id: 'vm-3', host: 'compute-a' },
      { kind: 'vm', id: 'vm-4', host: 'compute-stale' },
      { kind: 'vm', id: 'vm-5' },
      { kind: 'vnf', id: 'vnf-a' },
      { kind: 'vnf', id: 'vnf-b' },
      { kind: 'vnfc', id: 'a1', vnfInstanceId: 'vnf-a', vm: 'vm-1' },
      { kind: 'vnfc', id: 'b1', vnfInstanceId: 'vnf-b', vm: 'vm-2' },
      { kind: 'vnfc', id: 'b2', vnfInstanceId: 'vnf-b', vm: 'vm-3' },
      { kind: 'vnfc', id: 'd1', vnfInstanceId: 'vnf-d', vm: 'vm-4' },
      { kind: 'vnfc', id: 'e1', vnfInstanceId: 'vnf-e', vm: 'vm-5' },
    ],
    'config',
  );
  for (const [host, mem] of [['compute-a', 80], ['compute-b', 30]] as const) {
    await insertSamples(db, await insertSeries(db, 'host', host, 'cpu_util'), series((i) => 20 + (i % 7)));
    await insertSamples(db, await insertSeries(db, 'host', host, 'mem_util'), series(() => mem));
    await insertSamples(db, await insertSeries(db, 'host', host, 'swap_util'), series(() => 1));
  }
  // compute-stale stopped reporting 5 minutes ago: its VNFC has no recent data.
  const stale = series(() => 50).slice(0, 60);
  for (const m of ['cpu_util', 'mem_util', 'swap_util']) await insertSamples(db, await insertSeries(db, 'host', 'compute-stale', m), stale);
  // vm-1 (VNFC a1 of vnf-a) logs paging failures in the last window; vm-2's paging was long ago.
  await insertEvents(db, [
    { ts: LAST + 1, type: 'paging_timeout', count: 3, source: 'log', host: 'compute-a', vm: 'vm-1', vnfInstanceId: 'vnf-a', vnfcInstanceId: 'a1' },
    { ts: LAST - 300, type: 'paging_timeout', count: 1, source: 'log', host: 'compute-b', vm: 'vm-2', vnfInstanceId: 'vnf-b', vnfcInstanceId: 'b1' },
    { ts: LAST + 2, type: 's1ap_broken_pipe', count: 1, source: 'log', host: 'compute-b', vm: 'vm-2', vnfInstanceId: 'vnf-b', vnfcInstanceId: 'b1' },
  ]);

  const config = {
    dataDir: path.join(work, 'data'),
    monitoring: { stepSeconds: STEP, fillLimit: 2, retentionDays: 7 },
    prediction: { tickSeconds: 0 },
  } as unknown as Pick<Config, 'dataDir' | 'monitoring'>;
  const reader = createWindowReader({ db, resolver: entities, defaultStep: STEP, defaultFillLimit: 2 });
  prediction = createPredictionModule({
    db, config, log: testLog, metrics, reader, registry: entities, loadModel: loader.load,
    defaultModelDir: path.join(work, 'no-shipped-model'), clock: () => NOW, modelPollMs: 3_600_000,
  });
  await prediction.start();
});
after(async () => {
  await prediction.stop();
  await t.close();
  await rm(work, { recursive: true, force: true });
});

describe('online scoring', () => {
  test('without an active model a tick scores nothing and stores nothing', async () => {
    const r = await prediction.scorer.tick();
    assert.deepEqual(r, { scored: 0, published: 0, skipped: 0 });
    assert.deepEqual(await scores(), []);
  });

  test('one tick scores every VNFC and VNF in one batched call, stores the scores and publishes them together', async () => {
    await writeModelDir(path.join(work, 'trained'), { id: 'model-1' });
    await prediction.registry.register(path.join(work, 'trained'));
    await prediction.registry.activate('model-1'); // the holder swaps it in, no restart
    assert.equal(prediction.holder.current()?.id, 'model-1');

    const r = await prediction.scorer.tick();
    const model = loader.loaded.find((m) => m.meta.id === 'model-1')!;
    // a1, vnf-a (one host), b1, b2 — in ONE predict call; vnf-b spans two hosts: derived.
    assert.deepEqual(model.calls, [4]);
    assert.equal(r.scored, 4);
    assert.equal(r.ts, LAST);
    // d1 and vnf-d (their host has been silent for 5 minutes), e1 and vnf-e (no known host).
    assert.equal(r.skipped, 4);

    const rows = await scores();
    assert.deepEqual(
      rows.map((s) => [s.entity_kind, s.entity_id, s.host, s.vm, s.failure_score, Math.round(s.long_probability * 100) / 100, s.model_id]),
      [
        ['vnf', 'vnf-a', 'compute-a', null, 0.9, 0.8, 'model-1'],
        ['vnf', 'vnf-b', 'compute-b', null, 0.1, 0.8, 'model-1'],
        ['vnfc', 'a1', 'compute-a', 'vm-1', 0.9, 0.8, 'model-1'],
        ['vnfc', 'b1', 'compute-b', 'vm-2', 0.1, 0.3, 'model-1'],
        ['vnfc', 'b2', 'compute-a', 'vm-3', 0.1, 0.8, 'model-1'],
      ],
    );
    assert.ok(rows.every((s) => new Date(s.ts).getTime() === LAST * 1000));

    const events = await published();
    assert.equal(events.length, 1);
    const byId = new Map(events[0].map((e) => [e.vnfcInstanceId ?? e.vnfInstanceId, e]));
    assert.equal(byId.size, 5);
    assert.deepEqual(byId.get('a1'), {
      vnfInstanceId: 'vnf-a', vnfcInstanceId: 'a1', vm: 'vm-1', host: 'compute-a',
      failureScore: 0.9, longProbability: 0.8, inFailure: false, threshold: 0.5, longThreshold: 0.6,
      horizonSeconds: 60, modelId: 'model-1', ts: new Date(LAST * 1000).toISOString(),
    });
    assert.equal(byId.get('b1')?.inFailure, true, 'b1 logged a broken pipe in the last window');
    assert.equal(byId.get('vnf-b')?.inFailure, true);
    assert.equal(byId.get('vnf-b')?.vnfcInstanceId, undefined);

    const text = await metrics.registry.metrics();
    assert.match(text, /vnfm_prediction_scored_windows_total 4/);
    assert.match(text, /vnfm_prediction_scoring_duration_seconds_count 1/);
    assert.match(text, /vnfm_prediction_predict_duration_seconds_count 1/);
    assert.match(text, /vnfm_prediction_skipped_total\{reason="no-data"\} 2/);
    assert.match(text, /vnfm_prediction_skipped_total\{reason="no-host"\} 2/);
  });

  test('scoring the same window with the same model again (another replica) stores and publishes nothing new', async () => {
    const r = await prediction.scorer.tick();
    assert.equal(r.scored, 4);
    assert.equal(r.published, 0);
    assert.equal((await scores()).length, 5);
    assert.equal((await published()).length, 1);
  });

  test('after an activation the next tick scores with the new model', async () => {
    await writeModelDir(path.join(work, 'trained-2'), { id: 'model-2' });
    await prediction.registry.register(path.join(work, 'trained-2'));
    await prediction.registry.activate('model-2');
    const r = await prediction.scorer.tick();
    assert.equal(r.modelId, 'model-2');
    assert.equal(r.published, 5);
    assert.deepEqual(loader.loaded.find((m) => m.meta.id === 'model-2')!.calls, [4]);
    assert.equal(loader.loaded.find((m) => m.meta.id === 'model-1')!.disposed, true);
    const last = (await published()).at(-1)!;
    assert.ok(last.every((e) => e.modelId === 'model-2'));
  });

  test('scores older than the retention are deleted', async () => {
    assert.equal(await purgeFailureScores(t.db, 7, new Date((NOW + 6 * 86_400) * 1000)), 0);
    assert.equal(await purgeFailureScores(t.db, 7, new Date((NOW + 8 * 86_400) * 1000)), 10);
    assert.deepEqual(await scores(), []);
  });

  test('started, the module scores on every tick until it is stopped', async () => {
    const own = createMetrics();
    const config = {
      dataDir: path.join(work, 'data'),
      monitoring: { stepSeconds: STEP, fillLimit: 2, retentionDays: 0 },
      prediction: { tickSeconds: 0.02 },
    } as unknown as Pick<Config, 'dataDir' | 'monitoring'>;
    const reader = createWindowReader({ db: t.db, resolver: entities, defaultStep: STEP, defaultFillLimit: 2 });
    const module = createPredictionModule({
      db: t.db, config, log: testLog, metrics: own, reader, registry: entities, loadModel: loader.load,
      defaultModelDir: path.join(work, 'no-shipped-model'), clock: () => NOW + STEP, modelPollMs: 3_600_000,
    });
    await module.start();
    const rounds = async () => Number(/vnfm_prediction_scoring_duration_seconds_count (\d+)/.exec(await own.registry.metrics())?.[1] ?? 0);
    try {
      for (let i = 0; (await rounds()) < 3; i++) {
        if (i > 1000) assert.fail('fewer than 3 scoring rounds ran');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await module.stop();
    }
    const stopped = await rounds();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await rounds(), stopped, 'no round after stop()');
    // The next window: a1 is still scored (its host's last sample is filled forward).
    const [{ n }] = await t.db.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM failure_scores WHERE entity_id = 'a1' AND ts = to_timestamp($1)`,
      { bind: [LAST + STEP], type: QueryTypes.SELECT },
    );
    assert.equal(n, 1);
  });
});
