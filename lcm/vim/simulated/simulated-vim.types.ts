/** The simulated VIM's inputs (hosts, workloads, timings) and the events it reports. */
import type { VduResources } from '../../vnfd/vnfd.types.ts';
import type { VimClock } from '../vim-clock.ts';
import type { LiveMigration, ServerStatus } from '../vim.port.ts';
import type { PrecopyEstimate } from './precopy-model.ts';

export interface SimHostSpec {
  readonly name: string;
  /** Allocatable resources (after allocation ratios). */
  readonly capacity: VduResources;
  readonly availabilityZone?: string;
  readonly aggregates?: readonly string[];
  /** Migration bandwidth out of this host, MiB/s; the VIM's default when absent. */
  readonly bandwidthMBps?: number;
}

/** What a server does to its memory: what decides how long its live migration takes. */
export interface SimWorkload {
  /** Memory to copy, MiB; the flavor's RAM when absent. */
  readonly memoryMb?: number;
  /** MiB written per second while it runs. */
  readonly dirtyRateMBps: number;
}

export interface SimulatedVimOptions {
  readonly hosts: readonly SimHostSpec[];
  /** A ManualClock for replays and tests; the real clock by default. */
  readonly clock?: VimClock;
  /** Default migration bandwidth, MiB/s (1250: about 10 Gbit/s). */
  readonly bandwidthMBps?: number;
  /** Dirty rate of servers without a workload of their own, MiB/s. */
  readonly defaultDirtyRateMBps?: number;
  /** Longest planned pause (Nova `live_migration_downtime`). */
  readonly maxDowntimeMs?: number;
  /** Pre-copy rounds before a forced stop-and-copy. */
  readonly maxRounds?: number;
  /** From the request to the first copied page: scheduling, checks, port binding. */
  readonly migrationSetupMs?: number;
  /** BUILD to ACTIVE, and REBUILD / evacuation to ACTIVE. */
  readonly bootMs?: number;
  readonly rebootMs?: number;
  /** Workload of each new server, from its spec (e.g. by image or metadata); else the default. */
  readonly workloadFor?: (spec: { readonly name: string; readonly image: string; readonly metadata: Readonly<Record<string, string>> }) => SimWorkload | undefined;
}

export const SIM_DEFAULTS = {
  bandwidthMBps: 1250,
  defaultDirtyRateMBps: 10,
  maxDowntimeMs: 500,
  maxRounds: 30,
  migrationSetupMs: 1000,
  bootMs: 1000,
  rebootMs: 1000,
} as const;

/** A migration the simulated VIM expects: its phases, from the request. */
export interface SimMigrationEstimate extends PrecopyEstimate {
  readonly setupMs: number;
  /** setupMs + totalMs: from the request to `completed`. */
  readonly durationMs: number;
}

export type SimVimEvent =
  | { readonly type: 'server.status'; readonly at: number; readonly serverId: string; readonly status: ServerStatus; readonly host?: string }
  | { readonly type: 'migration.started'; readonly at: number; readonly migration: LiveMigration; readonly estimate: SimMigrationEstimate }
  | {
      readonly type: 'migration.completed';
      readonly at: number;
      readonly migration: LiveMigration;
      /** When the guest was paused; it ran again at `at`. */
      readonly downtimeStartedAt: number;
      readonly durationMs: number;
      readonly downtimeMs: number;
    }
  | { readonly type: 'migration.failed'; readonly at: number; readonly migration: LiveMigration; readonly reason: string }
  | { readonly type: 'host.failed'; readonly at: number; readonly host: string; readonly reason: string; readonly servers: readonly string[] }
  | { readonly type: 'host.recovered'; readonly at: number; readonly host: string };

export type SimVimListener = (event: SimVimEvent) => void;
