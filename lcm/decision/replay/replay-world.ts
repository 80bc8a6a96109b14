/**
 * The replay's world: the simulated VIM (lcm/vim/simulated) on a ManualClock, with N hosts and
 * one vEPC server, and the bookkeeping of when that server could serve. The VNF is served
 * while its server is ACTIVE or MIGRATING (pre-copy runs alongside the guest), and not while it
 * is in ERROR (its host failed), REBUILD (heal by evacuation), REBOOT or BUILD, nor during a
 * migration's stop-and-copy pause (the downtime the simulated VIM reports).
 *
 * A host failure is injected by the simulated VIM (servers go to ERROR, migrations from it end
 * in error). When the host recovers, a server still on it is rebooted at once: the dataset's
 * failures end by themselves when the injected stress stops.
 */
import { ManualClock } from '../../vim/simulated/manual-clock.ts';
import { SimulatedVim } from '../../vim/simulated/simulated-vim.ts';
import type { SimVimEvent } from '../../vim/simulated/simulated-vim.types.ts';
import type { ServerStatus } from '../../vim/vim.port.ts';
import type { VduResources } from '../../vnfd/vnfd.types.ts';

export interface ReplayWorldOptions {
  /** Compute hosts (at least 2). */
  readonly hosts: number;
  readonly hostCapacity: VduResources;
  /** The vEPC server. */
  readonly flavor: VduResources;
  /** MiB the vEPC writes per second (decides, with the bandwidth, the live migration's length). */
  readonly dirtyRateMBps: number;
  /** Live-migration bandwidth, MiB/s. */
  readonly bandwidthMBps: number;
  /** Nova's scheduling, checks and port binding before pre-copy, ms. */
  readonly migrationSetupMs: number;
  /** Heal by re-creating the server on another host (evacuate) until it serves again, s. */
  readonly healSeconds: number;
}

export interface MigrationRecord {
  readonly source: string;
  readonly dest: string;
  /** Epoch seconds. */
  readonly startedAt: number;
  completedAt?: number;
  failedAt?: number;
}

const SERVED: readonly ServerStatus[] = ['ACTIVE', 'MIGRATING'];

export class ReplayWorld {
  readonly clock: ManualClock;
  readonly vim: SimulatedVim;
  readonly hosts: readonly string[];
  /** Intervals (epoch s) during which the VNF was not served. */
  readonly unserved: { from: number; to: number }[] = [];
  readonly migrations: MigrationRecord[] = [];
  /** Failure periods (by index) that found the VNF on the failing host. */
  readonly hit = new Set<number>();
  heals = 0;
  /** Requests the simulated VIM refused (e.g. the source host already down). */
  refused = 0;
  private serverId = '';
  private outSince: number | undefined;
  private readonly failureIndex = new Map<string, number[]>();

  private constructor(readonly options: ReplayWorldOptions, startSeconds: number) {
    if (options.hosts < 2) throw new RangeError('a replay needs at least 2 hosts');
    this.clock = new ManualClock(Math.round(startSeconds * 1000));
    this.hosts = Array.from({ length: options.hosts }, (_, i) => `compute-${i}`);
    this.vim = new SimulatedVim({
      hosts: this.hosts.map((name) => ({ name, capacity: options.hostCapacity })),
      clock: this.clock,
      bandwidthMBps: options.bandwidthMBps,
      defaultDirtyRateMBps: options.dirtyRateMBps,
      migrationSetupMs: options.migrationSetupMs,
      bootMs: Math.round(options.healSeconds * 1000),
      rebootMs: 0,
    });
    this.vim.onEvent((e) => this.onEvent(e));
  }

  /** A world whose vEPC server is ACTIVE on compute-0 before `firstSeconds`. */
  static async create(options: ReplayWorldOptions, firstSeconds: number): Promise<ReplayWorld> {
    const w = new ReplayWorld(options, firstSeconds - options.healSeconds - 10);
    const server = await w.vim.createServer({ name: 'vepc', resources: options.flavor, image: 'srsepc' });
    w.serverId = server.id;
    await w.clock.advance(Math.round(options.healSeconds * 1000) + 1);
    w.outSince = undefined; // the boot before the replay starts is not counted
    w.unserved.length = 0;
    return w;
  }

  now(): number {
    return this.clock.now() / 1000;
  }

  async advanceTo(seconds: number): Promise<void> {
    await this.clock.advanceTo(Math.round(seconds * 1000));
  }

  async server() {
    return (await this.vim.getServer(this.serverId))!;
  }

  /** A live migration of the server, if one started now: its length, s. */
  expectedMigrationSeconds(): number {
    return this.vim.estimateMigration(this.serverId).durationMs / 1000;
  }

  /** Migration in flight (for the per-host concurrency rule). */
  migrationInFlight(): MigrationRecord | undefined {
    return this.migrations.find((m) => m.completedAt === undefined && m.failedAt === undefined);
  }

  /** The stress of an episode turns into a failure of `host` over [from, to] (epoch s). */
  scheduleFailure(index: number, host: string, from: number, to: number): void {
    this.vim.scheduleHostFailure(host, Math.round(from * 1000), { durationMs: Math.max(0, Math.round((to - from) * 1000)), reason: `failure period ${index}` });
    this.failureIndex.set(host, [...(this.failureIndex.get(host) ?? []), index]);
  }

  async migrate(dest: string): Promise<boolean> {
    try {
      await this.vim.liveMigrate(this.serverId, dest);
      return true;
    } catch {
      this.refused++;
      return false;
    }
  }

  async heal(): Promise<boolean> {
    try {
      await this.vim.evacuate(this.serverId);
      this.heals++;
      return true;
    } catch {
      this.refused++;
      return false;
    }
  }

  /** Closes the books at `endSeconds`. */
  finish(endSeconds: number): void {
    if (this.outSince !== undefined) this.unserved.push({ from: this.outSince, to: endSeconds });
    this.outSince = undefined;
  }

  private onEvent(e: SimVimEvent): void {
    const at = e.at / 1000;
    switch (e.type) {
      case 'server.status':
        if (e.serverId !== this.serverId) return;
        if (!SERVED.includes(e.status) && this.outSince === undefined) this.outSince = at;
        if (SERVED.includes(e.status) && this.outSince !== undefined) {
          this.unserved.push({ from: this.outSince, to: at });
          this.outSince = undefined;
        }
        return;
      case 'migration.started':
        if (e.migration.serverId === this.serverId) this.migrations.push({ source: e.migration.sourceHost, dest: e.migration.destHost ?? '', startedAt: at });
        return;
      case 'migration.completed': {
        if (e.migration.serverId !== this.serverId) return;
        const m = this.migrationInFlight();
        if (m) m.completedAt = at;
        this.unserved.push({ from: e.downtimeStartedAt / 1000, to: at });
        return;
      }
      case 'migration.failed': {
        const m = e.migration.serverId === this.serverId ? this.migrationInFlight() : undefined;
        if (m) m.failedAt = at;
        return;
      }
      case 'host.failed': {
        const index = this.failureIndex.get(e.host)?.shift();
        if (index !== undefined && e.servers.includes(this.serverId)) this.hit.add(index);
        return;
      }
      case 'host.recovered':
        // Run after the recovery has been announced to every listener.
        this.clock.setTimer(0, () => void this.restart(e.host));
        return;
    }
  }

  private async restart(host: string): Promise<void> {
    const s = await this.vim.getServer(this.serverId);
    if (s?.host === host && s.status === 'ERROR') await this.vim.reboot(this.serverId, 'HARD');
  }
}
