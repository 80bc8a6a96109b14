import type { VnfInstance } from '../../instances/vnf-instance.types.ts';
import { withoutVimSecrets, type VimConnectionInfo } from '../../instances/vnf-instance.types.ts';
import type { OperationPlan, PlanInput } from '../operation-step.ts';

/** RFC 7396 JSON merge patch: null removes, objects merge, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

/** SOL003 5.5.2.12 VnfInfoModificationRequest, as stored in operationParams; the VNFD identity of a new vnfdId is resolved up front. */
export interface ModifyInfoParams {
  readonly vnfInstanceName?: string | null;
  readonly vnfInstanceDescription?: string | null;
  readonly vnfdId?: string;
  readonly vnfConfigurableProperties?: Record<string, unknown> | null;
  readonly metadata?: Record<string, unknown> | null;
  readonly extensions?: Record<string, unknown> | null;
  readonly vimConnectionInfo?: Record<string, VimConnectionInfo | null> | null;
}

const MERGED = ['vnfConfigurableProperties', 'metadata', 'extensions', 'vimConnectionInfo'] as const;
const REPLACED = ['vnfInstanceName', 'vnfInstanceDescription'] as const;

/** The instance after the modification, and SOL003 5.5.3.3 VnfInfoModifications (what changed). */
export function modifiedInstance(
  inst: VnfInstance,
  params: ModifyInfoParams,
  vnfd?: { vnfdId: string; provider: string; productName: string; softwareVersion: string; descriptorVersion: string },
): { instance: VnfInstance; changedInfo: Record<string, unknown> } {
  const next: Record<string, unknown> = { ...inst };
  const changed: Record<string, unknown> = {};
  for (const key of REPLACED) {
    if (params[key] === undefined) continue;
    if (params[key] === null) delete next[key];
    else next[key] = params[key];
    if (params[key] !== null) changed[key] = params[key];
  }
  for (const key of MERGED) {
    if (params[key] === undefined) continue;
    const merged = mergePatch(inst[key], params[key]) as Record<string, unknown>;
    const value = key === 'vimConnectionInfo' ? withoutVimSecrets(merged as Record<string, VimConnectionInfo>) : merged;
    if (Object.keys(value ?? {}).length) next[key] = value;
    else delete next[key];
    changed[key] = value ?? {};
  }
  if (vnfd && vnfd.vnfdId !== inst.vnfdId) {
    Object.assign(next, {
      vnfdId: vnfd.vnfdId,
      vnfProvider: vnfd.provider,
      vnfProductName: vnfd.productName,
      vnfSoftwareVersion: vnfd.softwareVersion,
      vnfdVersion: vnfd.descriptorVersion,
    });
    Object.assign(changed, {
      vnfdId: vnfd.vnfdId,
      vnfProvider: vnfd.provider,
      vnfProductName: vnfd.productName,
      vnfSoftwareVersion: vnfd.softwareVersion,
      vnfdVersion: vnfd.descriptorVersion,
    });
  }
  return { instance: next as unknown as VnfInstance, changedInfo: changed };
}

/** MODIFY_INFO (SOL003 5.4.3.3.4): no grant, no VIM; the change is applied when the operation completes. */
export function modifyInfoPlan(input: PlanInput): OperationPlan {
  const params = (input.op.operationParams ?? {}) as ModifyInfoParams;
  return {
    steps: [],
    complete(ctx) {
      const { instance, changedInfo } = modifiedInstance(ctx.instance, params, params.vnfdId ? ctx.vnfd : undefined);
      return { instance, changedInfo };
    },
  };
}
