import { execFile, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * Real restarts of the local RabbitMQ and PostgreSQL for tests/resilience. Those tests
 * stop services every other test file shares, so they run in their own serial suite
 * (`npm run test:resilience`) and only as root on the machine that runs the services.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function onThisMachine(url: string | undefined, what: string, example: string): string | false {
  if (!url) return `needs ${what}: set ${example}`;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `${what} URL does not parse`;
  }
  return LOOPBACK.has(host) ? false : `restarts only a service on this machine; the ${what} URL points at ${host}`;
}

function commandMissing(command: string, args: string[]): string | false {
  if (process.getuid?.() !== 0) return `needs root to run ${command} (runs as uid ${process.getuid?.() ?? '?'})`;
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${command} cannot run: ${r.error.message}`;
  return r.status === 0 ? false : `${command} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`;
}

/** Why the broker cannot be restarted here, or false. */
export function brokerRestartSkipReason(): string | false {
  return (
    onThisMachine(process.env.AMQP_URL, 'RabbitMQ', 'AMQP_URL=amqp://guest:guest@127.0.0.1:5672') ||
    onThisMachine(process.env.DATABASE_URL, 'PostgreSQL', 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test') ||
    commandMissing('rabbitmqctl', ['-q', 'await_startup', '--timeout', '30'])
  );
}

/** The version directory of the local cluster (the newest, as .ci/run starts it). */
export function postgresVersion(): string | undefined {
  try {
    return readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1);
  } catch {
    return undefined;
  }
}

/** Why PostgreSQL cannot be restarted here, or false. */
export function databaseRestartSkipReason(): string | false {
  const local = onThisMachine(process.env.DATABASE_URL, 'PostgreSQL', 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test');
  if (local) return local;
  const version = postgresVersion();
  if (!version) return 'no local PostgreSQL cluster under /etc/postgresql';
  return commandMissing('pg_ctlcluster', [version, 'main', 'status']);
}

/** Runs a command to completion; rejects with its output when it fails. */
export function run(command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

export const rabbitmqctl = (...args: string[]) => run('rabbitmqctl', ['-q', ...args]);

/** pg_ctlcluster on the local cluster, bypassing systemd (CI has none). */
export const pgCtlCluster = (action: 'start' | 'stop' | 'restart' | 'status') =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion()!, 'main', action]);

/** Starts the local cluster if it is down (for finally blocks). */
export async function ensurePostgresRunning(): Promise<void> {
  const running = await pgCtlCluster('status').then(() => true, () => false);
  if (!running) await pgCtlCluster('start');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it holds; throws after `limitMs` saying what was awaited. */
export async function until(what: string, check: () => boolean | Promise<boolean>, limitMs: number, everyMs = 100): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${limitMs / 1000} s waiting until ${what}`);
    await sleep(everyMs);
  }
}
