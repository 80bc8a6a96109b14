/** Nova's bodies to the VIM port's types: plain functions, tested without I/O. */
import type { VduResources } from '../../vnfd/vnfd.types.ts';
import type { LiveMigration, MigrationStatus, ServerStatus, VimHost, VimServer } from '../vim.port.ts';
import type { NovaAggregate, NovaHypervisor, NovaMigration, NovaServer, NovaServerMigration, NovaService } from './nova-types.ts';
import type { ProviderCapacity } from './placement-client.ts';

const SERVER_STATUS: Readonly<Record<string, ServerStatus>> = {
  BUILD: 'BUILD',
  ACTIVE: 'ACTIVE',
  MIGRATING: 'MIGRATING',
  REBUILD: 'REBUILD',
  REBOOT: 'REBOOT',
  HARD_REBOOT: 'REBOOT',
  SHUTOFF: 'SHUTOFF',
  ERROR: 'ERROR',
  DELETED: 'DELETED',
  SOFT_DELETED: 'DELETED',
};

/** Nova server status to the port's; RESIZE, PAUSED, SHELVED and the like are UNKNOWN to us. */
export function toServerStatus(status: string): ServerStatus {
  return SERVER_STATUS[status] ?? 'UNKNOWN';
}

export function toVimServer(s: NovaServer): VimServer {
  const host = s['OS-EXT-SRV-ATTR:host'];
  const fault = s.status === 'ERROR' ? s.fault?.message : undefined;
  return {
    id: s.id,
    name: s.name,
    status: toServerStatus(s.status),
    ...(host ? { host } : {}),
    resources: { vcpus: s.flavor?.vcpus ?? 0, ramMb: s.flavor?.ram ?? 0, diskGb: s.flavor?.disk ?? 0 },
    metadata: { ...s.metadata },
    ...(fault ? { fault } : {}),
  };
}

/**
 * Nova migration statuses (nova/objects/migration.py) to the port's. `accepted` is a live
 * migration the conductor has not scheduled yet; `cancelling` is still running; `done` ends
 * an evacuation.
 */
const MIGRATION_STATUS: Readonly<Record<string, MigrationStatus>> = {
  accepted: 'queued',
  queued: 'queued',
  preparing: 'preparing',
  running: 'running',
  cancelling: 'running',
  'post-migrating': 'post-migrating',
  completed: 'completed',
  done: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  error: 'error',
};

export function toMigrationStatus(status: string): MigrationStatus {
  return MIGRATION_STATUS[status] ?? 'error';
}

export function isFinished(status: MigrationStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled' || status === 'error';
}

/** One os-migrations row, with the memory progress of GET /servers/{id}/migrations when it is in progress. */
export function toLiveMigration(m: NovaMigration, progress?: NovaServerMigration): LiveMigration {
  return {
    id: String(m.id),
    serverId: m.instance_uuid,
    sourceHost: m.source_compute ?? '',
    ...(m.dest_compute ? { destHost: m.dest_compute } : {}),
    status: toMigrationStatus(progress?.status ?? m.status),
    ...(progress?.memory_total_bytes != null ? { memoryTotalBytes: progress.memory_total_bytes } : {}),
    ...(progress?.memory_processed_bytes != null ? { memoryProcessedBytes: progress.memory_processed_bytes } : {}),
    createdAt: novaTime(m.created_at),
    ...(m.updated_at ? { updatedAt: novaTime(m.updated_at) } : {}),
  };
}

/** Newest first: by created_at, then by id (what os-migrations does from 2.59). */
export function newestFirst(migrations: readonly LiveMigration[]): LiveMigration[] {
  return [...migrations].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || Number(b.id) - Number(a.id));
}

/** Nova writes `2026-11-26T01:19:50.000000` (UTC, no zone); we hand out ISO 8601 with `Z`. */
export function novaTime(t: string): string {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : t;
}

export interface HostSources {
  readonly hypervisors: readonly NovaHypervisor[];
  readonly services: readonly NovaService[];
  readonly aggregates: readonly NovaAggregate[];
  /** Placement capacity by hypervisor id; missing: the pre-2.88 hypervisor statistics are used. */
  readonly capacity: ReadonlyMap<string, ProviderCapacity>;
}

export function toVimHosts(src: HostSources): VimHost[] {
  return src.hypervisors
    .map((h): VimHost => {
      const name = h.service.host ?? h.hypervisor_hostname;
      const service = src.services.find((s) => s.host === name);
      const cap = src.capacity.get(h.id) ?? legacyCapacity(h);
      const up = h.state === 'up' && service?.state !== 'down' && !service?.forced_down;
      return {
        name,
        availabilityZone: service?.zone ?? 'nova',
        aggregates: src.aggregates.filter((a) => a.hosts?.includes(name)).map((a) => a.name),
        state: up ? 'up' : 'down',
        status: h.status === 'disabled' || service?.status === 'disabled' ? 'disabled' : 'enabled',
        capacity: cap.capacity,
        used: cap.used,
        servers: (h.servers ?? []).map((s) => s.uuid),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function legacyCapacity(h: NovaHypervisor): ProviderCapacity {
  const r = (v?: number, m?: number, d?: number): VduResources => ({ vcpus: v ?? 0, ramMb: m ?? 0, diskGb: d ?? 0 });
  return { capacity: r(h.vcpus, h.memory_mb, h.local_gb), used: r(h.vcpus_used, h.memory_mb_used, h.local_gb_used) };
}
