import { sleepUnlessAborted } from '../../../platform/abortable-sleep.ts';
import { awaitLiveMigration } from '../../vim/live-migration.ts';
import { VimMigrationFailed, VimNotFound, VimOperationTimedOut, VimWaitAborted } from '../../vim/vim-errors.ts';
import type { LiveMigration } from '../../vim/vim.port.ts';
import type { VnfcResourceInfo } from '../../instances/vnf-instance.types.ts';
import { OperationStepFailed } from '../../lcm-errors.ts';
import { stepData, type OperationStep, type StepContext } from '../operation-step.ts';
import { vduOf } from './vnfc-servers.ts';

/** What the progress record knows of one VNFC's live migration. */
export interface MigrationRecord {
  readonly vnfcId: string;
  readonly serverId: string;
  sourceHost?: string;
  destHost?: string;
  /** Migrations of the server listed just before ours was requested: ours is the one not among them. */
  knownMigrationIds?: string[];
  /** Set (and persisted) right before the VIM is asked: the intent. */
  requestedAt?: string;
  /** The VIM accepted the request. */
  issued?: boolean;
  migrationId?: string;
  done?: boolean;
  finalHost?: string;
  /** Why it failed; the operation went FAILED_TEMP with it. */
  failure?: string;
}

type Migrations = Record<string, MigrationRecord>;
export const migrationsOf = (ctx: Pick<StepContext, 'progress'>) => stepData<Migrations>(ctx, 'live-migrate', () => ({}));

const FAILED: readonly LiveMigration['status'][] = ['failed', 'cancelled', 'error'];

function ours(list: readonly LiveMigration[], rec: MigrationRecord): LiveMigration | undefined {
  if (rec.migrationId) return list.find((m) => m.id === rec.migrationId);
  return list.find((m) => !(rec.knownMigrationIds ?? []).includes(m.id));
}

async function fail(ctx: StepContext, rec: MigrationRecord, detail: string, status = 500): Promise<never> {
  rec.failure = detail;
  await ctx.checkpoint();
  throw new OperationStepFailed(detail, status);
}

/** Hosts of the other VNFCs in the same server group (anti-affinity), as the instance records them now. */
function groupHosts(ctx: StepContext, rec: MigrationRecord): string[] {
  const all = ctx.instance.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
  const group = all.find((r) => r.id === rec.vnfcId)?.metadata?.serverGroupId;
  if (typeof group !== 'string') return [];
  const moved = migrationsOf(ctx);
  return all
    .filter((r) => r.id !== rec.vnfcId && r.metadata?.serverGroupId === group)
    .map((r) => moved[r.id]?.finalHost ?? r.metadata?.host)
    .filter((h): h is string => typeof h === 'string');
}

/** Asks the VIM for the migration: target given, else the DestinationChooser. Records the intent first. */
async function request(ctx: StepContext, rec: MigrationRecord, targetHost: string | undefined, vduId: string): Promise<boolean> {
  const server = await ctx.vim.getServer(rec.serverId);
  if (!server) return fail(ctx, rec, `server ${rec.serverId} of VNFC ${rec.vnfcId} does not exist`);
  if (!server.host) return fail(ctx, rec, `the VIM does not tell the host of server ${rec.serverId}`);
  const flavourId = ctx.instance.instantiatedVnfInfo?.flavourId ?? '';
  const dest =
    targetHost ??
    (await ctx.destinations.choose(
      {
        vnfInstanceId: ctx.op.vnfInstanceId,
        vnfcInstanceId: rec.vnfcId,
        vduId,
        serverId: rec.serverId,
        sourceHost: server.host,
        resources: vduOf(ctx.vnfd, flavourId, vduId).resources,
        avoidHosts: groupHosts(ctx, rec),
      },
      await ctx.vim.listHosts(),
    ));
  if (!dest) return fail(ctx, rec, `no host can take VNFC ${rec.vnfcId} (server ${rec.serverId}, on ${server.host})`);
  if (dest === server.host) {
    rec.done = true; // already where it should be: nothing to migrate
    rec.finalHost = dest;
    await ctx.checkpoint();
    return false;
  }
  rec.sourceHost = server.host;
  rec.destHost = dest;
  rec.knownMigrationIds = (await ctx.vim.listMigrations(rec.serverId)).map((m) => m.id);
  rec.requestedAt = ctx.clock().toISOString();
  await ctx.checkpoint(); // the intent is on disk before the VIM hears of it
  ctx.log.info({ vnfcInstanceId: rec.vnfcId, serverId: rec.serverId, from: rec.sourceHost, to: dest }, 'live migration requested');
  try {
    await ctx.vim.liveMigrate(rec.serverId, dest);
  } catch (err) {
    if (ctx.signal.aborted) throw err; // stopping: the answer is unknown, the resumed run will look
    // An error may still mean "accepted" (a lost answer): only a VIM without a new migration refused it.
    if (!ours(await ctx.vim.listMigrations(rec.serverId), rec)) {
      return fail(ctx, rec, `the VIM refused the live migration of server ${rec.serverId} to ${dest}: ${(err as Error).message}`);
    }
  }
  rec.issued = true;
  await ctx.checkpoint();
  return true;
}

