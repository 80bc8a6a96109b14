/**
 * Which networks a VNFC's server boots on: each of its VDU's connection points (VduCp, in the
 * VNFD's order, which is the NIC order) goes to the network the NFVO gave for it in the
 * InstantiateVnfRequest, as Tacker v2 maps them:
 *   - `extVirtualLinks[].extCps[].cpdId` names the VduCp: the CP goes on that link's `resourceId`;
 *   - `extManagedVirtualLinks[].vnfVirtualLinkDescId` names the VnfVirtualLink the CP binds to:
 *     the CP goes on that link's `resourceId`.
 * A CP with neither gets no NIC (the plugin creates no networks). A VDU without any mapped CP
 * boots with `"networks": "none"`. The links are kept in instantiatedVnfInfo
 * (extVirtualLinkInfo, extManagedVirtualLinkInfo), so scale and heal (recreate) boot new
 * servers on the same networks.
 */
import type { components } from '../../../api/generated/vnflcm.ts';
import type { InstantiatedVnfInfo } from '../../instances/vnf-instance.types.ts';
import type { Vdu, VnfFlavour } from '../../vnfd/vnfd.types.ts';

type Schemas = components['schemas'];
export type ExtVirtualLinkData = Schemas['ExtVirtualLinkData'];
export type ExtManagedVirtualLinkData = Schemas['ExtManagedVirtualLinkData'];
export type VnfcCpInfo = Schemas['VnfcCpInfo'];

/** The external links of an instantiation, as requested or as kept in instantiatedVnfInfo. */
export interface ExternalLinks {
  readonly extVirtualLinks?: readonly Pick<ExtVirtualLinkData, 'id' | 'resourceId' | 'extCps'>[];
  readonly extManagedVirtualLinks?: readonly Pick<ExtManagedVirtualLinkData, 'id' | 'vnfVirtualLinkDescId' | 'resourceId'>[];
}

export interface CpNetwork {
  readonly cpdId: string;
  /** Network id or name, as the NFVO gave it (the OpenStack driver resolves names through Neutron). */
  readonly network: string;
}

/** The VDU's connection points that have a network, in NIC order. */
export function cpNetworksOf(vdu: Pick<Vdu, 'connectionPoints'>, links: ExternalLinks): CpNetwork[] {
  const out: CpNetwork[] = [];
  for (const cp of vdu.connectionPoints ?? []) {
    const ext = links.extVirtualLinks?.find((l) => l.extCps.some((c) => c.cpdId === cp.cpdId || (cp.externalRequirement !== undefined && c.cpdId === cp.externalRequirement)));
    const managed = cp.virtualLink === undefined ? undefined : links.extManagedVirtualLinks?.find((l) => l.vnfVirtualLinkDescId === cp.virtualLink);
    const network = ext?.resourceId ?? managed?.resourceId;
    if (network) out.push({ cpdId: cp.cpdId, network });
  }
  return out;
}

/** The networks of a VNFC's server (ServerSpec.networks), in NIC order. */
export function networksOf(vdu: Pick<Vdu, 'connectionPoints'>, links: ExternalLinks): string[] {
  return cpNetworksOf(vdu, links).map((c) => c.network);
}

/** vnfcResourceInfo.vnfcCpInfo of a VNFC: one entry per connected CP. */
export function vnfcCpInfoOf(vnfcId: string, vdu: Pick<Vdu, 'connectionPoints'>, links: ExternalLinks): VnfcCpInfo[] {
  return cpNetworksOf(vdu, links).map((c) => ({ id: `${vnfcId}-${c.cpdId}`, cpdId: c.cpdId }));
}

/**
 * What is wrong with the links of an InstantiateVnfRequest for this flavour: an extCps cpdId
 * that is no VduCp (nor external CP) of the flavour, a vnfVirtualLinkDescId that is no
 * VnfVirtualLink of it, a CP given two networks. Empty when they are usable.
 */
export function externalLinkProblems(flavour: Pick<VnfFlavour, 'flavourId' | 'vdus' | 'virtualLinks'>, links: ExternalLinks): string[] {
  const problems: string[] = [];
  const cps = new Set(flavour.vdus.flatMap((v) => (v.connectionPoints ?? []).flatMap((c) => [c.cpdId, ...(c.externalRequirement ? [c.externalRequirement] : [])])));
  const vls = new Set(flavour.virtualLinks ?? []);
  const seen = new Map<string, number>();
  (links.extVirtualLinks ?? []).forEach((l, i) =>
    l.extCps.forEach((c, j) => {
      if (!cps.has(c.cpdId)) problems.push(`extVirtualLinks[${i}].extCps[${j}].cpdId: ${c.cpdId} is not a connection point of flavour ${flavour.flavourId}`);
      else if (seen.has(c.cpdId)) problems.push(`extVirtualLinks[${i}].extCps[${j}].cpdId: ${c.cpdId} is already on extVirtualLinks[${seen.get(c.cpdId)}]`);
      else seen.set(c.cpdId, i);
    }),
  );
  const managed = new Map<string, number>();
  (links.extManagedVirtualLinks ?? []).forEach((l, i) => {
    if (!vls.has(l.vnfVirtualLinkDescId)) problems.push(`extManagedVirtualLinks[${i}].vnfVirtualLinkDescId: ${l.vnfVirtualLinkDescId} is not a virtual link of flavour ${flavour.flavourId}`);
    else if (managed.has(l.vnfVirtualLinkDescId)) problems.push(`extManagedVirtualLinks[${i}].vnfVirtualLinkDescId: ${l.vnfVirtualLinkDescId} is already managed by extManagedVirtualLinks[${managed.get(l.vnfVirtualLinkDescId)}]`);
    else managed.set(l.vnfVirtualLinkDescId, i);
  });
  return problems;
}

/** instantiatedVnfInfo.extVirtualLinkInfo / extManagedVirtualLinkInfo of the requested links. */
export function externalLinkInfoOf(links: ExternalLinks): Pick<InstantiatedVnfInfo, 'extVirtualLinkInfo' | 'extManagedVirtualLinkInfo'> {
  const ext = links.extVirtualLinks ?? [];
  const managed = links.extManagedVirtualLinks ?? [];
  return {
    ...(ext.length && {
      extVirtualLinkInfo: ext.map((l) => ({
        id: l.id,
        resourceHandle: { resourceId: l.resourceId, vimLevelResourceType: 'OS::Neutron::Net' },
        currentVnfExtCpData: l.extCps.map((c) => ({ cpdId: c.cpdId, ...(c.cpConfig && { cpConfig: c.cpConfig }) })),
      })),
    }),
    ...(managed.length && {
      extManagedVirtualLinkInfo: managed.map((l) => ({
        id: l.id,
        vnfVirtualLinkDescId: l.vnfVirtualLinkDescId,
        networkResource: { resourceId: l.resourceId, vimLevelResourceType: 'OS::Neutron::Net' },
      })),
    }),
  };
}

/** The links an instantiated VNF was given (for scale and heal), from its instantiatedVnfInfo. */
export function externalLinksOf(info: InstantiatedVnfInfo | undefined): ExternalLinks {
  return {
    extVirtualLinks: (info?.extVirtualLinkInfo ?? []).map((l) => ({ id: l.id, resourceId: l.resourceHandle.resourceId, extCps: l.currentVnfExtCpData })),
    extManagedVirtualLinks: (info?.extManagedVirtualLinkInfo ?? []).map((l) => ({
      id: l.id,
      vnfVirtualLinkDescId: l.vnfVirtualLinkDescId,
      resourceId: l.networkResource.resourceId,
    })),
  };
}
