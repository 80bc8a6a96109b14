import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { ConditionKey, ConditionState } from './alarm.types.ts';

export const conditionId = (k: ConditionKey) => `${k.managedObjectId}\u0000${k.cause}`;

/** First key of the advisory locks of alarm conditions (the second is the key's hash). */
const ADVISORY_CLASS = 72_019_891;

interface Row {
  managed_object_id: string;
  cause: string;
  state: ConditionState;
}

const toEntry = (r: Row) => ({ key: { managedObjectId: r.managed_object_id, cause: r.cause }, state: r.state });

/**
 * Correlation state between inputs (fm_alarm_conditions): hysteresis counts, recent
 * occurrences, firing alerts, and the facts of the alarm while one is up. Rows are
 * locked for the transaction that correlates them; `review_at` tells the sweep when time
 * alone may change a condition (a quiet period ending).
 */
export class AlarmConditionRepository {
  constructor(private readonly db: Database) {}

  /**
   * The states of these conditions, for the rest of the transaction only this one's. A row
   * lock is not enough: a condition without a row yet would be raised by two consumers at
   * once (RabbitMQ hands one consumer several events), so each key takes a transaction
   * advisory lock first, in hash order (no deadlock between two batches).
   */
  async lock(tx: Transaction, keys: readonly ConditionKey[]): Promise<Map<string, ConditionState>> {
    if (keys.length === 0) return new Map();
    await this.db.sequelize.query(
      `SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, h) FROM (
         SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h) ordered`,
      { bind: [keys.map((k) => `${k.managedObjectId}\u001f${k.cause}`)], transaction: tx },
    );
    const rows = await this.db.sequelize.query<Row>(
      `SELECT managed_object_id, cause, state FROM fm_alarm_conditions
        WHERE (managed_object_id, cause) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY managed_object_id, cause FOR UPDATE`,
      { bind: [keys.map((k) => k.managedObjectId), keys.map((k) => k.cause)], type: QueryTypes.SELECT, transaction: tx },
    );
    return new Map(rows.map((r) => [conditionId(toEntry(r).key), r.state]));
  }

  /** Stores the state, or forgets the condition when there is nothing to keep. */
  async save(tx: Transaction, key: ConditionKey, state: ConditionState | undefined, reviewAtSeconds?: number): Promise<void> {
    if (!state) {
      await this.db.sequelize.query('DELETE FROM fm_alarm_conditions WHERE managed_object_id = $1 AND cause = $2', {
        bind: [key.managedObjectId, key.cause],
        transaction: tx,
      });
      return;
    }
    await this.db.sequelize.query(
      `INSERT INTO fm_alarm_conditions (managed_object_id, cause, state, review_at, updated_at)
       VALUES ($1, $2, $3::jsonb, to_timestamp($4), now())
       ON CONFLICT (managed_object_id, cause) DO UPDATE SET state = EXCLUDED.state, review_at = EXCLUDED.review_at, updated_at = now()`,
      { bind: [key.managedObjectId, key.cause, JSON.stringify(state), reviewAtSeconds ?? null], transaction: tx },
    );
  }

  /**
   * Conditions whose review time has come. Not locked here: the caller correlates them
   * through lock(), which takes the locks in the one order every consumer uses.
   */
  async due(tx: Transaction, nowSeconds: number, limit: number): Promise<{ key: ConditionKey; state: ConditionState }[]> {
    const rows = await this.db.sequelize.query<Row>(
      `SELECT managed_object_id, cause, state FROM fm_alarm_conditions
        WHERE review_at <= to_timestamp($1) ORDER BY review_at LIMIT $2`,
      { bind: [nowSeconds, limit], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.map(toEntry);
  }

  /** Active conditions whose alarm is missing from the list: what a rebuild raises again. */
  async activeWithoutAlarm(tx: Transaction): Promise<{ key: ConditionKey; state: ConditionState }[]> {
    const rows = await this.db.sequelize.query<Row>(
      `SELECT c.managed_object_id, c.cause, c.state FROM fm_alarm_conditions c
        WHERE (c.state->>'active')::boolean AND NOT EXISTS (
          SELECT 1 FROM fm_alarms a WHERE a.managed_object_id = c.managed_object_id AND a.cause = c.cause AND a.cleared_at IS NULL)
        ORDER BY c.managed_object_id, c.cause FOR UPDATE OF c`,
      { type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.map(toEntry);
  }
}
