import type { QueryInterface } from 'sequelize';

/**
 * The notification outbox: one row per (notification, subscription), inserted in
 * the transaction of the state change that caused it and kept until delivered
 * (or given up: status 'failed'). Deleting the subscription deletes its rows,
 * which is what stops its pending deliveries.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE notification_deliveries (
      seq             bigserial PRIMARY KEY,
      id              uuid NOT NULL UNIQUE,
      subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
      api             text NOT NULL,
      payload         jsonb NOT NULL,
      status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      -- Set only while next_attempt_at is a claim's lease (not a backoff), so that a lease
      -- left by a process that is gone can be told apart and released.
      claimed_until   timestamptz,
      last_error      text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      finished_at     timestamptz
    );
    CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
    -- A subscription's lane: its pending rows in order, without walking past delivered ones.
    CREATE INDEX notification_deliveries_lane ON notification_deliveries (subscription_id, seq) WHERE status = 'pending';
    -- The cascading delete of a subscription's rows, whatever their status.
    CREATE INDEX notification_deliveries_subscription ON notification_deliveries (subscription_id);
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE notification_deliveries;');
}
