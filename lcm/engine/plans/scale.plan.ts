import type { ScalingAspect } from '../../vnfd/vnfd.types.ts';
import type { ScaleInfo, VnfcResourceInfo, VnfInstance } from '../../instances/vnf-instance.types.ts';
import { OperationStepFailed } from '../../lcm-errors.ts';
import { stepData, type OperationPlan, type PlanInput, type StepContext } from '../operation-step.ts';
import { flavourOf } from './instantiate.plan.ts';
import {
  affectedVnfc,
  bootVnfc,
  deleteServerIfPresent,
  deleteServersOfOperation,
  newVnfcId,
  vduOf,
  vimConnectionIdOf,
  vnfcInfoOf,
  vnfcResourceInfoOf,
  waitActive,
  type VnfcRecord,
} from './vnfc-servers.ts';
import { externalLinksOf } from './vnfc-networks.ts';

/** SOL003 5.5.2.5 ScaleVnfRequest (numberOfSteps defaulted to 1). */
export interface ScaleParams {
  readonly type: 'SCALE_OUT' | 'SCALE_IN';
  readonly aspectId: string;
  readonly numberOfSteps?: number;
}

export function aspectOf(input: Pick<PlanInput, 'vnfd' | 'instance'>, aspectId: string): ScalingAspect {
  const flavourId = input.instance.instantiatedVnfInfo?.flavourId ?? '';
  const aspect = flavourOf(input, flavourId).scalingAspects.find((a) => a.aspectId === aspectId);
  if (!aspect) throw new OperationStepFailed(`aspect ${aspectId} is not in flavour ${flavourId}`, 422);
  return aspect;
}

/** The VNFCs SCALE_IN removes: per VDU of the aspect, the newest `delta x steps`. */
export function vnfcsToRemove(resources: readonly VnfcResourceInfo[], aspect: ScalingAspect, steps: number): VnfcResourceInfo[] {
  return Object.entries(aspect.deltas).flatMap(([vduId, delta]) => resources.filter((r) => r.vduId === vduId).slice(-delta * steps));
}

interface ScaleData {
  added: VnfcRecord[];
}
const dataOf = (ctx: StepContext) => stepData<ScaleData>(ctx, 'scale', () => ({ added: [] }));

/** SCALE: add VNFCs per aspect delta (boot, wait ACTIVE) or remove the newest ones. */
export function scalePlan(input: PlanInput): OperationPlan {
  const params = input.op.operationParams as unknown as ScaleParams;
  const steps = params.numberOfSteps ?? 1;
  const aspect = aspectOf(input, params.aspectId);
  const info = input.instance.instantiatedVnfInfo!;
  const existing = info.vnfcResourceInfo ?? [];
  const removed = params.type === 'SCALE_IN' ? vnfcsToRemove(existing, aspect, steps) : [];
  const outSteps = [
    {
      name: 'boot-servers',
      async run(ctx: StepContext) {
        for (const v of dataOf(ctx).added) await bootVnfc(ctx, v, vduOf(ctx.vnfd, info.flavourId, v.vduId), externalLinksOf(info));
      },
      compensate: (ctx: StepContext) => deleteServersOfOperation(ctx, dataOf(ctx).added),
    },
    {
      name: 'wait-active',
      async run(ctx: StepContext) {
        for (const v of dataOf(ctx).added) await waitActive(ctx, v);
      },
    },
  ];
  const inSteps = [
    {
      name: 'delete-servers',
      irreversible: true,
      async run(ctx: StepContext) {
        for (const r of removed) await deleteServerIfPresent(ctx, r.computeResource.resourceId);
      },
    },
  ];
  return {
    async prepare(ctx) {
      const data = dataOf(ctx);
      if (params.type !== 'SCALE_OUT' || data.added.length) return;
      for (const [vduId, delta] of Object.entries(aspect.deltas)) {
        // New VNFCs join the server group their VDU's VNFCs are in.
        const group = existing.find((r) => r.vduId === vduId)?.metadata?.serverGroupId;
        for (let i = 0; i < delta * steps; i++) {
          data.added.push({ id: newVnfcId(vduId), vduId, ...(typeof group === 'string' && { serverGroupId: group }) });
        }
      }
    },
    grant(ctx) {
      return params.type === 'SCALE_OUT'
        ? { addResources: dataOf(ctx).added.map((v) => ({ id: v.id, type: 'COMPUTE' as const, vduId: v.vduId, resourceTemplateId: v.vduId })) }
        : { removeResources: removed.map((r) => ({ id: r.id, type: 'COMPUTE' as const, vduId: r.vduId, resource: r.computeResource })) };
    },
    steps: params.type === 'SCALE_OUT' ? outSteps : inSteps,
    complete(ctx) {
      const vimConnectionId = vimConnectionIdOf(ctx.instance);
      const added = dataOf(ctx).added.map((v) => vnfcResourceInfoOf(v, ctx.vnfd.vnfdId, vimConnectionId));
      const gone = new Set(removed.map((r) => r.id));
      const resources = [...existing.filter((r) => !gone.has(r.id)), ...added];
      const delta = params.type === 'SCALE_OUT' ? steps : -steps;
      const scaleStatus: ScaleInfo[] = (info.scaleStatus ?? []).map((s) =>
        s.aspectId === aspect.aspectId ? { ...s, scaleLevel: s.scaleLevel + delta } : s,
      );
      const instance: VnfInstance = {
        ...ctx.instance,
        instantiatedVnfInfo: { ...info, scaleStatus, vnfcResourceInfo: resources, vnfcInfo: resources.map(vnfcInfoOf) },
      };
      return {
        instance,
        affectedVnfcs: [...added.map((r) => affectedVnfc(r, 'ADDED')), ...removed.map((r) => affectedVnfc(r, 'REMOVED'))],
      };
    },
  };
}
