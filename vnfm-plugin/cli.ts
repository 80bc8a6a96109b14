import { Command, Option } from 'commander';
import { ConfigError, describeConfig, loadConfig } from '../platform/config/config.ts';
import { pino } from 'pino';
import { createLogger } from '../platform/logger.ts';
import { databaseOptionsFrom, openDatabase } from '../platform/db/database.ts';
import { createMigrator, migrateDown, migrateUp } from '../platform/db/migrator.ts';
import { registerEvaluateCommand } from '../prediction/cli/evaluate.command.ts';
import { registerModelsCommand } from '../prediction/cli/models.command.ts';
import { registerTrainCommand } from '../prediction/cli/train.command.ts';
import { registerReplayCommand } from '../lcm/decision/replay/replay.command.ts';
import { registerTackerCommand } from './tacker/index.ts';
import { startService } from './service.ts';

const program = new Command()
  .name('vnfm-plugin')
  .description('Proactive live-migration VNFM plugin for OpenStack Tacker (ETSI NFV-SOL 002/003)')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: true });

program
  .command('serve')
  .description('Run the plugin: HTTP APIs, event bus and background workers (embedded defaults when nothing is configured)')
  .action(async () => {
    const config = loadConfig();
    const log = createLogger(config.log.level);
    const service = await startService(config, log);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      await service.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('Apply (or revert) database migrations from migrations/')
  .addOption(new Option('--down [name]', 'revert migrations down to, not including, NAME (all when no NAME)'))
  .option('--status', 'list applied and pending migrations, change nothing')
  .action(async (opts: { down?: string | true; status?: boolean }) => {
    const config = loadConfig();
    // stdout carries the JSON result; the log goes to stderr so `| jq` works.
    const log = createLogger(config.log.level, pino.destination(2));
    const db = await openDatabase(databaseOptionsFrom(config, log));
    try {
      if (opts.status) {
        const migrator = createMigrator(db.sequelize, log);
        const executed = (await migrator.executed()).map((m) => m.name);
        const pending = (await migrator.pending()).map((m) => m.name);
        console.log(JSON.stringify({ database: db.description, executed, pending }, null, 2));
      } else if (opts.down !== undefined) {
        const reverted = await migrateDown(db, log, opts.down === true ? 0 : opts.down);
        console.log(JSON.stringify({ reverted }, null, 2));
      } else {
        const applied = await migrateUp(db, log);
        console.log(JSON.stringify({ applied }, null, 2));
      }
    } finally {
      await db.close();
    }
  });

program
  .command('config')
  .description('Print the effective configuration (environment and VNFM_CONFIG file), secrets masked')
  .action(() => {
    console.log(JSON.stringify(describeConfig(), null, 2));
  });

registerTrainCommand(program);
registerEvaluateCommand(program);
registerModelsCommand(program);
registerReplayCommand(program);
registerTackerCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : (err as Error).message;
  console.error(`vnfm-plugin: ${message}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
