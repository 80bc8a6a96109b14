import { ProblemError } from '../../platform/http/problem-details.ts';
import type { VnfInstanceRepository } from '../instances/vnf-instance.repository.ts';
import { OtherOperationInProgress, VnfInstanceIsNotInstantiated, VnfInstanceNotFound } from '../lcm-errors.ts';
import type { LcmOpOccRepository } from '../op-occs/lcm-op-occ.repository.ts';
import type { LcmOperationsService } from '../op-occs/lcm-operations.service.ts';
import { checkHeal } from '../requests/lcm-request-checks.ts';
import type { AutomaticHealRequest, HealOutcome, LcmPort, LcmRefusal, VnfcPlacement, LcmOperationStatus } from './lcm.port.ts';
import { operationStatus } from './op-transitions.ts';

function refusalOf(err: unknown): LcmRefusal | undefined {
  if (err instanceof VnfInstanceNotFound) return { kind: 'VnfInstanceNotFound', detail: err.detail };
  if (err instanceof VnfInstanceIsNotInstantiated) return { kind: 'VnfInstanceNotInstantiated', detail: err.detail };
  if (err instanceof OtherOperationInProgress) {
    return { kind: err.failedTemp ? 'OperationFailedTemp' : 'OperationInProgress', vnfLcmOpOccId: err.vnfLcmOpOccId, detail: err.detail };
  }
  if (err instanceof ProblemError && err.status < 500) return { kind: 'InvalidRequest', detail: err.detail };
  return undefined;
}

/** The LcmPort the decision engine calls: the same pipeline as POST .../heal, marked automatic. */
export class LcmPortAdapter implements LcmPort {
  constructor(
    private readonly operations: LcmOperationsService,
    private readonly instances: VnfInstanceRepository,
    private readonly ops: LcmOpOccRepository,
  ) {}

  async requestHeal(vnfInstanceId: string, request: AutomaticHealRequest): Promise<HealOutcome> {
    const { isAutomaticInvocation: _automatic, ...body } = request;
    try {
      const op = await this.operations.start(vnfInstanceId, {
        operation: 'HEAL',
        isAutomaticInvocation: true,
        check: (inst) => checkHeal(inst, JSON.parse(JSON.stringify(body)) as Record<string, unknown>),
      });
      return { accepted: true, vnfLcmOpOccId: op.id };
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return { accepted: false, refusal };
    }
  }

  async listVnfcPlacements(): Promise<VnfcPlacement[]> {
    return (await this.instances.listInstantiated()).flatMap((inst) =>
      (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((r) => ({
        vnfInstanceId: inst.id,
        ...(inst.vnfInstanceName && { vnfInstanceName: inst.vnfInstanceName }),
        vnfdId: inst.vnfdId,
        flavourId: inst.instantiatedVnfInfo!.flavourId,
        vnfcInstanceId: r.id,
        vduId: r.vduId,
        serverId: r.computeResource.resourceId,
        ...(typeof r.metadata?.host === 'string' && { host: r.metadata.host }),
        autoHealEnabled: inst.vnfConfigurableProperties?.isAutohealEnabled === true,
      })),
    );
  }

  async getOperation(id: string): Promise<LcmOperationStatus | undefined> {
    const op = await this.ops.get(id);
    return op && operationStatus(op);
  }

  async unfinishedOperation(vnfInstanceId: string): Promise<LcmOperationStatus | undefined> {
    const op = await this.ops.unfinishedOf(vnfInstanceId);
    return op && operationStatus(op);
  }
}