/** Finds our migration's record: the one the VIM did not list before the request. */
async function findRecord(ctx: StepContext, rec: MigrationRecord): Promise<LiveMigration | 'moved' | undefined> {
  const graceEnd = ctx.clock().getTime() + ctx.settings.migrationStartGraceMs;
  for (;;) {
    const m = ours(await ctx.vim.listMigrations(rec.serverId), rec);
    if (m) return m;
    // Completed and no longer listed (Nova purges old records): the server tells.
    const server = await ctx.vim.getServer(rec.serverId);
    if (server?.host && server.host === rec.destHost) return 'moved';
    if (ctx.clock().getTime() > graceEnd) return undefined;
    if (!(await sleepUnlessAborted(ctx.settings.pollMs, ctx.signal))) throw new VimWaitAborted('engine stopping');
  }
}

async function finish(ctx: StepContext, rec: MigrationRecord, host: string | undefined): Promise<void> {
  rec.finalHost = host ?? rec.destHost;
  rec.done = true;
  await ctx.checkpoint();
  if (rec.finalHost !== rec.destHost) ctx.log.warn({ serverId: rec.serverId, wanted: rec.destHost, on: rec.finalHost }, 'migrated elsewhere');
}

/**
 * Follows our migration to its end (lcm/vim/live-migration.ts): completed, failed, or aborted
 * once `migrationTimeoutMs` has passed since it was requested (also across a restart).
 */
async function settle(ctx: StepContext, rec: MigrationRecord): Promise<void> {
  const found = rec.migrationId ? undefined : await findRecord(ctx, rec);
  if (found === 'moved') return finish(ctx, rec, rec.destHost);
  if (!rec.migrationId && !found) {
    const server = await ctx.vim.getServer(rec.serverId);
    return fail(
      ctx,
      rec,
      `the VIM has no live migration of server ${rec.serverId} requested at ${rec.requestedAt}; it stays on ${server?.host ?? 'an unknown host'} and is not requested again (retry to request it)`,
    );
  }
  if (found && typeof found === 'object') {
    rec.migrationId = found.id;
    await ctx.checkpoint();
  }
  const left = Date.parse(rec.requestedAt!) + ctx.settings.migrationTimeoutMs - ctx.clock().getTime();
  try {
    const done = await awaitLiveMigration(ctx.vim, rec.serverId, rec.migrationId!, {
      intervalMs: ctx.settings.pollMs,
      timeoutMs: Math.max(0, left),
      signal: ctx.signal,
    });
    const server = await ctx.vim.getServer(rec.serverId);
    return finish(ctx, rec, server?.host ?? done.destHost);
  } catch (err) {
    if (err instanceof VimWaitAborted || ctx.signal.aborted) throw err;
    const where = `live migration ${rec.migrationId} of server ${rec.serverId} to ${rec.destHost}`;
    if (err instanceof VimOperationTimedOut) {
      return fail(ctx, rec, `${where} did not finish within ${ctx.settings.migrationTimeoutMs / 1000} s; aborted (${err.message})`, 504);
    }
    if (err instanceof VimMigrationFailed) return fail(ctx, rec, `${where} failed: ${err.message}`);
    if (err instanceof VimNotFound) {
      const server = await ctx.vim.getServer(rec.serverId);
      if (server?.host && server.host === rec.destHost) return finish(ctx, rec, server.host);
    }
    throw err;
  }
}

/**
 * HEAL with healType live-migrate, one VNFC after the other. Never migrates a server twice
 * for one request: the intent is persisted before the VIM call, and a migration found in the
 * VIM (running or completed) is awaited, never requested again. After a restart, a request
 * the VIM has no trace of is not repeated either: the operation goes FAILED_TEMP and an
 * operator's retry requests it anew.
 */
export function liveMigrateStep(targets: readonly VnfcResourceInfo[], targetHost: string | undefined): OperationStep {
  return {
    name: 'live-migrate',
    async run(ctx) {
      const migrations = migrationsOf(ctx);
      for (const t of targets) {
        let rec: MigrationRecord | undefined = migrations[t.id];
        if (rec?.failure) {
          if (ctx.resuming) throw new OperationStepFailed(rec.failure);
          rec = undefined; // an operator's retry: a fresh attempt
        }
        rec ??= migrations[t.id] = { vnfcId: t.id, serverId: t.computeResource.resourceId };
        if (rec.done) continue;
        if (!rec.requestedAt && !(await request(ctx, rec, targetHost, t.vduId))) continue;
        await settle(ctx, rec);
      }
    },
    async compensate(ctx) {
      // Nova leaves a failed migration's server on its source; only a running one needs stopping.
      for (const rec of Object.values(migrationsOf(ctx))) {
        if (rec.done || !rec.requestedAt) continue;
        const m = ours(await ctx.vim.listMigrations(rec.serverId), rec);
        if (m && !FAILED.includes(m.status) && m.status !== 'completed') await ctx.vim.abortMigration(rec.serverId, m.id);
      }
    },
  };
}
