import { uriPrefix, VNFLCM } from '../platform/http/sol-api.ts';

/** Absolute hrefs of LCM resources under the public base URL (Tacker inst_href, lcmocc_href). */
export interface LcmLinks {
  vnfInstance(id: string): string;
  opOcc(id: string): string;
}

export function lcmLinks(publicUrl: string): LcmLinks {
  const base = `${publicUrl.replace(/\/+$/, '')}${uriPrefix(VNFLCM)}`;
  return {
    vnfInstance: (id) => `${base}/vnf_instances/${id}`,
    opOcc: (id) => `${base}/vnf_lcm_op_occs/${id}`,
  };
}
