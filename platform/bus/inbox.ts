import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/database.ts';
import type { PlatformMetrics } from '../metrics.ts';
import type { BusEvent, EventHandler } from './event-bus.port.ts';

import { isUuid } from '../ids.ts';

/**
 * Makes a consumer idempotent: the event id is recorded in inbox_events in the same
 * transaction as the handler's effects. A redelivered event (the bus delivers at least
 * once) finds its id already there and is skipped; a handler that throws rolls back its
 * effects and the record together, so the redelivery runs it again.
 *
 * `handle` must do all its writes with `tx` (on the embedded database a query outside
 * the open transaction waits for it forever).
 */
export function idempotentHandler(
  db: Database,
  consumer: string,
  handle: (event: BusEvent, tx: Transaction) => Promise<void>,
  metrics?: PlatformMetrics,
): EventHandler {
  return async (event) => {
    if (!isUuid(event.id)) {
      metrics?.busConsumed.inc({ consumer, outcome: 'failed' });
      throw new Error(`event id '${event.id}' is not a UUID; events come from the outbox with UUID ids`);
    }
    let outcome: 'processed' | 'duplicate' = 'processed';
    try {
      await db.transaction(async (tx) => {
        const recorded = await db.sequelize.query(
          `INSERT INTO inbox_events (consumer, event_id) VALUES ($1, $2)
           ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
          { bind: [consumer, event.id], transaction: tx, type: QueryTypes.SELECT },
        );
        if (recorded.length === 0) {
          outcome = 'duplicate';
          return;
        }
        await handle(event, tx);
      });
    } catch (err) {
      metrics?.busConsumed.inc({ consumer, outcome: 'failed' });
      throw err;
    }
    metrics?.busConsumed.inc({ consumer, outcome });
  };
}

/**
 * Forgets handled event ids older than `retentionHours`, in batches so no long lock is held.
 * The window must outlast every way an event can come back: broker redelivery (minutes),
 * an outbox row republished after a relay outage, or a dead letter replayed by an operator.
 */
export async function purgeInbox(db: Database, retentionHours: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.sequelize.query<{ event_id: string }>(
      `DELETE FROM inbox_events WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM inbox_events
         WHERE processed_at < now() - $1 * interval '1 hour' LIMIT $2)
       RETURNING event_id`,
      { bind: [retentionHours, batch], type: QueryTypes.SELECT },
    );
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}
