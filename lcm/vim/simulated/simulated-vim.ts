/**
 * A VIM in memory, for tests, demos and replays only: hosts with capacity, servers with a
 * memory size and a dirty rate, live migrations whose duration and downtime follow the
 * pre-copy model (precopy-model.ts, sim-migrations.ts), and host failures injected by the
 * caller. It runs on any VimClock: with a ManualClock a replay moves time itself.
 *
 * Nova's behaviour it keeps: a new server is BUILD, then ACTIVE on the host the scheduler
 * picks (or ERROR "No valid host"), hard anti-affinity is enforced at boot and migration,
 * a live migration needs an ACTIVE server and a destination with room, evacuation needs the
 * server's host down. Where Nova would accept a request and fail it later (an unknown or full
 * destination), the simulated VIM refuses it at once with the same typed error.
 */
import type { Logger } from '../../../platform/logger.ts';
import { realClock, type VimClock } from '../vim-clock.ts';
import { VimBadRequest, VimConflict, VimNotFound, VimOperationTimedOut, VimServerFailed, VimWaitAborted } from '../vim-errors.ts';
import type { LiveMigration, ServerSpec, ServerStatus, VimDriver, VimHost, VimServer, WaitOptions } from '../vim.port.ts';
import { abortMigration, dropMigrationsOf, estimateFor, failMigrationsOf, startMigration } from './sim-migrations.ts';
import { SimWorld, type SimServer } from './sim-world.ts';
import {
  SIM_DEFAULTS,
  type SimHostSpec,
  type SimMigrationEstimate,
  type SimulatedVimOptions,
  type SimVimListener,
  type SimWorkload,
} from './simulated-vim.types.ts';

export class SimulatedVim implements VimDriver {
  readonly kind = 'simulated' as const;
  readonly clock: VimClock;
  private readonly world: SimWorld;

  constructor(
    private readonly opts: SimulatedVimOptions,
    log?: Logger,
  ) {
    this.clock = opts.clock ?? realClock;
    const settings = { ...SIM_DEFAULTS };
    for (const k of Object.keys(SIM_DEFAULTS) as (keyof typeof SIM_DEFAULTS)[]) {
      const v = opts[k];
      if (v !== undefined) settings[k] = v as never;
    }
    this.world = new SimWorld(this.clock, settings, log?.child({ module: 'vim-simulated' }));
    for (const h of opts.hosts) this.addHost(h);
  }

  // ---- controls of the simulation ---------------------------------------------------------

  /** Observers: migration started / completed / failed, host failed / recovered, server status. */
  onEvent(listener: SimVimListener): () => void {
    return this.world.onEvent(listener);
  }

  addHost(spec: SimHostSpec): void {
    if (this.world.hosts.has(spec.name)) throw new VimConflict(`host ${spec.name} exists`);
    this.world.hosts.set(spec.name, { spec, state: 'up', status: 'enabled' });
  }

  /**
   * The host goes down now: its servers go to ERROR, migrations from it end in `error` (the
   * server in ERROR), migrations to it end in `error` (the server stays on its source).
   */
  injectHostFailure(name: string, reason = 'host failure'): void {
    const h = this.host(name);
    if (h.state === 'down') return;
    h.state = 'down';
    failMigrationsOf(this.world, name);
    const hit: string[] = [];
    for (const s of this.world.servers.values()) {
      if (s.host !== name) continue;
      this.world.cancel(s);
      this.world.setStatus(s, 'ERROR', `host ${name} failed: ${reason}`);
      hit.push(s.id);
    }
    this.world.emit({ type: 'host.failed', at: this.clock.now(), host: name, reason, servers: hit });
  }

  /** The host is back; its servers stay in ERROR until healed (reboot, rebuild, evacuate). */
  recoverHost(name: string): void {
    const h = this.host(name);
    if (h.state === 'up') return;
    h.state = 'up';
    this.world.emit({ type: 'host.recovered', at: this.clock.now(), host: name });
  }

