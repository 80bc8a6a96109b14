import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { getDocument, insertDocument, updateDocument } from '../../platform/db/document-table.ts';
import { listResources, type ListPage, type ListQuery } from '../../platform/sol/list-query.ts';
import type { Alarm, ConditionKey } from './alarm.types.ts';

const TABLE = 'fm_alarms';

/**
 * Storage of alarms (fm_alarms): `doc` is the Alarm as the API returns it. At most one
 * uncleared alarm per (managed object, cause): a unique partial index makes a second one
 * fail, so two replicas correlating the same condition cannot both raise it.
 * Inside a transaction every query takes it (the embedded database serialises them).
 */
export class AlarmRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Transaction, key: ConditionKey, alarm: Alarm): Promise<void> {
    await insertDocument(this.db, TABLE, alarm.id, alarm, {
      tx,
      columns: { managed_object_id: key.managedObjectId, cause: key.cause, cleared_at: alarm.alarmClearedTime ?? null },
    });
  }

  /** The alarm (locked for a read-modify-write when `lock`), or undefined, also for an id that is not a UUID. */
  async get(id: string, opts: { tx?: Transaction; lock?: boolean } = {}): Promise<Alarm | undefined> {
    return (await getDocument<Alarm>(this.db, TABLE, id, opts))?.doc;
  }

  /** The uncleared alarm of a condition, locked. */
  async findActive(tx: Transaction, key: ConditionKey): Promise<Alarm | undefined> {
    const rows = await this.db.sequelize.query<{ doc: Alarm }>(
      `SELECT doc FROM ${TABLE} WHERE managed_object_id = $1 AND cause = $2 AND cleared_at IS NULL FOR UPDATE`,
      { bind: [key.managedObjectId, key.cause], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows[0]?.doc;
  }

  /** Writes the alarm back; its `cleared_at` follows alarmClearedTime. */
  async replace(tx: Transaction, alarm: Alarm): Promise<void> {
    const found = await updateDocument(this.db, TABLE, alarm.id, alarm, { tx, columns: { cleared_at: alarm.alarmClearedTime ?? null } });
    if (!found) throw new Error(`alarm ${alarm.id} vanished while it was being updated`);
  }

  /** One page of alarms for a list request (SOL013 filter and paging, in the database). */
  listPage(query: ListQuery, pageSize: number): Promise<ListPage> {
    return listResources(this.db, TABLE, query, { pageSize });
  }

  /** Uncleared alarms whose condition is no longer kept: what a rebuild of the list clears. */
  async activeWithoutCondition(tx: Transaction): Promise<{ key: ConditionKey; alarm: Alarm }[]> {
    const rows = await this.db.sequelize.query<{ managed_object_id: string; cause: string; doc: Alarm }>(
      `SELECT a.managed_object_id, a.cause, a.doc FROM ${TABLE} a
        WHERE a.cleared_at IS NULL AND NOT EXISTS (
          SELECT 1 FROM fm_alarm_conditions c
           WHERE c.managed_object_id = a.managed_object_id AND c.cause = a.cause AND (c.state->>'active')::boolean)
        ORDER BY a.seq FOR UPDATE OF a`,
      { type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.map((r) => ({ key: { managedObjectId: r.managed_object_id, cause: r.cause }, alarm: r.doc }));
  }

  /** Deletes alarms cleared more than `days` ago, in batches; returns how many. */
  async purgeCleared(days: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.db.sequelize.query<{ seq: number }>(
        `DELETE FROM ${TABLE} WHERE seq IN (
           SELECT seq FROM ${TABLE} WHERE cleared_at < now() - $1 * interval '1 day' LIMIT $2)
         RETURNING seq`,
        { bind: [days, batch], type: QueryTypes.SELECT },
      );
      total += rows.length;
      if (rows.length < batch) return total;
    }
  }
}
