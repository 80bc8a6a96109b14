/**
 * What lcm/ needs from a VIM, whatever it is: OpenStack (Keystone + Nova) or the simulated
 * one used for tests, demos and replays. Every call is idempotent where the VIM allows it,
 * so the operation engine can retry a step after a crash; every wait takes an AbortSignal.
 */
import type { VduResources } from '../vnfd/vnfd.types.ts';

export type VimKind = 'openstack' | 'simulated';

export interface VimHost {
  /** Compute host name (Nova `service.host` / hypervisor_hostname). */
  readonly name: string;
  readonly availabilityZone: string;
  readonly aggregates: readonly string[];
  readonly state: 'up' | 'down';
  /** Nova's service status: a disabled host is up but takes no new servers or migrations. */
  readonly status?: 'enabled' | 'disabled';
  /** Allocatable (after allocation ratios) and allocated resources. */
  readonly capacity: VduResources;
  readonly used: VduResources;
  /** Ids of the servers running there. */
  readonly servers: readonly string[];
}

export interface ServerSpec {
  readonly name: string;
  /** Nova flavor name; when absent the driver picks or creates one matching `resources`. */
  readonly flavorName?: string;
  readonly resources: VduResources;
  readonly image: string;
  readonly networks?: readonly string[];
  readonly serverGroupId?: string;
  readonly availabilityZone?: string;
  /** Stored with the server (Nova metadata); the engine uses it to find its servers after a crash. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'MIGRATING' | 'REBUILD' | 'REBOOT' | 'SHUTOFF' | 'ERROR' | 'DELETED' | 'UNKNOWN';

export interface VimServer {
  readonly id: string;
  readonly name: string;
  readonly status: ServerStatus;
  /** Compute host, when the VIM tells it (admin). */
  readonly host?: string;
  readonly resources: VduResources;
  readonly metadata: Readonly<Record<string, string>>;
  /** Why the server is in ERROR (Nova's `fault.message`), when the VIM says. */
  readonly fault?: string;
}

export type MigrationStatus = 'queued' | 'preparing' | 'running' | 'post-migrating' | 'completed' | 'failed' | 'cancelled' | 'error';

export interface LiveMigration {
  readonly id: string;
  readonly serverId: string;
  readonly sourceHost: string;
  readonly destHost?: string;
  readonly status: MigrationStatus;
  readonly memoryTotalBytes?: number;
  readonly memoryProcessedBytes?: number;
  /** How long the server was paused for the final copy; known to the simulated VIM only. */
  readonly downtimeMs?: number;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface VimDriver {
  readonly kind: VimKind;
  listHosts(): Promise<VimHost[]>;
  createServerGroup(name: string, policy: 'anti-affinity' | 'soft-anti-affinity'): Promise<{ id: string }>;
  deleteServerGroup(id: string): Promise<void>;
  createServer(spec: ServerSpec): Promise<VimServer>;
  /** Undefined when the server does not exist (any more). */
  getServer(id: string): Promise<VimServer | undefined>;
  /** Servers whose metadata has every given key and value. */
  findServers(metadata: Readonly<Record<string, string>>): Promise<VimServer[]>;
  waitForServer(id: string, status: ServerStatus, options: WaitOptions): Promise<VimServer>;
  deleteServer(id: string): Promise<void>;
  /** Starts a live migration to `host` (block migration: auto); resolves once the VIM accepted it. */
  liveMigrate(serverId: string, host: string): Promise<void>;
  /** Live migrations of a server, newest first. */
  listMigrations(serverId: string): Promise<LiveMigration[]>;
  abortMigration(serverId: string, migrationId: string): Promise<void>;
  reboot(serverId: string, type: 'SOFT' | 'HARD'): Promise<void>;
  rebuild(serverId: string, image: string): Promise<void>;
  /** Re-creates the server on another host when its own is down; `host` optional. */
  evacuate(serverId: string, host?: string): Promise<void>;
}
