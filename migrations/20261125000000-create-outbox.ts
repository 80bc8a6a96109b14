import type { QueryInterface } from 'sequelize';

/**
 * Transactional outbox and consumer inbox.
 * outbox_events: events committed in the same transaction as the state change that caused
 * them; the relay publishes them at least once. `available_at` is both the claim lease of a
 * relay (several replicas share the table through FOR UPDATE SKIP LOCKED) and the retry
 * backoff after a failed publish.
 * inbox_events: each (consumer, event id) handled, recorded in the same transaction as the
 * handler's effects, so a redelivered event is recognised and skipped.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE outbox_events (
      seq          bigserial PRIMARY KEY,
      id           uuid NOT NULL UNIQUE,
      topic        text NOT NULL,
      payload      jsonb NOT NULL,
      occurred_at  timestamptz NOT NULL DEFAULT now(),
      available_at timestamptz NOT NULL DEFAULT now(),
      attempts     integer NOT NULL DEFAULT 0,
      last_error   text,
      published_at timestamptz
    );
    CREATE INDEX outbox_events_unpublished ON outbox_events (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_events_published_at ON outbox_events (published_at) WHERE published_at IS NOT NULL;

    CREATE TABLE inbox_events (
      consumer     text NOT NULL,
      event_id     uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    );
    CREATE INDEX inbox_events_processed_at ON inbox_events (processed_at);
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE inbox_events; DROP TABLE outbox_events;');
}
