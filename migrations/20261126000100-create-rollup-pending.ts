import type { QueryInterface } from 'sequelize';

/**
 * Minutes whose 1-minute rollups must be recomputed from the raw samples.
 * The store writer marks every minute a write touched, in the same transaction as the
 * samples; fault-mgmt/store/rollup-worker.ts recomputes those minutes once they have ended
 * and removes the mark unless it was renewed meanwhile (late data). The readers take a
 * still-marked minute from the raw samples, so answers stay exact while a minute waits.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE monitoring_rollup_pending (
      bucket    timestamptz PRIMARY KEY,
      marked_at timestamptz NOT NULL
    );
  `);
  // Minutes that already have samples but no rollup (none with the writer that folded the
  // rollups into the insert; kept for a store restored from a dump without them).
  await qi.sequelize.query(`
    INSERT INTO monitoring_rollup_pending (bucket, marked_at)
    SELECT DISTINCT date_bin('1 minute', s.ts, timestamptz '1970-01-01 00:00:00+00'), now()
      FROM monitoring_samples s
     WHERE NOT EXISTS (
       SELECT 1 FROM monitoring_rollups_1m r
        WHERE r.series_id = s.series_id AND r.bucket = date_bin('1 minute', s.ts, timestamptz '1970-01-01 00:00:00+00'))
    ON CONFLICT (bucket) DO NOTHING;
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE monitoring_rollup_pending;');
}
