/** How often a failing consumer gets an event again; shared by both bus adapters. */
export interface RedeliveryPolicy {
  /** Deliveries of one event to one consumer, the first included, before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Delay before the second delivery; doubles for each further one, up to MAX_REDELIVERY_DELAY_MS. */
  readonly backoffMs: number;
}

export const MAX_REDELIVERY_DELAY_MS = 60_000;

/** Delay after failed delivery number `attempt` (1-based). */
export function redeliveryDelay(policy: RedeliveryPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** Math.max(0, attempt - 1), MAX_REDELIVERY_DELAY_MS);
}
