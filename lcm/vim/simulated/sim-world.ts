/**
 * The simulated VIM's state: hosts, servers, server groups and migrations, the clock, the
 * event listeners, and the placement rule the simulated scheduler follows. Shared by the
 * server lifecycle (simulated-vim.ts) and the migrations (sim-migrations.ts).
 */
import type { Logger } from '../../../platform/logger.ts';
import type { VduResources } from '../../vnfd/vnfd.types.ts';
import type { TimerHandle, VimClock } from '../vim-clock.ts';
import type { LiveMigration, MigrationStatus, ServerStatus, VimHost, VimServer } from '../vim.port.ts';
import type { PrecopyEstimate } from './precopy-model.ts';
import { SIM_DEFAULTS, type SimHostSpec, type SimMigrationEstimate, type SimVimEvent, type SimVimListener } from './simulated-vim.types.ts';

export type SimSettings = { -readonly [K in keyof typeof SIM_DEFAULTS]: number };

export interface SimHost {
  readonly spec: SimHostSpec;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
}

export interface SimServer {
  readonly id: string;
  readonly name: string;
  status: ServerStatus;
  host?: string;
  readonly resources: VduResources;
  readonly metadata: Readonly<Record<string, string>>;
  image: string;
  readonly serverGroupId?: string;
  memoryMb: number;
  dirtyRateMBps: number;
  fault?: string;
  timer?: TimerHandle;
}

export interface SimMigration {
  readonly id: string;
  readonly serverId: string;
  readonly source: string;
  readonly dest: string;
  status: MigrationStatus;
  readonly createdAt: number;
  updatedAt: number;
  readonly estimate: SimMigrationEstimate;
  readonly bandwidthMBps: number;
  /** When pre-copy started (status running). */
  runningAt?: number;
  /** When the guest was paused (status post-migrating). */
  downtimeAt?: number;
  timer?: TimerHandle;
}

export interface SimGroup {
  readonly id: string;
  readonly name: string;
  readonly policy: 'anti-affinity' | 'soft-anti-affinity';
}

const ZERO: VduResources = { vcpus: 0, ramMb: 0, diskGb: 0 };
const IN_FLIGHT: readonly MigrationStatus[] = ['queued', 'preparing', 'running', 'post-migrating'];

export class SimWorld {
  readonly hosts = new Map<string, SimHost>();
  readonly servers = new Map<string, SimServer>();
  readonly groups = new Map<string, SimGroup>();
  readonly migrations: SimMigration[] = [];
  private readonly listeners = new Set<SimVimListener>();
  private readonly waiters = new Set<() => void>();
  private counter = 0;
  private migrationCounter = 0;

  constructor(
    readonly clock: VimClock,
    readonly settings: SimSettings,
    private readonly log?: Logger,
  ) {}

  /** Deterministic UUID-shaped ids, so replays give the same ids run after run. */
  newId(kind: 'server' | 'group'): string {
    const n = (++this.counter).toString(16).padStart(12, '0');
    return `${kind === 'server' ? '5e' : '96'}000000-0000-4000-8000-${n}`;
  }

  /** Nova numbers migrations 1, 2, 3... */
  newMigrationId(): string {
    return String(++this.migrationCounter);
  }

