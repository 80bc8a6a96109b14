/**
 * How the composition root describes the VIM to use: plain data, built from the configuration
 * (see the README, "VIM drivers", for the keys and their defaults).
 */
import type { VduResources } from '../vnfd/vnfd.types.ts';
import type { EndpointInterface, KeystoneAuth } from './openstack/keystone-client.ts';
import type { SimHostSpec, SimulatedVimOptions } from './simulated/simulated-vim.types.ts';
import type { VimKind } from './vim.port.ts';

export interface OpenStackVimSettings {
  readonly kind: 'openstack';
  /** Keystone v3 endpoint, e.g. http://127.0.0.1:5000/v3. */
  readonly authUrl: string;
  readonly auth: KeystoneAuth;
  /** Region of the catalog endpoints; any region when absent. */
  readonly region?: string;
  readonly interface: EndpointInterface;
  readonly computeMicroversion: string;
  readonly requestTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** Endpoint URLs by service type, instead of the catalog's. */
  readonly endpointOverrides?: Readonly<Record<string, string>>;
}

export interface SimulatedVimSettings extends Omit<SimulatedVimOptions, 'workloadFor'> {
  readonly kind: 'simulated';
}

export type VimSettings = OpenStackVimSettings | SimulatedVimSettings;

export const OPENSTACK_DEFAULTS = {
  interface: 'public',
  computeMicroversion: '2.88',
  requestTimeoutMs: 30_000,
  pollIntervalMs: 1_000,
} as const satisfies Partial<OpenStackVimSettings>;

const DEFAULT_SIM_CAPACITY: VduResources = { vcpus: 32, ramMb: 131_072, diskGb: 2_000 };

/**
 * Simulated hosts from a compact string: `name[:vcpus:ramMb:diskGb][@zone]`, comma-separated,
 * e.g. `compute-a,compute-b:16:65536:500@az2`. Hosts without numbers get 32 vCPUs, 128 GiB and 2 TB.
 */
export function parseSimulatedHosts(text: string): SimHostSpec[] {
  const hosts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([A-Za-z0-9._-]+)(?::(\d+):(\d+):(\d+))?(?:@([A-Za-z0-9._-]+))?$/.exec(item);
      if (!m) throw new RangeError(`simulated host "${item}" is not name[:vcpus:ramMb:diskGb][@zone]`);
      const capacity = m[2] ? { vcpus: Number(m[2]), ramMb: Number(m[3]), diskGb: Number(m[4]) } : DEFAULT_SIM_CAPACITY;
      return { name: m[1], capacity, ...(m[5] ? { availabilityZone: m[5] } : {}) };
    });
  const names = new Set(hosts.map((h) => h.name));
  if (names.size !== hosts.length) throw new RangeError('simulated host names must be unique');
  if (hosts.length === 0) throw new RangeError('at least one simulated host is needed');
  return hosts;
}

export function isVimKind(s: string): s is VimKind {
  return s === 'openstack' || s === 'simulated';
}
