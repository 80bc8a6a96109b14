import type { QueryInterface } from 'sequelize';

/**
 * VNF performance management (SOL003 6, vnfpm v2) and VNF indicators (SOL003 8, vnfind v1).
 *
 * - pm_jobs / pm_thresholds: `doc` is the PmJob / Threshold exactly as returned. Their
 *   callbackUri and credentials live in a `subscriptions` row with api 'vnfpm' and the same
 *   id (the notification target), so the notification outbox delivers to them like to any
 *   subscriber and deleting the job or threshold drops its pending notifications.
 * - pm_jobs.next_report_at: end of the reporting period the collector reports next (NULL once
 *   the reportingBoundary has passed).
 * - pm_thresholds.crossing_state: per sub-object ('' for the object itself) the side last
 *   notified, 'UP' or 'DOWN' (SOL003 6.5.3.4 hysteresis: each crossing is notified once);
 *   observed_at: per sub-object the time (epoch s) of the newest value applied, so a value
 *   delivered late (out of order) cannot undo a crossing.
 * - vnf_indicators: one row per VNF instance and indicator; notified_* is the value and time
 *   of the last VnfIndicatorValueChangeNotification (deadband and minimum interval).
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE pm_jobs (
      seq            bigserial PRIMARY KEY,
      id             uuid NOT NULL UNIQUE,
      doc            jsonb NOT NULL,
      next_report_at timestamptz,
      created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX pm_jobs_due ON pm_jobs (next_report_at) WHERE next_report_at IS NOT NULL;

    CREATE TABLE pm_reports (
      seq        bigserial PRIMARY KEY,
      id         uuid NOT NULL UNIQUE,
      pm_job_id  uuid NOT NULL REFERENCES pm_jobs (id) ON DELETE CASCADE,
      doc        jsonb NOT NULL,
      ready_at   timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX pm_reports_job ON pm_reports (pm_job_id);
    CREATE INDEX pm_reports_expiry ON pm_reports (expires_at);

    CREATE TABLE pm_thresholds (
      seq                bigserial PRIMARY KEY,
      id                 uuid NOT NULL UNIQUE,
      doc                jsonb NOT NULL,
      measurement        text NOT NULL,
      object_instance_id text NOT NULL,
      crossing_state     jsonb NOT NULL DEFAULT '{}'::jsonb,
      observed_at        jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at         timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX pm_thresholds_object ON pm_thresholds (measurement, object_instance_id);

    CREATE TABLE vnf_indicators (
      seq             bigserial PRIMARY KEY,
      vnf_instance_id text NOT NULL,
      indicator_id    text NOT NULL,
      doc             jsonb NOT NULL,
      notified_value  double precision,
      notified_at     timestamptz,
      updated_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (vnf_instance_id, indicator_id)
    );
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    DELETE FROM subscriptions WHERE api = 'vnfpm';
    DROP TABLE vnf_indicators;
    DROP TABLE pm_thresholds;
    DROP TABLE pm_reports;
    DROP TABLE pm_jobs;
  `);
}
