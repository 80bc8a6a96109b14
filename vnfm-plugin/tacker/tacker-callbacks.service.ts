/**
 * What a notification from Tacker changes: the op occ's state (for the LCM guards), the
 * discovered instance once an operation ends (re-read from Tacker: new VNFCs, moved or gone
 * servers, a terminated instance), the monitoring registry, and an `lcm.opocc.<state>` event
 * when an operation ends, so the decision engine frees what it held for it.
 */
import type { Logger } from '../../platform/logger.ts';
import type { LcmOperationStatus } from '../../lcm/engine/lcm.port.ts';
import type { TackerApiPort } from './tacker-client.ts';
import { discoveredInstanceOf, serversWithoutHost } from './tacker-discovery.ts';
import type { FmNotification, LcmNotification } from './tacker-notifications.ts';
import { refreshRegistry, type DiscoveredEntitiesWriter } from './tacker-sync.ts';
import type { TackerStore } from './tacker.repository.ts';
import type { TackerOperation, TackerRegistration } from './tacker.types.ts';

export const FINAL_STATES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK']);

export interface TackerLink {
  readonly tacker: TackerApiPort;
  hostsOf(serverIds: readonly string[]): Promise<Map<string, string>>;
}

export interface TackerCallbacksDeps {
  readonly store: TackerStore;
  readonly registry: DiscoveredEntitiesWriter;
  /** How to reach the Tacker of a registration; undefined when its secret is not configured. */
  readonly linkOf: (registration: TackerRegistration) => TackerLink | undefined;
  /** Publishes `lcm.opocc.<state>` for an operation that ended. */
  readonly announce: (op: LcmOperationStatus) => Promise<void>;
  readonly log: Logger;
}

export function operationStatusOf(op: TackerOperation): LcmOperationStatus {
  return {
    vnfLcmOpOccId: op.vnfLcmOpOccId,
    vnfInstanceId: op.vnfInstanceId,
    operation: op.operation,
    operationState: op.operationState,
    isAutomaticInvocation: op.isAutomaticInvocation,
    startTime: op.startTime,
    stateEnteredTime: op.stateEnteredTime,
  };
}

export function createTackerCallbacks(deps: TackerCallbacksDeps) {
  const log = deps.log;

  async function registrationOf(subscriptionId: string | undefined): Promise<TackerRegistration | undefined> {
    const all = await deps.store.listRegistrations();
    return all.find((r) => subscriptionId !== undefined && (r.lcmSubscriptionId === subscriptionId || r.fmSubscriptionId === subscriptionId)) ?? (all.length === 1 ? all[0] : undefined);
  }

  /** Re-reads one instance from Tacker; Tacker unreachable: logged, the reconcile loop catches up. */
  async function refreshInstance(subscriptionId: string | undefined, vnfInstanceId: string): Promise<void> {
    const registration = await registrationOf(subscriptionId);
    const link = registration && deps.linkOf(registration);
    if (!registration || !link) {
      log.warn({ vnfInstanceId, subscriptionId }, 'notification from a Tacker without a usable registration; the instance is not re-read');
      return;
    }
    try {
      const inst = await link.tacker.getVnfInstance(vnfInstanceId);
      const hosts = inst ? await link.hostsOf(serversWithoutHost(inst)) : new Map<string, string>();
      const found = inst && discoveredInstanceOf(registration.id, inst, hosts);
      if (found) await deps.store.upsertInstance(found);
      else await deps.store.deleteInstance(vnfInstanceId);
      await refreshRegistry(deps);
      log.info({ vnfInstanceId, vnfcs: found?.vnfcs.length ?? 0, watched: found !== undefined }, 'Tacker VNF instance re-read');
    } catch (err) {
      log.warn({ vnfInstanceId, err: (err as Error).message }, 'Tacker VNF instance not re-read; the reconcile loop will');
    }
  }

  return {
    async handleLcm(n: LcmNotification): Promise<void> {
      if (n.notificationType === 'VnfLcmOperationOccurrenceNotification') {
        const known = await deps.store.getOperation(n.vnfLcmOpOccId);
        const op: TackerOperation = {
          vnfLcmOpOccId: n.vnfLcmOpOccId,
          vnfInstanceId: n.vnfInstanceId,
          operation: n.operation,
          operationState: n.operationState,
          isAutomaticInvocation: n.isAutomaticInvocation,
          startTime: known?.startTime ?? n.timeStamp,
          stateEnteredTime: n.timeStamp,
        };
        await deps.store.recordOperation(op);
        log.info({ vnfInstanceId: n.vnfInstanceId, vnfLcmOpOccId: n.vnfLcmOpOccId, operation: n.operation, state: n.operationState }, 'Tacker LCM operation');
        if (FINAL_STATES.has(n.operationState)) {
          await refreshInstance(n.subscriptionId, n.vnfInstanceId);
          await deps.announce(operationStatusOf(op));
        }
        return;
      }
      if (n.notificationType === 'VnfIdentifierDeletionNotification') {
        if (await deps.store.deleteInstance(n.vnfInstanceId)) await refreshRegistry(deps);
        log.info({ vnfInstanceId: n.vnfInstanceId }, 'Tacker VNF instance deleted');
        return;
      }
      // Created: nothing runs until it is instantiated (an INSTANTIATE notification follows).
      log.info({ vnfInstanceId: n.vnfInstanceId }, 'Tacker VNF instance created');
    },

    async handleFm(n: FmNotification): Promise<void> {
      if (n.notificationType === 'AlarmNotification') {
        const { id, managedObjectId, perceivedSeverity } = n.alarm;
        log.info({ alarmId: id, managedObjectId, perceivedSeverity }, 'Tacker alarm');
        // An alarm about an instance we do not watch yet: Tacker knows more than we do.
        if (!(await deps.store.getInstance(managedObjectId))) await refreshInstance(n.subscriptionId, managedObjectId);
        return;
      }
      log.info({ alarmId: n.alarmId, alarmClearedTime: n.alarmClearedTime }, 'Tacker alarm cleared');
    },
  };
}

export type TackerCallbacks = ReturnType<typeof createTackerCallbacks>;
