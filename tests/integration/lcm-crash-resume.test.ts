import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import { serveVim, type ServedVim } from '../support/lcm-remote-vim.ts';
import { startLcmServiceProcess } from '../support/lcm-service-process.ts';
import { fastSimulatedVim, recordingVim, type RecordingVim } from '../support/lcm-vim-recorder.ts';
import { INSTANTIATE_MIN } from '../support/lcm-requests.ts';
import { SAMPLE_VNFD_ID } from '../support/lcm-vnfd-fixture.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { until as untilEvery } from '../support/until.ts';

const until = <T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) => untilEvery(what, probe, ms, 50);

// The crash test: the service is killed (SIGKILL) during a live migration; after a restart
// the operation ends COMPLETED or FAILED_TEMP, consistent with the VIM, and no second
// migration is started. The VIM lives in this process, so it survives the kill.
const V = { Version: '2.0.0', 'Content-Type': 'application/json' };

async function api(base: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${base}/vnflcm/v2${p}`, { method, headers: V, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location') ?? '', json: text ? JSON.parse(text) : undefined, text };
}

const opIdOf = (location: string) => /vnf_lcm_op_occs\/([0-9a-f-]{36})$/.exec(location)![1];
const opState = (base: string, opId: string, states: string[]) =>
  until(`op ${opId} is ${states.join('|')}`, async () => {
    const r = await api(base, 'GET', `/vnf_lcm_op_occs/${opId}`);
    return states.includes(r.json?.operationState) ? r.json : undefined;
  });

describe('SIGKILL during a live migration, then restart', { timeout: 600_000 }, () => {
  let sim: SimulatedVim;
  let rec: RecordingVim;
  let served: ServedVim;
  let receiver: NotificationReceiver;
  before(async () => {
    // 512 MiB at 64 MiB/s: a migration of about 8 s, long enough to kill the service in it.
    sim = fastSimulatedVim({ bandwidthMBps: 64 });
    rec = recordingVim(sim);
    served = await serveVim(rec.vim);
    receiver = await startReceiver();
  });
  after(async () => {
    await served?.close();
    await receiver?.close();
  });

  /** Starts the service on a fresh database, instantiates, starts a heal, kills the service while the VIM migrates. */
  async function killedMidMigration() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vnfm-lcm-crash-'));
    const real: TestDatabase | undefined = process.env.DATABASE_URL ? await openTestDatabase({ migrate: false }) : undefined;
    const env = {
      VNFM_DATA_DIR: dataDir,
      DATABASE_URL: real?.url,
      AMQP_URL: process.env.AMQP_URL,
      VNFM_OUTBOX_POLL_MS: '100',
      LCM_TEST_VIM_URL: served.url,
      LCM_TEST_ENGINE: JSON.stringify({ leaseMs: 3_000, pollMs: 100, migrationTimeoutMs: 120_000, migrationStartGraceMs: 2_000 }),
    };
    const first = await startLcmServiceProcess(env);
    const sub = await api(first.url, 'POST', '/subscriptions', { callbackUri: `${receiver.url}/crash`, filter: { operationTypes: ['HEAL'] } });
    assert.equal(sub.status, 201, sub.text);
    const created = await api(first.url, 'POST', '/vnf_instances', { vnfdId: SAMPLE_VNFD_ID, vnfInstanceName: 'crash' });
    const id = created.json.id as string;
    await opState(first.url, opIdOf((await api(first.url, 'POST', `/vnf_instances/${id}/instantiate`, INSTANTIATE_MIN)).location), ['COMPLETED']);
    const inst = (await api(first.url, 'GET', `/vnf_instances/${id}`)).json;
    const [vdu1, vdu2] = inst.instantiatedVnfInfo.vnfcResourceInfo;
    const target = ['compute-a', 'compute-b', 'compute-c'].find((h) => h !== vdu1.metadata.host && h !== vdu2.metadata.host)!;
    const serverId = vdu1.computeResource.resourceId as string;
    const migrationsBefore = rec.count('liveMigrate');
    const heal = await api(first.url, 'POST', `/vnf_instances/${id}/heal`, {
      vnfcInstanceId: [vdu1.id],
      additionalParams: { healType: 'live-migrate', targetHost: target },
    });
    assert.equal(heal.status, 202, heal.text);
    const opId = opIdOf(heal.location);
    await until('the VIM migrates the server', async () => ((await sim.listMigrations(serverId))[0]?.status === 'running' ? true : undefined));
    first.child.kill('SIGKILL');
    const ended = await first.stop('SIGKILL');
    assert.equal(ended.signal, 'SIGKILL');
    assert.equal((await sim.listMigrations(serverId))[0]?.status, 'running', 'killed while the migration runs');
    const cleanup = async (service?: ServiceProcess) => {
      await service?.stop();
      await real?.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
    return { env, id, opId, serverId, source: vdu1.metadata.host as string, target, migrationsBefore, cleanup };
  }

  test('the migration goes on while the service is down: after the restart the HEAL is awaited to COMPLETED, one liveMigrate', async () => {
    const k = await killedMidMigration();
    let second: ServiceProcess | undefined;
    try {
      second = await startLcmServiceProcess(k.env);
      const op = await opState(second.url, k.opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
      assert.equal(rec.count('liveMigrate'), k.migrationsBefore + 1, 'no second migration');
      const server = await sim.getServer(k.serverId);
      assert.equal(server?.host, k.target, 'the VIM has it on the target');
      const inst = (await api(second.url, 'GET', `/vnf_instances/${k.id}`)).json;
      assert.equal(inst.instantiatedVnfInfo.vnfcResourceInfo[0].metadata.host, server?.host, 'the instance agrees with the VIM');
      await receiver.waitFor((all) => all.some((r) => r.json?.vnfLcmOpOccId === k.opId && r.json.operationState === 'COMPLETED'), 30_000, 'COMPLETED notification');
    } finally {
      await k.cleanup(second);
    }
  });

  test('the migration fails while the service is down: after the restart the HEAL is FAILED_TEMP, server on its source, one liveMigrate', async () => {
    const k = await killedMidMigration();
    let second: ServiceProcess | undefined;
    try {
      sim.injectHostFailure(k.target, 'destination lost power');
      assert.equal((await sim.listMigrations(k.serverId))[0]?.status, 'error');
      second = await startLcmServiceProcess(k.env);
      const op = await opState(second.url, k.opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'FAILED_TEMP');
      assert.match(op.error.detail, /ended error/);
      assert.equal(rec.count('liveMigrate'), k.migrationsBefore + 1, 'no second migration');
      assert.equal((await sim.getServer(k.serverId))?.host, k.source, 'the server stayed on its source');
      const inst = (await api(second.url, 'GET', `/vnf_instances/${k.id}`)).json;
      assert.equal(inst.instantiatedVnfInfo.vnfcResourceInfo[0].metadata.host, k.source, 'the instance agrees with the VIM');
    } finally {
      sim.recoverHost(k.target);
      await k.cleanup(second);
    }
  });
});
