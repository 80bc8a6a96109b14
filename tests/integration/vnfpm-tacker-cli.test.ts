import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { startPmTestApp, VNF_A, type PmTestApp } from '../support/pm-app.ts';

// The real Tacker CLI (python3-tackerclient) against the VNF PM API, without Keystone:
// `openstack --os-tacker-api-version 2 vnfpm job create|list|show|update|delete` and `vnfpm report show`.

function cliEnv(endpoint?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_')) env[k] = v;
  if (endpoint) Object.assign(env, { OS_AUTH_TYPE: 'none', OS_ENDPOINT: `${endpoint}/` });
  return env;
}

/** Runs the CLI without blocking: the API it talks to is served by this very process. */
function openstack(args: string[], endpoint?: string): Promise<{ status: number | null; output: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile('openstack', ['--os-tacker-api-version', '2', ...args], { env: cliEnv(endpoint), encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ status, output: `${stdout}${stderr}`, stdout });
    });
  });
}

function vnfpmCliMissing(): string | false {
  const r = spawnSync('openstack', ['--os-tacker-api-version', '2', 'vnfpm', 'job', 'list', '--help'], { env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    return 'needs the openstack CLI: apt-get install python3-openstackclient python3-tackerclient';
  }
  if (r.status !== 0) return `needs the Tacker plugin of the openstack CLI (python3-tackerclient): ${`${r.stdout}${r.stderr}`.trim().split('\n').pop()}`;
  return false;
}
const skip = vnfpmCliMissing();
const T0 = 1_795_618_800;
const measurements: MeasurementReader = {
  async read(_object, measurement, start, end, step) {
    const grid = windowGrid(start, end, step);
    return { timestamps: grid, values: grid.map(() => (measurement.name === 'VFailureScoreVnf' ? 0.75 : 42.5)) };
  },
};

describe('openstack vnfpm CLI against the plugin', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vnfm-vnfpm-cli-'));
  let t: PmTestApp;
  let receiver: NotificationReceiver;
  let jobId = '';

  before(async () => {
    receiver = await startReceiver();
    t = await startPmTestApp({ listen: true, measurements, now: T0 + 1 });
    t.subscriptions.worker.start();
  });
  after(async () => {
    await t?.close();
    await receiver?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('vnfpm job create <param-file> creates the job and prints it', async () => {
    const file = path.join(work, 'create-pm-job.json');
    writeFileSync(file, JSON.stringify({
      objectType: 'Vnf',
      objectInstanceIds: [VNF_A],
      criteria: { performanceMetric: [`VCpuUsageMeanVnf.${VNF_A}`, 'VFailureScoreVnf'], collectionPeriod: 30, reportingPeriod: 60 },
      callbackUri: `${receiver.url}/nfvo/pm`,
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: 'nfvopwd' } },
    }));
    const r = await openstack(['vnfpm', 'job', 'create', file, '-f', 'json'], t.url);
    assert.equal(r.status, 0, r.output);
    const job = JSON.parse(r.stdout) as Record<string, unknown>;
    jobId = job.ID as string;
    assert.match(jobId, /^[0-9a-f-]{36}$/);
    assert.equal(job['Object Type'], 'Vnf');
    assert.equal(job['Callback Uri'], `${receiver.url}/nfvo/pm`);
    assert.ok(!r.stdout.includes('nfvopwd'), 'credentials are never printed');
  });

  test('vnfpm job list shows it', async () => {
    const r = await openstack(['vnfpm', 'job', 'list', '-f', 'json'], t.url);
    assert.equal(r.status, 0, r.output);
    const jobs = JSON.parse(r.stdout) as { Id: string; 'Object Type': string }[];
    assert.deepEqual(jobs.map((j) => [j.Id, j['Object Type']]), [[jobId, 'Vnf']]);
  });

  test('vnfpm job show prints the job; an unknown id prints our detail and exits 1', async () => {
    const r = await openstack(['vnfpm', 'job', 'show', jobId, '-f', 'json'], t.url);
    assert.equal(r.status, 0, r.output);
    const job = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(job.ID, jobId);
    assert.deepEqual((job.Criteria as { performanceMetric: string[] }).performanceMetric, [`VCpuUsageMeanVnf.${VNF_A}`, 'VFailureScoreVnf']);
    const unknown = '0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10';
    const missing = await openstack(['vnfpm', 'job', 'show', unknown], t.url);
    assert.equal(missing.status, 1, missing.output);
    assert.ok(missing.output.includes(`PM job ${unknown} not found.`), missing.output);
  });

  test('vnfpm job update <id> <param-file> changes the callbackUri (PATCH) and prints the modifications', async () => {
    const file = path.join(work, 'update.json');
    writeFileSync(file, JSON.stringify({ callbackUri: `${receiver.url}/nfvo/pm-updated`, authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: 'cli-p4ss' } } }));
    const r = await openstack(['vnfpm', 'job', 'update', jobId, file, '-f', 'json'], t.url);
    assert.equal(r.status, 0, r.output);
    assert.equal(JSON.parse(r.stdout)['Callback Uri'], `${receiver.url}/nfvo/pm-updated`, r.stdout);
    assert.ok(!r.output.includes('cli-p4ss'));
    const probe = receiver.received.filter((x) => x.method === 'GET' && x.path === '/nfvo/pm-updated').at(-1);
    assert.equal(probe?.headers.authorization, `Basic ${Buffer.from('nfvo:cli-p4ss').toString('base64')}`);
  });

  test('vnfpm report show prints the entries of a report the collector made', async () => {
    t.clock.now = T0 + 60 + 6;
    assert.equal((await t.pm.collector.tick()).reports, 1);
    const shown = await openstack(['vnfpm', 'job', 'show', jobId, '-f', 'json'], t.url);
    const reports = JSON.parse(shown.stdout).Reports as { href: string }[];
    assert.equal(reports.length, 1, shown.stdout);
    const reportId = reports[0].href.split('/').pop()!;
    const r = await openstack(['vnfpm', 'report', 'show', jobId, reportId, '-f', 'json'], t.url);
    assert.equal(r.status, 0, r.output);
    const entries = JSON.parse(r.stdout).Entries as { performanceMetric: string; performanceValues: { value: number }[] }[];
    assert.deepEqual(entries.map((e) => [e.performanceMetric, e.performanceValues.map((v) => v.value)]), [
      [`VCpuUsageMeanVnf.${VNF_A}`, [42.5, 42.5]],
      ['VFailureScoreVnf', [0.75, 0.75]],
    ]);
  });

  test('vnfpm job delete deletes it', async () => {
    const r = await openstack(['vnfpm', 'job', 'delete', jobId], t.url);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, new RegExp(`VNF PM job '${jobId}' deleted successfully`));
    const list = await openstack(['vnfpm', 'job', 'list', '-f', 'json'], t.url);
    assert.deepEqual(JSON.parse(list.stdout), []);
  });
});
