/** An ETSI SOL API the plugin serves: its name, major-version path segment and version. */
export interface SolApi {
  /** First path segment, e.g. `vnflcm`. */
  readonly name: 'vnflcm' | 'vnffm' | 'vnfind' | 'vnfpm';
  /** Major version path segment, e.g. `v2`. */
  readonly major: string;
  /** The one API version served (Tacker matches it exactly). */
  readonly version: string;
}

export const VNFLCM: SolApi = { name: 'vnflcm', major: 'v2', version: '2.0.0' };
export const VNFFM: SolApi = { name: 'vnffm', major: 'v1', version: '1.3.0' };
export const VNFIND: SolApi = { name: 'vnfind', major: 'v1', version: '1.3.0' };
export const VNFPM: SolApi = { name: 'vnfpm', major: 'v2', version: '2.1.0' };

export const SOL_APIS: readonly SolApi[] = [VNFLCM, VNFFM, VNFIND, VNFPM];

export function uriPrefix(api: SolApi): string {
  return `/${api.name}/${api.major}`;
}
