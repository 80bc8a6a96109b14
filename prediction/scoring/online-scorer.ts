/**
 * Online scoring: every tick, the feature window of every VNFC and VNF
 * instance is read from the store, all of them are scored in ONE batched predict call, and
 * the scores are stored (failure_scores) and published (`prediction.failure_scores`, outbox)
 * in one transaction.
 */
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { appendToOutbox, type OutboxRelay } from '../../platform/bus/outbox.ts';
import type { WindowReader, AlignedSeries as StoredSeries } from '../../fault-mgmt/store/window-reader.ts';
import type { EntityRef } from '../../fault-mgmt/monitoring.types.ts';
import { loadEntities } from '../../fault-mgmt/registry/entity.repository.ts';
import type { PredictionMetrics } from '../prediction.metrics.ts';
import type { ActiveModelHolder } from '../registry/active-model-holder.ts';
import type { ScoringModel } from '../registry/model-port.ts';
import { insertFailureScores, type FailureScoreRow } from './failure-score.repository.ts';
import { planScoring, type ScoringTarget } from './scoring-targets.ts';
import { buildScoringBatch, toModelSeries } from './score-windows.ts';
import { toPayload, type FailureScore } from './failure-score.ts';

export const FAILURE_SCORES_TOPIC = 'prediction.failure_scores';
const HOST_METRICS = ['cpu_util', 'mem_util', 'swap_util'] as const;
const EVENT_METRICS = ['events:paging_timeout', 'events:oom_kill', 'events:s1ap_broken_pipe'] as const;
/** Reads in flight at once (each is one query). */
const READ_CONCURRENCY = 4;

export interface OnlineScorerDeps {
  readonly db: Database;
  readonly reader: WindowReader;
  readonly holder: ActiveModelHolder;
  readonly log: Logger;
  readonly metrics: PredictionMetrics;
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
  /** Aligned step, s (MONITORING_STEP_SECONDS). */
  readonly stepSeconds: number;
  /** History each window is built from, s (PREDICTION_HISTORY_SECONDS). */
  readonly historySeconds: number;
  /** Epoch seconds now; tests fix it. */
  readonly clock?: () => number;
}

export interface TickResult {
  readonly modelId?: string;
  /** Windows scored in the batched call. */
  readonly scored: number;
  /** Scores stored and published (not stored before by another replica). */
  readonly published: number;
  readonly skipped: number;
  /** Start of the last window scored, epoch seconds. */
  readonly ts?: number;
}

export interface OnlineScorer {
  /** One scoring round. */
  tick(): Promise<TickResult>;
  start(tickSeconds: number): void;
  stop(): Promise<void>;
}

