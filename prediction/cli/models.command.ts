/**
 * `vnfm-plugin models list [--json] | register DIR [--activate] | activate ID | rollback`:
 * the model registry from the command line, on the database of the configuration. A running
 * service picks up an activation or rollback within 10 s (it polls the active model id).
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { databaseOptionsFrom, openDatabase, type Database } from '../../platform/db/database.ts';
import { migrateUp } from '../../platform/db/migrator.ts';
import { createLogger, type Logger } from '../../platform/logger.ts';
import { modelsDirOf } from '../index.ts';
import { createModelRegistry, type ModelRegistry, type RegisteredModel } from '../registry/model-registry.ts';

export interface ModelsCommandOptions {
  /** Defaults to loadConfig() (environment and VNFM_CONFIG). */
  readonly config?: () => Config;
  /** Where results go (stdout by default). */
  readonly out?: (line: string) => void;
}

/** The JSON view of a model: its row plus the meta fields operators look at first. */
export function modelView(m: RegisteredModel): Record<string, unknown> {
  return {
    id: m.id,
    kind: m.kind,
    active: m.active,
    createdAt: m.createdAt,
    registeredAt: m.registeredAt,
    ...(m.activatedAt && { activatedAt: m.activatedAt }),
    ...(m.previousActive && { previousActive: m.previousActive }),
    horizonSteps: m.meta.horizonSteps,
    windowSteps: m.meta.windowSteps,
    threshold: m.meta.threshold,
    longThreshold: m.meta.longThreshold,
    dataHash: m.dataHash,
    path: m.path,
    metrics: m.meta.metrics ?? {},
  };
}

function table(models: readonly RegisteredModel[]): string[] {
  if (models.length === 0) return ['no models registered (vnfm-plugin models register DIR)'];
  const rows = models.map((m) => [
    m.active ? '*' : '',
    m.id,
    m.createdAt.slice(0, 19) + 'Z',
    String(m.meta.horizonSteps),
    m.meta.threshold.toFixed(3),
    m.dataHash.replace(/^sha256:/, '').slice(0, 12),
  ]);
  const head = ['', 'ID', 'CREATED', 'H', 'THRESHOLD', 'DATA'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  return [head, ...rows].map((r) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd());
}

export function registerModelsCommand(program: Command, options: ModelsCommandOptions = {}): void {
  const out = options.out ?? ((line: string) => console.log(line));
  const withRegistry = async (work: (registry: ModelRegistry, log: Logger) => Promise<void>) => {
    const config = (options.config ?? loadConfig)();
    // stdout carries the result; the log goes to stderr so `| jq` works.
    const log = createLogger(config.log.level, pino.destination(2));
    const db: Database = await openDatabase(databaseOptionsFrom(config, log));
    try {
      if (config.database.migrateOnStart) await migrateUp(db, log);
      await work(createModelRegistry({ db, log, modelsDir: modelsDirOf(config) }), log);
    } finally {
      await db.close();
    }
  };
  const models = program.command('models').description('Failure models: list, register, activate, roll back');

  models
    .command('list')
    .description('List registered models, most recent first; * marks the active one')
    .option('--json', 'print a JSON array')
    .action((opts: { json?: boolean }) =>
      withRegistry(async (registry) => {
        const list = await registry.list();
        if (opts.json) out(JSON.stringify(list.map(modelView), null, 2));
        else for (const line of table(list)) out(line);
      }),
    );

  models
    .command('register')
    .description('Copy a trained model directory (model.json, weights, meta.json) into VNFM_DATA_DIR/models and record it')
    .argument('<dir>', 'model directory, as written by `vnfm-plugin train --out`')
    .option('--activate', 'also make it the active model')
    .action((dir: string, opts: { activate?: boolean }) =>
      withRegistry(async (registry) => {
        let model = await registry.register(dir);
        if (opts.activate) model = (await registry.activate(model.id)).model;
        out(JSON.stringify(modelView(model), null, 2));
      }),
    );

  models
    .command('activate')
    .description('Make a registered model the one online scoring uses (running services switch within 10 s)')
    .argument('<id>', 'model id (see `models list`)')
    .action((id: string) =>
      withRegistry(async (registry) => {
        const r = await registry.activate(id);
        out(JSON.stringify({ active: r.model.id, previous: r.previousModelId ?? null, changed: r.changed }, null, 2));
      }),
    );

  models
    .command('rollback')
    .description('Go back to the model that was active before the current one')
    .action(() =>
      withRegistry(async (registry) => {
        const r = await registry.rollback();
        out(JSON.stringify({ active: r.model.id, previous: r.previousModelId ?? null, changed: r.changed }, null, 2));
      }),
    );
}
