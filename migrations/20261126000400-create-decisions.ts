import type { QueryInterface } from 'sequelize';

/**
 * Decisions of the proactive-migration engine, served by GET
 * /decisions/v1/decisions. `doc` is the Decision exactly as the API returns it: its inputs
 * (the failure score, the policy, the guards), rule, ranking of destinations, outcome, mode,
 * status, opOccId and createdAt. The plain columns are what the engine queries: the VNFC
 * (cooldown after a restart), the status (approvals) and the time.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE decisions (
      seq             bigserial PRIMARY KEY,
      id              uuid NOT NULL UNIQUE,
      doc             jsonb NOT NULL,
      vnf_instance_id text NOT NULL,
      vnfc_key        text NOT NULL,
      outcome         text NOT NULL CHECK (outcome IN ('migrate', 'heal', 'skip')),
      status          text NOT NULL,
      created_at      timestamptz NOT NULL
    );
    CREATE INDEX decisions_vnf ON decisions (vnf_instance_id, seq);
    CREATE INDEX decisions_actions ON decisions (created_at) WHERE outcome <> 'skip';
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE decisions;');
}
