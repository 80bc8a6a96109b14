/**
 * The reconcile loop of `serve`: every TACKER_RECONCILE_SECONDS, for each registered Tacker,
 * re-list its VNF instances (new ones watched, terminated or deleted ones dropped) and
 * re-create a subscription that vanished there (GET /subscriptions/{id} -> 404). Notifications
 * keep things current between two runs; this catches what was missed (the plugin down, a
 * notification lost, an operator deleting a subscription).
 */
import type { Logger } from '../../platform/logger.ts';
import { syncRegistration, type SyncDeps, type SyncResult } from './tacker-sync.ts';
import type { TackerStore } from './tacker.repository.ts';
import type { TackerOperation, TackerRegistration } from './tacker.types.ts';
import type { SubscriptionAuthentication } from '../../platform/sol/subscriptions/subscription-authentication.ts';
import type { TackerLink } from './tacker-callbacks.service.ts';

export interface ReconcileDeps {
  readonly store: TackerStore;
  readonly registry: SyncDeps['registry'];
  readonly linkOf: (registration: TackerRegistration) => TackerLink | undefined;
  readonly authenticationOf: (registration: TackerRegistration) => SubscriptionAuthentication | undefined;
  readonly log: Logger;
}

/** One pass over every registration; a failing Tacker is logged and does not stop the others. */
export async function reconcileAll(deps: ReconcileDeps): Promise<SyncResult[]> {
  const done: SyncResult[] = [];
  for (const reg of await deps.store.listRegistrations()) {
    const link = deps.linkOf(reg);
    if (!link) {
      deps.log.warn({ tackerUrl: reg.tackerUrl }, 'Tacker not reconciled: its credentials are not configured (TACKER_KEYSTONE_SECRET)');
      continue;
    }
    try {
      const { id: _id, createdAt: _c, updatedAt: _u, reconciledAt: _r, ...input } = reg;
      done.push(await syncRegistration({ ...link, store: deps.store, registry: deps.registry, log: deps.log }, input, deps.authenticationOf(reg)));
      await refreshOperations(deps, link, reg);
    } catch (err) {
      deps.log.warn({ tackerUrl: reg.tackerUrl, err: (err as Error).message }, 'Tacker not reconciled; tried again at the next run');
    }
  }
  return done;
}

/**
 * Tacker op occs we still think unfinished are asked for again: a lost RESULT notification
 * must not hold an instance for ever. One that Tacker no longer has counts as FAILED.
 */
async function refreshOperations(deps: ReconcileDeps, link: TackerLink, reg: TackerRegistration): Promise<void> {
  const single = (await deps.store.listRegistrations()).length === 1;
  for (const op of await deps.store.listUnfinishedOperations()) {
    if (op.migration) continue; // ours, followed on Nova
    const inst = await deps.store.getInstance(op.vnfInstanceId);
    if (inst ? inst.registrationId !== reg.id : !single) continue;
    const now = await link.tacker.getLcmOpOcc(op.vnfLcmOpOccId);
    const state = (now?.operationState ?? 'FAILED') as TackerOperation['operationState'];
    if (state === op.operationState) continue;
    await deps.store.recordOperation({ ...op, operationState: state, stateEnteredTime: now?.stateEnteredTime ?? new Date().toISOString() });
    deps.log.info({ vnfLcmOpOccId: op.vnfLcmOpOccId, from: op.operationState, to: state }, 'Tacker op occ state caught up');
  }
}

/** Runs `reconcileAll` now and then every `seconds` (never two passes at once); returns the stop function. */
export function startReconcileLoop(deps: ReconcileDeps, seconds: number): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = reconcileAll(deps)
      .catch((err) => deps.log.warn({ err }, 'Tacker reconcile failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, seconds * 1000).unref();
      });
  };
  timer = setTimeout(tick, 0).unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
