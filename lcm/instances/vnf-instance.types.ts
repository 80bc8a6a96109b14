/**
 * The VNF instance resource (SOL003 5.5.2.2 VnfInstance) as stored and returned. `doc` in
 * the vnf_instances table is exactly this, never with VIM credentials.
 */
import type { components } from '../../api/generated/vnflcm.ts';

/** The contract's types (api/openapi/vnflcm.yaml, generated): documents are exactly these. */
type Schemas = components['schemas'];
export type VnfInstance = Schemas['VnfInstance'];
export type InstantiationState = VnfInstance['instantiationState'];
/** SOL003 4.4.1.6; `accessInfo` is kept without its secrets. */
export type VimConnectionInfo = Schemas['VimConnectionInfo'];
/** SOL003 4.4.1.7 */
export type ResourceHandle = Schemas['ResourceHandle'];
/** SOL003 5.5.3.5; the compute host is in `metadata.host`. */
export type VnfcResourceInfo = Schemas['VnfcResourceInfo'];
/** SOL002/SOL003 (v3.5+) VnfcInfo, as Tacker v2 returns it. */
export type VnfcInfo = Schemas['VnfcInfo'];
export type ScaleInfo = Schemas['ScaleInfo'];
export type InstantiatedVnfInfo = Schemas['InstantiatedVnfInfo'];
export type VnfInstanceLinks = VnfInstance['_links'];

/** SOL003 5.4.2.3.2: the attributes a list leaves out unless asked for (as Tacker). */
export const VNF_INSTANCE_DEFAULT_EXCLUDED = [
  'vnfConfigurableProperties',
  'vimConnectionInfo',
  'instantiatedVnfInfo',
  'metadata',
  'extensions',
] as const;

/** Keys of accessInfo that are credentials: never stored in the document nor returned. */
const SECRET_KEY = /pass|secret|token|credential|key/i;

/** The VimConnectionInfo map without credentials in accessInfo (SOL003 4.4.1.6: never returned). */
export function withoutVimSecrets(info: Record<string, VimConnectionInfo> | undefined): Record<string, VimConnectionInfo> | undefined {
  if (!info) return undefined;
  return Object.fromEntries(
    Object.entries(info).map(([k, v]) => {
      if (!v.accessInfo) return [k, v];
      const accessInfo = Object.fromEntries(Object.entries(v.accessInfo).filter(([name]) => !SECRET_KEY.test(name)));
      return [k, { ...v, accessInfo }];
    }),
  );
}

/** Links of an instance in the given state (Tacker inst_utils.make_inst_links). */
export function vnfInstanceLinks(href: string, state: InstantiationState): VnfInstanceLinks {
  const self = { href };
  if (state === 'NOT_INSTANTIATED') return { self, instantiate: { href: `${href}/instantiate` } };
  return {
    self,
    terminate: { href: `${href}/terminate` },
    scale: { href: `${href}/scale` },
    heal: { href: `${href}/heal` },
  };
}
