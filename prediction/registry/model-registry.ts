/**
 * The model registry: trained models stored on disk under
 * VNFM_DATA_DIR/models/<id>/ and in prediction_models; one of them is active. Activation
 * and rollback commit the new state and the `prediction.model.activated` event together
 * (outbox), so every process and consumer learns about it.
 */
import path from 'node:path';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { appendToOutbox, type OutboxRelay } from '../../platform/bus/outbox.ts';
import { Conflict, NotFound } from '../../platform/http/problem-details.ts';
import { copyModelDirectory, hasModel, readModelDirectory, readModelFiles, writeModelFiles } from './model-files.ts';
import {
  findActiveModel,
  findModel,
  insertModel,
  listModels,
  loadModelFiles,
  lockModels,
  setActiveModel,
  type RegisteredModel,
} from './model.repository.ts';

export type { RegisteredModel } from './model.repository.ts';

export const MODEL_ACTIVATED_TOPIC = 'prediction.model.activated';

export interface ModelActivatedPayload {
  readonly modelId: string;
  readonly previousModelId: string | null;
  readonly reason: 'activate' | 'rollback' | 'default';
  readonly activatedAt: string;
}

export class ModelNotFound extends NotFound {
  constructor(id: string) {
    super(`No model with id '${id}' is registered.`);
  }
}
export class ModelAlreadyRegistered extends Conflict {
  constructor(id: string) {
    super(`A different model with id '${id}' is registered already (other data hash or metadata).`);
  }
}
export class NothingToRollBack extends Conflict {
  constructor(detail: string) {
    super(detail);
  }
}

export interface ActivationResult {
  readonly model: RegisteredModel;
  readonly previousModelId?: string;
  /** False when the model was active already (nothing committed, no event). */
  readonly changed: boolean;
}

export interface ModelRegistry {
  /** Copies the model directory into the data directory and records it; registering the same model again returns it. */
  register(dir: string): Promise<RegisteredModel>;
  list(): Promise<RegisteredModel[]>;
  get(id: string): Promise<RegisteredModel>;
  active(): Promise<RegisteredModel | undefined>;
  activate(id: string): Promise<ActivationResult>;
  /** Back to the model that was active before the current one. */
  rollback(): Promise<ActivationResult>;
  /** With no model active, registers and activates the shipped default (when the directory has one). */
  ensureDefault(defaultDir: string): Promise<RegisteredModel | undefined>;
  /**
   * The model's directory in this process's data directory; written from the database first
   * when it is not there (a model registered by a process on another machine).
   */
  localDir(id: string): Promise<string>;
  /** Called in this process after a committed activation or rollback; activate() and rollback() wait for it. */
  onActivated(listener: (modelId: string) => Promise<void> | void): void;
}

export interface ModelRegistryDeps {
  readonly db: Database;
  readonly log: Logger;
  /** Where registered models are copied: VNFM_DATA_DIR/models. */
  readonly modelsDir: string;
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
}

/** JSON with object keys sorted: jsonb does not keep the order they were written in. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function sameModel(a: RegisteredModel, meta: Record<string, unknown>): boolean {
  return a.dataHash === meta.dataHash && canonicalJson(a.meta) === canonicalJson(meta);
}

export function createModelRegistry(deps: ModelRegistryDeps): ModelRegistry {
  const { db } = deps;
  const log = deps.log.child({ component: 'model-registry' });
  const listeners: ((id: string) => Promise<void> | void)[] = [];

  async function get(id: string): Promise<RegisteredModel> {
    const model = await findModel(db, id);
    if (!model) throw new ModelNotFound(id);
    return model;
  }

  async function register(dir: string): Promise<RegisteredModel> {
    const source = path.resolve(dir);
    const meta = await readModelDirectory(source);
    const existing = await findModel(db, meta.id);
    if (existing) {
      if (!sameModel(existing, meta)) throw new ModelAlreadyRegistered(meta.id);
      return existing;
    }
    const target = path.join(path.resolve(deps.modelsDir), meta.id);
    await copyModelDirectory(source, target);
    const files = await readModelFiles(target);
    const row = { id: meta.id, kind: meta.kind, createdAt: meta.createdAt, meta, path: target, dataHash: meta.dataHash };
    const inserted = await db.transaction((tx) => insertModel(db, tx, row, files));
    const model = await get(meta.id);
    if (!inserted && !sameModel(model, meta)) throw new ModelAlreadyRegistered(meta.id);
    if (inserted) log.info({ model: meta.id, path: target, dataHash: meta.dataHash }, 'model registered');
    return model;
  }

  async function switchTo(
    pick: (models: RegisteredModel[]) => RegisteredModel,
    reason: ModelActivatedPayload['reason'],
  ): Promise<ActivationResult> {
    const result = await db.transaction(async (tx) => {
      const models = await lockModels(db, tx);
      const current = models.find((m) => m.active);
      const target = pick(models);
      if (current?.id === target.id) return { model: target, previousModelId: current.previousActive, changed: false };
      // A rollback leaves the target's own previous_active, so the next rollback goes further back.
      await setActiveModel(db, tx, target.id, current?.id, reason === 'rollback');
      const payload: ModelActivatedPayload = {
        modelId: target.id,
        previousModelId: current?.id ?? null,
        reason,
        activatedAt: new Date().toISOString(),
      };
      await appendToOutbox(tx, [{ topic: MODEL_ACTIVATED_TOPIC, payload }], deps.relay);
      return { model: (await findModel(db, target.id, tx))!, previousModelId: current?.id, changed: true };
    });
    if (result.changed) {
      log.info({ model: result.model.id, previous: result.previousModelId, reason }, 'prediction model activated');
      for (const listener of listeners) {
        // The activation is committed whatever a listener does; a failing one is logged.
        await Promise.resolve()
          .then(() => listener(result.model.id))
          .catch((err) => log.warn({ err, model: result.model.id }, 'listener of model activations failed'));
      }
    }
    return result;
  }

  return {
    register,
    list: () => listModels(db),
    get,
    active: () => findActiveModel(db),
    activate: (id) =>
      switchTo((models) => {
        const target = models.find((m) => m.id === id);
        if (!target) throw new ModelNotFound(id);
        return target;
      }, 'activate'),
    rollback: () =>
      switchTo((models) => {
        const current = models.find((m) => m.active);
        if (!current) throw new NothingToRollBack('No model is active, so there is nothing to roll back.');
        const previous = current.previousActive && models.find((m) => m.id === current.previousActive);
        if (!previous) throw new NothingToRollBack(`Model '${current.id}' was the first one activated: there is no previous model to go back to.`);
        return previous;
      }, 'rollback'),
    async ensureDefault(defaultDir) {
      // There is no way to deactivate a model: none active means none was ever activated here.
      if (await findActiveModel(db)) return undefined;
      if (!(await hasModel(defaultDir))) {
        log.warn({ dir: defaultDir }, 'no active model and no shipped default model: failure scoring waits for `vnfm-plugin models register` and `activate`');
        return undefined;
      }
      const model = await register(defaultDir);
      return (await switchTo((models) => models.find((m) => m.id === model.id) ?? model, 'default')).model;
    },
    async localDir(id) {
      const dir = path.join(path.resolve(deps.modelsDir), id);
      if (await hasModel(dir)) return dir;
      const files = await loadModelFiles(db, id);
      if (files.length === 0) throw new ModelNotFound(id);
      await writeModelFiles(files, dir);
      log.info({ model: id, path: dir, files: files.length }, 'model files written from the database');
      return dir;
    },
    onActivated(listener) {
      listeners.push(listener);
    },
  };
}
