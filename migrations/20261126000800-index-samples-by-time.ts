import type { QueryInterface } from 'sequelize';

/**
 * A BRIN index on monitoring_samples.ts. The rollup worker recomputes one minute at a time
 * (`WHERE ts >= minute AND ts < minute + 1 min`), and the only other index leads with
 * series_id: without this one, every recomputation scanned the whole day's partition, so the
 * work grew with the day. Samples are appended in about time order, so a block range covers
 * a few seconds and the index stays a few hundred kilobytes per day; late samples only widen
 * their range. Created on the partitioned table: every partition, present and future, has it.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('CREATE INDEX monitoring_samples_ts_brin ON monitoring_samples USING brin (ts);');
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP INDEX monitoring_samples_ts_brin;');
}
