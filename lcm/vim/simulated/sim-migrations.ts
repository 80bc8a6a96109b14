/**
 * Live migrations in the simulated VIM. A migration goes through Nova's statuses on the clock:
 *
 *   queued -> preparing ............ at once (the request is accepted)
 *   preparing -> running ........... after migrationSetupMs (checks, claims, port binding)
 *   running -> post-migrating ...... after the pre-copy time of precopy-model.ts (guest paused)
 *   post-migrating -> completed .... after the downtime; the server is ACTIVE on the destination
 *
 * The destination's resources are claimed from the start (as Placement does); the source's
 * are released at the end. The server is MIGRATING throughout. A failure of the source host
 * ends the migration in `error` with the server in ERROR on the source; a failure of the
 * destination ends it in `error` with the server ACTIVE on the source. An abort is accepted
 * until the guest is paused (Nova aborts queued, preparing and running ones).
 */
import { VimBadRequest, VimConflict, VimNotFound } from '../vim-errors.ts';
import type { LiveMigration } from '../vim.port.ts';
import { estimatePrecopy } from './precopy-model.ts';
import type { SimMigrationEstimate } from './simulated-vim.types.ts';
import { withSetup, type SimMigration, type SimServer, type SimWorld } from './sim-world.ts';

/** What a migration of the server to `dest` would take now (bandwidth of the source host). */
export function estimateFor(world: SimWorld, s: SimServer): SimMigrationEstimate {
  const { settings } = world;
  const bandwidthMBps = (s.host && world.hosts.get(s.host)?.spec.bandwidthMBps) || settings.bandwidthMBps;
  const precopy = estimatePrecopy({
    memoryMb: s.memoryMb,
    dirtyRateMBps: s.dirtyRateMBps,
    bandwidthMBps,
    maxDowntimeMs: settings.maxDowntimeMs,
    maxRounds: settings.maxRounds,
  });
  return withSetup(precopy, settings.migrationSetupMs);
}

export function startMigration(world: SimWorld, serverId: string, dest: string): LiveMigration {
  const s = world.servers.get(serverId);
  if (!s) throw new VimNotFound(`server ${serverId} could not be found`, { status: 404 });
  if (s.status !== 'ACTIVE' || !s.host) {
    throw new VimConflict(`cannot live-migrate server ${serverId} while it is ${s.status}`, { status: 409 });
  }
  const source = world.hosts.get(s.host)!;
  if (source.state === 'down') throw new VimBadRequest(`compute service of ${s.host} is unavailable at this time`, { status: 400 });
  if (dest === s.host) throw new VimBadRequest(`server ${serverId} is already on ${dest}`, { status: 400 });
  const why = world.refusal(dest, { resources: s.resources, groupId: s.serverGroupId, serverId });
  if (why) throw new VimBadRequest(`no valid host for server ${serverId}: ${why}`, { status: 400 });

  const now = world.clock.now();
  const estimate = estimateFor(world, s);
  const m: SimMigration = {
    id: world.newMigrationId(),
    serverId,
    source: s.host,
    dest,
    status: 'preparing',
    createdAt: now,
    updatedAt: now,
    estimate,
    bandwidthMBps: source.spec.bandwidthMBps || world.settings.bandwidthMBps,
  };
  world.migrations.push(m);
  world.setStatus(s, 'MIGRATING');
  world.emit({ type: 'migration.started', at: now, migration: world.toLiveMigration(m), estimate });
  step(world, m, estimate.setupMs, () => {
    m.status = 'running';
    m.runningAt = world.clock.now();
    step(world, m, estimate.precopyMs, () => {
      m.status = 'post-migrating';
      m.downtimeAt = world.clock.now();
      step(world, m, estimate.downtimeMs, () => complete(world, m, s));
    });
  });
  return world.toLiveMigration(m);
}

export function abortMigration(world: SimWorld, serverId: string, migrationId: string): void {
  const m = world.migrations.find((x) => x.id === migrationId && x.serverId === serverId);
  if (!m) throw new VimNotFound(`migration ${migrationId} of server ${serverId} could not be found`, { status: 404 });
  if (!['queued', 'preparing', 'running'].includes(m.status)) {
    throw new VimConflict(`migration ${migrationId} is ${m.status} and cannot be aborted`, { status: 409 });
  }
  end(world, m, 'cancelled', 'aborted on request');
}

/** Ends every migration from or to a failed host (see the header comment for the outcome). */
export function failMigrationsOf(world: SimWorld, host: string): void {
  for (const m of world.inFlight()) {
    if (m.source === host) end(world, m, 'error', `source host ${host} failed`, 'ERROR');
    else if (m.dest === host) end(world, m, 'error', `destination host ${host} failed`);
  }
}

/** Ends the in-flight migration of a deleted server. */
export function dropMigrationsOf(world: SimWorld, serverId: string): void {
  for (const m of world.inFlight()) if (m.serverId === serverId) end(world, m, 'error', 'server deleted');
}

function step(world: SimWorld, m: SimMigration, ms: number, fn: () => void): void {
  m.updatedAt = world.clock.now();
  world.notify();
  m.timer = world.clock.setTimer(ms, () => {
    m.timer = undefined;
    m.updatedAt = world.clock.now();
    fn();
  });
}

function complete(world: SimWorld, m: SimMigration, s: SimServer): void {
  m.status = 'completed';
  s.host = m.dest;
  world.setStatus(s, 'ACTIVE');
  world.emit({
    type: 'migration.completed',
    at: world.clock.now(),
    migration: world.toLiveMigration(m),
    downtimeStartedAt: m.downtimeAt!,
    durationMs: world.clock.now() - m.createdAt,
    downtimeMs: m.estimate.downtimeMs,
  });
}

function end(world: SimWorld, m: SimMigration, status: 'cancelled' | 'error', reason: string, serverStatus: 'ACTIVE' | 'ERROR' = 'ACTIVE'): void {
  if (m.timer) world.clock.clearTimer(m.timer);
  m.timer = undefined;
  m.status = status;
  m.updatedAt = world.clock.now();
  const s = world.servers.get(m.serverId);
  if (s && s.status === 'MIGRATING') world.setStatus(s, serverStatus, `live migration ${status}: ${reason}`);
  world.emit({ type: 'migration.failed', at: world.clock.now(), migration: world.toLiveMigration(m), reason });
}
