import type { QueryInterface } from 'sequelize';

/** Transactional outbox: events committed with the state change that caused them. */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE outbox_events (
      seq          bigserial PRIMARY KEY,
      id           uuid NOT NULL UNIQUE,
      topic        text NOT NULL,
      payload      jsonb NOT NULL,
      occurred_at  timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    );
    CREATE INDEX outbox_events_unpublished ON outbox_events (seq) WHERE published_at IS NULL;

    -- Consumers record each event id they handled, in the same transaction as its effects.
    CREATE TABLE inbox_events (
      consumer     text NOT NULL,
      event_id     uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    );
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE inbox_events; DROP TABLE outbox_events;');
}
