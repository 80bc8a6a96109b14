import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS } from '../../platform/config/config-keys.ts';

/** The `vnfm-plugin` command, run the way `npx vnfm-plugin` runs it. */
export const CLI = fileURLToPath(new URL('../../bin/vnfm-plugin.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment of a child `vnfm-plugin`: the parent's, minus every plugin key (so a
 * developer's own settings do not leak in), plus `env`.
 */
export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) delete out[key.name];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vnfm-plugin ...args` to completion. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  readonly url: string;
  /** From spawn to the first 200 of api_versions. */
  readonly startedInMs: number;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and resolves with how the process ended (SIGKILL after 20 s). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `vnfm-plugin serve` on a free loopback port and waits until
 * `GET /vnflcm/api_versions` answers 200. The wait is generous (a busy CI machine
 * initialising a fresh embedded database is slow); how long it took is in
 * `startedInMs`, for reports, not for assertions.
 */
export async function startServiceProcess(
  env: Record<string, string | undefined>,
  startupTimeoutMs = 120_000,
): Promise<ServiceProcess> {
  const spawnedAt = Date.now();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd: ROOT,
    // Any free syslog ports: several services run at once in the test suite.
    env: cliEnv({ LOG_LEVEL: 'info', SYSLOG_LISTEN: '127.0.0.1:0', ...env, VNFM_LISTEN: `127.0.0.1:${port}` }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const service = {
    url,
    startedInMs: 0,
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  } satisfies ServiceProcess;

  const deadline = Date.now() + startupTimeoutMs;
  let ended = false;
  void exited.then(() => (ended = true));
  while (Date.now() < deadline && !ended) {
    try {
      const res = await fetch(`${url}/vnflcm/api_versions`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) return { ...service, startedInMs: Date.now() - spawnedAt };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const how = ended ? `exited (${child.exitCode ?? child.signalCode})` : `did not answer within ${startupTimeoutMs / 1000} s`;
  await service.stop('SIGKILL');
  throw new Error(`vnfm-plugin serve ${how} at ${url}/vnflcm/api_versions:\n${out}`);
}
