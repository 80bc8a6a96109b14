import type { Router } from 'express';
import type { OutboxRelay } from '../../platform/bus/outbox.ts';
import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import { createAlertIntake } from './alert-intake.ts';
import { alertmanagerMetrics } from './alertmanager.metrics.ts';

export interface AlertmanagerRoutesDeps {
  readonly db: Database;
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
  readonly config?: Config['monitoring'];
  readonly metrics: PlatformMetrics;
  readonly log?: Logger;
}

/**
 * POST /alertmanager: Alertmanager's webhook receiver (webhook_configs url). Answers 204
 * with no body once stored, as Tacker's /alert endpoints do; 400 ProblemDetails (with
 * `invalidEntries`) when any part of the body is invalid, and then nothing is stored.
 */
export function alertmanagerRoutes(deps: AlertmanagerRoutesDeps): (router: Router) => void {
  const intake = createAlertIntake({
    db: deps.db,
    relay: deps.relay,
    metrics: alertmanagerMetrics(deps.metrics.registry),
    log: deps.log?.child({ component: 'alertmanager' }),
  });
  return (router) => {
    router.post('/alertmanager', async (req, res) => {
      await intake.receive(req.body);
      res.status(204).end();
    });
  };
}
