/**
 * Our own decisions API (api/openapi/decisions.yaml, mounted at /decisions/v1): the stored
 * decisions with SOL013 filters, selectors and paging, and the approval of pending ones.
 * The validator has checked parameters and bodies; handlers only call the use cases.
 */
import express, { type RequestHandler, type Router } from 'express';
import path from 'node:path';
import * as OpenApiValidator from 'express-openapi-validator';
import { OPENAPI_DIR } from '../../platform/http/openapi-validation.ts';
import { parseListQuery, sendList } from '../../platform/sol/list-query.ts';
import type { DecisionApprovals } from './decision-approval.ts';
import { DecisionNotFound } from './decision-approval.ts';
import { DECISION_QUERY, type DecisionRepository } from './decision.repository.ts';
import type { Decision } from './decision.types.ts';
import type { components } from '../../api/generated/decisions.ts';

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** The stored Decision is what the contract says a Decision is (compile-time check against api/generated). */
export const asContractDecision = (d: Decision): DeepReadonly<components['schemas']['DecisionAttributes']> => d;

export const DECISIONS_API_PREFIX = '/decisions/v1';
export const DECISIONS_DOCUMENT = path.join(OPENAPI_DIR, 'decisions.yaml');

export interface DecisionRoutesDeps {
  readonly repository: DecisionRepository;
  readonly approvals: DecisionApprovals;
  /** Items per page (VNFM_PAGE_SIZE; 0: paging off). */
  readonly pageSize: number;
  readonly publicUrl: string;
}

export function decisionRoutes(deps: DecisionRoutesDeps): (router: Router) => void {
  const note = (body: unknown): string | undefined => (body as { note?: string } | undefined)?.note;
  return (router) => {
    router.get('/decisions', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, DECISION_QUERY);
      sendList(req, res, await deps.repository.list(query, deps.pageSize), deps.publicUrl);
    });
    router.get('/decisions/:decisionId', async (req, res) => {
      const d = await deps.repository.get(req.params.decisionId);
      if (!d) throw new DecisionNotFound(req.params.decisionId);
      res.json(d);
    });
    router.post('/decisions/:decisionId/approve', async (req, res) => {
      res.json(await deps.approvals.approve(req.params.decisionId, note(req.body)));
    });
    router.post('/decisions/:decisionId/reject', async (req, res) => {
      res.json(await deps.approvals.reject(req.params.decisionId, note(req.body)));
    });
  };
}

export interface DecisionsApiDeps {
  readonly authenticate: RequestHandler;
  readonly routes: (router: Router) => void;
  /** Check our own responses too (tests and staging); an invalid one becomes a logged 500. */
  readonly validateResponses: boolean;
}

/** Authentication, JSON bodies, validation against decisions.yaml, then the routes. */
export function createDecisionsApiRouter(deps: DecisionsApiDeps): Router {
  const router = express.Router();
  router.use(deps.authenticate);
  router.use(express.json({ limit: '16kb' }));
  // Same settings as the SOL APIs and the monitoring API: unknown parameters and paths refused.
  const validate = OpenApiValidator.middleware({
    apiSpec: DECISIONS_DOCUMENT,
    validateApiSpec: true,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses: deps.validateResponses ? { removeAdditional: false, coerceTypes: false } : false,
    validateSecurity: false,
    ignoreUndocumented: false,
    ajvFormats: { mode: 'full' },
    fileUploader: false,
    $refParser: { mode: 'dereference' },
  }) as RequestHandler[];
  for (const v of validate) router.use(v);
  deps.routes(router);
  return router;
}
