/**
 * The LcmPort the decision engine gets when the plugin runs beside Tacker: our own LCM's VNFs
 * plus Tacker's discovered ones. A Tacker VNF is watched only when its vnfdId is in our VNF
 * package catalogue (so its VNFD's ProactiveMigration policy applies). Tacker's unfinished op
 * occs (from its LCM notifications) hold the instance like ours do, so a Tacker SCALE blocks
 * migrations. Healing a Tacker VNF: `recreate` is Tacker's own heal, marked automatic;
 * `live-migrate` goes to Nova through the VIM driver, since Tacker cannot live-migrate.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../platform/logger.ts';
import type { AutomaticHealRequest, HealOutcome, LcmOperationStatus, LcmPort, VnfcPlacement } from '../../lcm/engine/lcm.port.ts';
import { awaitLiveMigration, startLiveMigration } from '../../lcm/vim/live-migration.ts';
import type { VimDriver } from '../../lcm/vim/vim.port.ts';
import type { VnfPackageCatalogue } from '../../lcm/vnfd/vnf-package-catalogue.ts';
import { TackerRequestFailed, type TackerApiPort } from './tacker-client.ts';
import { operationStatusOf } from './tacker-callbacks.service.ts';
import { refreshRegistry, type DiscoveredEntitiesWriter } from './tacker-sync.ts';
import type { TackerStore } from './tacker.repository.ts';
import type { DiscoveredInstance, TackerOperation } from './tacker.types.ts';

export interface CompositeLcmDeps {
  readonly own: LcmPort;
  readonly store: TackerStore;
  readonly catalogue: Pick<VnfPackageCatalogue, 'get'>;
  /** Tacker's API for a discovered instance; undefined when it cannot be reached (secret missing). */
  readonly tackerOf: (instance: DiscoveredInstance) => Promise<TackerApiPort | undefined>;
  readonly vim: VimDriver;
  readonly registry: DiscoveredEntitiesWriter;
  readonly announce: (op: LcmOperationStatus) => Promise<void>;
  readonly migration: { readonly timeoutMs: number; readonly intervalMs: number };
  readonly log: Logger;
}

export function placementsOf(i: DiscoveredInstance): VnfcPlacement[] {
  return i.vnfcs.map((c) => ({
    vnfInstanceId: i.vnfInstanceId,
    ...(i.vnfInstanceName && { vnfInstanceName: i.vnfInstanceName }),
    vnfdId: i.vnfdId,
    flavourId: i.flavourId,
    vnfcInstanceId: c.vnfcInstanceId,
    vduId: c.vduId,
    serverId: c.serverId,
    ...(c.host && { host: c.host }),
    autoHealEnabled: i.autoHealEnabled,
  }));
}

function refusalOfTacker(err: TackerRequestFailed): HealOutcome | undefined {
  const detail = err.detail;
  if (err.upstreamStatus === 404) return { accepted: false, refusal: { kind: 'VnfInstanceNotFound', detail } };
  if (err.upstreamStatus === 409) return { accepted: false, refusal: { kind: 'OperationInProgress', detail } };
  if (err.upstreamStatus === 400 || err.upstreamStatus === 422) return { accepted: false, refusal: { kind: 'InvalidRequest', detail } };
  return undefined;
}

/**
 * Follows a live migration of a Tacker VNFC to its end: the VNFC's new host stored and
 * registered, the op occ COMPLETED or FAILED and announced. Also how `serve` resumes one
 * after a restart (the op occ keeps the migration's id).
 */
export async function followNovaMigration(deps: Omit<CompositeLcmDeps, 'own' | 'catalogue' | 'tackerOf'>, op: TackerOperation): Promise<void> {
  const m = op.migration!;
  const end = async (state: 'COMPLETED' | 'FAILED') => {
    const done = { ...op, operationState: state, stateEnteredTime: new Date().toISOString() };
    await deps.store.recordOperation(done);
    await deps.announce(operationStatusOf(done));
  };
  try {
    await awaitLiveMigration(deps.vim, m.serverId, m.migrationId, deps.migration);
    const inst = await deps.store.getInstance(op.vnfInstanceId);
    if (inst) {
      await deps.store.upsertInstance({ ...inst, vnfcs: inst.vnfcs.map((c) => (c.serverId === m.serverId ? { ...c, host: m.targetHost } : c)) });
      await refreshRegistry(deps);
    }
    await end('COMPLETED');
    deps.log.info({ vnfInstanceId: op.vnfInstanceId, serverId: m.serverId, target: m.targetHost }, 'live migration of a Tacker VNFC completed');
  } catch (err) {
    deps.log.warn({ vnfInstanceId: op.vnfInstanceId, serverId: m.serverId, err: (err as Error).message }, 'live migration of a Tacker VNFC failed');
    await end('FAILED').catch((e) => deps.log.error({ err: e }, 'migration outcome not recorded'));
  }
}

