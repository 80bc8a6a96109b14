import type { QueryInterface } from 'sequelize';

/**
 * Failure scores written by online scoring: one row per scored VNF
 * instance or VNFC, window and model. `ts` is the start of the last aligned window the
 * score saw. The primary key makes a second scorer (another replica) scoring the same
 * window with the same model a no-op. Rows older than MONITORING_RETENTION_DAYS are deleted
 * by prediction/scoring/score-retention.ts.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE failure_scores (
      ts               timestamptz NOT NULL,
      entity_kind      text NOT NULL CHECK (entity_kind IN ('vnf', 'vnfc')),
      entity_id        text NOT NULL,
      vnf_instance_id  text NOT NULL,
      vm               text,
      host             text NOT NULL,
      failure_score    real NOT NULL,
      long_probability real NOT NULL,
      model_id         text NOT NULL,
      PRIMARY KEY (entity_kind, entity_id, ts, model_id)
    );
    CREATE INDEX failure_scores_ts ON failure_scores (ts);
    CREATE INDEX failure_scores_vnf_ts ON failure_scores (vnf_instance_id, ts);
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE failure_scores;');
}
