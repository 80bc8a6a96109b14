import type { VnfdModel } from '../vnfd/vnfd.types.ts';
import type { VnfInstance } from '../instances/vnf-instance.types.ts';
import { withoutVimSecrets, type VimConnectionInfo } from '../instances/vnf-instance.types.ts';
import { SolValidationError, VnfInstanceIsInstantiated, VnfInstanceIsNotInstantiated } from '../lcm-errors.ts';
import { HEAL_TYPES, type HealVnfRequest } from '../engine/lcm.port.ts';
import { externalLinkProblems, type ExternalLinks } from '../engine/plans/vnfc-networks.ts';

/**
 * State checks of the task requests (SOL003 5.4.4-5.4.9), once the body passed the OpenAPI
 * validation: what depends on the instance and its VNFD. Each returns the operationParams
 * to store (credentials removed), or throws the ProblemError the API answers.
 */

type Body = Record<string, unknown>;

export function requireNotInstantiated(inst: VnfInstance): void {
  if (inst.instantiationState !== 'NOT_INSTANTIATED') throw new VnfInstanceIsInstantiated(inst.id);
}

export function requireInstantiated(inst: VnfInstance): void {
  if (inst.instantiationState !== 'INSTANTIATED') throw new VnfInstanceIsNotInstantiated(inst.id);
}

export function checkInstantiate(inst: VnfInstance, vnfd: VnfdModel, body: Body): Body {
  requireNotInstantiated(inst);
  const flavour = vnfd.flavours.find((f) => f.flavourId === body.flavourId);
  if (!flavour) throw new SolValidationError(`flavourId ${String(body.flavourId)} is not a deployment flavour of VNFD ${vnfd.vnfdId}.`);
  const level = body.instantiationLevelId;
  if (level !== undefined && flavour.instantiationLevels && !flavour.instantiationLevels.some((l) => l.levelId === level)) {
    throw new SolValidationError(`instantiationLevelId ${String(level)} is not an instantiation level of flavour ${flavour.flavourId}.`);
  }
  const problems = externalLinkProblems(flavour, body as ExternalLinks);
  if (problems.length) throw new SolValidationError(`${problems.join('; ')}.`);
  const vims = body.vimConnectionInfo as Record<string, VimConnectionInfo> | undefined;
  return { ...body, ...(vims && { vimConnectionInfo: withoutVimSecrets(vims) }) };
}

export function checkTerminate(inst: VnfInstance, body: Body): Body {
  requireInstantiated(inst);
  return body;
}

/** Tacker vnflcm_v2.scale: the aspect must be in scaleStatus and maxScaleLevels; the new level within them. */
export function checkScale(inst: VnfInstance, body: Body): Body {
  requireInstantiated(inst);
  const aspectId = body.aspectId as string;
  const steps = (body.numberOfSteps as number | undefined) ?? 1;
  const level = inst.instantiatedVnfInfo?.scaleStatus?.find((s) => s.aspectId === aspectId)?.scaleLevel;
  const max = inst.instantiatedVnfInfo?.maxScaleLevels?.find((s) => s.aspectId === aspectId)?.scaleLevel;
  if (level === undefined || max === undefined) throw new SolValidationError(`Invalid aspectId '${aspectId}'.`);
  const next = level + (body.type === 'SCALE_IN' ? -steps : steps);
  if (next < 0 || next > max) throw new SolValidationError(`Invalid numberOfSteps '${steps}': scale level ${next} is outside 0..${max}.`);
  return { ...body, numberOfSteps: steps };
}

/** SOL002/Tacker: each vnfcInstanceId must be a VNFC of the instance; healType one we know. */
export function checkHeal(inst: VnfInstance, body: Body): HealVnfRequest & Body {
  requireInstantiated(inst);
  const params = (body.additionalParams ?? {}) as Body;
  if (params.all !== undefined && typeof params.all !== 'boolean') throw new SolValidationError("additionalParams['all'] must be bool.");
  if (params.healType !== undefined && !HEAL_TYPES.includes(params.healType as never)) {
    throw new SolValidationError(`additionalParams.healType must be one of ${HEAL_TYPES.join(', ')}.`);
  }
  if (params.targetHost !== undefined && (typeof params.targetHost !== 'string' || params.targetHost === '')) {
    throw new SolValidationError('additionalParams.targetHost must be a host name.');
  }
  if (params.targetHost !== undefined && params.healType !== 'live-migrate') {
    throw new SolValidationError('additionalParams.targetHost applies to healType live-migrate only.');
  }
  if (params.rebootType !== undefined && params.rebootType !== 'SOFT' && params.rebootType !== 'HARD') {
    throw new SolValidationError('additionalParams.rebootType must be SOFT or HARD.');
  }
  const ids = body.vnfcInstanceId as string[] | undefined;
  const info = inst.instantiatedVnfInfo;
  const known = new Set([...(info?.vnfcInfo ?? []).map((v) => v.id), ...(info?.vnfcResourceInfo ?? []).map((v) => v.id)]);
  for (const id of ids ?? []) if (!known.has(id)) throw new SolValidationError(`vnfcInstanceId(${id}) does not exist.`);
  return body as HealVnfRequest & Body;
}

/** Tacker vnflcm_v2.update: vimConnectionInfo cannot change before the instance is instantiated. */
export function checkModify(inst: VnfInstance, body: Body): Body {
  if (inst.instantiationState === 'NOT_INSTANTIATED' && body.vimConnectionInfo !== undefined) {
    throw new SolValidationError('vimConnectionInfo cannot be modified in NOT_INSTANTIATED.');
  }
  const vims = body.vimConnectionInfo as Record<string, VimConnectionInfo | null> | undefined | null;
  if (!vims) return body;
  const clean = Object.fromEntries(
    Object.entries(vims).map(([k, v]) => [k, v === null ? null : withoutVimSecrets({ [k]: v })![k]]),
  );
  return { ...body, vimConnectionInfo: clean };
}