export function createCompositeLcmPort(deps: CompositeLcmDeps): LcmPort {
  const log = deps.log;
  const now = () => new Date().toISOString();

  /** Live migration through Nova; the outcome is recorded as an op occ of ours and announced. */
  async function liveMigrate(inst: DiscoveredInstance, request: AutomaticHealRequest): Promise<HealOutcome> {
    const vnfc = inst.vnfcs.find((c) => c.vnfcInstanceId === request.vnfcInstanceId?.[0]);
    const target = request.additionalParams?.targetHost;
    if (!vnfc || request.vnfcInstanceId?.length !== 1) {
      return { accepted: false, refusal: { kind: 'InvalidRequest', detail: 'live-migrate of a Tacker VNF needs exactly one known vnfcInstanceId.' } };
    }
    if (!target) return { accepted: false, refusal: { kind: 'InvalidRequest', detail: 'live-migrate of a Tacker VNF needs additionalParams.targetHost.' } };
    let migrationId: string;
    try {
      migrationId = (await startLiveMigration(deps.vim, vnfc.serverId, target, deps.migration)).id;
    } catch (err) {
      return { accepted: false, refusal: { kind: 'InvalidRequest', detail: `Nova did not start the live migration: ${(err as Error).message}` } };
    }
    const started = now();
    const op: TackerOperation = {
      vnfLcmOpOccId: randomUUID(), vnfInstanceId: inst.vnfInstanceId, operation: 'HEAL', operationState: 'PROCESSING',
      isAutomaticInvocation: true, startTime: started, stateEnteredTime: started,
      migration: { serverId: vnfc.serverId, migrationId, targetHost: target },
    };
    await deps.store.recordOperation(op);
    log.info({ vnfInstanceId: inst.vnfInstanceId, serverId: vnfc.serverId, target, vnfLcmOpOccId: op.vnfLcmOpOccId }, 'live migration of a Tacker VNFC started');
    void followNovaMigration(deps, op);
    return { accepted: true, vnfLcmOpOccId: op.vnfLcmOpOccId };
  }

  async function recreate(inst: DiscoveredInstance, request: AutomaticHealRequest): Promise<HealOutcome> {
    const tacker = await deps.tackerOf(inst);
    if (!tacker) return { accepted: false, refusal: { kind: 'InvalidRequest', detail: 'Tacker cannot be reached: its credentials are not configured.' } };
    const { isAutomaticInvocation: _a, ...rest } = request;
    const body = {
      ...(rest.vnfcInstanceId && { vnfcInstanceId: [...rest.vnfcInstanceId] }),
      ...(rest.cause && { cause: rest.cause }),
      // SOL003's HealVnfRequest has no isAutomaticInvocation: Tacker keeps what it is given in additionalParams.
      additionalParams: { ...rest.additionalParams, healType: 'recreate', isAutomaticInvocation: true },
    };
    try {
      const id = await tacker.heal(inst.vnfInstanceId, JSON.parse(JSON.stringify(body)));
      const at = now();
      await deps.store.recordOperation({
        vnfLcmOpOccId: id, vnfInstanceId: inst.vnfInstanceId, operation: 'HEAL', operationState: 'STARTING', isAutomaticInvocation: true, startTime: at, stateEnteredTime: at,
      });
      log.info({ vnfInstanceId: inst.vnfInstanceId, vnfLcmOpOccId: id }, 'heal requested from Tacker');
      return { accepted: true, vnfLcmOpOccId: id };
    } catch (err) {
      const refusal = err instanceof TackerRequestFailed ? refusalOfTacker(err) : undefined;
      if (!refusal) throw err;
      return refusal;
    }
  }

  return {
    async requestHeal(vnfInstanceId, request) {
      const inst = await deps.store.getInstance(vnfInstanceId);
      if (!inst) return deps.own.requestHeal(vnfInstanceId, request);
      const busy = await deps.store.unfinishedOperation(vnfInstanceId);
      if (busy) {
        const kind = busy.operationState === 'FAILED_TEMP' ? 'OperationFailedTemp' : 'OperationInProgress';
        return { accepted: false, refusal: { kind, vnfLcmOpOccId: busy.vnfLcmOpOccId, detail: `Tacker operation ${busy.operation} ${busy.vnfLcmOpOccId} is ${busy.operationState}.` } };
      }
      const healType = request.additionalParams?.healType ?? 'recreate';
      if (healType === 'recreate') return recreate(inst, request);
      if (healType === 'live-migrate') return liveMigrate(inst, request);
      return { accepted: false, refusal: { kind: 'InvalidRequest', detail: `healType ${healType} is not available for a VNF that Tacker manages (recreate or live-migrate).` } };
    },

    async listVnfcPlacements() {
      const tacker = (await deps.store.listInstances()).filter((i) => deps.catalogue.get(i.vnfdId) !== undefined);
      const own = await deps.own.listVnfcPlacements();
      const ours = new Set(own.map((p) => p.vnfInstanceId));
      return [...own, ...tacker.filter((i) => !ours.has(i.vnfInstanceId)).flatMap(placementsOf)];
    },

    async getOperation(id) {
      const own = await deps.own.getOperation(id);
      if (own) return own;
      const op = await deps.store.getOperation(id);
      return op && operationStatusOf(op);
    },

    async unfinishedOperation(vnfInstanceId) {
      const own = await deps.own.unfinishedOperation(vnfInstanceId);
      if (own) return own;
      const op = await deps.store.unfinishedOperation(vnfInstanceId);
      return op && operationStatusOf(op);
    },
  };
}
