import type { OutboxRelay } from '../../platform/bus/outbox.ts';
import { appendToOutbox } from '../../platform/bus/outbox.ts';
import type { Database } from '../../platform/db/database.ts';
import { BadRequest, InvalidBatch } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import { parseAlertmanagerWebhook } from './alertmanager-webhook.parser.ts';
import type { AlertmanagerMetrics } from './alertmanager.metrics.ts';
import { storeAlerts, type StoredAlerts } from './alert.repository.ts';

/** Bus topic of alert state changes (new firing, resolved); the payload is a NormalisedAlert. */
export const ALERTS_TOPIC = 'monitoring.alerts';

export interface AlertIntakeDeps {
  readonly db: Database;
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
  readonly metrics: AlertmanagerMetrics;
  readonly log?: Logger;
}

export interface AlertIntake {
  /** Validates the whole body, then stores it and its events in one transaction; throws a ProblemError when invalid. */
  receive(body: unknown): Promise<StoredAlerts>;
}

export function createAlertIntake(deps: AlertIntakeDeps): AlertIntake {
  return {
    async receive(body) {
      const parsed = parseAlertmanagerWebhook(body);
      if (!parsed.ok) {
        const r = parsed.rejection;
        deps.metrics.rejected.inc({ endpoint: 'alertmanager', reason: r.kind === 'body' ? r.reason : 'invalid_alert' });
        throw r.kind === 'body' ? new BadRequest(r.detail) : new InvalidBatch('alert', r.entries, r.total);
      }
      const { alerts } = parsed.webhook;
      const stored = await deps.db.transaction(async (tx) => {
        const result = await storeAlerts(tx, alerts);
        await appendToOutbox(
          tx,
          result.changes.map((alert) => ({ topic: ALERTS_TOPIC, payload: alert })),
          deps.relay,
        );
        return result;
      });
      // Counted after the commit: a rolled-back body changed nothing.
      stored.outcomes.forEach((result, i) => deps.metrics.alerts.inc({ status: alerts[i].status, result }));
      if (stored.changes.length > 0) {
        deps.log?.info(
          { receiver: parsed.webhook.receiver, changes: stored.changes.map((a) => ({ fingerprint: a.fingerprint, status: a.status })) },
          'alert state changed',
        );
      }
      return stored;
    },
  };
}
