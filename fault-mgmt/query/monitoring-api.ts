/**
 * The router of the monitoring query API (our own, not SOL), mounted at /monitoring/v1:
 * authentication, validation against api/openapi/monitoring.yaml, then the routes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { parse as parseYaml } from 'yaml';
import { OPENAPI_DIR } from '../../platform/http/openapi-validation.ts';

export const MONITORING_API_PREFIX = '/monitoring/v1';
export const MONITORING_DOCUMENT = path.join(OPENAPI_DIR, 'monitoring.yaml');

export interface MonitoringApiDeps {
  readonly authenticate: RequestHandler;
  readonly routes: ((r: Router) => void)[];
  /** Check our own responses too (tests and staging); an invalid one becomes a logged 500. */
  readonly validateResponses: boolean;
}

/**
 * Paths of the document served elsewhere (the ingest endpoints at the root, tag "ingest",
 * with their own `servers`). The validator takes only the document's top-level server,
 * so it would take them for /monitoring/v1/collectd etc.; they are left out here.
 */
export function pathsServedElsewhere(file = MONITORING_DOCUMENT): string[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { paths: Record<string, { servers?: { url: string }[] }> };
  return Object.entries(doc.paths)
    .filter(([, item]) => item.servers !== undefined && !item.servers.some((s) => s.url === MONITORING_API_PREFIX))
    .map(([p]) => p);
}

export function createMonitoringApiRouter(deps: MonitoringApiDeps): Router {
  const elsewhere = new Set(pathsServedElsewhere().map((p) => `${MONITORING_API_PREFIX}${p}`));
  const router = express.Router();
  router.use(deps.authenticate);
  // Same settings as the SOL APIs (platform/http/openapi-validation.ts): unknown query
  // parameters and undocumented paths are refused, formats checked strictly.
  const validate = OpenApiValidator.middleware({
    apiSpec: MONITORING_DOCUMENT,
    validateApiSpec: true,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses: deps.validateResponses ? { removeAdditional: false, coerceTypes: false } : false,
    validateSecurity: false,
    ignoreUndocumented: false,
    ignorePaths: (p: string) => elsewhere.has(p.replace(/\/{2,}/g, '/')),
    ajvFormats: { mode: 'full' },
    fileUploader: false,
    $refParser: { mode: 'dereference' },
  }) as RequestHandler[];
  for (const v of validate) router.use(v);
  for (const routes of deps.routes) routes(router);
  return router;
}
