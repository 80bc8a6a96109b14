/**
 * A live migration over any VimDriver, as the operation engine runs it: start it and learn
 * its id (to persist before waiting), follow its progress to the end, abort it when it takes
 * too long. After a crash the engine resumes with `awaitLiveMigration` and the stored id, so
 * it never starts a second migration of the same server.
 */
import { pollUntil } from './poll-until.ts';
import { realClock, type VimClock } from './vim-clock.ts';
import { VimConflict, VimError, VimMigrationFailed, VimNotFound, VimOperationTimedOut } from './vim-errors.ts';
import type { LiveMigration, MigrationStatus, VimDriver, WaitOptions } from './vim.port.ts';

export interface MigrationPollOptions extends WaitOptions {
  /** How often the VIM is asked. */
  readonly intervalMs: number;
  /** The simulated VIM's clock when it runs on a ManualClock; the real clock otherwise. */
  readonly clock?: VimClock;
  /** Each state seen while waiting (progress: memoryProcessedBytes / memoryTotalBytes). */
  readonly onProgress?: (m: LiveMigration) => void;
  /** How long an aborted migration may take to settle after the timeout (default 60 s). */
  readonly abortGraceMs?: number;
}

const FINISHED: readonly MigrationStatus[] = ['completed', 'failed', 'cancelled', 'error'];

export function isMigrationFinished(m: LiveMigration): boolean {
  return FINISHED.includes(m.status);
}

/** Requests the migration to `host` and resolves with the VIM's record of it. */
export async function startLiveMigration(
  vim: VimDriver,
  serverId: string,
  host: string,
  opts: Omit<MigrationPollOptions, 'onProgress' | 'abortGraceMs'>,
): Promise<LiveMigration> {
  const before = new Set((await vim.listMigrations(serverId)).map((m) => m.id));
  await vim.liveMigrate(serverId, host);
  return pollUntil(
    `a migration record for server ${serverId}`,
    async () => (await vim.listMigrations(serverId)).find((m) => !before.has(m.id)),
    { ...opts, clock: opts.clock },
  );
}

/**
 * Waits until the migration finishes. Completed: resolves with it. Failed, error or cancelled:
 * VimMigrationFailed (the server stays on its source). Not finished within `timeoutMs`: the
 * migration is aborted, and VimOperationTimedOut tells how it settled. An aborted `signal`
 * only stops the wait (VimWaitAborted); the migration goes on.
 */
export async function awaitLiveMigration(
  vim: VimDriver,
  serverId: string,
  migrationId: string,
  opts: MigrationPollOptions,
): Promise<LiveMigration> {
  const clock = opts.clock ?? realClock;
  const poll = { intervalMs: opts.intervalMs, signal: opts.signal, clock };
  let last: LiveMigration | undefined;
  const observe = async () => {
    const m = (await vim.listMigrations(serverId)).find((x) => x.id === migrationId);
    if (!m) throw new VimNotFound(`no migration ${migrationId} of server ${serverId}`);
    if (!last || last.status !== m.status || last.memoryProcessedBytes !== m.memoryProcessedBytes) opts.onProgress?.(m);
    last = m;
    return isMigrationFinished(m) ? m : undefined;
  };
  let done: LiveMigration;
  try {
    done = await pollUntil(`migration ${migrationId} of server ${serverId} to finish`, observe, {
      ...poll,
      timeoutMs: opts.timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof VimOperationTimedOut)) throw err;
    const settled = await abortAndSettle(vim, serverId, migrationId, observe, { ...poll, timeoutMs: opts.abortGraceMs ?? 60_000 });
    if (settled?.status === 'completed') return settled; // it finished before the abort reached it
    throw new VimOperationTimedOut(
      `migration ${migrationId} of server ${serverId} did not finish within ${opts.timeoutMs} ms; ` +
        `aborted, now ${settled?.status ?? `still ${last?.status ?? 'unknown'}`}`,
    );
  }
  if (done.status !== 'completed') {
    throw new VimMigrationFailed(`migration ${migrationId} of server ${serverId} ended ${done.status}`, done.status);
  }
  return done;
}

/** Starts the migration and waits for it: both steps above, for callers that persist nothing between. */
export async function liveMigrateAndWait(vim: VimDriver, serverId: string, host: string, opts: MigrationPollOptions): Promise<LiveMigration> {
  const started = await startLiveMigration(vim, serverId, host, opts);
  opts.onProgress?.(started);
  return awaitLiveMigration(vim, serverId, started.id, opts);
}

async function abortAndSettle(
  vim: VimDriver,
  serverId: string,
  migrationId: string,
  observe: () => Promise<LiveMigration | undefined>,
  poll: { intervalMs: number; timeoutMs: number; signal?: AbortSignal; clock: VimClock },
): Promise<LiveMigration | undefined> {
  try {
    await vim.abortMigration(serverId, migrationId);
  } catch (err) {
    // 409/400: it is past the point where it can be aborted (or already over); see how it ends.
    if (!(err instanceof VimConflict || (err instanceof VimError && err.status === 400))) throw err;
  }
  try {
    return await pollUntil(`migration ${migrationId} to settle after the abort`, observe, poll);
  } catch (err) {
    if (err instanceof VimOperationTimedOut) return undefined;
    throw err;
  }
}
