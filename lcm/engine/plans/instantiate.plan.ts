import type { VnfFlavour } from '../../vnfd/vnfd.types.ts';
import { vnfInstanceLinks, withoutVimSecrets, type VnfInstance, type VimConnectionInfo } from '../../instances/vnf-instance.types.ts';
import { OperationStepFailed } from '../../lcm-errors.ts';
import { stepData, type OperationPlan, type PlanInput, type StepContext } from '../operation-step.ts';
import {
  affectedVnfc,
  bootVnfc,
  deleteServersOfOperation,
  newVnfcId,
  vduOf,
  vimConnectionIdOf,
  vnfcInfoOf,
  vnfcResourceInfoOf,
  waitActive,
  type VnfcRecord,
} from './vnfc-servers.ts';
import { externalLinkInfoOf, type ExternalLinks } from './vnfc-networks.ts';

/** The InstantiateVnfRequest (SOL003 5.5.2.4) as stored in operationParams (credentials removed). */
export interface InstantiateParams {
  readonly flavourId: string;
  readonly instantiationLevelId?: string;
  readonly extVirtualLinks?: ExternalLinks['extVirtualLinks'];
  readonly extManagedVirtualLinks?: ExternalLinks['extManagedVirtualLinks'];
  readonly vimConnectionInfo?: Record<string, VimConnectionInfo>;
  readonly vnfConfigurableProperties?: Record<string, unknown>;
  readonly extensions?: Record<string, unknown>;
  readonly additionalParams?: Record<string, unknown>;
}

export function flavourOf(input: Pick<PlanInput, 'vnfd'>, flavourId: string): VnfFlavour {
  const flavour = input.vnfd.flavours.find((f) => f.flavourId === flavourId);
  if (!flavour) throw new OperationStepFailed(`flavour ${flavourId} is not in VNFD ${input.vnfd.vnfdId}`, 422);
  return flavour;
}

/** Instances per VDU: the instantiation level's (SOL001 VduInstantiationLevels), else each VDU's initial count. */
export function vduCounts(flavour: VnfFlavour, levelId: string | undefined): Record<string, number> {
  const level = flavour.instantiationLevels?.find((l) => l.levelId === (levelId ?? flavour.defaultInstantiationLevelId));
  return Object.fromEntries(flavour.vdus.map((v) => [v.vduId, level?.vduInstances[v.vduId] ?? v.instances.initial]));
}

/** Anti-affinity groups (one Nova server group each) and the VDUs in them; a VDU joins its first group. */
export function antiAffinityGroups(flavour: VnfFlavour): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const vdu of flavour.vdus) {
    const name = vdu.antiAffinityGroups[0];
    if (name) groups.set(name, [...(groups.get(name) ?? []), vdu.vduId]);
  }
  return groups;
}

interface InstantiateData {
  vnfcs: VnfcRecord[];
  /** Group name -> server group id, once created. */
  groups: Record<string, string>;
}

const dataOf = (ctx: StepContext) => stepData<InstantiateData>(ctx, 'instantiate', () => ({ vnfcs: [], groups: {} }));

