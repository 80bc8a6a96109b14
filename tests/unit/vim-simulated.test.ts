import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awaitLiveMigration, liveMigrateAndWait, startLiveMigration } from '../../lcm/vim/live-migration.ts';
import { estimatePrecopy } from '../../lcm/vim/simulated/precopy-model.ts';
import {
  VimBadRequest,
  VimConflict,
  VimMigrationFailed,
  VimOperationTimedOut,
  VimServerFailed,
  VimWaitAborted,
} from '../../lcm/vim/vim-errors.ts';
import { activeServer, simulatedVim, spec } from '../support/vim-simulated-fixtures.ts';

test('a server boots on the least loaded host and is ACTIVE after the boot time', async () => {
  const sim = simulatedVim();
  const first = await sim.vim.createServer(spec('a', { resources: { vcpus: 1, ramMb: 4096, diskGb: 10 } }));
  const second = await sim.vim.createServer(spec('b'));
  assert.equal(first.status, 'BUILD');
  assert.equal(second.host, first.host === 'compute-a' ? 'compute-b' : 'compute-a');
  const waiting = sim.vim.waitForServer(second.id, 'ACTIVE', { timeoutMs: 5000 });
  await sim.clock.advance(1000);
  assert.equal((await waiting).status, 'ACTIVE');
  const hosts = await sim.vim.listHosts();
  assert.deepEqual(hosts.find((h) => h.name === first.host)!.used, { vcpus: 1, ramMb: 4096, diskGb: 10 });
  assert.deepEqual(hosts.find((h) => h.name === first.host)!.servers, [first.id]);
});

test('migration time and downtime follow memory size and dirty rate (pre-copy model)', async () => {
  const sim = simulatedVim();
  const s = await activeServer(sim, 'vm', { resources: { vcpus: 1, ramMb: 4096, diskGb: 10 } });
  sim.vim.setWorkload(s.id, { dirtyRateMBps: 800 });
  const model = estimatePrecopy({ memoryMb: 4096, dirtyRateMBps: 800, bandwidthMBps: 1000 });
  const expected = sim.vim.estimateMigration(s.id); // the model in whole milliseconds
  assert.ok(Math.abs(expected.precopyMs - model.precopyMs) <= 0.5 && Math.abs(expected.downtimeMs - model.downtimeMs) <= 0.5);
  assert.equal(expected.rounds, model.rounds);
  assert.equal(expected.durationMs, 1000 + expected.totalMs);

  const t0 = sim.clock.now();
  const dest = s.host === 'compute-a' ? 'compute-b' : 'compute-a';
  await sim.vim.liveMigrate(s.id, dest);
  const status = async () => (await sim.vim.listMigrations(s.id))[0].status;
  assert.equal((await sim.vim.getServer(s.id))!.status, 'MIGRATING');
  assert.equal(await status(), 'preparing');
  await sim.clock.advance(1000);
  assert.equal(await status(), 'running');
  await sim.clock.advance(expected.precopyMs / 2);
  const half = (await sim.vim.listMigrations(s.id))[0];
  assert.ok(half.memoryProcessedBytes! > 0 && half.memoryProcessedBytes! < half.memoryTotalBytes!);
  await sim.clock.advanceTo(t0 + 1000 + expected.precopyMs);
  assert.equal(await status(), 'post-migrating');
  assert.equal((await sim.vim.getServer(s.id))!.host, s.host, 'still on the source while paused');
  await sim.clock.advanceTo(t0 + 1000 + expected.totalMs);
  assert.equal(await status(), 'completed');
  const after = (await sim.vim.getServer(s.id))!;
  assert.deepEqual([after.status, after.host], ['ACTIVE', dest]);

  const done = sim.events.find((e) => e.type === 'migration.completed');
  assert.ok(done && done.type === 'migration.completed');
  assert.equal(done.durationMs, 1000 + expected.totalMs);
  assert.equal(done.downtimeMs, expected.downtimeMs);
  assert.equal(done.at - done.downtimeStartedAt, expected.downtimeMs);
  assert.equal(done.migration.downtimeMs, expected.downtimeMs);
  const hosts = await sim.vim.listHosts();
  assert.deepEqual(hosts.find((h) => h.name === dest)!.servers, [s.id]);
  assert.deepEqual(hosts.find((h) => h.name === s.host)!.used, { vcpus: 0, ramMb: 0, diskGb: 0 });
});

