import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import type { PlatformMetrics } from '../../metrics.ts';
import { HttpNotifier, type Notifier } from './http-notifier.ts';
import { NotificationDeliveryRepository } from './notification-delivery.repository.ts';
import { NotificationDeliveryWorker } from './notification-delivery.worker.ts';
import { SubscriptionRepository } from './subscription.repository.ts';
import { SubscriptionService } from './subscription.service.ts';

export interface Subscriptions {
  /** Subscription use cases every SOL API's routes call. */
  readonly service: SubscriptionService;
  /** Delivers the notification outbox; started and stopped by the composition root. */
  readonly worker: NotificationDeliveryWorker;
}

/**
 * Subscriptions and notification delivery, wired from config: one notifier (and
 * so one OAuth 2.0 token cache) shared by callback tests and deliveries.
 */
export function createSubscriptions(deps: {
  db: Database;
  config: Config;
  log: Logger;
  metrics: Pick<PlatformMetrics, 'notificationsSent'>;
  notifier?: Notifier;
}): Subscriptions {
  const n = deps.config.notifications;
  const notifier = deps.notifier ?? new HttpNotifier(n.timeoutMs);
  const service = new SubscriptionService({
    repository: new SubscriptionRepository(deps.db),
    notifier,
    publicUrl: deps.config.publicUrl,
    callbackTestTimeoutMs: n.callbackTestTimeoutMs,
    log: deps.log.child({ component: 'subscriptions' }),
  });
  const worker = new NotificationDeliveryWorker({
    repository: new NotificationDeliveryRepository(deps.db.sequelize),
    notifier,
    policy: { backoffMs: n.backoffMs, maxBackoffMs: n.maxBackoffMs, maxAttempts: n.maxAttempts },
    timeoutMs: n.timeoutMs,
    concurrency: n.concurrency,
    pollMs: deps.config.outbox.pollMs,
    retentionHours: deps.config.outbox.retentionHours,
    embedded: deps.db.embedded,
    metrics: deps.metrics,
    log: deps.log.child({ component: 'notifications' }),
  });
  return { service, worker };
}
