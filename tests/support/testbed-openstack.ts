/**
 * The OpenStack test bed (../shared/testbed/openstack: real Keystone, Nova, Placement, Glance
 * and a Neutron server, two fake compute hosts) for tests/openstack. Installs its packages
 * when they are missing, starts it with up.sh and stops it with down.sh; a test bed that is
 * already running is used as it is and left running.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenStackVimOptions } from '../../lcm/vim/openstack/openstack-vim.driver.ts';
import type { Logger } from '../../platform/logger.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KIT_DIR = path.resolve(ROOT, '../shared/testbed/openstack');
// The scripts' own default (lib.sh); TESTBED_DIR moves it for them and for us.
const STATE_DIR = process.env.TESTBED_DIR ?? path.join(process.env.TMPDIR ?? '/tmp', 'openstack-testbed');
const INSTALLED_BY = ['/usr/bin/keystone-manage', '/usr/bin/nova-api', '/usr/bin/glance-api', '/usr/bin/neutron-server', '/usr/bin/uwsgi'];

/** What up.sh writes to $TESTBED_DIR/testbed.json. */
export interface TestbedInfo {
  readonly authUrl: string;
  readonly region: string;
  readonly admin: { username: string; password: string; projectName: string; userDomainName: string; projectDomainName: string };
  readonly computeMicroversion: string;
  readonly image: { id: string; name: string };
  readonly flavor: { id: string; name: string };
  readonly hosts: readonly string[];
}

export interface Testbed {
  readonly info: TestbedInfo;
  /** True when this run started it (and so stops it). */
  readonly ownedByUs: boolean;
  /** Seconds each step took: install, up, down. */
  readonly timings: Record<string, number>;
  stop(): Promise<void>;
}

/** Why the test bed cannot run here, or false. */
export function testbedSkipReason(): string | false {
  if (!existsSync(path.join(KIT_DIR, 'up.sh'))) return `no OpenStack test bed kit at ${KIT_DIR}`;
  const uid = process.getuid?.();
  if (uid !== 0) return `the OpenStack test bed installs packages and starts services as root (this is uid ${uid ?? '?'})`;
  return false;
}

export async function startTestbed(): Promise<Testbed> {
  const timings: Record<string, number> = {};
  if (INSTALLED_BY.some((f) => !existsSync(f))) timings.install = await script('install.sh');
  const ownedByUs = !(await runningTestbed());
  if (ownedByUs) timings.up = await script('up.sh');
  else console.log(`# using the test bed already running in ${STATE_DIR}; it is left running`);
  const info = JSON.parse(readFileSync(path.join(STATE_DIR, 'testbed.json'), 'utf8')) as TestbedInfo;
  return {
    info,
    ownedByUs,
    timings,
    async stop() {
      if (ownedByUs) timings.down = await script('down.sh');
    },
  };
}

/** Driver options for the test bed's admin account. */
export function testbedVimOptions(info: TestbedInfo, log: Logger): OpenStackVimOptions {
  return {
    authUrl: info.authUrl,
    auth: { type: 'password', ...info.admin },
    region: info.region,
    interface: 'public',
    computeMicroversion: info.computeMicroversion,
    requestTimeoutMs: 30_000,
    pollIntervalMs: 500,
    log,
  };
}

async function runningTestbed(): Promise<boolean> {
  if (!existsSync(path.join(STATE_DIR, 'testbed.json'))) return false;
  try {
    const res = await fetch('http://127.0.0.1:5000/v3', { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Runs a kit script, its output on ours; resolves with the seconds it took, rejects when it fails. */
function script(name: string, timeoutMs = 15 * 60_000): Promise<number> {
  const started = performance.now();
  console.log(`# ${name} ...`);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(KIT_DIR, name)], { stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve(Math.round(seconds * 10) / 10);
      else reject(new Error(`${name} failed (${signal ?? `exit ${code}`}) after ${seconds.toFixed(0)} s; logs in ${STATE_DIR}/log`));
    });
  });
}
