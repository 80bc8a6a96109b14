/** SQL of the model registry (table prediction_models); returns plain RegisteredModel values. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { ScoringModelMeta } from './model-port.ts';

export interface RegisteredModel {
  readonly id: string;
  readonly kind: string;
  /** When the model was trained (meta.createdAt), ISO 8601. */
  readonly createdAt: string;
  readonly registeredAt: string;
  /** meta.json as stored, with every field the trainer wrote. */
  readonly meta: ScoringModelMeta & Record<string, unknown>;
  /** Directory holding model.json, the weights and meta.json. */
  readonly path: string;
  readonly dataHash: string;
  readonly active: boolean;
  readonly activatedAt?: string;
  /** The model that was active when this one was activated (where a rollback goes). */
  readonly previousActive?: string;
}

interface ModelRow {
  id: string;
  kind: string;
  created_at: Date;
  registered_at: Date;
  meta: ScoringModelMeta & Record<string, unknown>;
  path: string;
  data_hash: string;
  active: boolean;
  activated_at: Date | null;
  previous_active: string | null;
}

const COLUMNS = 'id, kind, created_at, registered_at, meta, path, data_hash, active, activated_at, previous_active';

function toModel(r: ModelRow): RegisteredModel {
  return {
    id: r.id,
    kind: r.kind,
    createdAt: new Date(r.created_at).toISOString(),
    registeredAt: new Date(r.registered_at).toISOString(),
    meta: typeof r.meta === 'string' ? JSON.parse(r.meta) : r.meta,
    path: r.path,
    dataHash: r.data_hash,
    active: r.active,
    ...(r.activated_at && { activatedAt: new Date(r.activated_at).toISOString() }),
    ...(r.previous_active && { previousActive: r.previous_active }),
  };
}

type Runner = { db: Database; tx?: Transaction };

async function select(run: Runner, where: string, bind: unknown[] = [], lock = false): Promise<RegisteredModel[]> {
  const rows = await run.db.sequelize.query<ModelRow>(
    `SELECT ${COLUMNS} FROM prediction_models ${where} ORDER BY registered_at DESC, id${lock ? ' FOR UPDATE' : ''}`,
    { bind, type: QueryTypes.SELECT, transaction: run.tx },
  );
  return rows.map(toModel);
}

/** Every registered model, most recently registered first. */
export function listModels(db: Database): Promise<RegisteredModel[]> {
  return select({ db }, '');
}

export async function findModel(db: Database, id: string, tx?: Transaction): Promise<RegisteredModel | undefined> {
  return (await select({ db, tx }, 'WHERE id = $1', [id]))[0];
}

export async function findActiveModel(db: Database, tx?: Transaction): Promise<RegisteredModel | undefined> {
  return (await select({ db, tx }, 'WHERE active'))[0];
}

/** Only the id of the active model: what every process polls. */
export async function activeModelId(db: Database): Promise<string | undefined> {
  const [row] = await db.sequelize.query<{ id: string }>('SELECT id FROM prediction_models WHERE active', { type: QueryTypes.SELECT });
  return row?.id;
}

/** Locks every row (there are few): activations run one at a time, whatever the process. */
export function lockModels(db: Database, tx: Transaction): Promise<RegisteredModel[]> {
  return select({ db, tx }, '', [], true);
}

export interface ModelFile {
  /** Path relative to the model directory, '/'-separated. */
  readonly name: string;
  readonly content: Buffer;
}

/** Inserts the model and its files; false (and nothing written) when a model with that id exists already. */
export async function insertModel(
  db: Database,
  tx: Transaction,
  model: { id: string; kind: string; createdAt: string; meta: unknown; path: string; dataHash: string },
  files: readonly ModelFile[],
): Promise<boolean> {
  const rows = await db.sequelize.query<{ id: string }>(
    `INSERT INTO prediction_models (id, kind, created_at, meta, path, data_hash)
     VALUES ($1, $2, $3::timestamptz, $4::jsonb, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
    { bind: [model.id, model.kind, model.createdAt, JSON.stringify(model.meta), model.path, model.dataHash], type: QueryTypes.SELECT, transaction: tx },
  );
  if (rows.length === 0) return false;
  for (const f of files) {
    await db.sequelize.query('INSERT INTO prediction_model_files (model_id, name, content) VALUES ($1, $2, $3)', {
      bind: [model.id, f.name, f.content],
      transaction: tx,
    });
  }
  return true;
}

export async function loadModelFiles(db: Database, id: string): Promise<ModelFile[]> {
  const rows = await db.sequelize.query<{ name: string; content: Buffer }>(
    'SELECT name, content FROM prediction_model_files WHERE model_id = $1 ORDER BY name',
    { bind: [id], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ name: r.name, content: Buffer.from(r.content) }));
}

/**
 * Makes `id` the active model. `previousActive` is recorded on it unless `keepPrevious`
 * (a rollback keeps the target's own history, so a second rollback goes one step further back).
 */
export async function setActiveModel(
  db: Database,
  tx: Transaction,
  id: string,
  previousActive: string | undefined,
  keepPrevious: boolean,
): Promise<void> {
  // Deactivate first: the partial unique index allows one active row at any moment.
  await db.sequelize.query('UPDATE prediction_models SET active = false WHERE active AND id <> $1', { bind: [id], transaction: tx });
  await db.sequelize.query(
    `UPDATE prediction_models SET active = true, activated_at = now()${keepPrevious ? '' : ', previous_active = $2'} WHERE id = $1`,
    { bind: keepPrevious ? [id] : [id, previousActive ?? null], transaction: tx },
  );
}
