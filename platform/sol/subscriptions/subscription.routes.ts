import type { Router } from 'express';
import type { SolApi } from '../../http/sol-api.ts';
import { notAllowed } from '../../http/not-allowed.ts';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../list-query.ts';
import type { SubscriptionAuthentication } from './subscription-authentication.ts';
import type { SubscriptionDoc } from './subscription.repository.ts';
import type { SubscriptionService } from './subscription.service.ts';

/** What every SOL subscription request has; each API adds its own filter. */
export interface SubscriptionRequestBase {
  readonly callbackUri: string;
  readonly authentication?: SubscriptionAuthentication;
}

export interface SubscriptionRoutesDeps<R extends SubscriptionRequestBase> {
  readonly api: SolApi;
  readonly subscriptions: SubscriptionService;
  /** Items per page of GET /subscriptions (0: paging off). */
  readonly pageSize: number;
  readonly publicUrl: string;
  /** Attribute selectors of the list (the credentials are never returned). */
  readonly query: ResourceQuerySpec;
  /** Checks the body; throws a ProblemError (400/422) when it is not a valid request. */
  readonly parse: (body: unknown) => R;
  /** The subscription resource: the request without its credentials, plus id and self link. */
  readonly render: (id: string, selfHref: string, request: R) => SubscriptionDoc;
}

/**
 * Subscriptions and Individual subscription resources of one SOL API (e.g. SOL003 5.4.18-19,
 * 7.4.4-5, 8.4.5-6), on the shared subscription service: callback test, credentials kept
 * apart, notifications through the delivery outbox.
 */
export function subscriptionRoutes<R extends SubscriptionRequestBase>(deps: SubscriptionRoutesDeps<R>): (router: Router) => void {
  const { api } = deps;
  return (router) => {
    router.post('/subscriptions', async (req, res) => {
      const request = deps.parse(req.body);
      const doc = await deps.subscriptions.create(api, {
        callbackUri: request.callbackUri,
        authentication: request.authentication,
        render: (id, selfHref) => deps.render(id, selfHref, request),
      });
      res.status(201).location(doc._links.self.href).json(doc);
    });
    router.get('/subscriptions', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, deps.query);
      sendList(req, res, await deps.subscriptions.list(api, query, deps.pageSize), deps.publicUrl);
    });
    router.all('/subscriptions', notAllowed('GET, POST'));

    router.get('/subscriptions/:subscriptionId', async (req, res) => {
      res.json(await deps.subscriptions.get(api, req.params.subscriptionId));
    });
    router.delete('/subscriptions/:subscriptionId', async (req, res) => {
      await deps.subscriptions.delete(api, req.params.subscriptionId);
      res.status(204).end();
    });
    router.all('/subscriptions/:subscriptionId', notAllowed('GET, DELETE'));
  };
}