/** INSTANTIATE: grant, server groups, one server per VDU instance (with metadata), wait ACTIVE. */
export function instantiatePlan(input: PlanInput): OperationPlan {
  const params = input.op.operationParams as unknown as InstantiateParams;
  const flavour = flavourOf(input, params.flavourId);
  const groups = antiAffinityGroups(flavour);
  const groupOfVdu = (vduId: string) => flavour.vdus.find((v) => v.vduId === vduId)?.antiAffinityGroups[0];
  return {
    async prepare(ctx) {
      const data = dataOf(ctx);
      if (data.vnfcs.length) return;
      for (const [vduId, count] of Object.entries(vduCounts(flavour, params.instantiationLevelId))) {
        for (let i = 0; i < count; i++) data.vnfcs.push({ id: newVnfcId(vduId), vduId });
      }
    },
    grant(ctx) {
      const { vnfcs } = dataOf(ctx);
      return {
        flavourId: params.flavourId,
        ...(params.instantiationLevelId && { instantiationLevelId: params.instantiationLevelId }),
        addResources: vnfcs.map((v) => ({ id: v.id, type: 'COMPUTE' as const, vduId: v.vduId, resourceTemplateId: v.vduId })),
        placementConstraints: [...groups.values()].map((vduIds) => ({
          affinityOrAntiAffinity: 'ANTI_AFFINITY' as const,
          scope: 'NFVI_NODE' as const,
          resource: vnfcs.filter((v) => vduIds.includes(v.vduId)).map((v) => ({ idType: 'GRANT' as const, resourceId: v.id })),
        })),
      };
    },
    steps: [
      {
        name: 'create-server-groups',
        async run(ctx) {
          const data = dataOf(ctx);
          for (const name of groups.keys()) {
            if (data.groups[name]) continue;
            const group = await ctx.vim.createServerGroup(`${ctx.instance.vnfInstanceName ?? ctx.instance.id}-${name}`, 'anti-affinity');
            data.groups[name] = group.id;
            await ctx.checkpoint();
          }
          for (const v of data.vnfcs) v.serverGroupId = data.groups[groupOfVdu(v.vduId) ?? ''];
        },
        async compensate(ctx) {
          const data = dataOf(ctx);
          for (const [name, id] of Object.entries(data.groups)) {
            await ctx.vim.deleteServerGroup(id);
            delete data.groups[name];
            await ctx.checkpoint();
          }
        },
      },
      {
        name: 'boot-servers',
        async run(ctx) {
          for (const v of dataOf(ctx).vnfcs) await bootVnfc(ctx, v, vduOf(ctx.vnfd, flavour.flavourId, v.vduId), params);
        },
        compensate: (ctx) => deleteServersOfOperation(ctx, dataOf(ctx).vnfcs),
      },
      {
        name: 'wait-active',
        async run(ctx) {
          for (const v of dataOf(ctx).vnfcs) await waitActive(ctx, v);
        },
      },
    ],
    complete(ctx) {
      const vimConnectionInfo = withoutVimSecrets(params.vimConnectionInfo);
      const vimConnectionId = vimConnectionIdOf({ vimConnectionInfo });
      const resources = dataOf(ctx).vnfcs.map((v) => vnfcResourceInfoOf(v, ctx.vnfd.vnfdId, vimConnectionId));
      const levels = flavour.instantiationLevels?.find((l) => l.levelId === (params.instantiationLevelId ?? flavour.defaultInstantiationLevelId));
      const { instantiatedVnfInfo: _none, ...base } = ctx.instance;
      const instance: VnfInstance = {
        ...base,
        instantiationState: 'INSTANTIATED',
        ...(vimConnectionInfo && { vimConnectionInfo }),
        ...((params.vnfConfigurableProperties || base.vnfConfigurableProperties) && {
          vnfConfigurableProperties: { ...base.vnfConfigurableProperties, ...params.vnfConfigurableProperties },
        }),
        ...(params.extensions && { extensions: { ...base.extensions, ...params.extensions } }),
        instantiatedVnfInfo: {
          flavourId: flavour.flavourId,
          vnfState: 'STARTED',
          ...(flavour.scalingAspects.length && {
            scaleStatus: flavour.scalingAspects.map((a) => ({ aspectId: a.aspectId, scaleLevel: levels?.scaleLevels[a.aspectId] ?? 0 })),
            maxScaleLevels: flavour.scalingAspects.map((a) => ({ aspectId: a.aspectId, scaleLevel: a.maxScaleLevel })),
          }),
          vnfcResourceInfo: resources,
          vnfcInfo: resources.map(vnfcInfoOf),
          ...externalLinkInfoOf(params),
        },
        _links: vnfInstanceLinks(ctx.instance._links.self.href, 'INSTANTIATED'),
      };
      return { instance, affectedVnfcs: resources.map((r) => affectedVnfc(r, 'ADDED')) };
    },
  };
}
