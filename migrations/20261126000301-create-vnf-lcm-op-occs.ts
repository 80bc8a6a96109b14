import type { QueryInterface } from 'sequelize';

/**
 * VNF LCM operation occurrences (SOL003 VnfLcmOpOcc). `doc` is the resource as returned;
 * `progress` is the operation engine's own record (grant, steps done, VIM resources
 * created or migrations started), never returned. `lease_owner`/`lease_until` say which
 * process drives the operation, so that after a crash exactly one process resumes it.
 * The partial unique index allows one unfinished operation per instance (SOL003
 * 5.4.1.2: a second one is a 409), even when two requests race.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE vnf_lcm_op_occs (
      seq             bigserial PRIMARY KEY,
      id              uuid NOT NULL UNIQUE,
      vnf_instance_id uuid NOT NULL,
      operation_state text NOT NULL CHECK (operation_state IN
        ('STARTING', 'PROCESSING', 'COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK')),
      doc             jsonb NOT NULL,
      progress        jsonb NOT NULL DEFAULT '{}'::jsonb,
      lease_owner     text,
      lease_until     timestamptz,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX vnf_lcm_op_occs_one_unfinished ON vnf_lcm_op_occs (vnf_instance_id)
      WHERE operation_state IN ('STARTING', 'PROCESSING', 'FAILED_TEMP', 'ROLLING_BACK');
    CREATE INDEX vnf_lcm_op_occs_running ON vnf_lcm_op_occs (operation_state)
      WHERE operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK');
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE vnf_lcm_op_occs;');
}
