/** SQL of table pm_thresholds: thresholds as returned, and the side each last crossed to. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { components } from '../../api/generated/vnfpm.ts';
import type { Database } from '../../platform/db/database.ts';
import { deleteDocument, getDocument, insertDocument } from '../../platform/db/document-table.ts';
import { listResources, type ListPage, type ListQuery } from '../../platform/sol/list-query.ts';
import { setCallbackUri } from './pm-job.repository.ts';
import type { CrossingState } from './threshold-crossing.ts';

export type Threshold = components['schemas']['Threshold'];

/** Per sub-object ('' for the object): the time, epoch s, of the newest value applied. */
export type ObservedAt = Record<string, number>;

export interface ThresholdWithState {
  readonly threshold: Threshold;
  readonly state: CrossingState;
  readonly observedAt: ObservedAt;
}

export class ThresholdRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Transaction, threshold: Threshold, measurement: string): Promise<void> {
    await insertDocument(this.db, 'pm_thresholds', threshold.id, threshold, {
      tx,
      columns: { measurement, object_instance_id: threshold.objectInstanceId },
    });
  }

  async get(id: string): Promise<Threshold | undefined> {
    return (await getDocument<Threshold>(this.db, 'pm_thresholds', id))?.doc;
  }

  listPage(query: ListQuery, pageSize: number): Promise<ListPage> {
    return listResources(this.db, 'pm_thresholds', query, { pageSize });
  }

  /** Sets the threshold's callbackUri (SOL003 6.4.6.3.4); the threshold, or undefined when it is gone. */
  setCallbackUri(tx: Transaction, id: string, callbackUri: string): Promise<Threshold | undefined> {
    return setCallbackUri<Threshold>(this.db, tx, 'pm_thresholds', id, callbackUri);
  }

  delete(tx: Transaction, id: string): Promise<boolean> {
    return deleteDocument(this.db, 'pm_thresholds', id, { tx });
  }

  /**
   * The thresholds on these measurements of these VNF instances, locked for the transaction
   * that applies new values to them (concurrent evaluations take turns, so a crossing is
   * notified once).
   */
  async lockFor(tx: Transaction, measurements: readonly string[], vnfInstanceIds: readonly string[]): Promise<ThresholdWithState[]> {
    if (measurements.length === 0 || vnfInstanceIds.length === 0) return [];
    const rows = await this.db.sequelize.query<{ doc: Threshold; crossing_state: CrossingState; observed_at: ObservedAt }>(
      `SELECT doc, crossing_state, observed_at FROM pm_thresholds
        WHERE measurement = ANY($1::text[]) AND object_instance_id = ANY($2::text[]) ORDER BY seq FOR UPDATE`,
      { bind: [[...measurements], [...vnfInstanceIds]], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.map((r) => ({ threshold: r.doc, state: r.crossing_state, observedAt: r.observed_at }));
  }

  /** Every threshold on one of these measurements (not locked: for reading values first). */
  async onMeasurements(measurements: readonly string[]): Promise<Threshold[]> {
    const rows = await this.db.sequelize.query<{ doc: Threshold }>(
      'SELECT doc FROM pm_thresholds WHERE measurement = ANY($1::text[]) ORDER BY seq',
      { bind: [[...measurements]], type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.doc);
  }

  async saveState(tx: Transaction, id: string, state: CrossingState, observedAt: ObservedAt): Promise<void> {
    await this.db.sequelize.query('UPDATE pm_thresholds SET crossing_state = $2::jsonb, observed_at = $3::jsonb WHERE id = $1', {
      bind: [id, JSON.stringify(state), JSON.stringify(observedAt)],
      transaction: tx,
    });
  }
}
