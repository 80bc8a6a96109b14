/**
 * The model online scoring uses, swapped without a restart: after an activation or rollback
 * in this process (refresh() is called), and within `pollMs` of one made by another process
 * (`vnfm-plugin models activate`, another replica), by polling the active id. The new model
 * is loaded before it replaces the old one; a model being used by a scoring round is disposed
 * only once that round is done.
 */
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PredictionMetrics } from '../prediction.metrics.ts';
import { activeModelId } from './model.repository.ts';
import type { ModelLoader, ScoringModel, ScoringModelMeta } from './model-port.ts';

export const MODEL_POLL_MS = 10_000;

export interface ActiveModelHolder {
  /** Runs `work` with the model in use (kept alive until `work` settles); undefined without a model. */
  use<T>(work: (model: ScoringModel) => Promise<T>): Promise<T | undefined>;
  /** Metadata of the model in use. */
  current(): ScoringModelMeta | undefined;
  /** Loads the registry's active model when it is not the one in use. */
  refresh(): Promise<void>;
  /** First load, then polling (not with a pinned directory). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ActiveModelHolderDeps {
  readonly db: Database;
  readonly log: Logger;
  readonly load: ModelLoader;
  /** The directory of a registered model on this machine (ModelRegistry.localDir). */
  readonly locate: (id: string) => Promise<string>;
  readonly metrics: PredictionMetrics;
  /** PREDICTION_MODEL_DIR: always this model, whatever the registry says. */
  readonly pinnedDir?: string;
  readonly pollMs?: number;
}

interface Entry {
  readonly model: ScoringModel;
  users: number;
  retired: boolean;
}

export function createActiveModelHolder(deps: ActiveModelHolderDeps): ActiveModelHolder {
  const log = deps.log.child({ component: 'active-model' });
  let entry: Entry | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** A model id that failed to load: not tried again until another one is activated. */
  let failedId: string | undefined;
  let chain: Promise<void> = Promise.resolve();

  const release = (e: Entry) => {
    if (e.retired && e.users === 0) e.model.dispose();
  };

  function install(model: ScoringModel): void {
    const old = entry;
    entry = { model, users: 0, retired: false };
    deps.metrics.modelInfo.reset();
    deps.metrics.modelInfo.set({ model: model.meta.id }, 1);
    if (old) {
      old.retired = true;
      release(old);
    }
    log.info({ model: model.meta.id, previous: old?.model.meta.id, horizonSteps: model.meta.horizonSteps }, 'failure model in use');
  }

  async function loadInto(dir: string, id: string | undefined): Promise<void> {
    try {
      const model = await deps.load(dir);
      if (stopped) return model.dispose();
      install(model);
      failedId = undefined;
    } catch (err) {
      failedId = id;
      deps.metrics.modelLoadFailures.inc();
      log.error({ err, model: id, dir }, entry ? 'model could not be loaded; the previous one stays in use' : 'model could not be loaded; no failure scores until another model is activated');
    }
  }

  async function refreshNow(): Promise<void> {
    if (stopped) return;
    if (deps.pinnedDir) {
      if (!entry) await loadInto(deps.pinnedDir, undefined);
      return;
    }
    const id = await activeModelId(deps.db);
    if (id === undefined || id === entry?.model.meta.id || id === failedId) return;
    let dir: string;
    try {
      dir = await deps.locate(id);
    } catch (err) {
      failedId = id;
      deps.metrics.modelLoadFailures.inc();
      log.error({ err, model: id }, 'files of the active model not found');
      return;
    }
    await loadInto(dir, id);
  }

  const refresh = () => {
    // One load at a time, in call order.
    const next = chain.then(refreshNow);
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    async use(work) {
      const e = entry;
      if (!e) return undefined;
      e.users++;
      try {
        return await work(e.model);
      } finally {
        e.users--;
        release(e);
      }
    },
    current: () => entry?.model.meta,
    refresh,
    async start() {
      await refresh();
      if (deps.pinnedDir || timer) return;
      const tick = () => {
        timer = setTimeout(() => {
          refresh()
            .catch((err) => log.warn({ err }, 'active model id not read; tried again at the next poll'))
            .finally(() => !stopped && tick());
        }, deps.pollMs ?? MODEL_POLL_MS);
        timer.unref();
      };
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
      if (entry) {
        entry.retired = true;
        release(entry);
        entry = undefined;
      }
    },
  };
}