  /** Fails the host at clock time `atMs` (now if past), and brings it back after `durationMs` if given. */
  scheduleHostFailure(name: string, atMs: number, opts: { durationMs?: number; reason?: string } = {}): void {
    this.host(name);
    this.clock.setTimer(atMs - this.clock.now(), () => {
      this.injectHostFailure(name, opts.reason);
      if (opts.durationMs !== undefined) this.clock.setTimer(opts.durationMs, () => this.recoverHost(name));
    });
  }

  /** Disabled hosts keep their servers but take no new ones (Nova's `openstack compute service set --disable`). */
  setHostEnabled(name: string, enabled: boolean): void {
    this.host(name).status = enabled ? 'enabled' : 'disabled';
    this.world.notify();
  }

  /** Changes how a server uses its memory; later migrations follow the new numbers. */
  setWorkload(serverId: string, workload: SimWorkload): void {
    const s = this.server(serverId);
    s.dirtyRateMBps = workload.dirtyRateMBps;
    if (workload.memoryMb !== undefined) s.memoryMb = workload.memoryMb;
  }

  /** What a live migration of the server would take if it started now. */
  estimateMigration(serverId: string): SimMigrationEstimate {
    return estimateFor(this.world, this.server(serverId));
  }

  // ---- the VIM port -----------------------------------------------------------------------

