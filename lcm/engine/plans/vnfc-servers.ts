import { randomUUID } from 'node:crypto';
import type { Vdu, VnfdModel } from '../../vnfd/vnfd.types.ts';
import type { VimServer } from '../../vim/vim.port.ts';
import type { VnfcInfo, VnfcResourceInfo, VnfInstance } from '../../instances/vnf-instance.types.ts';
import type { AffectedVnfc } from '../../op-occs/lcm-op-occ.types.ts';
import { OperationStepFailed } from '../../lcm-errors.ts';
import type { StepContext } from '../operation-step.ts';
import { networksOf, vnfcCpInfoOf, type ExternalLinks, type VnfcCpInfo } from './vnfc-networks.ts';

/** A VNFC an operation creates or changes, as recorded in the progress (ids decided before the grant). */
export interface VnfcRecord {
  readonly id: string;
  readonly vduId: string;
  serverGroupId?: string;
  serverId?: string;
  serverName?: string;
  host?: string;
  zoneId?: string;
  /** The connected CPs (vnfcCpInfo), set when the server is booted. */
  cpInfo?: VnfcCpInfo[];
  active?: boolean;
}

/** Tacker-style VNFC id `{vduId}-{uuid}`: the same for vnfcResourceInfo and vnfcInfo, kept across heals. */
export function newVnfcId(vduId: string): string {
  return `${vduId}-${randomUUID()}`;
}

export function vduOf(vnfd: VnfdModel, flavourId: string, vduId: string): Vdu {
  const vdu = vnfd.flavours.find((f) => f.flavourId === flavourId)?.vdus.find((v) => v.vduId === vduId);
  if (!vdu) throw new OperationStepFailed(`VDU ${vduId} is not in flavour ${flavourId} of VNFD ${vnfd.vnfdId}`, 422);
  return vdu;
}

/** Metadata stored with each server, so that after a crash the engine finds what it booted. */
export function serverMetadata(ctx: StepContext, vnfc: VnfcRecord): Record<string, string> {
  return { vnfInstanceId: ctx.op.vnfInstanceId, vnfcInstanceId: vnfc.id, vnfLcmOpOccId: ctx.op.id, vduId: vnfc.vduId };
}

function serverName(inst: VnfInstance, vnfc: VnfcRecord): string {
  const base = (inst.vnfInstanceName ?? 'vnf').replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40);
  return `${base}-${vnfc.vduId}-${vnfc.id.slice(-8)}`;
}

/**
 * Boots the VNFC's server unless it is booted already (recorded, or found by its metadata after
 * a crash), on the networks its VDU's connection points get from the external links.
 */
export async function bootVnfc(ctx: StepContext, vnfc: VnfcRecord, vdu: Vdu, links: ExternalLinks): Promise<void> {
  if (vnfc.serverId) return;
  const [found] = await ctx.vim.findServers({ vnfcInstanceId: vnfc.id, vnfLcmOpOccId: ctx.op.id });
  const server =
    found ??
    (await ctx.vim.createServer({
      name: serverName(ctx.instance, vnfc),
      flavorName: vdu.flavorName,
      resources: vdu.resources,
      image: vdu.image,
      networks: networksOf(vdu, links),
      serverGroupId: vnfc.serverGroupId,
      metadata: serverMetadata(ctx, vnfc),
    }));
  record(vnfc, server);
  vnfc.cpInfo = vnfcCpInfoOf(vnfc.id, vdu, links);
  await ctx.checkpoint();
}

export async function waitActive(ctx: StepContext, vnfc: VnfcRecord): Promise<void> {
  if (vnfc.active) return;
  if (!vnfc.serverId) throw new OperationStepFailed(`VNFC ${vnfc.id} has no server to wait for`);
  const server = await ctx.vim.waitForServer(vnfc.serverId, 'ACTIVE', { timeoutMs: ctx.settings.serverActiveTimeoutMs, signal: ctx.signal });
  record(vnfc, server);
  vnfc.active = true;
  await ctx.checkpoint();
}

