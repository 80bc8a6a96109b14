/**
 * For commands that take a model directory (`evaluate` without --model): the registry's
 * active model on this machine, or undefined when none is active or the schema is not there.
 */
import path from 'node:path';
import type { Config } from '../../platform/config/config.ts';
import { databaseOptionsFrom, openDatabase } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { findActiveModel } from './model.repository.ts';
import { createModelRegistry } from './model-registry.ts';

export async function activeModelDir(config: Config, log: Logger): Promise<string | undefined> {
  const db = await openDatabase(databaseOptionsFrom(config, log));
  try {
    const active = await findActiveModel(db).catch((err: Error) => {
      // A database the plugin never migrated has no registry yet.
      if (/prediction_models/.test(err.message)) return undefined;
      throw err;
    });
    if (!active) return undefined;
    return await createModelRegistry({ db, log, modelsDir: path.join(config.dataDir, 'models') }).localDir(active.id);
  } finally {
    await db.close();
  }
}