async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function createOnlineScorer(deps: OnlineScorerDeps): OnlineScorer {
  const log = deps.log.child({ component: 'online-scoring' });
  const clock = deps.clock ?? (() => Date.now() / 1000);
  let warnedNoModel = false;
  /** The last round's error: the same one again (every tick) is logged at debug level only. */
  let lastError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function readAll(targets: readonly ScoringTarget[], start: number, end: number) {
    const step = deps.stepSeconds;
    const read = (entity: EntityRef, metric: string) => deps.reader.read({ entity, metric, start, end, step });
    const hosts = [...new Set(targets.map((t) => t.host))];
    const eventKeys = [...new Map(targets.map((t) => [`${t.events.kind}:${t.events.id}`, t.events])).entries()];
    const jobs = [
      ...hosts.flatMap((h) => HOST_METRICS.map((m) => ({ key: `host:${h}`, entity: { kind: 'host', id: h } as EntityRef, metric: m }))),
      ...eventKeys.flatMap(([key, entity]) => EVENT_METRICS.map((m) => ({ key, entity, metric: m }))),
    ];
    const results = await inPool(jobs, READ_CONCURRENCY, (j) => read(j.entity, j.metric));
    const byKey = new Map<string, StoredSeries>();
    jobs.forEach((j, i) => byKey.set(`${j.key}|${j.metric}`, results[i]));
    return (t: ScoringTarget, metric: string) => byKey.get(`${metric.startsWith('events:') ? `${t.events.kind}:${t.events.id}` : `host:${t.host}`}|${metric}`)!;
  }

  async function scoreWith(model: ScoringModel): Promise<TickResult> {
    const meta = model.meta;
    const step = deps.stepSeconds;
    const end = Math.floor(clock() / step) * step; // the window in progress is left out
    const start = end - Math.max(deps.historySeconds, meta.windowSteps * step);
    const ts = end - step;
    const { entities } = await loadEntities(deps.db);
    const plan = planScoring(entities.map((e) => e.entity));
    for (const s of plan.skipped) deps.metrics.skippedTargets.inc({ reason: s.reason });
    const series = await readAll(plan.targets, start, end);
    const ready: { target: ScoringTarget; inFailure: boolean; model: NonNullable<ReturnType<typeof toModelSeries>> }[] = [];
    let noData = 0;
    for (const target of plan.targets) {
      const get = (m: string) => series(target, m);
      const s = toModelSeries({
        cpu: get('cpu_util'), mem: get('mem_util'), swap: get('swap_util'),
        paging: get('events:paging_timeout'), oom: get('events:oom_kill'),
      });
      if (!s) {
        noData++;
        continue;
      }
      const failures = get('events:s1ap_broken_pipe').values;
      ready.push({ target, model: s, inFailure: (failures[failures.length - 1] ?? 0) > 0 });
    }
    if (noData > 0) deps.metrics.skippedTargets.inc({ reason: 'no-data' }, noData);
    const skipped = plan.skipped.length + noData;
    if (ready.length === 0) return { modelId: meta.id, scored: 0, published: 0, skipped, ts };

    const batch = buildScoringBatch(meta, ready.map((r) => r.model));
    const predictStarted = process.hrtime.bigint();
    const out = await model.predict(batch, ready.length);
    deps.metrics.predictDuration.observe(Number(process.hrtime.bigint() - predictStarted) / 1e9);
    deps.metrics.scoredWindows.inc(ready.length);

    const scores: FailureScore[] = ready.map((r, i) => ({
      ...r.target, ts, failureScore: out.failure[i], longProbability: out.long[i], inFailure: r.inFailure, modelId: meta.id,
    }));
    for (const d of plan.derived) {
      const parts = scores.filter((s) => s.kind === 'vnfc' && d.vnfcIds.includes(s.id));
      if (parts.length === 0) continue;
      const worst = parts.reduce((a, b) => (b.failureScore > a.failureScore ? b : a));
      scores.push({
        kind: 'vnf', id: d.vnfInstanceId, vnfInstanceId: d.vnfInstanceId, host: worst.host, ts, modelId: meta.id,
        failureScore: worst.failureScore, longProbability: Math.max(...parts.map((p) => p.longProbability)),
        inFailure: parts.some((p) => p.inFailure),
      });
    }
    const published = await deps.db.transaction(async (tx) => {
      const rows: FailureScoreRow[] = scores;
      const inserted = await insertFailureScores(deps.db, tx, rows);
      const fresh = scores.filter((s) => inserted.has(`${s.kind}:${s.id}`));
      if (fresh.length > 0) {
        await appendToOutbox(tx, [{ topic: FAILURE_SCORES_TOPIC, payload: fresh.map((s) => toPayload(s, meta, step)) }], deps.relay);
      }
      return fresh.length;
    });
    return { modelId: meta.id, scored: ready.length, published, skipped, ts };
  }

  async function tick(): Promise<TickResult> {
    const started = process.hrtime.bigint();
    const result = await deps.holder.use(scoreWith);
    if (result) {
      deps.metrics.tickDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      warnedNoModel = false;
      return result;
    }
    if (!warnedNoModel) log.warn('no failure model active: scoring skipped until one is activated (vnfm-plugin models activate)');
    warnedNoModel = true;
    return { scored: 0, published: 0, skipped: 0 };
  }

  return {
    tick,
    start(tickSeconds) {
      if (timer || stopped) return;
      const schedule = (ms: number) => {
        timer = setTimeout(run, ms);
        timer.unref();
      };
      // The next round starts a tick after this one began, or at once when it took longer.
      const run = () => {
        const began = Date.now();
        running = tick()
          .then(() => {
            if (lastError !== undefined) log.info('failure scoring rounds succeed again');
            lastError = undefined;
          })
          .catch((err: Error) => {
            const again = lastError === String(err);
            lastError = String(err);
            log[again ? 'debug' : 'error']({ err }, 'failure scoring round failed');
          })
          .finally(() => !stopped && schedule(Math.max(0, tickSeconds * 1000 - (Date.now() - began))));
      };
      schedule(tickSeconds * 1000);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
