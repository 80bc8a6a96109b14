import type { QueryInterface } from 'sequelize';

/**
 * The plugin beside a running Tacker (`vnfm-plugin register tacker`): what was registered
 * (Tacker's URL, how to reach it, the LCM and FM subscriptions made there; secrets are only
 * referenced by the config key that holds them), the VNF instances discovered there with
 * their VNFCs, and the state of Tacker's op occs as its LCM notifications report it.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE tacker_registrations (
      id                   uuid PRIMARY KEY,
      tacker_url           text NOT NULL UNIQUE,
      access               jsonb NOT NULL,
      credentials_ref      text,
      callback_base        text NOT NULL,
      callback_auth        text NOT NULL,
      callback_client_id   text,
      lcm_subscription_id  text,
      fm_subscription_id   text,
      created_at           timestamptz NOT NULL DEFAULT now(),
      updated_at           timestamptz NOT NULL DEFAULT now(),
      reconciled_at        timestamptz
    );

    CREATE TABLE tacker_vnf_instances (
      vnf_instance_id  text PRIMARY KEY,
      registration_id  uuid NOT NULL REFERENCES tacker_registrations (id) ON DELETE CASCADE,
      vnfd_id          text NOT NULL,
      doc              jsonb NOT NULL,
      updated_at       timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tacker_vnf_instances_registration ON tacker_vnf_instances (registration_id);

    CREATE TABLE tacker_lcm_op_occs (
      id                text PRIMARY KEY,
      vnf_instance_id   text NOT NULL,
      operation         text NOT NULL,
      operation_state   text NOT NULL,
      doc               jsonb NOT NULL,
      updated_at        timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tacker_lcm_op_occs_unfinished ON tacker_lcm_op_occs (vnf_instance_id)
      WHERE operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP');
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE tacker_lcm_op_occs; DROP TABLE tacker_vnf_instances; DROP TABLE tacker_registrations;');
}
