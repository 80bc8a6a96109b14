/**
 * What online scoring scores, from the entity registry: every VNFC (its VM's events, the
 * metrics of the host the VM runs on: the paper's signals are host metrics) and every VNF
 * instance. A VNF whose VNFCs all run on one host gets a window of its own (the VNF's
 * events, that host's metrics); a VNF spread over several hosts takes the riskiest of its
 * VNFCs' scores instead, since no single host's metrics describe it.
 */
import type { EntityRef } from '../../fault-mgmt/monitoring.types.ts';
import type { RegistryEntity, VmEntity, VnfcEntity } from '../../fault-mgmt/registry/registry-entity.ts';

export interface ScoringTarget {
  readonly kind: 'vnf' | 'vnfc';
  /** vnfcInstanceId or vnfInstanceId. */
  readonly id: string;
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  /** Server id of the VNFC's VM. */
  readonly vm?: string;
  /** Compute host whose cpu_util, mem_util and swap_util are read. */
  readonly host: string;
  /** Entity whose events (paging_timeout, oom_kill, s1ap_broken_pipe) are counted. */
  readonly events: EntityRef;
}

/** A VNF spread over several hosts: its score is the highest of these VNFCs' scores. */
export interface DerivedVnf {
  readonly vnfInstanceId: string;
  readonly vnfcIds: readonly string[];
}

export interface SkippedTarget {
  readonly kind: 'vnf' | 'vnfc';
  readonly id: string;
  readonly reason: 'no-host';
}

export interface ScoringPlan {
  readonly targets: ScoringTarget[];
  readonly derived: DerivedVnf[];
  readonly skipped: SkippedTarget[];
}

export function planScoring(entities: readonly RegistryEntity[]): ScoringPlan {
  const vms = new Map<string, VmEntity>();
  const vnfcsByVnf = new Map<string, VnfcEntity[]>();
  const vnfIds: string[] = [];
  for (const e of entities) {
    if (e.kind === 'vm') vms.set(e.id, e);
    else if (e.kind === 'vnf') vnfIds.push(e.id);
    else if (e.kind === 'vnfc') vnfcsByVnf.set(e.vnfInstanceId, [...(vnfcsByVnf.get(e.vnfInstanceId) ?? []), e]);
  }
  const targets: ScoringTarget[] = [];
  const derived: DerivedVnf[] = [];
  const skipped: SkippedTarget[] = [];
  // VNFCs of VNF instances the registry does not list are scored too: the VNFC names its VNF.
  const allVnfs = [...new Set([...vnfIds, ...vnfcsByVnf.keys()])].sort();
  for (const vnfInstanceId of allVnfs) {
    const placed: ScoringTarget[] = [];
    for (const c of [...(vnfcsByVnf.get(vnfInstanceId) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const host = vms.get(c.vm)?.host;
      if (!host) {
        skipped.push({ kind: 'vnfc', id: c.id, reason: 'no-host' });
        continue;
      }
      placed.push({ kind: 'vnfc', id: c.id, vnfInstanceId, vnfcInstanceId: c.id, vm: c.vm, host, events: { kind: 'vm', id: c.vm } });
    }
    targets.push(...placed);
    const hosts = [...new Set(placed.map((t) => t.host))];
    if (hosts.length === 0) skipped.push({ kind: 'vnf', id: vnfInstanceId, reason: 'no-host' });
    else if (hosts.length === 1) {
      targets.push({ kind: 'vnf', id: vnfInstanceId, vnfInstanceId, host: hosts[0], events: { kind: 'vnf', id: vnfInstanceId } });
    } else derived.push({ vnfInstanceId, vnfcIds: placed.map((t) => t.id) });
  }
  return { targets, derived, skipped };
}
