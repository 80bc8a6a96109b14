import type { QueryInterface } from 'sequelize';

/**
 * Subscriptions of every SOL API (LccnSubscription, FmSubscription, ...).
 * `doc` is the resource exactly as returned; the subscriber's credentials
 * (SubscriptionAuthentication) live in their own column, never in `doc`.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE subscriptions (
      seq            bigserial PRIMARY KEY,
      id             uuid NOT NULL UNIQUE,
      api            text NOT NULL,
      doc            jsonb NOT NULL,
      callback_uri   text NOT NULL,
      authentication jsonb,
      created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX subscriptions_api ON subscriptions (api, seq);
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE subscriptions;');
}
