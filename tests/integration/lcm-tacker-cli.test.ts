import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import { serveVim, type ServedVim } from '../support/lcm-remote-vim.ts';
import { startLcmServiceProcess } from '../support/lcm-service-process.ts';
import { fastSimulatedVim, recordingVim, type RecordingVim } from '../support/lcm-vim-recorder.ts';
import { INSTANTIATE_MAX } from '../support/lcm-requests.ts';
import { SAMPLE_VNFD_ID } from '../support/lcm-vnfd-fixture.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { until } from '../support/until.ts';

// The real Tacker CLI (python3-tackerclient 1.12 + openstackclient) against the lifecycle API:
// vnflcm create | list | show | instantiate | heal | op list | op show | terminate | delete.
// The VIM (simulated) is served by this process, so the CLI runs asynchronously.

function cleanEnv(endpoint?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_')) env[k] = v;
  if (endpoint) Object.assign(env, { OS_AUTH_TYPE: 'none', OS_ENDPOINT: `${endpoint}/` });
  return env;
}

function cliMissing(): string | false {
  const r = spawnSync('openstack', ['vnflcm', 'versions', '--help'], { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return 'needs the openstack CLI: apt-get install python3-openstackclient python3-tackerclient';
  if (r.status !== 0) return `needs the Tacker plugin of the openstack CLI (python3-tackerclient): ${`${r.stdout}${r.stderr}`.trim().split('\n').pop()}`;
  return false;
}
const skip = cliMissing();

/** `openstack --os-tacker-api-version 2 vnflcm ...args` against the service, without blocking this process. */
function vnflcm(endpoint: string, args: string[]): Promise<{ status: number | null; stdout: string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('openstack', ['--os-tacker-api-version', '2', 'vnflcm', ...args], { env: cleanEnv(endpoint) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, output: `${stdout}${stderr}` });
    });
  });
}

async function json(endpoint: string, args: string[]): Promise<any> {
  const r = await vnflcm(endpoint, [...args, '-f', 'json']);
  assert.equal(r.status, 0, `vnflcm ${args.join(' ')}: ${r.output}`);
  return JSON.parse(r.stdout);
}

describe('openstack vnflcm (v2) against the lifecycle API', { skip, timeout: 600_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vnfm-lcm-cli-'));
  let sim: SimulatedVim;
  let rec: RecordingVim;
  let served: ServedVim;
  let service: ServiceProcess;
  let closeDb: (() => Promise<void>) | undefined;
  before(async () => {
    sim = fastSimulatedVim();
    rec = recordingVim(sim);
    served = await serveVim(rec.vim);
    const real = process.env.DATABASE_URL ? await openTestDatabase({ migrate: false }) : undefined;
    closeDb = real && (() => real.close());
    service = await startLcmServiceProcess({
      VNFM_DATA_DIR: work,
      DATABASE_URL: real?.url,
      AMQP_URL: process.env.AMQP_URL,
      LCM_TEST_VIM_URL: served.url,
      LCM_TEST_ENGINE: JSON.stringify({ pollMs: 50 }),
    });
  });
  after(async () => {
    await service?.stop();
    await served?.close();
    await closeDb?.();
    rmSync(work, { recursive: true, force: true });
  });

  test('create, list, instantiate, show, heal (live-migrate), op list, op show, terminate, delete', async () => {
    const url = service.url;
    const created = await json(url, ['create', SAMPLE_VNFD_ID, '--name', 'vnf-cli', '--description', 'demo']);
    const id = created.ID as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(created['Instantiation State'], 'NOT_INSTANTIATED');
    assert.equal(created['VNF Provider'], 'Company');
    assert.ok((await json(url, ['list'])).some((i: any) => i.ID === id && i['VNF Instance Name'] === 'vnf-cli'));

    const params = path.join(work, 'inst-params.json');
    writeFileSync(params, JSON.stringify(INSTANTIATE_MAX));
    const inst = await vnflcm(url, ['instantiate', id, params]);
    assert.equal(inst.status, 0, inst.output);
    assert.match(inst.stdout, new RegExp(`Instantiate request for VNF Instance ${id} has been accepted`));
    const shown = await until('INSTANTIATED', async () => {
      const s = await json(url, ['show', id]);
      return s['Instantiation State'] === 'INSTANTIATED' ? s : undefined;
    });
    const vnfc = shown['Instantiated Vnf Info'].vnfcResourceInfo[0];
    assert.equal(JSON.stringify(shown).includes('vim-s3cret'), false, 'the VIM password is never shown');

    const others = shown['Instantiated Vnf Info'].vnfcResourceInfo.map((v: any) => v.metadata.host);
    const target = ['compute-a', 'compute-b', 'compute-c'].find((h) => !others.includes(h))!;
    const healParams = path.join(work, 'heal.json');
    writeFileSync(healParams, JSON.stringify({ additionalParams: { healType: 'live-migrate', targetHost: target } }));
    const heal = await vnflcm(url, ['heal', id, '--cause', 'host degrading', '--vnfc-instance', vnfc.id, '--additional-param-file', healParams]);
    assert.equal(heal.status, 0, heal.output);
    assert.match(heal.stdout, new RegExp(`Heal request for VNF Instance ${id} has been accepted`));

    const healOp = await until('the HEAL is COMPLETED', async () => {
      const ops = await json(url, ['op', 'list']);
      return ops.find((o: any) => o['VNF Instance ID'] === id && o.Operation === 'HEAL' && o['Operation State'] === 'COMPLETED');
    });
    assert.equal((await sim.getServer(vnfc.computeResource.resourceId))?.host, target, 'the VIM migrated it');
    assert.equal(rec.count('liveMigrate'), 1);
    const op = await json(url, ['op', 'show', healOp.ID]);
    assert.equal(op['Operation State'], 'COMPLETED');
    assert.equal(op['Is Automatic Invocation'], false);
    assert.equal(op['Operation Parameters'].additionalParams.targetHost, target);
    assert.equal(op['Resource Changes'].affectedVnfcs[0].metadata.host, target);

    const term = await vnflcm(url, ['terminate', id]);
    assert.equal(term.status, 0, term.output);
    assert.match(term.stdout, new RegExp(`Terminate request for VNF Instance '${id}' has been accepted`));
    await until('NOT_INSTANTIATED', async () => ((await json(url, ['show', id]))['Instantiation State'] === 'NOT_INSTANTIATED' ? true : undefined));
    assert.deepEqual(await sim.findServers({ vnfInstanceId: id }), [], 'servers deleted');

    const del = await vnflcm(url, ['delete', id]);
    assert.equal(del.status, 0, del.output);
    assert.match(del.stdout, new RegExp(`Vnf instance '${id}' is deleted successfully`, 'i'));
    const gone = await vnflcm(url, ['show', id]);
    assert.equal(gone.status, 1);
    assert.ok(gone.output.includes(`VnfInstance ${id} not found.`), gone.output);
  });

  test('a heal refused with 409 prints the ProblemDetails detail and exits 1', async () => {
    const url = service.url;
    const id = (await json(url, ['create', SAMPLE_VNFD_ID]))['ID'] as string;
    const r = await vnflcm(url, ['heal', id]);
    assert.equal(r.status, 1);
    assert.ok(r.output.includes(`VnfInstance ${id} isn't instantiated.`), r.output);
  });
});
