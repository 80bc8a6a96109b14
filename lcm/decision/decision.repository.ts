/** SQL of table decisions (migrations/20261126000400-create-decisions.ts); plain Decisions in and out. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { getDocument } from '../../platform/db/document-table.ts';
import { listResources, type ListPage, type ListQuery, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import { vnfcKey, type Decision } from './decision.types.ts';

const TABLE = 'decisions';

/** GET /decisions: filter on any attribute; inputs and ranking are left out unless asked for. */
export const DECISION_QUERY: ResourceQuerySpec = {
  name: 'Decision',
  defaultExcluded: ['inputs', 'ranking'],
  neverReturned: [],
  mandatory: ['outcome'],
};

export interface DecisionRepository {
  /** Stores new decisions in one statement. */
  insert(decisions: readonly Decision[], tx?: Transaction): Promise<void>;
  get(id: string, opts?: { tx?: Transaction; lock?: boolean }): Promise<Decision | undefined>;
  /** Replaces a stored decision (status, opOccId, ...); false when there is none with its id. */
  update(decision: Decision, tx?: Transaction): Promise<boolean>;
  /** Replaces several stored decisions in one statement. */
  updateMany(decisions: readonly Decision[], tx?: Transaction): Promise<void>;
  list(query: ListQuery, pageSize: number): Promise<ListPage>;
  /** The newest migrate or heal decision per VNFC since `since` (epoch s): the cooldowns to restore. */
  lastActions(since: number): Promise<Map<string, number>>;
}

export function createDecisionRepository(db: Database): DecisionRepository {
  return {
    async insert(decisions, tx) {
      if (decisions.length === 0) return;
      await db.sequelize.query(
        `INSERT INTO decisions (id, doc, vnf_instance_id, vnfc_key, outcome, status, created_at)
         SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])`,
        {
          bind: [
            decisions.map((d) => d.id),
            decisions.map((d) => JSON.stringify(d)),
            decisions.map((d) => d.vnfInstanceId),
            decisions.map((d) => vnfcKey(d)),
            decisions.map((d) => d.outcome.kind),
            decisions.map((d) => d.status),
            decisions.map((d) => d.createdAt),
          ],
          transaction: tx,
        },
      );
    },

    async get(id, opts = {}) {
      return (await getDocument<Decision>(db, TABLE, id, opts))?.doc;
    },

    async update(decision, tx) {
      const rows = await db.sequelize.query<{ seq: number }>(
        'UPDATE decisions SET doc = $2::jsonb, status = $3 WHERE id = $1 RETURNING seq',
        { bind: [decision.id, JSON.stringify(decision), decision.status], type: QueryTypes.SELECT, transaction: tx },
      );
      return rows.length > 0;
    },

    async updateMany(decisions, tx) {
      if (decisions.length === 0) return;
      await db.sequelize.query(
        `UPDATE decisions d SET doc = u.doc, status = u.status
         FROM unnest($1::uuid[], $2::jsonb[], $3::text[]) AS u(id, doc, status) WHERE d.id = u.id`,
        { bind: [decisions.map((d) => d.id), decisions.map((d) => JSON.stringify(d)), decisions.map((d) => d.status)], transaction: tx },
      );
    },

    list(query, pageSize) {
      return listResources(db, TABLE, query, { pageSize });
    },

    async lastActions(since) {
      const rows = await db.sequelize.query<{ vnfc_key: string; at: number }>(
        `SELECT vnfc_key, extract(epoch FROM max(created_at))::float8 AS at FROM decisions
         WHERE outcome <> 'skip' AND status NOT IN ('rejected', 'failed', 'expired') AND created_at >= to_timestamp($1)
         GROUP BY vnfc_key`,
        { bind: [since], type: QueryTypes.SELECT },
      );
      return new Map(rows.map((r) => [r.vnfc_key, Number(r.at)]));
    },
  };
}
