/** SQL of table vnf_indicators: the current value of each indicator of each VNF instance, and the last one notified. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { components } from '../../api/generated/vnfind.ts';
import type { Database } from '../../platform/db/database.ts';
import { listResources, type ListPage, type ListQuery } from '../../platform/sol/list-query.ts';
import type { NotifiedValue } from './indicator-catalogue.ts';

export type VnfIndicator = components['schemas']['VnfIndicator'];

export class IndicatorRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores the indicator's new value and returns the last notified one. The row stays locked
   * until `tx` ends, so concurrent updates of one indicator take turns and never both notify.
   */
  async upsert(tx: Transaction, doc: VnfIndicator): Promise<NotifiedValue | undefined> {
    const rows = await this.db.sequelize.query<{ notified_value: number | null; notified_at: Date | null }>(
      `INSERT INTO vnf_indicators (vnf_instance_id, indicator_id, doc) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (vnf_instance_id, indicator_id) DO UPDATE SET doc = EXCLUDED.doc, updated_at = now()
       RETURNING notified_value, notified_at`,
      { bind: [doc.vnfInstanceId, doc.id, JSON.stringify(doc)], type: QueryTypes.SELECT, transaction: tx },
    );
    const r = rows[0];
    return r && r.notified_value !== null && r.notified_at !== null
      ? { value: Number(r.notified_value), at: new Date(r.notified_at).getTime() / 1000 }
      : undefined;
  }

  async markNotified(tx: Transaction, vnfInstanceId: string, indicatorId: string, notified: NotifiedValue): Promise<void> {
    await this.db.sequelize.query(
      'UPDATE vnf_indicators SET notified_value = $3, notified_at = to_timestamp($4) WHERE vnf_instance_id = $1 AND indicator_id = $2',
      { bind: [vnfInstanceId, indicatorId, notified.value, notified.at], transaction: tx },
    );
  }

  /** The current value of one indicator of every VNF instance that has it. */
  async valuesOf(indicatorId: string): Promise<{ vnfInstanceId: string; value: number }[]> {
    const rows = await this.db.sequelize.query<{ vnf_instance_id: string; value: number }>(
      `SELECT vnf_instance_id, (doc->>'value')::float8 AS value FROM vnf_indicators WHERE indicator_id = $1 ORDER BY vnf_instance_id`,
      { bind: [indicatorId], type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({ vnfInstanceId: r.vnf_instance_id, value: Number(r.value) }));
  }

  async get(vnfInstanceId: string, indicatorId: string): Promise<VnfIndicator | undefined> {
    const rows = await this.db.sequelize.query<{ doc: VnfIndicator }>(
      'SELECT doc FROM vnf_indicators WHERE vnf_instance_id = $1 AND indicator_id = $2',
      { bind: [vnfInstanceId, indicatorId], type: QueryTypes.SELECT },
    );
    return rows[0]?.doc;
  }

  /** One page of the indicators (of one VNF instance when given). */
  listPage(query: ListQuery, pageSize: number, vnfInstanceId?: string): Promise<ListPage> {
    return listResources(this.db, 'vnf_indicators', query, {
      pageSize,
      ...(vnfInstanceId !== undefined && { extraWhere: { sql: 'vnf_instance_id = $1', bind: [vnfInstanceId] } }),
    });
  }

  /** Forgets the indicators of VNF instances that are gone; returns how many rows went. */
  async deleteOtherThan(vnfInstanceIds: readonly string[]): Promise<number> {
    const rows = await this.db.sequelize.query(
      'DELETE FROM vnf_indicators WHERE NOT (vnf_instance_id = ANY($1::text[])) RETURNING seq',
      { bind: [[...vnfInstanceIds]], type: QueryTypes.SELECT },
    );
    return rows.length;
  }
}
