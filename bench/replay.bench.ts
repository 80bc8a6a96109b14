// The decision engine's speed and the paper's experiment:
// 1. replay (printed second): `vnfm-plugin replay` on the shared dataset (../shared/datasets/vepc-paging-failure/
//    data.txt) with the shipped model: the throughput table and migration counts, on the whole
//    file and on the rows the model was not fitted on; skipped with the reason when the file
//    is absent.
// 2. latency (measured first): 1,000 monitored VNFs on 25 hosts of the simulated VIM; each round one
//    `prediction.failure_scores` event with 1,000 scores, in which every VNF of one host (a
//    different host each round) scores 0.95 and the others under 0.5, goes through the real
//    consumer (inbox, decisions stored in the embedded PostgreSQL in memory) and the engine in
//    auto mode. Latency is from the event handed to the consumer to the heal request sent (the
//    LCM port's requestHeal called, which starts the simulated VIM's live migration), per
//    migration. The LCM's own work (op occ, grant) is not included.
// Options: --model DIR, --vnfs N (1000), --hosts N (25), --skip-replay, --skip-latency.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDecisionModule } from '../lcm/decision/index.ts';
import type { MonitoredVnfc } from '../lcm/decision/ports.ts';
import { vnfcKey } from '../lcm/decision/decision.types.ts';
import { buildTimeline } from '../lcm/decision/replay/replay-timeline.ts';
import { formatReplayTable, replayJson } from '../lcm/decision/replay/replay-report.ts';
import { replayTrace, scoreForReplay } from '../lcm/decision/replay/replay.ts';
import type { AutomaticHealRequest } from '../lcm/engine/lcm.port.ts';
import { ManualClock } from '../lcm/vim/simulated/manual-clock.ts';
import { SimulatedVim } from '../lcm/vim/simulated/simulated-vim.ts';
import { InProcessEventBus } from '../platform/bus/in-process-bus.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateUp } from '../platform/db/migrator.ts';
import { createLogger } from '../platform/logger.ts';
import { SeededRng } from '../platform/seeded-rng.ts';
import { forecastHost } from '../prediction/capacity/host-forecast.ts';
import { generateCapacityTrace } from '../prediction/capacity/capacity-trace.ts';
import { loadDataFile, sharedDatasetDir } from '../prediction/dataset/dataset-files.ts';
import { DEFAULT_MODEL_DIR } from '../prediction/index.ts';
import type { FailureScorePayload } from '../prediction/scoring/failure-score.ts';
import { FAILURE_SCORES_TOPIC } from '../prediction/scoring/online-scorer.ts';

