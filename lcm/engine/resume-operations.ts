import type { LcmOpOccRepository } from '../op-occs/lcm-op-occ.repository.ts';
import type { OperationEngine } from './operation-engine.ts';

/**
 * After a restart (and periodically, for operations of a replica that died): every
 * STARTING, PROCESSING or ROLLING_BACK operation nobody drives is picked up again with
 * `resuming` set, so each step reconciles with the VIM instead of repeating a request whose
 * outcome is unknown (a migration found running or completed is awaited, never requested
 * again; a failed one, or one the VIM has no trace of, makes the operation FAILED_TEMP).
 * On the embedded database this process is the only one: every lease left is a dead one's.
 */
export async function resumeUnfinished(
  engine: Pick<OperationEngine, 'launch'>,
  ops: Pick<LcmOpOccRepository, 'releaseAll' | 'orphaned'>,
  opts: { releaseStaleLeases?: boolean } = {},
): Promise<string[]> {
  if (opts.releaseStaleLeases) await ops.releaseAll();
  const ids = await ops.orphaned();
  for (const id of ids) engine.launch(id, { resuming: true });
  return ids;
}