  async listHosts(): Promise<VimHost[]> {
    return [...this.world.hosts.values()].map((h) => this.world.toVimHost(h)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async createServerGroup(name: string, policy: 'anti-affinity' | 'soft-anti-affinity'): Promise<{ id: string }> {
    const id = this.world.newId('group');
    this.world.groups.set(id, { id, name, policy });
    return { id };
  }

  async deleteServerGroup(id: string): Promise<void> {
    this.world.groups.delete(id);
  }

  async createServer(spec: ServerSpec): Promise<VimServer> {
    if (spec.serverGroupId && !this.world.groups.has(spec.serverGroupId)) {
      throw new VimBadRequest(`server group ${spec.serverGroupId} could not be found`, { status: 400 });
    }
    const metadata = { ...spec.metadata };
    const workload = this.opts.workloadFor?.({ name: spec.name, image: spec.image, metadata });
    const s: SimServer = {
      id: this.world.newId('server'),
      name: spec.name,
      status: 'BUILD',
      resources: spec.resources,
      metadata,
      image: spec.image,
      serverGroupId: spec.serverGroupId,
      memoryMb: workload?.memoryMb ?? spec.resources.ramMb,
      dirtyRateMBps: workload?.dirtyRateMBps ?? this.world.settings.defaultDirtyRateMBps,
    };
    const host = this.world.pickHost({ resources: spec.resources, groupId: spec.serverGroupId, az: spec.availabilityZone });
    this.world.servers.set(s.id, s);
    if (!host) {
      this.world.setStatus(s, 'ERROR', 'No valid host was found. There are not enough hosts available.');
    } else {
      s.host = host;
      this.world.setStatus(s, 'BUILD');
      this.world.later(s, this.world.settings.bootMs, () => this.world.setStatus(s, 'ACTIVE'));
    }
    return this.world.toVimServer(s);
  }

  async getServer(id: string): Promise<VimServer | undefined> {
    const s = this.world.servers.get(id);
    return s && this.world.toVimServer(s);
  }

  async findServers(metadata: Readonly<Record<string, string>>): Promise<VimServer[]> {
    const wanted = Object.entries(metadata);
    return [...this.world.servers.values()]
      .filter((s) => wanted.every(([k, v]) => s.metadata[k] === v))
      .map((s) => this.world.toVimServer(s));
  }

  /** Resolves on the state change itself, not by polling, and times out on the VIM's clock. */
  waitForServer(id: string, status: ServerStatus, options: WaitOptions): Promise<VimServer> {
    return new Promise((resolve, reject) => {
      const finish = (err: Error | undefined, value?: VimServer) => {
        unwatch();
        this.clock.clearTimer(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      const check = () => {
        const s = this.world.servers.get(id);
        if (!s) {
          if (status === 'DELETED') finish(undefined, { id, name: '', status: 'DELETED', resources: { vcpus: 0, ramMb: 0, diskGb: 0 }, metadata: {} });
          else finish(new VimNotFound(`server ${id} disappeared while waiting for ${status}`));
        } else if (s.status === status) finish(undefined, this.world.toVimServer(s));
        else if (s.status === 'ERROR') finish(new VimServerFailed(`server ${id} went to ERROR: ${s.fault ?? 'no fault recorded'}`));
      };
      const onAbort = () => finish(new VimWaitAborted(`wait for server ${id} ${status} aborted`));
      const unwatch = this.world.watch(check);
      const timer = this.clock.setTimer(options.timeoutMs, () =>
        finish(new VimOperationTimedOut(`server ${id} ${status} did not happen within ${options.timeoutMs} ms`)),
      );
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  async deleteServer(id: string): Promise<void> {
    const s = this.world.servers.get(id);
    if (!s) return;
    this.world.cancel(s);
    dropMigrationsOf(this.world, id);
    this.world.servers.delete(id);
    this.world.emit({ type: 'server.status', at: this.clock.now(), serverId: id, status: 'DELETED' });
  }

  async liveMigrate(serverId: string, host: string): Promise<void> {
    startMigration(this.world, serverId, host);
  }

  async listMigrations(serverId: string): Promise<LiveMigration[]> {
    return this.world.migrations
      .filter((m) => m.serverId === serverId)
      .sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id))
      .map((m) => this.world.toLiveMigration(m));
  }

  async abortMigration(serverId: string, migrationId: string): Promise<void> {
    abortMigration(this.world, serverId, migrationId);
  }

  async reboot(serverId: string, type: 'SOFT' | 'HARD'): Promise<void> {
    const s = this.onLiveHost(serverId, 'reboot');
    const allowed: ServerStatus[] = type === 'HARD' ? ['ACTIVE', 'SHUTOFF', 'ERROR', 'REBOOT'] : ['ACTIVE', 'SHUTOFF'];
    if (!allowed.includes(s.status)) throw new VimConflict(`cannot ${type} reboot server ${serverId} while it is ${s.status}`, { status: 409 });
    this.world.setStatus(s, 'REBOOT');
    this.world.later(s, this.world.settings.rebootMs, () => this.world.setStatus(s, 'ACTIVE'));
  }

  async rebuild(serverId: string, image: string): Promise<void> {
    const s = this.onLiveHost(serverId, 'rebuild');
    if (!['ACTIVE', 'SHUTOFF', 'ERROR'].includes(s.status)) {
      throw new VimConflict(`cannot rebuild server ${serverId} while it is ${s.status}`, { status: 409 });
    }
    s.image = image;
    this.world.setStatus(s, 'REBUILD');
    this.world.later(s, this.world.settings.bootMs, () => this.world.setStatus(s, 'ACTIVE'));
  }

  async evacuate(serverId: string, host?: string): Promise<void> {
    const s = this.server(serverId);
    const from = s.host;
    if (from && this.world.hosts.get(from)?.state !== 'down') {
      throw new VimBadRequest(`compute service of ${from} is still in use: evacuate needs the host down`, { status: 400 });
    }
    const need = { resources: s.resources, groupId: s.serverGroupId, serverId };
    const to = host ?? this.world.pickHost({ ...need, exclude: from ? [from] : [] });
    const why = to === undefined ? 'no host can take it' : this.world.refusal(to, need);
    if (to === undefined || why) throw new VimBadRequest(`no valid host to evacuate server ${serverId} to: ${why}`, { status: 400 });
    this.world.cancel(s);
    s.host = to;
    this.world.setStatus(s, 'REBUILD');
    this.world.later(s, this.world.settings.bootMs, () => this.world.setStatus(s, 'ACTIVE'));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private host(name: string) {
    const h = this.world.hosts.get(name);
    if (!h) throw new VimNotFound(`compute host ${name} could not be found`, { status: 404 });
    return h;
  }

  private server(id: string): SimServer {
    const s = this.world.servers.get(id);
    if (!s) throw new VimNotFound(`server ${id} could not be found`, { status: 404 });
    return s;
  }

  private onLiveHost(id: string, action: string): SimServer {
    const s = this.server(id);
    if (!s.host || this.world.hosts.get(s.host)?.state === 'down') {
      throw new VimConflict(`cannot ${action} server ${id}: its host ${s.host ?? '(none)'} is down`, { status: 409 });
    }
    return s;
  }
}
