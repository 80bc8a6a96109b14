/**
 * `vnfm-plugin evaluate`: scores a dataset-format file with a trained model and both baselines
 * and reports step and event metrics; `--capacity` runs the host-capacity
 * forecaster's evaluation instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { evaluateCapacity, formatCapacityReport } from '../capacity/index.ts';
import { loadDataFile } from '../dataset/dataset-files.ts';
import { formatReportTable } from '../evaluation/report-table.ts';
import { writeScorePlot } from '../evaluation/score-plot.ts';
import { DEFAULT_MODEL_DIR } from '../index.ts';
import { evaluateModel } from '../model/evaluate-model.ts';
import { loadFailureModel } from '../model/failure-model.ts';
import { activeModelDir } from '../registry/active-model-dir.ts';

export interface EvaluateCommandOptions {
  model?: string;
  data?: string;
  json?: boolean;
  plot?: string;
  capacity?: boolean;
  baselineTrain?: string;
  seed?: number;
  days?: number;
  hosts?: number;
}

interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/**
 * The model `evaluate` uses without --model: PREDICTION_MODEL_DIR when set, else the registry's
 * active model, else the shipped one. A fresh clone has no embedded database yet: none is
 * created just to find that nothing is active.
 */
export async function defaultModelDir(config: Config): Promise<{ dir: string; why: string }> {
  if (config.prediction.modelDir) return { dir: config.prediction.modelDir, why: 'PREDICTION_MODEL_DIR' };
  const embeddedMissing = !config.database.url && !existsSync(path.join(config.dataDir, 'pgdata'));
  if (!embeddedMissing) {
    const dir = await activeModelDir(config, createLogger(config.log.level === 'info' ? 'warn' : config.log.level, pino.destination(2)));
    if (dir) return { dir, why: 'the active model' };
  }
  return { dir: DEFAULT_MODEL_DIR, why: 'no model active: the shipped model' };
}

export async function runEvaluate(opts: EvaluateCommandOptions, out: Out, config: () => Config = loadConfig): Promise<number> {
  if (opts.capacity) {
    // --data here is a capacity trace (JSON or CSV time,host,cpu,mem); without it a generated one.
    const report = evaluateCapacity({ data: opts.data, seed: opts.seed, days: opts.days, hosts: opts.hosts });
    if (opts.json) out.stdout(`${JSON.stringify(report)}\n`);
    else out.stdout(formatCapacityReport(report));
    return 0;
  }
  if (!opts.data) {
    out.stderr('vnfm-plugin evaluate: --data FILE is required\n');
    return 2;
  }
  const chosen = opts.model ? { dir: opts.model, why: '--model' } : await defaultModelDir(config());
  const dir = chosen.dir;
  const model = await loadFailureModel(dir);
  try {
    const trace = await loadDataFile(opts.data);
    const baselineTrain = opts.baselineTrain ? await loadDataFile(opts.baselineTrain) : undefined;
    const report = await evaluateModel(model, trace, { baselineTrain });
    if (opts.plot) {
      const i = report.input;
      await writeScorePlot(opts.plot, {
        time: i.time,
        failure: i.failure,
        score: i.score,
        longProbability: i.longProbability,
        threshold: model.meta.threshold,
        longThreshold: model.meta.longThreshold,
        extra: [
          { name: 'rule', values: Array.prototype.slice.call(report.rule.score, report.judged.start, report.judged.end) as number[] },
          { name: 'logistic', values: Array.prototype.slice.call(report.logistic.score, report.judged.start, report.judged.end) as number[] },
        ],
        title: `${model.meta.id} on ${path.basename(opts.data)}`,
      });
    }
    if (!opts.json) {
      out.stdout(`model ${model.meta.id} (${chosen.why}, ${dir}); ${report.baselineFit}\n`);
      out.stdout(`long threshold ${model.meta.longThreshold.toFixed(3)}; baselines' own thresholds chosen on their fitting part\n\n`);
      out.stdout(formatReportTable(report.rows));
      if (opts.plot) out.stdout(`plot: ${path.resolve(opts.plot)}\n`);
    }
    if (opts.json) out.stdout(`${JSON.stringify(report.json)}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

const positiveInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

export function registerEvaluateCommand(program: Command): Command {
  return program
    .command('evaluate')
    .description('Score a dataset-format file with a failure model and two baselines; step and event metrics')
    .option('--model <dir>', 'model directory (default: PREDICTION_MODEL_DIR, else the registry\'s active model, else the shipped prediction/models/default)')
    .option('--data <file>', 'dataset-format file to evaluate on (data.txt layout)')
    .option('--baseline-train <file>', 'fit the logistic baseline on this whole file and judge all scorers on the whole --data file')
    .option('--json', 'print one JSON object on the last line of stdout')
    .option('--plot <file.svg>', 'write score against ground truth over time (SVG)')
    .option('--capacity', 'evaluate the host-capacity forecaster against last-value and moving-average baselines instead; --data is then a capacity trace (JSON, or CSV time,host,cpu,mem), a generated one when omitted')
    .option('--seed <n>', 'with --capacity and no --data: seed of the generated trace (default 1)', positiveInt('--seed'))
    .option('--days <n>', 'with --capacity and no --data: days of the generated trace', positiveInt('--days'))
    .option('--hosts <n>', 'with --capacity and no --data: hosts of the generated trace', positiveInt('--hosts'))
    .addHelpText(
      'after',
      '\nWithout --baseline-train the logistic baseline is fitted on the first 60 % of --data (cut at a scenario-block\n' +
        'boundary, H rows purged) and every scorer, the model included, is judged on the remaining 40 % only.\n' +
        'JSON keys are at the model\'s own threshold (baselines too); "baselinesAtOwnThreshold" has each baseline at a\n' +
        'threshold chosen, by the same rule as the model\'s, on its fitting part; "sweep" has the model at 0.5-0.9.\n' +
        'Without --model the active model is read from the database: with the embedded database, stop `serve` first.',
    )
    .action(async (opts: EvaluateCommandOptions) => {
      process.exitCode = await runEvaluate(opts, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
    });
}
