/**
 * The load generator of the ingest benchmark, in a child process of its own so that the
 * measured service does not share its CPU with the senders: SENDERS concurrent HTTP
 * senders posting collectd write_http JSON bodies. Bodies are serialised once per host
 * with the time left open, and each body is that template joined with a fresh time
 * (every full round over the hosts is INTERVAL seconds later), so every sample is new.
 *
 * Parent side: `forkSenders(url, start)`; child side: this file run with an IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Parallel HTTP senders: the load the ingest target is stated for. */
export const SENDERS = 10;
/** Hosts whose collectd posts to the plugin; each body is one host's value lists (~500 values). */
export const HOSTS = 200;
/** collectd Interval: each round of bodies is INTERVAL seconds of data later than the previous one. */
export const INTERVAL = 10;

export interface RunResult {
  posts: number;
  values: number;
  failed: number;
  statuses: Record<string, number>;
  seconds: number;
  /** CPU time of the sender process during the run (µs). */
  senderCpuMicros: number;
}

interface RunCommand {
  readonly id: number;
  readonly seconds: number;
  readonly perSecond?: number;
  readonly posts?: number;
}

type ChildMessage = { type: 'ready' } | { type: 'done'; id: number; result: RunResult } | { type: 'progress'; values: number };

/** The write_http body of one host: gauge value lists as collectd 5.12 sends them, `time` left open. */
function hostBodyTemplate(host: string): { parts: string[]; values: number } {
  const lists: unknown[] = [];
  const add = (plugin: string, pi: string, type: string, ti: string, dsnames: string[], values: number[]) =>
    lists.push({ values, dstypes: dsnames.map(() => 'gauge'), dsnames, time: '@T@', interval: INTERVAL, host, plugin, plugin_instance: pi, type, type_instance: ti });
  const cpuStates = ['user', 'system', 'idle', 'wait', 'nice', 'interrupt', 'softirq', 'steal'];
  for (let cpu = 0; cpu < 48; cpu++) {
    for (const [i, s] of cpuStates.entries()) add('cpu', String(cpu), 'percent', s, ['value'], [s === 'idle' ? 71.5 - cpu / 10 : (i * 3.7 + cpu) % 9]);
  }
  for (const [i, s] of ['used', 'buffered', 'cached', 'free', 'slab_recl', 'slab_unrecl'].entries()) add('memory', '', 'memory', s, ['value'], [1e9 * (i + 1.5)]);
  for (const [i, s] of ['used', 'free', 'cached'].entries()) add('swap', '', 'swap', s, ['value'], [1e8 * (i + 1)]);
  add('load', '', 'load', '', ['shortterm', 'midterm', 'longterm'], [0.52, 0.61, 0.7]);
  for (let m = 0; m < 30; m++) {
    for (const [i, s] of ['used', 'free', 'reserved'].entries()) add('df', `mnt-${m}`, 'df_complex', s, ['value'], [1e10 * (i + 1) + m]);
  }
  for (const [i, s] of ['running', 'sleeping', 'zombies', 'stopped', 'paging', 'blocked'].entries()) add('processes', '', 'ps_state', s, ['value'], [i * 40]);
  add('users', '', 'users', '', ['value'], [3]);
  add('uptime', '', 'uptime', '', ['value'], [123456]);
  const values = lists.reduce<number>((n, l) => n + (l as { values: number[] }).values.length, 0);
  return { parts: JSON.stringify(lists).split('"@T@"'), values };
}

/** Round-robin over the hosts; each full round is INTERVAL seconds later. */
function collectdBodies(start: number) {
  const templates = Array.from({ length: HOSTS }, (_, h) => hostBodyTemplate(`bench-compute-${String(h).padStart(3, '0')}`));
  let i = 0;
  return () => {
    const host = i % HOSTS;
    const time = (start + Math.floor(i / HOSTS) * INTERVAL + 0.125).toFixed(3);
    i++;
    return { body: templates[host].parts.join(time), values: templates[host].values };
  };
}

/** Child side: runs the commands of the parent, one at a time. */
function serve(url: URL, start: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: SENDERS });
  const next = collectdBodies(start);
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** SENDERS senders post one body after another for `seconds` (or `posts` bodies), at most `perSecond` values/s together. */
  const run = async ({ seconds, perSecond, posts }: RunCommand): Promise<RunResult> => {
    const out: RunResult = { posts: 0, values: 0, failed: 0, statuses: {}, seconds: 0, senderCpuMicros: 0 };
    const cpu = process.cpuUsage();
    const begin = performance.now();
    const end = begin + seconds * 1000;
    let started = 0;
    const progress = setInterval(() => process.send!({ type: 'progress', values: out.values } satisfies ChildMessage), 1000);
    const one = async () => {
      while (posts !== undefined ? started++ < posts : performance.now() < end) {
        const b = next();
        const status = await post(b.body);
        out.posts++;
        out.values += b.values;
        if (status !== 204) {
          out.failed++;
          out.statuses[status] = (out.statuses[status] ?? 0) + 1;
        }
        if (perSecond) {
          const wait = begin + (out.values / perSecond) * 1000 - performance.now(); // paced: this sender's share
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, one)).finally(() => clearInterval(progress));
    out.seconds = (performance.now() - begin) / 1000;
    const used = process.cpuUsage(cpu);
    out.senderCpuMicros = used.user + used.system;
    return out;
  };

  process.on('message', (m: RunCommand | 'close') => {
    if (m === 'close') {
      agent.destroy();
      process.disconnect();
      return;
    }
    run(m).then(
      (result) => process.send!({ type: 'done', id: m.id, result } satisfies ChildMessage),
      (err) => {
        console.error(`ingest senders: ${(err as Error).stack ?? err}`);
        process.exit(1);
      },
    );
  });
  process.send!({ type: 'ready' } satisfies ChildMessage);
}

export interface Senders {
  /** Posts for `seconds` (or `posts` bodies), paced to `perSecond` values/s when given. */
  run(seconds: number, perSecond?: number, posts?: number): Promise<RunResult>;
  /** Values posted so far in the current run (reported once a second). */
  readonly progress: { values: number };
  close(): Promise<void>;
}

/** Parent side: forks the sender process (same Node options, so tsx loads it) posting to `url`. */
export async function forkSenders(url: string, start: number): Promise<Senders> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [url, String(start)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (r: RunResult) => void>();
  const progress = { values: 0 };
  let ids = 0;
  let failed: ((err: Error) => void)[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'progress') progress.values = m.values;
      else waiting.get(m.id)?.(m.result);
    });
    child.once('exit', (code) => {
      const err = new Error(`the sender process exited (${code})`);
      reject(err);
      for (const f of failed) f(err);
    });
  });
  return {
    progress,
    run(seconds, perSecond, posts) {
      const id = ++ids;
      progress.values = 0;
      return new Promise<RunResult>((resolve, reject) => {
        failed.push(reject);
        waiting.set(id, (r) => {
          waiting.delete(id);
          failed = failed.filter((f) => f !== reject);
          resolve(r);
        });
        child.send({ id, seconds, perSecond, posts } satisfies RunCommand);
      });
    },
    async close() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send('close');
      await exited;
    },
  };
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  serve(new URL(process.argv[2]), Number(process.argv[3]));
}