test('a bigger or busier VM takes longer to migrate', async () => {
  const sim = simulatedVim();
  const small = await activeServer(sim, 'small', { resources: { vcpus: 1, ramMb: 1024, diskGb: 1 } });
  const big = await activeServer(sim, 'big', { resources: { vcpus: 1, ramMb: 4096, diskGb: 1 } });
  assert.ok(sim.vim.estimateMigration(small.id).durationMs < sim.vim.estimateMigration(big.id).durationMs);
  const calm = sim.vim.estimateMigration(big.id);
  sim.vim.setWorkload(big.id, { dirtyRateMBps: 900 });
  const busy = sim.vim.estimateMigration(big.id);
  assert.ok(calm.durationMs < busy.durationMs && calm.downtimeMs < busy.downtimeMs);
});

test('hard anti-affinity: one member per host at boot and at migration; soft anti-affinity only prefers', async () => {
  const sim = simulatedVim();
  const { id: group } = await sim.vim.createServerGroup('vdu-aa', 'anti-affinity');
  const a = await activeServer(sim, 'a', { serverGroupId: group });
  const b = await activeServer(sim, 'b', { serverGroupId: group });
  assert.notEqual(a.host, b.host);
  const c = await sim.vim.createServer(spec('c', { serverGroupId: group }));
  assert.equal(c.status, 'ERROR');
  assert.match(c.fault!, /No valid host/);
  const err = await sim.vim.liveMigrate(a.id, b.host!).catch((e) => e);
  assert.ok(err instanceof VimBadRequest);
  assert.match(err.message, /anti-affinity group vdu-aa/);

  const { id: soft } = await sim.vim.createServerGroup('vdu-saa', 'soft-anti-affinity');
  const hosts = [];
  for (const n of ['x', 'y', 'z']) hosts.push((await activeServer(sim, n, { serverGroupId: soft })).host);
  assert.notEqual(hosts[0], hosts[1]);
  assert.ok(hosts[2], 'a third member still boots');
});

test('a host without room is refused as a destination, and a full VIM boots servers into ERROR', async () => {
  const sim = simulatedVim({ hosts: [
    { name: 'compute-a', capacity: { vcpus: 2, ramMb: 2048, diskGb: 20 } },
    { name: 'compute-b', capacity: { vcpus: 1, ramMb: 1024, diskGb: 10 } },
  ] });
  const big = await activeServer(sim, 'big', { resources: { vcpus: 2, ramMb: 2048, diskGb: 20 } });
  const err = await sim.vim.liveMigrate(big.id, 'compute-b').catch((e) => e);
  assert.ok(err instanceof VimBadRequest);
  assert.ok((await sim.vim.liveMigrate(big.id, 'compute-x').catch((e) => e)) instanceof VimBadRequest);
  await activeServer(sim, 'fill');
  assert.equal((await sim.vim.createServer(spec('extra'))).status, 'ERROR');
});

