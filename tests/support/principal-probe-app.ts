import type { Express } from 'express';
import type { Config } from '../../platform/config/config.ts';
import type { Authenticator } from '../../platform/http/auth/authenticator.ts';
import { SOL_APIS } from '../../platform/http/sol-api.ts';
import type { Logger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';

/**
 * The real app with one versioned probe route per API, GET /{api}/{major}/subscriptions,
 * that answers who called (the principal, never the credential); the token endpoint
 * is mounted at the root when the authenticator has one, as service.ts does.
 */
export function principalProbeApp(config: Config, log: Logger, authenticator: Authenticator): Express {
  const tokenEndpoint = authenticator.tokenEndpoint;
  return createHttpApp({
    config,
    log,
    metrics: createMetrics(),
    authenticator,
    apis: SOL_APIS.map((api) => ({
      api,
      routes: (router) => router.get('/subscriptions', (req, res) => void res.json({ principal: req.principal })),
    })),
    readiness: {},
    extraRoutes: tokenEndpoint && ((app) => app.use(tokenEndpoint)),
  });
}
