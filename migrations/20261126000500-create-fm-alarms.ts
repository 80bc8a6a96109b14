import type { QueryInterface } from 'sequelize';

/**
 * VNF fault management (SOL003 7): the alarms (`doc` is the Alarm as the API returns it)
 * and the correlation state of their conditions. At most one uncleared alarm per
 * (managed object, cause). `review_at` is when time alone may change a condition (the
 * quiet period after the last S1AP broken pipe or OOM kill ends).
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE fm_alarms (
      seq               bigserial PRIMARY KEY,
      id                uuid NOT NULL UNIQUE,
      managed_object_id text NOT NULL,
      cause             text NOT NULL,
      cleared_at        timestamptz,
      doc               jsonb NOT NULL,
      created_at        timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX fm_alarms_one_active ON fm_alarms (managed_object_id, cause) WHERE cleared_at IS NULL;
    CREATE INDEX fm_alarms_cleared ON fm_alarms (cleared_at) WHERE cleared_at IS NOT NULL;
    CREATE INDEX fm_alarms_doc ON fm_alarms USING gin (doc jsonb_path_ops);

    CREATE TABLE fm_alarm_conditions (
      managed_object_id text NOT NULL,
      cause             text NOT NULL,
      state             jsonb NOT NULL,
      review_at         timestamptz,
      updated_at        timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (managed_object_id, cause)
    );
    CREATE INDEX fm_alarm_conditions_review ON fm_alarm_conditions (review_at) WHERE review_at IS NOT NULL;
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE fm_alarm_conditions; DROP TABLE fm_alarms;');
}
