/**
 * `vnfm-plugin train`: fits the failure model on dataset-format file(s) or on one entity's
 * stored series (--from-store) and writes the model directory (model.json, weights.bin,
 * meta.json); with --cv K it cross-validates the same settings instead and writes nothing.
 * Progress (epoch, loss, validation metrics, ETA) on stderr; results on stdout.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../../platform/config/config.ts';
import { loadDataFile } from '../dataset/dataset-files.ts';
import type { Trace } from '../dataset/trace.ts';
import { initTf } from '../model/tf-backend.ts';
import { crossValidate } from '../training/cross-validate.ts';
import { formatCvReport } from '../training/cv-report.ts';
import { StoreTraceError } from '../training/store-trace.ts';
import { train, type TrainOptions, type TrainResult } from '../training/train-model.ts';
import { concatTraces } from '../training/training-data.ts';
import { loadStoreTrace, type StoreSourceOptions } from './store-source.ts';

export interface TrainCommandOptions extends StoreSourceOptions {
  data?: string[];
  fromStore?: boolean;
  horizon: number;
  out?: string;
  cv?: number;
  json?: boolean;
  units?: number;
  epochs?: number;
  seed: number;
  quick?: boolean;
  window?: number;
  progress?: boolean;
}

const positiveInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

async function hashFiles(files: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) h.update(await readFile(f));
  return h.digest('hex');
}

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

/** The training trace, from the files or the store; a string is the reason it cannot be had. */
async function loadTrace(opts: TrainCommandOptions, config?: () => Config): Promise<{ trace: Trace; dataHash?: string } | string> {
  if (opts.fromStore && opts.data?.length) return 'give --data or --from-store, not both';
  if (opts.fromStore) {
    try {
      const trace = await loadStoreTrace(opts, config);
      if (trace.rows.length === 0) return `no stored windows with cpu, mem and swap for ${opts.entity} in that range`;
      return { trace };
    } catch (err) {
      if (err instanceof StoreTraceError) return err.message;
      throw err;
    }
  }
  if (!opts.data?.length) return 'give --data FILE (repeatable) or --from-store --entity host:NAME';
  const traces = await Promise.all(opts.data.map((f) => loadDataFile(f)));
  return { trace: concatTraces(traces), dataHash: await hashFiles(opts.data) };
}

async function runCv(trace: Trace, opts: TrainCommandOptions, out: Out): Promise<number> {
  await initTf();
  const report = await crossValidate(trace, {
    folds: opts.cv,
    horizonSteps: opts.horizon,
    epochs: opts.epochs,
    seed: opts.seed,
    quick: opts.quick,
    windowSteps: opts.window,
    units: opts.units,
    onFold: (f) => {
      if (opts.progress === false) return;
      const m = f.scorers.model;
      out.stderr(`fold ${f.index + 1}/${opts.cv}: ${f.epochsRun} epochs, PR-AUC ${fmt(m.prAuc)}, warned@2 ${m.events.all.warned2}/${m.events.all.total}\n`);
    },
  });
  out.stdout(formatCvReport(report));
  if (opts.json) out.stdout(`${JSON.stringify(report)}\n`);
  return 0;
}

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