function option(options: string[], name: string, fallback: number): number {
  const i = options.indexOf(name);
  const v = i >= 0 ? Number(options[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}

const WARM_UP_ROUNDS = 3;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (v: number) => Math.round(v * 100) / 100;

async function benchReplayTable(modelDir: string): Promise<Record<string, unknown>> {
  const dir = sharedDatasetDir();
  if (!dir) {
    const reason = 'the shared dataset ../shared/datasets/vepc-paging-failure/data.txt is absent';
    console.log(`replay: skipped: ${reason}`);
    return { skipped: reason };
  }
  const trace = await loadDataFile(path.join(dir, 'data.txt'));
  const scores = await scoreForReplay(trace, modelDir, buildTimeline(trace).stepSeconds);
  const started = performance.now();
  const whole = await replayTrace(trace, scores);
  console.log(`replay (shared data.txt, model ${scores.modelId}; 17 replays in ${((performance.now() - started) / 1000).toFixed(1)} s):\n`);
  console.log(formatReplayTable(whole));
  // The tables are printed above; bench/run.ts prints what is returned: the goals and the baselines.
  const summary = (r: typeof whole) => {
    const j = JSON.parse(replayJson(r)) as Record<string, unknown>;
    return { source: j.source, model: j.model, oracle: j.oracle, noMigration: j.noMigration, goals: j.goals };
  };
  const out: Record<string, unknown> = { whole: summary(whole) };
  // The shipped model was fitted on the first rows of this same file: replay the rest apart.
  const meta = JSON.parse(await readFile(path.join(modelDir, 'meta.json'), 'utf8')) as { metrics?: { rows?: { validation?: { start: number } } } };
  const from = meta.metrics?.rows?.validation?.start;
  if (from !== undefined && from > 0 && from < trace.rows.length - 100) {
    const part = { rows: trace.rows.slice(from), source: `data.txt rows ${from + 1}-${trace.rows.length} (not fitted on)` };
    const sliced = { ...scores, failure: Array.from(scores.failure).slice(from), long: Array.from(scores.long).slice(from) };
    const unseen = await replayTrace(part, sliced);
    console.log(formatReplayTable(unseen));
    out.notFittedOn = summary(unseen);
  }
  return out;
}

async function benchLatency(vnfs: number, hosts: number): Promise<Record<string, unknown>> {
  const log = createLogger('silent');
  const db = await openDatabase({ url: undefined, embeddedDataDir: undefined, embeddedPort: 0, poolMax: 4, log });
  const bus = new InProcessEventBus(log);
  try {
    await migrateUp(db, log);
    const clock = new ManualClock(Date.now()); // never advanced: every migration stays in flight
    const vim = new SimulatedVim({
      hosts: Array.from({ length: hosts }, (_, i) => ({ name: `compute-${String(i + 1).padStart(2, '0')}`, capacity: { vcpus: 256, ramMb: 1_048_576, diskGb: 20_000 } })),
      clock,
      bootMs: 0,
    });
    const monitored = new Map<string, MonitoredVnfc>();
    for (let i = 0; i < vnfs; i++) {
      const s = await vim.createServer({ name: `vnfc-${i}`, resources: { vcpus: 2, ramMb: 4096, diskGb: 20 }, image: 'srsepc' });
      await clock.advance(1);
      const v: MonitoredVnfc = {
        vnfInstanceId: `vnf-${i}`, vnfcInstanceId: `vnfc-${i}`, vduId: 'VDU1', serverId: s.id, host: (await vim.getServer(s.id))!.host!,
        policy: {
          name: 'proactive', targets: ['VDU1'], scoreThreshold: 0.7, hysteresis: 0.1, consecutiveWindows: 1, minLeadSeconds: 0, cooldownSeconds: 600,
          maxConcurrentPerHost: vnfs, destinationStrategy: 'forecast', longFailuresOnly: false, fallbackAction: 'heal-recreate', autoHealEnabled: true,
        },
        flavor: { vcpus: 2, ramMb: 4096, diskGb: 20 },
        expectedMigrationSeconds: vim.estimateMigration(s.id).durationMs / 1000,
      };
      monitored.set(vnfcKey(v), v);
    }
    // Forecasts as the store adapter keeps them: made once, served from its cache.
    const cap = generateCapacityTrace({ hosts, days: 2, seed: 3 });
    const forecasts = new Map(cap.hosts.map((h, i) => {
      const at = cap.start + h.cpu.length * cap.stepSeconds;
      const pts = (v: number[]) => v.map((x, k) => [cap.start + k * cap.stepSeconds, x] as const);
      const f = forecastHost(`compute-${String(i + 1).padStart(2, '0')}`, at, { cpu: pts(h.cpu), mem: pts(h.mem) });
      return [f.host, { cpu: f.upper.cpu!, mem: f.upper.mem! }] as const;
    }));
    const latencies: number[] = [];
    const serverOf = new Map([...monitored.values()].map((v) => [v.vnfInstanceId, v.serverId]));
    const module = createDecisionModule({
      db, bus, log,
      config: { publicUrl: 'http://127.0.0.1', http: { pageSize: 100, validateResponses: false }, decision: { mode: 'auto' } },
      lcm: {
        async requestHeal(vnfInstanceId: string, r: AutomaticHealRequest) {
          await vim.liveMigrate(serverOf.get(vnfInstanceId)!, r.additionalParams!.targetHost!);
          return { accepted: true as const, vnfLcmOpOccId: randomUUID() };
        },
        unfinishedOperation: async () => undefined,
        listVnfcPlacements: async () => [],
      },
      catalogue: { get: () => undefined },
      vim,
      vnfcs: { resolve: async (keys) => new Map(keys.flatMap((k) => (monitored.has(vnfcKey(k)) ? [[vnfcKey(k), monitored.get(vnfcKey(k))!] as const] : []))) },
      forecasts: { forecast: async (hs) => new Map(hs.flatMap((h) => (forecasts.has(h) ? [[h, forecasts.get(h)!] as const] : []))) },
      onRequested: (_d, latency) => latencies.push(latency),
    });
    await module.start();
    const rng = new SeededRng(7);
    const roundMs: number[] = [];
    /** CPU time of this process per round: on a busy machine wall time is much longer than this. */
    const roundCpuMs: number[] = [];
    const hostNames = [...forecasts.keys()];
    // Each round one host is about to fail; every host fails once. The first rounds load and
    // compile code paths (JIT, lazily imported modules) and are not counted.
    const warmUp = Math.min(WARM_UP_ROUNDS, hosts - 1);
    const rounds = hosts - warmUp;
    for (let r = 0; r < hosts; r++) {
      if (r === warmUp) latencies.length = 0;
      const failing = hostNames[r];
      const ts = new Date().toISOString();
      const payload: FailureScorePayload[] = [...monitored.values()].map((v) => ({
        vnfInstanceId: v.vnfInstanceId, vnfcInstanceId: v.vnfcInstanceId, host: v.host, failureScore: v.host === failing ? 0.95 : rng.uniform(0, 0.5),
        longProbability: rng.next(), inFailure: false, threshold: 0.8, longThreshold: 0.6, horizonSeconds: 60, modelId: 'bench', ts,
      }));
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await bus.publish({ id: randomUUID(), topic: FAILURE_SCORES_TOPIC, occurredAt: ts, payload });
      await module.engine.settled();
      if (r >= warmUp) {
        roundMs.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        roundCpuMs.push((c.user + c.system) / 1000);
      }
    }
    await module.stop();
    const sorted = [...latencies].sort((a, b) => a - b);
    const rs = [...roundMs].sort((a, b) => a - b);
    const cs = [...roundCpuMs].sort((a, b) => a - b);
    const result = {
      vnfs, hosts, rounds, warmUpRounds: warmUp, migrationsRequested: latencies.length, loadAverage: loadavg(),
      latencyMs: { p50: ms(pct(sorted, 50)), p99: ms(pct(sorted, 99)), max: ms(sorted[sorted.length - 1] ?? NaN) },
      roundMs: { p50: ms(pct(rs, 50)), p99: ms(pct(rs, 99)) },
      roundCpuMs: { p50: ms(pct(cs, 50)), p99: ms(pct(cs, 99)) },
    };
    console.log(
      `decision latency, score arrival -> migration request sent: ${vnfs} monitored VNFs on ${hosts} simulated hosts, ${rounds} rounds of ${vnfs} scores ` +
        `(all VNFs of one host over the threshold each round; ${warmUp} warm-up rounds before), ${latencies.length} migrations requested: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
        `max ${result.latencyMs.max} ms (target p99 < 100 ms: ${result.latencyMs.p99 < 100 ? 'met' : 'NOT met'}); whole round p50 ${result.roundMs.p50} ms (CPU ${result.roundCpuMs.p50} ms); ` +
        `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`,
    );
    return result;
  } finally {
    await bus.close();
    await db.close();
  }
}

export async function benchReplay(options: string[] = []): Promise<Record<string, unknown>> {
  const m = options.indexOf('--model');
  const modelDir = m >= 0 ? path.resolve(options[m + 1]) : DEFAULT_MODEL_DIR;
  const out: Record<string, unknown> = {};
  // Latency first, on a quiet heap: the replay leaves the model and its arrays to collect.
  if (!options.includes('--skip-latency')) {
    out.latency = await benchLatency(option(options, '--vnfs', 1000), option(options, '--hosts', 25));
  }
  if (!options.includes('--skip-replay')) out.replay = await benchReplayTable(modelDir);
  return out;
}