test('a host failure puts its servers in ERROR and fails the migrations from and to it', async () => {
  const sim = simulatedVim({ hosts: ['compute-a', 'compute-b', 'compute-c'].map((name) => ({ name, capacity: { vcpus: 8, ramMb: 8192, diskGb: 100 } })) });
  const vm1 = await activeServer(sim, 'vm1');
  const vm2 = await activeServer(sim, 'vm2');
  const vm3 = await activeServer(sim, 'vm3');
  assert.deepEqual([vm1.host, vm2.host, vm3.host], ['compute-a', 'compute-b', 'compute-c']);
  await sim.vim.liveMigrate(vm1.id, 'compute-c'); // from the host that fails
  await sim.vim.liveMigrate(vm2.id, 'compute-a'); // to the host that fails
  await sim.clock.advance(1200);
  sim.vim.injectHostFailure('compute-a', 'disk failure');

  assert.equal((await sim.vim.listMigrations(vm1.id))[0].status, 'error');
  assert.deepEqual(await sim.vim.getServer(vm1.id).then((s) => [s!.status, s!.host]), ['ERROR', 'compute-a']);
  assert.equal((await sim.vim.listMigrations(vm2.id))[0].status, 'error');
  assert.deepEqual(await sim.vim.getServer(vm2.id).then((s) => [s!.status, s!.host]), ['ACTIVE', 'compute-b']);
  const failed = sim.events.find((e) => e.type === 'host.failed');
  assert.ok(failed && failed.type === 'host.failed' && failed.servers.includes(vm1.id) && failed.reason === 'disk failure');
  assert.equal((await sim.vim.listHosts()).find((h) => h.name === 'compute-a')!.state, 'down');
  assert.ok((await sim.vim.liveMigrate(vm3.id, 'compute-a').catch((e) => e)) instanceof VimBadRequest);
  assert.ok((await sim.vim.reboot(vm1.id, 'HARD').catch((e) => e)) instanceof VimConflict);

  // Heal by evacuation: only while the host is down, onto another host.
  assert.ok((await sim.vim.evacuate(vm3.id).catch((e) => e)) instanceof VimBadRequest);
  await sim.vim.evacuate(vm1.id);
  await sim.clock.advance(1000);
  const healed = (await sim.vim.getServer(vm1.id))!;
  assert.equal(healed.status, 'ACTIVE');
  assert.notEqual(healed.host, 'compute-a');
});

test('a waiter for ACTIVE learns of the ERROR at once', async () => {
  const sim = simulatedVim();
  const s = await sim.vim.createServer(spec('doomed'));
  const waiting = sim.vim.waitForServer(s.id, 'ACTIVE', { timeoutMs: 60_000 });
  sim.vim.injectHostFailure(s.host!);
  const err = await waiting.catch((e) => e);
  assert.ok(err instanceof VimServerFailed);
  assert.match(err.message, /host .* failed/);
});

test('scheduled failures happen on the clock and end after their duration', async () => {
  const sim = simulatedVim();
  const s = await activeServer(sim, 'vm');
  sim.vim.scheduleHostFailure(s.host!, sim.clock.now() + 10_000, { durationMs: 5_000 });
  await sim.clock.advance(9_999);
  assert.equal((await sim.vim.getServer(s.id))!.status, 'ACTIVE');
  await sim.clock.advance(1);
  assert.equal((await sim.vim.getServer(s.id))!.status, 'ERROR');
  await sim.clock.advance(5_000);
  assert.deepEqual(sim.events.filter((e) => e.type.startsWith('host.')).map((e) => [e.type, e.at - Date.UTC(2024, 0, 1)]), [
    ['host.failed', 11_000],
    ['host.recovered', 16_000],
  ]);
  await sim.vim.reboot(s.id, 'HARD');
  await sim.clock.advance(1000);
  assert.equal((await sim.vim.getServer(s.id))!.status, 'ACTIVE', 'a hard reboot heals it once the host is back');
});