/** Trains and saves; returns the result, or an exit code for what is not possible. */
export async function runTrain(opts: TrainCommandOptions, out: Out, config?: () => Config): Promise<{ code: number; result?: TrainResult }> {
  if (opts.cv !== undefined && opts.cv < 2) {
    out.stderr('vnfm-plugin train: --cv needs at least 2 folds\n');
    return { code: 2 };
  }
  if (!opts.cv && !opts.out) {
    out.stderr('vnfm-plugin train: --out DIR is required (or --cv K to cross-validate)\n');
    return { code: 2 };
  }
  const loaded = await loadTrace(opts, config);
  if (typeof loaded === 'string') {
    out.stderr(`vnfm-plugin train: ${loaded}\n`);
    return { code: 2 };
  }
  const { trace } = loaded;
  if (opts.cv) return { code: await runCv(trace, opts, out) };
  const outDir = opts.out!;
  const showBar = opts.progress !== false;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: 'train |{bar}| epoch {value}/{total} | loss {loss} | val loss {valLoss} | val PR-AUC {valPr} | ETA {eta_formatted}',
          stream: process.stderr,
          hideCursor: false,
          etaBuffer: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  await initTf(); // logs the backend choice before the bar takes the line
  bar?.start(opts.epochs ?? (opts.quick ? 2 : 30), 0, { loss: '-', valLoss: '-', valPr: '-' });
  const options: TrainOptions = {
    horizonSteps: opts.horizon,
    epochs: opts.epochs,
    seed: opts.seed,
    quick: opts.quick,
    windowSteps: opts.window,
    units: opts.units,
    dataHash: loaded.dataHash,
    onEpoch: (r) => {
      if (!bar) return;
      bar.update(r.epoch, { loss: fmt(r.loss), valLoss: fmt(r.valLoss), valPr: fmt(r.valPrAuc) });
    },
  };
  let result: TrainResult;
  try {
    result = await train(trace, options);
    // Early stopping ends the run before the last epoch: show it as complete.
    bar?.setTotal(result.fit.epochsRun);
  } finally {
    bar?.stop();
  }
  await result.save(outDir);
  const m = result.meta;
  const hold = m.metrics.holdout as Record<string, any> | null;
  const lines = [
    `model ${m.id} (${m.backend}, ${m.windowSteps}-step windows, ${m.features.length} features, horizon ${m.horizonSteps} steps)`,
    `epochs run ${result.fit.epochsRun} (best ${result.fit.bestEpoch}), ${result.fit.secondsPerEpoch.toFixed(1)} s/epoch, ${result.trainSeconds.toFixed(1)} s in all`,
    `threshold ${m.threshold.toFixed(3)} (chosen on validation), long threshold ${m.longThreshold.toFixed(3)}`,
    hold
      ? `hold-out (last rows ${result.split.holdout.start + 1}-${result.split.holdout.end}): ROC-AUC ${fmt(hold.rocAuc)}, PR-AUC ${fmt(hold.prAuc)}, ` +
        `recall@2 ${fmt(hold.recall.all.warned2)} (${hold.events.all.warned2}/${hold.events.all.total}), FA/h ${fmt(hold.falseAlarmsPerHour, 2)}, ` +
        `long flagged ${hold.events.long.flaggedLong}/${hold.events.long.total}, short flagged ${hold.events.short.flaggedLong}/${hold.events.short.total}`
      : 'hold-out: none',
    path.resolve(outDir),
  ];
  out.stdout(`${lines.join('\n')}\n`);
  return { code: 0, result };
}

export function registerTrainCommand(program: Command): Command {
  return program
    .command('train')
    .description('Train the LSTM failure model on dataset-format file(s) or stored series and write a model directory')
    .option('--data <file>', 'dataset-format file (data.txt layout); repeat to concatenate files in order', collect)
    .option('--from-store', 'train on the monitoring store\'s aligned windows of one --entity instead')
    .option('--entity <kind:id>', 'with --from-store: host:NAME, vnf:ID or vnfc:ID (a VNF or VNFC: its host\'s cpu/mem/swap, its own events)')
    .option('--since <time>', 'with --from-store: start, ISO 8601 or epoch seconds (default: MONITORING_RETENTION_DAYS before --until)')
    .option('--until <time>', 'with --from-store: end, ISO 8601 or epoch seconds (default: now)')
    .addOption(new Option('--horizon <steps>', 'prediction horizon H in steps').default(12).argParser(positiveInt('--horizon')))
    .option('--out <dir>', 'directory to write model.json, weights.bin and meta.json to (required unless --cv)')
    .option('--cv <folds>', 'grouped, purged K-fold cross-validation of these settings instead of training: per-fold and mean±sd metrics of the model and both baselines; writes no model', positiveInt('--cv'))
    .option('--json', 'with --cv: also print the whole report as one JSON object on the last line')
    .option('--epochs <n>', 'maximum epochs (early stopping on validation loss; default 30, 2 with --quick)', positiveInt('--epochs'))
    .addOption(new Option('--seed <n>', 'seed for initial weights and shuffling').default(1).argParser(positiveInt('--seed')))
    .option('--window <steps>', 'rows per LSTM input window (default 12, 6 with --quick)', positiveInt('--window'))
    .option('--units <n>', 'LSTM units (default 16, 4 with --quick)', positiveInt('--units'))
    .option('--quick', 'a tiny model in seconds (for tests)')
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText(
      'after',
      '\nSplit: chronological, at scenario-block boundaries: first 70 % train, next 15 % validation (early stopping,\n' +
        'thresholds), last 15 % hold-out (reported, never used for choices). The scaler is fitted on the training rows.\n' +
        'With --cv K: K folds of consecutive scenario blocks, H rows purged around each test fold; inside each fold the\n' +
        'last 15 % of the training rows are its validation part. Use it for choices (window, units, horizon).',
    )
    .action(async (opts: TrainCommandOptions) => {
      const { code } = await runTrain(opts, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      process.exitCode = code;
    });
}
