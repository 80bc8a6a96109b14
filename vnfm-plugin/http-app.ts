import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlatformMetrics } from '../platform/metrics.ts';
import { authenticateRequests, type Authenticator } from '../platform/http/auth/authenticator.ts';
import { notFoundHandler, problemHandler, sendProblem } from '../platform/http/error.middleware.ts';
import { requestContext } from '../platform/http/request-context.middleware.ts';
import { solApiRouter } from '../platform/http/sol-router.ts';
import type { SolApi } from '../platform/http/sol-api.ts';

/** What one SOL API contributes to the HTTP edge. */
export interface SolApiModule {
  readonly api: SolApi;
  readonly validate?: RequestHandler[];
  readonly routes?: (router: Router) => void;
}

export interface HttpAppDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  readonly authenticator: Authenticator;
  readonly apis: readonly SolApiModule[];
  /** Checks behind /readyz: each throws when its dependency is unreachable. */
  readonly readiness: Record<string, () => Promise<void>>;
  /** Extra routes outside the SOL APIs (token endpoint, webhooks), mounted at the root. */
  readonly extraRoutes?: (app: Express) => void;
  /** Our own (non-SOL) APIs, each mounted at its path behind the API authenticator. */
  readonly ownApis?: readonly { readonly path: string; readonly router: (authenticate: RequestHandler) => Router }[];
}

export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(deps.log, deps.metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(deps.readiness)) {
      try {
        await withTimeout(check(), 3000);
        checks[name] = 'ok';
      } catch (err) {
        ready = false;
        checks[name] = 'unavailable';
        _req.log.warn({ err, check: name }, 'readiness check failed');
      }
    }
    if (ready) res.json({ status: 'ready', checks });
    else sendProblem(res, { title: 'Service Unavailable', status: 503, detail: `Not ready: ${JSON.stringify(checks)}` });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  deps.extraRoutes?.(app);
  const authenticate = authenticateRequests(deps.authenticator, deps.log);
  for (const own of deps.ownApis ?? []) app.use(own.path, own.router(authenticate));
  for (const mod of deps.apis) {
    app.use(
      `/${mod.api.name}`,
      solApiRouter({
        api: mod.api,
        authenticate,
        bodyLimit: deps.config.http.bodyLimit,
        validate: mod.validate,
        routes: mod.routes,
      }),
    );
  }
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
