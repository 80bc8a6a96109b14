import { vnfInstanceLinks, type VnfInstance } from '../../instances/vnf-instance.types.ts';
import type { OperationPlan, PlanInput } from '../operation-step.ts';
import { affectedVnfc, deleteServerIfPresent } from './vnfc-servers.ts';

/** TERMINATE: grant the removal, delete every server (also strays found by metadata), then the server groups. */
export function terminatePlan(input: PlanInput): OperationPlan {
  const resources = input.instance.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
  const groupIds = [...new Set(resources.map((r) => r.metadata?.serverGroupId).filter((g): g is string => typeof g === 'string'))];
  return {
    grant: () => ({
      removeResources: resources.map((r) => ({ id: r.id, type: 'COMPUTE' as const, vduId: r.vduId, resource: r.computeResource })),
    }),
    steps: [
      {
        name: 'delete-servers',
        irreversible: true,
        async run(ctx) {
          const ids = new Set(resources.map((r) => r.computeResource.resourceId));
          for (const s of await ctx.vim.findServers({ vnfInstanceId: ctx.op.vnfInstanceId })) ids.add(s.id);
          for (const id of ids) await deleteServerIfPresent(ctx, id);
        },
      },
      {
        name: 'delete-server-groups',
        async run(ctx) {
          for (const id of groupIds) await ctx.vim.deleteServerGroup(id);
        },
      },
    ],
    complete(ctx) {
      const { instantiatedVnfInfo: _gone, vimConnectionInfo: _vim, ...rest } = ctx.instance;
      const instance: VnfInstance = {
        ...rest,
        instantiationState: 'NOT_INSTANTIATED',
        _links: vnfInstanceLinks(ctx.instance._links.self.href, 'NOT_INSTANTIATED'),
      };
      return { instance, affectedVnfcs: resources.map((r) => affectedVnfc(r, 'REMOVED')) };
    },
  };
}