  onEvent(listener: SimVimListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SimVimEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log?.error({ err, event: event.type }, 'simulated VIM listener failed');
      }
    }
    this.notify();
  }

  /** Lets every waiter look at the new state. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Calls `fn` after every change until the returned function is called. */
  watch(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  setStatus(s: SimServer, status: ServerStatus, fault?: string): void {
    s.status = status;
    s.fault = status === 'ERROR' ? fault : undefined;
    this.emit({ type: 'server.status', at: this.clock.now(), serverId: s.id, status, ...(s.host ? { host: s.host } : {}) });
  }

  /** Replaces the server's pending transition (boot, reboot, rebuild) with `fn` after `ms`. */
  later(s: SimServer, ms: number, fn: () => void): void {
    this.cancel(s);
    s.timer = this.clock.setTimer(ms, () => {
      s.timer = undefined;
      fn();
    });
  }

  cancel(s: SimServer): void {
    if (s.timer) this.clock.clearTimer(s.timer);
    s.timer = undefined;
  }

  inFlight(): SimMigration[] {
    return this.migrations.filter((m) => IN_FLIGHT.includes(m.status));
  }

  /** What a host has given out: its servers, plus claims of migrations coming to it. */
  usedOn(host: string): VduResources {
    let used = ZERO;
    for (const s of this.servers.values()) if (s.host === host) used = add(used, s.resources);
    for (const m of this.inFlight()) if (m.dest === host) used = add(used, this.servers.get(m.serverId)?.resources ?? ZERO);
    return used;
  }

  fits(host: string, r: VduResources): boolean {
    const cap = this.hosts.get(host)!.spec.capacity;
    const used = this.usedOn(host);
    return used.vcpus + r.vcpus <= cap.vcpus && used.ramMb + r.ramMb <= cap.ramMb && used.diskGb + r.diskGb <= cap.diskGb;
  }

  /** True when another member of the server's group runs on (or is migrating to) `host`. */
  groupMemberOn(groupId: string | undefined, host: string, except?: string): boolean {
    if (!groupId) return false;
    for (const s of this.servers.values()) {
      if (s.id === except || s.serverGroupId !== groupId) continue;
      if (s.host === host) return true;
      if (this.inFlight().some((m) => m.serverId === s.id && m.dest === host)) return true;
    }
    return false;
  }

  /** Why `host` cannot take a server with these needs, or undefined when it can. */
  refusal(host: string, need: { resources: VduResources; groupId?: string; serverId?: string; az?: string }): string | undefined {
    const h = this.hosts.get(host);
    if (!h) return `compute host ${host} could not be found`;
    if (h.state === 'down') return `compute service of ${host} is unavailable at this time`;
    if (h.status === 'disabled') return `compute service of ${host} is disabled`;
    if (need.az && (h.spec.availabilityZone ?? 'nova') !== need.az) return `${host} is not in availability zone ${need.az}`;
    if (!this.fits(host, need.resources)) return `${host} has not enough free vCPUs, RAM or disk`;
    const group = need.groupId ? this.groups.get(need.groupId) : undefined;
    if (group?.policy === 'anti-affinity' && this.groupMemberOn(group.id, host, need.serverId)) {
      return `${host} already runs a member of anti-affinity group ${group.name}`;
    }
    return undefined;
  }

  /**
   * The simulated scheduler: among the hosts that can take the server, those without a member
   * of its soft-anti-affinity group first, then the one with the most free RAM, then by name.
   */
  pickHost(need: { resources: VduResources; groupId?: string; serverId?: string; az?: string; exclude?: readonly string[] }): string | undefined {
    const soft = need.groupId && this.groups.get(need.groupId)?.policy === 'soft-anti-affinity';
    const candidates = [...this.hosts.keys()]
      .filter((h) => !need.exclude?.includes(h) && this.refusal(h, need) === undefined)
      .map((h) => ({
        h,
        clash: soft && this.groupMemberOn(need.groupId, h, need.serverId) ? 1 : 0,
        free: this.hosts.get(h)!.spec.capacity.ramMb - this.usedOn(h).ramMb,
      }))
      .sort((a, b) => a.clash - b.clash || b.free - a.free || a.h.localeCompare(b.h));
    return candidates[0]?.h;
  }

  toVimServer(s: SimServer): VimServer {
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      ...(s.host ? { host: s.host } : {}),
      resources: s.resources,
      metadata: { ...s.metadata },
      ...(s.fault ? { fault: s.fault } : {}),
    };
  }

  toVimHost(h: SimHost): VimHost {
    const name = h.spec.name;
    return {
      name,
      availabilityZone: h.spec.availabilityZone ?? 'nova',
      aggregates: [...(h.spec.aggregates ?? [])],
      state: h.state,
      status: h.status,
      capacity: h.spec.capacity,
      used: this.usedOn(name),
      servers: [...this.servers.values()].filter((s) => s.host === name).map((s) => s.id),
    };
  }

  toLiveMigration(m: SimMigration): LiveMigration {
    const totalBytes = Math.round(m.estimate.transferredMb * 1024 * 1024);
    const processedMb =
      m.status === 'completed' || m.status === 'post-migrating'
        ? m.estimate.transferredMb
        : m.runningAt !== undefined
          ? Math.min(m.estimate.transferredMb, (m.bandwidthMBps / 1000) * (this.clock.now() - m.runningAt))
          : 0;
    return {
      id: m.id,
      serverId: m.serverId,
      sourceHost: m.source,
      destHost: m.dest,
      status: m.status,
      memoryTotalBytes: totalBytes,
      memoryProcessedBytes: Math.round(processedMb * 1024 * 1024),
      ...(m.status === 'completed' ? { downtimeMs: m.estimate.downtimeMs } : {}),
      createdAt: new Date(m.createdAt).toISOString(),
      updatedAt: new Date(m.updatedAt).toISOString(),
    };
  }
}

/** The model's phases in whole milliseconds (clock times stay exact integers), plus the setup. */
export function withSetup(estimate: PrecopyEstimate, setupMs: number): SimMigrationEstimate {
  const precopyMs = Math.round(estimate.precopyMs);
  const downtimeMs = Math.round(estimate.downtimeMs);
  const totalMs = precopyMs + downtimeMs;
  return { ...estimate, precopyMs, downtimeMs, totalMs, setupMs: Math.round(setupMs), durationMs: Math.round(setupMs) + totalMs };
}

function add(a: VduResources, b: VduResources): VduResources {
  return { vcpus: a.vcpus + b.vcpus, ramMb: a.ramMb + b.ramMb, diskGb: a.diskGb + b.diskGb };
}
