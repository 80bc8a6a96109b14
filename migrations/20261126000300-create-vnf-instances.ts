import type { QueryInterface } from 'sequelize';

/**
 * VNF instances (SOL003 VnfInstance). `doc` is the resource exactly as returned; lists,
 * filters and paging read it (platform/sol/list-query.ts, ordered by seq).
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE vnf_instances (
      seq        bigserial PRIMARY KEY,
      id         uuid NOT NULL UNIQUE,
      doc        jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE vnf_instances;');
}