function record(vnfc: VnfcRecord, server: VimServer): void {
  vnfc.serverId = server.id;
  vnfc.serverName = server.name;
  if (server.host) vnfc.host = server.host;
}

/** Deletes a server if it still exists (idempotent). */
export async function deleteServerIfPresent(ctx: StepContext, serverId: string | undefined): Promise<void> {
  if (!serverId) return;
  if (!(await ctx.vim.getServer(serverId))) return;
  await ctx.vim.deleteServer(serverId);
}

/** Compensation of a boot step: every server this operation booted, recorded or found by metadata. */
export async function deleteServersOfOperation(ctx: StepContext, vnfcs: readonly VnfcRecord[]): Promise<void> {
  const ids = new Set(vnfcs.map((v) => v.serverId).filter((id): id is string => !!id));
  for (const s of await ctx.vim.findServers({ vnfLcmOpOccId: ctx.op.id })) ids.add(s.id);
  for (const id of ids) await deleteServerIfPresent(ctx, id);
  for (const v of vnfcs) {
    v.serverId = undefined;
    v.active = false;
  }
  await ctx.checkpoint();
}

/** SOL003 5.5.3.5 VnfcResourceInfo of a VNFC; the host and server group go to `metadata`. */
export function vnfcResourceInfoOf(vnfc: VnfcRecord, vnfdId: string, vimConnectionId?: string): VnfcResourceInfo {
  if (!vnfc.serverId) throw new OperationStepFailed(`VNFC ${vnfc.id} has no server`);
  return {
    id: vnfc.id,
    vduId: vnfc.vduId,
    vnfdId,
    computeResource: {
      ...(vimConnectionId && { vimConnectionId }),
      resourceId: vnfc.serverId,
      vimLevelResourceType: 'OS::Nova::Server',
    },
    ...(vnfc.zoneId && { zoneId: vnfc.zoneId }),
    ...(vnfc.cpInfo?.length && { vnfcCpInfo: vnfc.cpInfo }),
    metadata: {
      ...(vnfc.host && { host: vnfc.host }),
      ...(vnfc.serverName && { serverName: vnfc.serverName }),
      ...(vnfc.serverGroupId && { serverGroupId: vnfc.serverGroupId }),
    },
  };
}

export function vnfcInfoOf(r: VnfcResourceInfo): VnfcInfo {
  return { id: r.id, vduId: r.vduId, vnfcResourceInfoId: r.id, vnfcState: 'STARTED' };
}

export function affectedVnfc(r: VnfcResourceInfo, changeType: AffectedVnfc['changeType']): AffectedVnfc {
  return {
    id: r.id,
    vduId: r.vduId,
    ...(r.vnfdId && { vnfdId: r.vnfdId }),
    changeType,
    computeResource: r.computeResource,
    ...(r.metadata && { metadata: r.metadata }),
  };
}

/** The VIM connection the instance's resources belong to: the first key of vimConnectionInfo. */
export function vimConnectionIdOf(inst: Pick<VnfInstance, 'vimConnectionInfo'>): string | undefined {
  return Object.keys(inst.vimConnectionInfo ?? {})[0];
}

/** A VNFC record from an existing vnfcResourceInfo. */
export function recordOf(r: VnfcResourceInfo): VnfcRecord {
  const meta = r.metadata ?? {};
  return {
    id: r.id,
    vduId: r.vduId,
    serverId: r.computeResource.resourceId,
    ...(typeof meta.host === 'string' && { host: meta.host }),
    ...(typeof meta.serverName === 'string' && { serverName: meta.serverName }),
    ...(typeof meta.serverGroupId === 'string' && { serverGroupId: meta.serverGroupId }),
    ...(r.zoneId && { zoneId: r.zoneId }),
    ...(r.vnfcCpInfo?.length && { cpInfo: [...r.vnfcCpInfo] }),
    active: true,
  };
}
