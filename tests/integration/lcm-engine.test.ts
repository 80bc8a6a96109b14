import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LcmOpOccRepository } from '../../lcm/op-occs/lcm-op-occ.repository.ts';
import type { VimDriver } from '../../lcm/vim/vim.port.ts';
import { startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim, recordingVim } from '../support/lcm-vim-recorder.ts';
import { getInstance, instantiated, task, V, waitForOp } from '../support/lcm-requests.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import request from 'supertest';

// The operation engine across a stop and a start on the same database (what a restart does):
// resumed operations reconcile with the VIM and never request a second migration.
let t: TestDatabase;
before(async () => {
  t = await openTestDatabase();
});
after(async () => {
  await t?.close();
});

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** 512 MiB over 200 MiB/s: a live migration of about 3 s on the simulated VIM. */
const slowMigrations = () => fastSimulatedVim({ bandwidthMBps: 200 });

async function healLiveMigrate(app: LcmTestApp, targetHost?: string) {
  const id = await instantiated(app.app);
  const [vdu1, vdu2] = (await getInstance(app.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
  // The host neither VNFC is on (they are in one anti-affinity group).
  const host = targetHost ?? ['compute-a', 'compute-b', 'compute-c'].find((h) => h !== vdu1.metadata.host && h !== vdu2.metadata.host)!;
  const opId = await task(app.app, id, 'heal', { vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'live-migrate', targetHost: host } });
  return { id, vdu1, opId, host, serverId: vdu1.computeResource.resourceId as string };
}

describe('resume after a stop during a live migration', () => {
  test('a migration still running is awaited, not requested again: COMPLETED, one liveMigrate', async () => {
    const sim = slowMigrations();
    const rec = recordingVim(sim);
    const a = await startLcmTestApp({ vim: rec.vim, database: t });
    const { opId, serverId, host, vdu1 } = await healLiveMigrate(a);
    await until('the migration is running', async () => (await sim.listMigrations(serverId))[0]?.status === 'running');
    await a.close();
    assert.equal((await new LcmOpOccRepository(t.db).get(opId))?.operationState, 'PROCESSING', 'left PROCESSING');

    const b = await startLcmTestApp({ vim: rec.vim, database: t });
    try {
      const op = await waitForOp(b.app, opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
      assert.equal(rec.count('liveMigrate'), 1, 'exactly one live migration requested');
      assert.equal((await sim.getServer(serverId))?.host, host);
      assert.notEqual(vdu1.metadata.host, host);
    } finally {
      await b.close();
    }
  });

  test('a migration that failed meanwhile makes the operation FAILED_TEMP; the server stays on its source', async () => {
    const sim = slowMigrations();
    const rec = recordingVim(sim);
    const a = await startLcmTestApp({ vim: rec.vim, database: t });
    const { opId, serverId, host, vdu1 } = await healLiveMigrate(a);
    await until('the migration is running', async () => (await sim.listMigrations(serverId))[0]?.status === 'running');
    await a.close();
    sim.injectHostFailure(host, 'destination lost power');
    const b = await startLcmTestApp({ vim: rec.vim, database: t });
    try {
      const op = await waitForOp(b.app, opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'FAILED_TEMP');
      assert.match(op.error.detail, /ended error/);
      assert.equal(rec.count('liveMigrate'), 1);
      assert.equal((await sim.getServer(serverId))?.host, vdu1.metadata.host);
    } finally {
      await b.close();
    }
  });

  test('a request the VIM never got is not sent after the restart (FAILED_TEMP); an operator retry sends it', async () => {
    const sim = fastSimulatedVim();
    const rec = recordingVim(sim);
    // The first process dies while its liveMigrate call is in flight: the VIM never hears of it.
    let release: (err: Error) => void = () => {};
    const hanging: VimDriver = new Proxy(rec.vim, {
      get: (target, prop, receiver) =>
        prop === 'liveMigrate' ? () => new Promise((_, reject) => (release = reject)) : Reflect.get(target, prop, receiver),
    });
    const a = await startLcmTestApp({ vim: hanging, database: t });
    const { opId, serverId, host, vdu1 } = await healLiveMigrate(a);
    const ops = new LcmOpOccRepository(t.db);
    await until('the intent is recorded', async () => {
      const p = (await ops.getWithProgress(opId))?.progress.data['live-migrate'] as Record<string, { requestedAt?: string }> | undefined;
      return !!p && Object.values(p).some((r) => r.requestedAt);
    });
    const stopping = a.close();
    release(new Error('connection reset'));
    await stopping;

    const b = await startLcmTestApp({ vim: rec.vim, database: t });
    try {
      const op = await waitForOp(b.app, opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'FAILED_TEMP');
      assert.match(op.error.detail, /not requested again/);
      assert.equal(rec.count('liveMigrate'), 0, 'nothing reached the VIM');
      assert.equal((await sim.getServer(serverId))?.host, vdu1.metadata.host);
      assert.equal((await request(b.app).post(`/vnflcm/v2/vnf_lcm_op_occs/${opId}/retry`).set(V)).status, 202);
      const retried = await waitForOp(b.app, opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(retried.operationState, 'COMPLETED', JSON.stringify(retried.error));
      assert.equal(rec.count('liveMigrate'), 1);
      assert.equal((await sim.getServer(serverId))?.host, host);
    } finally {
      await b.close();
    }
  });
});

describe('timeouts', () => {
  test('a migration longer than migrationTimeoutMs is aborted: FAILED_TEMP (504), server on its source', async () => {
    const sim = fastSimulatedVim({ bandwidthMBps: 20 });
    const rec = recordingVim(sim);
    const s = await startLcmTestApp({ vim: rec.vim, database: t, engine: { migrationTimeoutMs: 300 } });
    try {
      const { opId, serverId, vdu1 } = await healLiveMigrate(s);
      const op = await waitForOp(s.app, opId, ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'FAILED_TEMP');
      assert.equal(op.error.status, 504, op.error.detail);
      assert.match(op.error.detail, /did not finish within 0.3 s; aborted/);
      assert.equal(rec.count('abortMigration'), 1);
      await until('the abort is done', async () => (await sim.listMigrations(serverId))[0]?.status !== 'running');
      assert.equal((await sim.getServer(serverId))?.host, vdu1.metadata.host);
    } finally {
      await s.close();
    }
  });
});

describe('leases', () => {
  test('one process drives an operation: a live lease is not taken; an expired one is', async () => {
    const s = await startLcmTestApp({ vim: fastSimulatedVim(), database: t });
    try {
      const id = await instantiated(s.app);
      const opId = await task(s.app, id, 'terminate', { terminationType: 'FORCEFUL' });
      await waitForOp(s.app, opId, ['COMPLETED']);
      const ops = new LcmOpOccRepository(t.db);
      assert.ok(await ops.claim(opId, 'owner-1', 60_000));
      assert.ok(!(await ops.claim(opId, 'owner-2', 60_000)), 'held by owner-1');
      assert.ok(await ops.claim(opId, 'owner-1', 1), 'owner-1 renews (1 ms)');
      await new Promise((r) => setTimeout(r, 20));
      assert.ok(await ops.claim(opId, 'owner-2', 60_000), 'expired: owner-2 takes over');
      assert.ok(!(await ops.saveProgress(opId, { done: [], compensated: [], data: {} }, 'owner-1')), 'owner-1 can no longer write');
      await ops.release(opId, 'owner-2');
    } finally {
      await s.close();
    }
  });
});

