/**
 * The prediction module as the service runs it: the model registry, the active model
 * (swapped without a restart) and online scoring of every VNF instance and VNFC.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlatformMetrics } from '../platform/metrics.ts';
import type { OutboxRelay } from '../platform/bus/outbox.ts';
import type { EntityRegistry } from '../fault-mgmt/registry/entity-registry.ts';
import type { WindowReader } from '../fault-mgmt/store/window-reader.ts';
import { predictionMetrics } from './prediction.metrics.ts';
import { createActiveModelHolder, type ActiveModelHolder } from './registry/active-model-holder.ts';
import { loadFailureModelFromDir } from './registry/model-loader.ts';
import type { ModelLoader } from './registry/model-port.ts';
import { createModelRegistry, type ModelRegistry } from './registry/model-registry.ts';
import { createOnlineScorer, type OnlineScorer } from './scoring/online-scorer.ts';
import { createScoreRetention } from './scoring/score-retention.ts';

/** The model shipped in the repository, activated on a fresh start. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('./models/default/', import.meta.url));

/** config.prediction (PREDICTION_* keys; platform/config/config.ts documents them). */
export type PredictionSettings = Config['prediction'];

export const PREDICTION_DEFAULTS: PredictionSettings = { tickSeconds: 5, historySeconds: 3600 };

/** Where registered models are kept: VNFM_DATA_DIR/models. */
export function modelsDirOf(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'models');
}

export interface PredictionModuleDeps {
  readonly db: Database;
  readonly config: Pick<Config, 'dataDir' | 'monitoring'> & { readonly prediction?: Partial<PredictionSettings> };
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
  readonly reader: WindowReader;
  /** Monitoring's entity registry (the VNF instances, VNFCs, VMs and hosts to score). */
  readonly registry: EntityRegistry;
  /** For tests: how models are loaded, where the shipped one is, the clock, the poll period. */
  readonly loadModel?: ModelLoader;
  readonly defaultModelDir?: string;
  readonly clock?: () => number;
  readonly modelPollMs?: number;
}

export interface PredictionModule {
  readonly holder: ActiveModelHolder;
  readonly registry: ModelRegistry;
  readonly scorer: OnlineScorer;
  /** Activates the shipped model when none is active, loads the active one, starts scoring. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPredictionModule(deps: PredictionModuleDeps): PredictionModule {
  const settings: PredictionSettings = { ...PREDICTION_DEFAULTS, ...deps.config.prediction };
  // The parts name themselves (component: model-registry, active-model, online-scoring).
  const log = deps.log;
  const own = deps.log.child({ component: 'prediction' });
  const metrics = predictionMetrics(deps.metrics.registry);
  const registry = createModelRegistry({ db: deps.db, log, modelsDir: modelsDirOf(deps.config), relay: deps.relay });
  const holder = createActiveModelHolder({
    db: deps.db,
    log,
    metrics,
    load: deps.loadModel ?? ((dir) => loadFailureModelFromDir(dir, (message) => deps.log.info({ component: 'tfjs' }, message))),
    locate: (id) => registry.localDir(id),
    pinnedDir: settings.modelDir,
    pollMs: deps.modelPollMs,
  });
  // Swapped before activate() / rollback() return in this process; other processes poll.
  registry.onActivated(() => holder.refresh());
  const scorer = createOnlineScorer({
    db: deps.db,
    reader: deps.reader,
    holder,
    log,
    metrics,
    relay: deps.relay,
    stepSeconds: deps.config.monitoring.stepSeconds,
    historySeconds: settings.historySeconds,
    clock: deps.clock,
  });
  const retention = createScoreRetention({ db: deps.db, log: own, retentionDays: deps.config.monitoring.retentionDays });
  return {
    holder,
    registry,
    scorer,
    async start() {
      if (!settings.modelDir) await registry.ensureDefault(deps.defaultModelDir ?? DEFAULT_MODEL_DIR);
      await holder.start();
      retention.start();
      if (settings.tickSeconds > 0) scorer.start(settings.tickSeconds);
      else own.info('online failure scoring is off (PREDICTION_TICK_SECONDS=0)');
    },
    async stop() {
      await scorer.stop();
      await retention.stop();
      await holder.stop();
    },
  };
}
