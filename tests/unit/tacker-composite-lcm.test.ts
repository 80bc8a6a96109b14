/**
 * The composite LcmPort the decision engine gets beside Tacker: Tacker's VNFCs join ours only
 * when their VNFD is in our catalogue; a Tacker operation in progress (a SCALE) holds the
 * instance for the guards; a recreate heal is Tacker's HEAL marked automatic; a live-migrate
 * goes to Nova through the VIM driver and its end is recorded and announced; our own VNFs go
 * to our LCM unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../platform/logger.ts';
import type { AutomaticHealRequest, LcmOperationStatus, LcmPort, VnfcPlacement } from '../../lcm/engine/lcm.port.ts';
import { lcmGuards } from '../../lcm/decision/lcm-adapters.ts';
import type { LiveMigration, VimDriver } from '../../lcm/vim/vim.port.ts';
import { createCompositeLcmPort } from '../../vnfm-plugin/tacker/composite-lcm.port.ts';
import { discoveredInstanceOf } from '../../vnfm-plugin/tacker/tacker-discovery.ts';
import { FakeTacker, MemoryTackerStore, tackerInstance, VNFD_IN_CATALOGUE } from '../support/tacker-fakes.ts';

const log = createLogger('silent');
const OWN_PLACEMENT: VnfcPlacement = { vnfInstanceId: 'own-1', vnfdId: VNFD_IN_CATALOGUE, flavourId: 'simple', vnfcInstanceId: 'VDU1-o1', vduId: 'VDU1', serverId: 'o1', host: 'compute-a', autoHealEnabled: true };

function world() {
  const tacker = new FakeTacker();
  const store = new MemoryTackerStore();
  const announced: LcmOperationStatus[] = [];
  const ownHeals: string[] = [];
  const own = {
    requestHeal: async (id: string) => {
      ownHeals.push(id);
      return { accepted: true as const, vnfLcmOpOccId: 'own-op' };
    },
    listVnfcPlacements: async () => [OWN_PLACEMENT],
    getOperation: async () => undefined,
    unfinishedOperation: async () => undefined,
  } satisfies LcmPort;
  const migrations = new Map<string, LiveMigration[]>();
  const vim = {
    kind: 'simulated',
    async liveMigrate(serverId: string, host: string) {
      migrations.set(serverId, [{ id: 'm1', serverId, sourceHost: 'compute-a', destHost: host, status: 'completed', createdAt: new Date().toISOString() }]);
    },
    async listMigrations(serverId: string) {
      return migrations.get(serverId) ?? [];
    },
  } as unknown as VimDriver;
  const port = createCompositeLcmPort({
    own, store, catalogue: { get: (id: string) => (id === VNFD_IN_CATALOGUE ? ({} as never) : undefined) },
    tackerOf: async () => tacker, vim, registry: { replace: async () => undefined },
    announce: async (op) => void announced.push(op), migration: { timeoutMs: 5000, intervalMs: 5 }, log,
  });
  return { tacker, store, announced, ownHeals, port };
}

async function discover(store: MemoryTackerStore, inst = tackerInstance('t1', [{ vnfc: 'VDU1-s1', server: 's1', host: 'compute-a' }])) {
  await store.upsertInstance(discoveredInstanceOf('reg-1', inst)!);
}

const heal = (healType: 'recreate' | 'live-migrate', extra: Record<string, unknown> = {}): AutomaticHealRequest => ({
  cause: 'predicted failure of compute-a',
  vnfcInstanceId: ['VDU1-s1'],
  additionalParams: { healType, prediction: { score: 0.9, modelVersion: 'm', horizonSeconds: 60 }, ...extra },
  isAutomaticInvocation: true,
});

test('placements: ours plus Tacker VNFCs whose VNFD we have', async () => {
  const { store, port } = world();
  await discover(store);
  await discover(store, tackerInstance('t2', [{ vnfc: 'VDU1-s9', server: 's9' }], 'not-in-catalogue'));
  const placements = await port.listVnfcPlacements();
  assert.deepEqual(placements.map((p) => [p.vnfInstanceId, p.serverId, p.host, p.autoHealEnabled]), [
    ['own-1', 'o1', 'compute-a', true],
    ['t1', 's1', 'compute-a', true],
  ]);
});

test('a Tacker SCALE in progress is the NFVO scaling for the guards; FAILED_TEMP refuses a heal', async () => {
  const { store, port } = world();
  await discover(store);
  const at = '2026-11-26T05:00:00.000Z';
  await store.recordOperation({ vnfLcmOpOccId: 'op-s', vnfInstanceId: 't1', operation: 'SCALE', operationState: 'PROCESSING', isAutomaticInvocation: false, startTime: at, stateEnteredTime: at });
  const busy = await lcmGuards(port).busy(['t1', 'own-1']);
  assert.deepEqual([[...busy.scaling], [...busy.lcm]], [['t1'], []]);
  const refused = await port.requestHeal('t1', heal('recreate'));
  assert.equal(refused.accepted, false);
  await store.recordOperation({ vnfLcmOpOccId: 'op-s', vnfInstanceId: 't1', operation: 'SCALE', operationState: 'FAILED_TEMP', isAutomaticInvocation: false, startTime: at, stateEnteredTime: '2026-11-26T05:01:00.000Z' });
  const failedTemp = await port.requestHeal('t1', heal('recreate'));
  assert.equal(!failedTemp.accepted && failedTemp.refusal.kind, 'OperationFailedTemp');
});

test('recreate: Tacker heal with the automatic marker; a 409 from Tacker is a refusal', async () => {
  const { tacker, store, port, ownHeals } = world();
  await discover(store);
  const outcome = await port.requestHeal('t1', heal('recreate'));
  assert.equal(outcome.accepted, true);
  assert.deepEqual(tacker.heals[0], {
    vnfInstanceId: 't1',
    body: {
      vnfcInstanceId: ['VDU1-s1'],
      cause: 'predicted failure of compute-a',
      additionalParams: { healType: 'recreate', prediction: { score: 0.9, modelVersion: 'm', horizonSeconds: 60 }, isAutomaticInvocation: true },
    },
  });
  const id = (outcome as { vnfLcmOpOccId: string }).vnfLcmOpOccId;
  assert.equal((await port.unfinishedOperation('t1'))?.vnfLcmOpOccId, id);
  assert.equal((await port.getOperation(id))?.isAutomaticInvocation, true);

  const w2 = world();
  await discover(w2.store);
  w2.tacker.healStatus = 409;
  const refused = await w2.port.requestHeal('t1', heal('recreate'));
  assert.equal(!refused.accepted && refused.refusal.kind, 'OperationInProgress');
  assert.deepEqual(ownHeals, []);
  assert.equal((await port.requestHeal('own-1', heal('recreate'))).accepted, true);
  assert.deepEqual(ownHeals, ['own-1'], 'our own VNFs go to our LCM');
});

test('live-migrate: through the VIM driver; the end is recorded, announced and the host moves', async () => {
  const { tacker, store, port, announced } = world();
  await discover(store);
  const noTarget = await port.requestHeal('t1', heal('live-migrate'));
  assert.equal(!noTarget.accepted && noTarget.refusal.kind, 'InvalidRequest');
  const outcome = await port.requestHeal('t1', heal('live-migrate', { targetHost: 'compute-b' }));
  assert.equal(outcome.accepted, true);
  assert.equal(tacker.heals.length, 0, 'Tacker cannot live-migrate: Nova does');
  const id = (outcome as { vnfLcmOpOccId: string }).vnfLcmOpOccId;
  for (let i = 0; i < 100 && announced.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(announced.map((o) => [o.vnfLcmOpOccId, o.operation, o.operationState, o.isAutomaticInvocation]), [[id, 'HEAL', 'COMPLETED', true]]);
  assert.equal((await store.getInstance('t1'))?.vnfcs[0].host, 'compute-b');
  assert.equal(await port.unfinishedOperation('t1'), undefined);
  const reboot = await port.requestHeal('t1', { ...heal('recreate'), additionalParams: { healType: 'reboot' } });
  assert.equal(!reboot.accepted && reboot.refusal.kind, 'InvalidRequest');
});
