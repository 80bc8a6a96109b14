/**
 * `vnfm-plugin replay --data FILE [--model DIR]`: the paper's experiment on any dataset-format
 * file. Prints the throughput table (text), or with --json one JSON object on
 * the last line, and writes the bar chart (--plot, default replay.svg).
 */
import path from 'node:path';
import { Command } from 'commander';
import { loadDataFile } from '../../../prediction/dataset/dataset-files.ts';
import { DEFAULT_MODEL_DIR } from '../../../prediction/index.ts';
import type { DestinationStrategy } from '../../vnfd/vnfd.types.ts';
import { buildTimeline } from './replay-timeline.ts';
import { writeReplayPlot } from './replay-plot.ts';
import { formatReplayTable, replayJson } from './replay-report.ts';
import { REPLAY_DEFAULTS, replayTrace, scoreForReplay, type ReplayOptions } from './replay.ts';

export interface ReplayCommandOptions {
  data?: string;
  model?: string;
  json?: boolean;
  plot?: string | false;
  rateMbps?: string;
  bandwidthMbps?: string;
  dirtyRateMbps?: string;
  healSeconds?: string;
  hosts?: string;
  strategy?: string;
  consecutive?: string;
  cooldown?: string;
}

interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const STRATEGIES: readonly DestinationStrategy[] = ['forecast', 'least-loaded', 'random'];

class UsageError extends Error {}

function num(v: string | undefined, name: string, min: number, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < min || (integer && !Number.isInteger(x))) throw new UsageError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got '${v}'`);
  return x;
}

function optionsOf(o: ReplayCommandOptions): Partial<ReplayOptions> {
  const d = REPLAY_DEFAULTS;
  if (o.strategy !== undefined && !STRATEGIES.includes(o.strategy as DestinationStrategy)) {
    throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got '${o.strategy}'`);
  }
  return {
    rateMbps: num(o.rateMbps, '--rate-mbps', 0.001) ?? d.rateMbps,
    strategy: (o.strategy as DestinationStrategy | undefined) ?? d.strategy,
    world: {
      ...d.world,
      bandwidthMBps: num(o.bandwidthMbps, '--bandwidth-mbps', 1) ?? d.world.bandwidthMBps,
      dirtyRateMBps: num(o.dirtyRateMbps, '--dirty-rate-mbps', 0) ?? d.world.dirtyRateMBps,
      healSeconds: num(o.healSeconds, '--heal-seconds', 0) ?? d.world.healSeconds,
      hosts: num(o.hosts, '--hosts', 2, true) ?? d.world.hosts,
    },
    policy: {
      ...d.policy,
      consecutiveWindows: num(o.consecutive, '--consecutive', 1, true) ?? d.policy.consecutiveWindows,
      cooldownSeconds: num(o.cooldown, '--cooldown', 0) ?? d.policy.cooldownSeconds,
    },
  };
}

export async function runReplayCommand(opts: ReplayCommandOptions, out: Out): Promise<number> {
  if (!opts.data) {
    out.stderr('vnfm-plugin replay: --data FILE is required\n');
    return 2;
  }
  let options: Partial<ReplayOptions>;
  try {
    options = optionsOf(opts);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out.stderr(`vnfm-plugin replay: ${err.message}\n`);
    return 2;
  }
  const trace = await loadDataFile(opts.data);
  const step = buildTimeline(trace).stepSeconds;
  const scores = await scoreForReplay(trace, opts.model ?? DEFAULT_MODEL_DIR, step);
  const report = await replayTrace(trace, scores, options);
  const plot = opts.plot === false ? undefined : (opts.plot ?? 'replay.svg');
  if (plot) await writeReplayPlot(plot, report);
  if (!opts.json) {
    out.stdout(formatReplayTable(report));
    if (plot) out.stdout(`plot: ${path.resolve(plot)}\n`);
  }
  if (opts.json) out.stdout(`${replayJson(report)}\n`);
  return 0;
}

export function registerReplayCommand(program: Command): Command {
  const d = REPLAY_DEFAULTS;
  return program
    .command('replay')
    .description("Replay a dataset-format file through the decision engine and the simulated VIM: average downlink throughput without migration, with the policy at thresholds 0.5-0.9, and with an oracle (the paper's Fig. 5)")
    .option('--data <file>', 'dataset-format file (data.txt layout: tab-separated, label in column 6)')
    .option('--model <dir>', 'failure model directory (default: the shipped model)')
    .option('--json', 'print one JSON object on the last line of stdout instead of the table')
    .option('--plot <file.svg>', 'where to write the bar chart (default replay.svg)')
    .option('--no-plot', 'write no chart')
    .option('--rate-mbps <n>', `downlink rate while the VNF is served, Mbit/s (default ${d.rateMbps})`)
    .option('--bandwidth-mbps <n>', `live-migration bandwidth, MiB/s (default ${d.world.bandwidthMBps}, about 10 Gbit/s)`)
    .option('--dirty-rate-mbps <n>', `memory the vEPC writes, MiB/s (default ${d.world.dirtyRateMBps})`)
    .option('--heal-seconds <n>', `heal by re-creating the VNF until it serves again, s (default ${d.world.healSeconds})`)
    .option('--hosts <n>', `compute hosts (default ${d.world.hosts})`)
    .option('--strategy <name>', `destination strategy: ${STRATEGIES.join(' | ')} (default ${d.strategy})`)
    .option('--consecutive <n>', `windows in a row over the threshold before acting (default ${d.policy.consecutiveWindows})`)
    .option('--cooldown <s>', `seconds between two actions on the VNF (default ${d.policy.cooldownSeconds})`)
    .addHelpText(
      'after',
      '\nThe VNF runs on one host of the simulated VIM; each failure run of the file is a failure of the host the VNF\n' +
        'ran on when that scenario started. Throughput is the full rate while the VNF is served, zero while its host\n' +
        'is failed or it is being healed, and zero during a live migration\'s pause. The oracle migrates once per\n' +
        'failure, finishing just before it starts. Variants: long-only (acts only when the long-failure probability\n' +
        "reaches the model's long threshold) and heal-fallback (re-creates the VNF when the failure comes first).",
    )
    .action(async (opts: ReplayCommandOptions) => {
      process.exitCode = await runReplayCommand(opts, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
    });
}
