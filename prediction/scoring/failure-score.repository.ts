/** SQL of table failure_scores. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';

export interface FailureScoreRow {
  /** Start of the last aligned window the score saw, epoch seconds. */
  readonly ts: number;
  readonly kind: 'vnf' | 'vnfc';
  readonly id: string;
  readonly vnfInstanceId: string;
  readonly vm?: string;
  readonly host: string;
  readonly failureScore: number;
  readonly longProbability: number;
  readonly modelId: string;
}

/**
 * Inserts the scores; a score already stored for the same entity, window and model (scored
 * by another replica) is left alone. Returns the keys `kind:id` that were inserted.
 */
export async function insertFailureScores(db: Database, tx: Transaction, rows: readonly FailureScoreRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db.sequelize.query<{ entity_kind: string; entity_id: string }>(
    `INSERT INTO failure_scores (ts, entity_kind, entity_id, vnf_instance_id, vm, host, failure_score, long_probability, model_id)
     SELECT to_timestamp(t), k, i, v, m, h, f, l, $9
       FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[])
         AS u(t, k, i, v, m, h, f, l)
     ON CONFLICT DO NOTHING
     RETURNING entity_kind, entity_id`,
    {
      bind: [
        rows.map((r) => r.ts),
        rows.map((r) => r.kind),
        rows.map((r) => r.id),
        rows.map((r) => r.vnfInstanceId),
        rows.map((r) => r.vm ?? null),
        rows.map((r) => r.host),
        rows.map((r) => r.failureScore),
        rows.map((r) => r.longProbability),
        rows[0].modelId,
      ],
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  return new Set(inserted.map((r) => `${r.entity_kind}:${r.entity_id}`));
}

/** Deletes scores older than `retentionDays`, in batches; 0 keeps everything. */
export async function purgeFailureScores(db: Database, retentionDays: number, now = new Date(), batch = 10_000): Promise<number> {
  if (retentionDays <= 0) return 0;
  const before = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  let total = 0;
  for (;;) {
    const deleted = await db.sequelize.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM failure_scores WHERE ctid IN (SELECT ctid FROM failure_scores WHERE ts < $1::timestamptz LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      { bind: [before, batch], type: QueryTypes.SELECT },
    );
    total += deleted[0].n;
    if (deleted[0].n < batch) return total;
  }
}
