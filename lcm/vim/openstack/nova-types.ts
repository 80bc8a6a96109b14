/**
 * The parts of Nova's compute API v2.1 bodies the driver reads, as they are at microversion
 * 2.88 (Debian 12's Nova 26 serves up to 2.93). Field names are Nova's.
 */

export interface NovaServer {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly metadata?: Record<string, string>;
  /** Embedded since 2.47. */
  readonly flavor?: { readonly vcpus?: number; readonly ram?: number; readonly disk?: number; readonly original_name?: string };
  readonly 'OS-EXT-SRV-ATTR:host'?: string | null;
  readonly 'OS-EXT-STS:task_state'?: string | null;
  readonly 'OS-EXT-STS:vm_state'?: string;
  readonly 'OS-EXT-AZ:availability_zone'?: string;
  readonly host_status?: string;
  readonly fault?: { readonly message?: string; readonly code?: number };
}

export interface NovaFlavor {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
}

/** GET /os-hypervisors/detail at 2.88: no more vcpus / memory_mb / local_gb statistics. */
export interface NovaHypervisor {
  /** A UUID since 2.53; the same UUID as the compute node's Placement resource provider. */
  readonly id: string;
  readonly hypervisor_hostname: string;
  readonly state: 'up' | 'down';
  readonly status: 'enabled' | 'disabled';
  readonly service: { readonly host: string; readonly id?: string; readonly disabled_reason?: string | null };
  /** With `?with_servers=true` (2.53). */
  readonly servers?: readonly { readonly uuid: string; readonly name: string }[];
  /** Only before 2.88. */
  readonly vcpus?: number;
  readonly vcpus_used?: number;
  readonly memory_mb?: number;
  readonly memory_mb_used?: number;
  readonly local_gb?: number;
  readonly local_gb_used?: number;
}

export interface NovaService {
  readonly id: string;
  readonly binary: string;
  readonly host: string;
  readonly zone: string;
  readonly status: 'enabled' | 'disabled';
  readonly state: 'up' | 'down';
  readonly forced_down?: boolean;
}

export interface NovaAggregate {
  readonly name: string;
  readonly availability_zone?: string | null;
  readonly hosts?: readonly string[];
}

/** GET /os-migrations (all migrations, any status). */
export interface NovaMigration {
  readonly id: number;
  readonly uuid?: string;
  readonly instance_uuid: string;
  readonly source_compute: string | null;
  readonly dest_compute: string | null;
  readonly status: string;
  readonly migration_type?: string;
  readonly created_at: string;
  readonly updated_at?: string | null;
}

/** GET /servers/{id}/migrations (in-progress live migrations, with memory progress). */
export interface NovaServerMigration {
  readonly id: number;
  readonly server_uuid: string;
  readonly source_compute: string | null;
  readonly dest_compute: string | null;
  readonly status: string;
  readonly memory_total_bytes?: number | null;
  readonly memory_processed_bytes?: number | null;
  readonly memory_remaining_bytes?: number | null;
  readonly created_at: string;
  readonly updated_at?: string | null;
}

export interface PlacementInventory {
  readonly total: number;
  readonly reserved?: number;
  readonly allocation_ratio?: number;
}
