/**
 * Which entity a collectd value list is about. Host plugins: the `host` field (collectd's
 * Hostname). The virt plugin (src/virt.c init_value_list) names the VM either in
 * `plugin_instance` (PluginInstanceFormat name|uuid|metadata, host = the compute host) or
 * in `host` (HostnameFormat, default `name`; several fields are joined with ':', e.g.
 * `hostname name` gives `compute-a:instance-0001`).
 */
import type { EntityResolver, ResolvedEntity } from '../monitoring.types.ts';
import type { ValueList } from './value-list.parser.ts';

export interface VmNaming {
  /** The VM names the value list offers, best first. */
  readonly candidates: readonly string[];
  /** The compute host named beside the VM, when the format says it. */
  readonly computeHost?: string;
}

export function virtVmNaming(vl: Pick<ValueList, 'host' | 'pluginInstance'>): VmNaming {
  if (vl.pluginInstance) return { candidates: nonEmpty(vl.pluginInstance.split(':')), computeHost: vl.host };
  const parts = nonEmpty(vl.host.split(':'));
  // `hostname name [uuid]`: the first field is the compute host.
  if (parts.length > 1) return { candidates: parts.slice(1), computeHost: parts[0] };
  return { candidates: parts.length ? parts : [vl.host] };
}

function nonEmpty(parts: string[]): string[] {
  return parts.filter((p) => p.length > 0);
}

/**
 * Resolves the names of one body, each once (the registry counts unknown names per
 * sighting, and a body repeats its host in every value list).
 */
export class BodyEntityResolver {
  private readonly hosts = new Map<string, ResolvedEntity>();
  private readonly vms = new Map<string, ResolvedEntity>();

  constructor(private readonly resolver: EntityResolver) {}

  host(name: string): ResolvedEntity {
    let r = this.hosts.get(name);
    if (!r) this.hosts.set(name, (r = this.resolver.resolve(name, 'host')));
    return r;
  }

  /** The VM of a virt value list: the first candidate the registry knows, else the first one. */
  vm(vl: Pick<ValueList, 'host' | 'pluginInstance'>): ResolvedEntity {
    const key = `${vl.host}\u0000${vl.pluginInstance}`;
    let r = this.vms.get(key);
    if (r) return r;
    const naming = virtVmNaming(vl);
    const all = naming.candidates.map((c) => this.resolver.resolve(c, 'vm'));
    r = all.find((x) => x.known && x.entity.kind === 'vm') ?? all[0];
    // Unknown to the registry: the compute host the format names is still where it runs.
    if (!r.host && naming.computeHost) r = { ...r, host: naming.computeHost };
    this.vms.set(key, r);
    return r;
  }
}
