import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase } from '../support/test-database.ts';

// The real Tacker CLI (python3-tackerclient + python3-openstackclient) against the
// plugin, without Keystone: OS_AUTH_TYPE=none with OS_ENDPOINT pointing at us.

/** Runs `openstack ...args` against `endpoint`, with no other OpenStack settings leaking in. */
function openstack(args: string[], endpoint?: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_')) env[k] = v;
  if (endpoint) Object.assign(env, { OS_AUTH_TYPE: 'none', OS_ENDPOINT: `${endpoint}/` });
  const r = spawnSync('openstack', args, { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '', error: r.error };
}

function tackerCliMissing(): string | false {
  const r = openstack(['vnflcm', 'versions', '--help']);
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    return 'needs the openstack CLI: apt-get install python3-openstackclient python3-tackerclient';
  }
  if (r.status !== 0) return `needs the Tacker plugin of the openstack CLI (python3-tackerclient): ${r.output.trim().split('\n').pop()}`;
  return false;
}

const skip = tackerCliMissing();

describe('openstack vnflcm CLI against the plugin', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vnfm-tacker-cli-'));
  let service: ServiceProcess;
  let closeDb: (() => Promise<void>) | undefined;
  before(async () => {
    let databaseUrl: string | undefined;
    if (process.env.DATABASE_URL) {
      const t = await openTestDatabase({ migrate: false });
      databaseUrl = t.url;
      closeDb = () => t.close();
    }
    service = await startServiceProcess({ VNFM_DATA_DIR: work, DATABASE_URL: databaseUrl, AMQP_URL: process.env.AMQP_URL });
  });
  after(async () => {
    await service?.stop();
    await closeDb?.();
    rmSync(work, { recursive: true, force: true });
  });

  test('vnflcm versions prints the served versions', () => {
    const r = openstack(['--os-tacker-api-version', '2', 'vnflcm', 'versions'], service.url);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /uriPrefix\s*\|\s*\/vnflcm\s*\|/);
    assert.match(r.stdout, /2\.0\.0/);
  });

  test('vnflcm versions --major-version 2 reads /vnflcm/v2/api_versions', () => {
    const r = openstack(['--os-tacker-api-version', '2', 'vnflcm', 'versions', '--major-version', '2', '-f', 'json'], service.url);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(JSON.parse(r.stdout), { uriPrefix: '/vnflcm/v2', apiVersions: [{ version: '2.0.0', isDeprecated: false }] });
  });

  test('vnflcm show of an unknown id prints our ProblemDetails detail and exits 1', async () => {
    const id = '00000000-0000-0000-0000-000000000000';
    const res = await fetch(`${service.url}/vnflcm/v2/vnf_instances/${id}`, { headers: { Version: '2.0.0' } });
    assert.equal(res.status, 404);
    const { detail } = (await res.json()) as { detail: string };

    const r = openstack(['--os-tacker-api-version', '2', 'vnflcm', 'show', id], service.url);
    assert.equal(r.status, 1, r.output);
    assert.ok(r.output.includes(detail), `the CLI prints "${detail}"; it printed:\n${r.output}`);
  });
});
