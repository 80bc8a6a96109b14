import type { VnfcResourceInfo, VnfInstance } from '../../instances/vnf-instance.types.ts';
import type { HealAdditionalParams, HealType, HealVnfRequest } from '../lcm.port.ts';
import { stepData, type OperationPlan, type OperationStep, type PlanInput, type StepContext } from '../operation-step.ts';
import { liveMigrateStep, migrationsOf } from './live-migrate.step.ts';
import {
  affectedVnfc,
  bootVnfc,
  deleteServerIfPresent,
  recordOf,
  vduOf,
  vimConnectionIdOf,
  vnfcInfoOf,
  vnfcResourceInfoOf,
  waitActive,
  type VnfcRecord,
} from './vnfc-servers.ts';
import { externalLinksOf } from './vnfc-networks.ts';

export const DEFAULT_HEAL_TYPE: HealType = 'recreate';

export function healTypeOf(params: HealAdditionalParams | undefined): HealType {
  return params?.healType ?? DEFAULT_HEAL_TYPE;
}

/** The VNFCs a heal request names (by vnfcInfo or vnfcResourceInfo id), or all of them. */
export function healTargets(inst: VnfInstance, ids: readonly string[] | undefined): VnfcResourceInfo[] {
  const all = inst.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
  if (!ids?.length) return [...all];
  const byInfo = new Map((inst.instantiatedVnfInfo?.vnfcInfo ?? []).map((i) => [i.id, i.vnfcResourceInfoId]));
  const wanted = new Set(ids.map((id) => byInfo.get(id) ?? id));
  return all.filter((r) => wanted.has(r.id));
}

interface ServerActions {
  /** VNFC id -> the VIM was asked (reboot/rebuild), persisted before the call. */
  requested: Record<string, boolean>;
  /** recreate: the new servers. */
  recreated: VnfcRecord[];
}
const dataOf = (ctx: StepContext) => stepData<ServerActions>(ctx, 'heal', () => ({ requested: {}, recreated: [] }));

/** reboot or rebuild each VNFC, then wait until its server is ACTIVE again; never asked twice for one VNFC. */
function serverActionStep(name: 'reboot' | 'rebuild', targets: readonly VnfcResourceInfo[], params: HealAdditionalParams): OperationStep {
  return {
    name,
    async run(ctx) {
      const data = dataOf(ctx);
      for (const t of targets) {
        const serverId = t.computeResource.resourceId;
        if (!data.requested[t.id]) {
          data.requested[t.id] = true;
          await ctx.checkpoint();
          if (name === 'reboot') await ctx.vim.reboot(serverId, params.rebootType ?? 'SOFT');
          else await ctx.vim.rebuild(serverId, vduOf(ctx.vnfd, ctx.instance.instantiatedVnfInfo!.flavourId, t.vduId).image);
        }
        await ctx.vim.waitForServer(serverId, 'ACTIVE', { timeoutMs: ctx.settings.serverActiveTimeoutMs, signal: ctx.signal });
      }
    },
  };
}

/** recreate: delete each VNFC's server, boot a new one with the same VNFC id, wait ACTIVE (Tacker heal). */
function recreateSteps(targets: readonly VnfcResourceInfo[]): OperationStep[] {
  const records = (ctx: StepContext) => {
    const data = dataOf(ctx);
    if (!data.recreated.length) data.recreated = targets.map((t) => ({ ...recordOf(t), serverId: undefined, active: false }));
    return data.recreated;
  };
  return [
    {
      name: 'delete-servers',
      irreversible: true,
      async run(ctx) {
        for (const t of targets) await deleteServerIfPresent(ctx, t.computeResource.resourceId);
      },
    },
    {
      name: 'boot-servers',
      async run(ctx) {
        const info = ctx.instance.instantiatedVnfInfo!;
        for (const v of records(ctx)) await bootVnfc(ctx, v, vduOf(ctx.vnfd, info.flavourId, v.vduId), externalLinksOf(info));
      },
    },
    {
      name: 'wait-active',
      async run(ctx) {
        for (const v of records(ctx)) await waitActive(ctx, v);
      },
    },
  ];
}

/** HEAL (SOL003 5.4.9, healType in additionalParams): live-migrate, rebuild, reboot or recreate the VNFCs. */
export function healPlan(input: PlanInput): OperationPlan {
  const request = (input.op.operationParams ?? {}) as HealVnfRequest;
  const params = request.additionalParams ?? {};
  const healType = healTypeOf(params);
  const targets = healTargets(input.instance, request.vnfcInstanceId);
  const steps: Record<HealType, () => OperationStep[]> = {
    'live-migrate': () => [liveMigrateStep(targets, params.targetHost)],
    reboot: () => [serverActionStep('reboot', targets, params)],
    rebuild: () => [serverActionStep('rebuild', targets, params)],
    recreate: () => recreateSteps(targets),
  };
  return {
    grant: () => ({
      updateResources: targets.map((t) => ({ id: t.id, type: 'COMPUTE' as const, vduId: t.vduId, resource: t.computeResource })),
      additionalParams: { healType, ...(params.targetHost && { targetHost: params.targetHost }) },
    }),
    steps: steps[healType](),
    complete(ctx) {
      const info = ctx.instance.instantiatedVnfInfo!;
      const vimConnectionId = vimConnectionIdOf(ctx.instance);
      const migrations = migrationsOf(ctx);
      const recreated = new Map(dataOf(ctx).recreated.map((v) => [v.id, v]));
      const healed = new Map<string, VnfcResourceInfo>();
      for (const t of targets) {
        const moved = migrations[t.id]?.finalHost;
        const again = recreated.get(t.id);
        if (again) healed.set(t.id, vnfcResourceInfoOf(again, ctx.vnfd.vnfdId, vimConnectionId));
        else if (moved) healed.set(t.id, { ...t, metadata: { ...t.metadata, host: moved } });
        else healed.set(t.id, t);
      }
      const resources = (info.vnfcResourceInfo ?? []).map((r) => healed.get(r.id) ?? r);
      const instance: VnfInstance = {
        ...ctx.instance,
        instantiatedVnfInfo: { ...info, vnfcResourceInfo: resources, vnfcInfo: resources.map(vnfcInfoOf) },
      };
      return { instance, affectedVnfcs: [...healed.values()].map((r) => affectedVnfc(r, 'MODIFIED')) };
    },
    settled(ctx) {
      // VNFCs whose migration completed stay where they went, whatever happens to the rest.
      const info = ctx.instance.instantiatedVnfInfo!;
      const migrations = migrationsOf(ctx);
      const moved = (info.vnfcResourceInfo ?? []).filter((r) => {
        const host = migrations[r.id]?.finalHost;
        return migrations[r.id]?.done && host && host !== r.metadata?.host;
      });
      if (!moved.length) return undefined;
      const resources = (info.vnfcResourceInfo ?? []).map((r) =>
        moved.includes(r) ? { ...r, metadata: { ...r.metadata, host: migrations[r.id].finalHost } } : r,
      );
      return { ...ctx.instance, instantiatedVnfInfo: { ...info, vnfcResourceInfo: resources } };
    },
  };
}
