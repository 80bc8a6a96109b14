import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliEnv, freePort, type ServiceProcess } from './service-process.ts';

const MAIN = fileURLToPath(new URL('./lcm-service-main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts tests/support/lcm-service-main.ts (the service with VNF lifecycle management) on a
 * free loopback port and waits until GET /vnflcm/api_versions answers 200.
 */
export async function startLcmServiceProcess(env: Record<string, string | undefined>, startupTimeoutMs = 120_000): Promise<ServiceProcess> {
  const spawnedAt = Date.now();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: cliEnv({ LOG_LEVEL: 'info', ...env, VNFM_LISTEN: `127.0.0.1:${port}` }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const service: ServiceProcess = {
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
  };
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
  await service.stop('SIGKILL');
  throw new Error(`lcm test service ${ended ? 'exited' : 'did not answer'} at ${url}:\n${out}`);
}
