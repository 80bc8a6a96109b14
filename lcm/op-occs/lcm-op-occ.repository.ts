import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { getDocument, insertDocument } from '../../platform/db/document-table.ts';
import { isUuid } from '../../platform/ids.ts';
import { listResources, type ListPage, type ListQuery } from '../../platform/sol/list-query.ts';
import { emptyProgress, RUNNING_STATES, UNFINISHED_STATES, type OpProgress, type VnfLcmOpOcc } from './lcm-op-occ.types.ts';

const TABLE = 'vnf_lcm_op_occs';
const UNFINISHED = UNFINISHED_STATES.map((s) => `'${s}'`).join(', ');
const RUNNING = RUNNING_STATES.map((s) => `'${s}'`).join(', ');

export interface StoredOpOcc {
  readonly doc: VnfLcmOpOcc;
  readonly progress: OpProgress;
}

/** The vnf_lcm_op_occs table: documents, the engine's progress record and the run lease. */
export class LcmOpOccRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Transaction, doc: VnfLcmOpOcc): Promise<void> {
    await insertDocument(this.db, TABLE, doc.id, doc, {
      tx,
      columns: { vnf_instance_id: doc.vnfInstanceId, operation_state: doc.operationState, progress: JSON.stringify(emptyProgress()) },
    });
  }

  async get(id: string, opts: { tx?: Transaction; lock?: boolean } = {}): Promise<VnfLcmOpOcc | undefined> {
    return (await getDocument<VnfLcmOpOcc>(this.db, TABLE, id, opts))?.doc;
  }

  async getWithProgress(id: string, tx?: Transaction): Promise<StoredOpOcc | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.db.sequelize.query<{ doc: VnfLcmOpOcc; progress: Partial<OpProgress> }>(
      `SELECT doc, progress FROM ${TABLE} WHERE id = $1`,
      { bind: [id], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows[0] ? { doc: rows[0].doc, progress: { ...emptyProgress(), ...rows[0].progress } } : undefined;
  }

  /** The operation holding the instance (not COMPLETED, FAILED or ROLLED_BACK), if any. */
  async unfinishedOf(vnfInstanceId: string, tx?: Transaction): Promise<VnfLcmOpOcc | undefined> {
    if (!isUuid(vnfInstanceId)) return undefined;
    const rows = await this.db.sequelize.query<{ doc: VnfLcmOpOcc }>(
      `SELECT doc FROM ${TABLE} WHERE vnf_instance_id = $1 AND operation_state IN (${UNFINISHED})`,
      { bind: [vnfInstanceId], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows[0]?.doc;
  }

  /** Writes a new state of the document (a transition), in the transition's transaction. */
  async updateDoc(tx: Transaction, doc: VnfLcmOpOcc): Promise<void> {
    await this.db.sequelize.query(
      `UPDATE ${TABLE} SET doc = $2::jsonb, operation_state = $3, updated_at = now() WHERE id = $1`,
      { bind: [doc.id, JSON.stringify(doc), doc.operationState], transaction: tx },
    );
  }

  /** Records the engine's progress; false when `owner` no longer holds the lease (another process took over). */
  async saveProgress(id: string, progress: OpProgress, owner: string): Promise<boolean> {
    const rows = await this.db.sequelize.query<{ id: string }>(
      `UPDATE ${TABLE} SET progress = $2::jsonb, updated_at = now() WHERE id = $1 AND lease_owner = $3 RETURNING id`,
      { bind: [id, JSON.stringify(progress), owner], type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }

  /** Takes (or renews) the lease of one operation for `owner`; false when another live process holds it. */
  async claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await this.db.sequelize.query<{ id: string }>(
      `UPDATE ${TABLE} SET lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond'
        WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now()) RETURNING id`,
      { bind: [id, owner, leaseMs], type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }

  async renew(owner: string, leaseMs: number): Promise<void> {
    await this.db.sequelize.query(
      `UPDATE ${TABLE} SET lease_until = now() + $2 * interval '1 millisecond' WHERE lease_owner = $1`,
      { bind: [owner, leaseMs] },
    );
  }

  async release(id: string, owner: string): Promise<void> {
    await this.db.sequelize.query(`UPDATE ${TABLE} SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`, {
      bind: [id, owner],
    });
  }

  /** Forgets every lease: on the embedded database, whose only process is this one, they belong to a dead process. */
  async releaseAll(): Promise<void> {
    await this.db.sequelize.query(`UPDATE ${TABLE} SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL`);
  }

  /** Operations the engine should be driving (STARTING, PROCESSING, ROLLING_BACK) that nobody holds. */
  async orphaned(): Promise<string[]> {
    const rows = await this.db.sequelize.query<{ id: string }>(
      `SELECT id FROM ${TABLE} WHERE operation_state IN (${RUNNING}) AND (lease_owner IS NULL OR lease_until < now()) ORDER BY seq`,
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.id);
  }

  listPage(query: ListQuery, pageSize: number): Promise<ListPage> {
    return listResources(this.db, TABLE, query, { pageSize });
  }
}

/** Gives the lease of a new or re-started operation to `owner` in the transaction that starts it. */
export async function leaseInTx(db: Database, tx: Transaction, id: string, owner: string, leaseMs: number): Promise<void> {
  await db.sequelize.query(
    `UPDATE ${TABLE} SET lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1`,
    { bind: [id, owner, leaseMs], transaction: tx },
  );
}