test('an abort stops a running migration; a finished one cannot be aborted', async () => {
  const sim = simulatedVim();
  const s = await activeServer(sim, 'vm', { resources: { vcpus: 1, ramMb: 4096, diskGb: 1 } });
  const m = await startLiveMigration(sim.vim, s.id, 'compute-b', { timeoutMs: 1000, intervalMs: 100, clock: sim.clock });
  await sim.clock.advance(1500);
  await sim.vim.abortMigration(s.id, m.id);
  assert.equal((await sim.vim.listMigrations(s.id))[0].status, 'cancelled');
  assert.deepEqual(await sim.vim.getServer(s.id).then((x) => [x!.status, x!.host]), ['ACTIVE', 'compute-a']);
  assert.ok((await sim.vim.abortMigration(s.id, m.id).catch((e) => e)) instanceof VimConflict);
  assert.deepEqual((await sim.vim.listHosts()).find((h) => h.name === 'compute-b')!.used, { vcpus: 0, ramMb: 0, diskGb: 0 });
});

test('the port-level wait follows a simulated migration on the manual clock, and aborts it on timeout', async () => {
  const sim = simulatedVim();
  const s = await activeServer(sim, 'vm', { resources: { vcpus: 1, ramMb: 2048, diskGb: 1 } });
  const opts = { timeoutMs: 60_000, intervalMs: 250, clock: sim.clock };
  const done = liveMigrateAndWait(sim.vim, s.id, 'compute-b', opts);
  await sim.clock.runAll();
  assert.equal((await done).status, 'completed');

  sim.vim.setWorkload(s.id, { dirtyRateMBps: 5000, memoryMb: 65_536 }); // never converges: long
  const m = await startLiveMigration(sim.vim, s.id, 'compute-a', opts);
  const waiting = awaitLiveMigration(sim.vim, s.id, m.id, { ...opts, timeoutMs: 5_000 }).catch((e) => e);
  await sim.clock.runAll();
  const err = await waiting;
  assert.ok(err instanceof VimOperationTimedOut, String(err));
  assert.match(err.message, /aborted, now cancelled/);
  assert.equal((await sim.vim.getServer(s.id))!.host, 'compute-b');
});

test('a failed migration is VimMigrationFailed to the port-level wait', async () => {
  const sim = simulatedVim();
  const s = await activeServer(sim, 'vm');
  const waiting = liveMigrateAndWait(sim.vim, s.id, 'compute-b', { timeoutMs: 60_000, intervalMs: 100, clock: sim.clock }).catch((e) => e);
  await sim.clock.advance(1100);
  sim.vim.injectHostFailure('compute-b');
  await sim.clock.runAll();
  const err = await waiting;
  assert.ok(err instanceof VimMigrationFailed);
  assert.equal(err.migrationStatus, 'error');
});

test('waits time out on the VIM clock and stop when their signal aborts', async () => {
  const sim = simulatedVim();
  const s = await sim.vim.createServer(spec('vm'));
  const timedOut = sim.vim.waitForServer(s.id, 'SHUTOFF', { timeoutMs: 3000 }).catch((e) => e);
  await sim.clock.advance(3000);
  assert.ok((await timedOut) instanceof VimOperationTimedOut);
  const ac = new AbortController();
  const aborted = sim.vim.waitForServer(s.id, 'SHUTOFF', { timeoutMs: 3000, signal: ac.signal }).catch((e) => e);
  ac.abort();
  assert.ok((await aborted) instanceof VimWaitAborted);
  await sim.vim.deleteServer(s.id);
  assert.equal((await sim.vim.waitForServer(s.id, 'DELETED', { timeoutMs: 1 })).status, 'DELETED');
  await sim.vim.deleteServer(s.id); // twice: still fine
});

test('the same calls give the same ids and metadata lookups find the servers', async () => {
  const ids = async () => {
    const sim = simulatedVim();
    const g = await sim.vim.createServerGroup('g', 'anti-affinity');
    const s = await sim.vim.createServer(spec('vm', { metadata: { vnfInstanceId: 'v1' } }));
    return { g: g.id, s: s.id, found: (await sim.vim.findServers({ vnfInstanceId: 'v1' })).map((x) => x.id) };
  };
  const [one, two] = [await ids(), await ids()];
  assert.deepEqual(one, two);
  assert.deepEqual(one.found, [one.s]);
});
