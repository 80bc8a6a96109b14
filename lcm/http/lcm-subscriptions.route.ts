import type { Router } from 'express';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import type { SubscriptionDoc } from '../../platform/sol/subscriptions/subscription.repository.ts';
import type { SubscriptionService } from '../../platform/sol/subscriptions/subscription.service.ts';
import { parseLccnSubscriptionRequest, type LccnSubscriptionRequest } from '../subscriptions/lcm-subscription-request.ts';
import { notAllowed } from './not-allowed.ts';

export interface LcmSubscriptionRoutesDeps {
  readonly subscriptions: SubscriptionService;
  /** Items per page of GET /subscriptions (0: paging off). */
  readonly pageSize: number;
  readonly publicUrl: string;
}

/** SOL003 5.4.18.3.2: the subscription list takes `filter` and paging; nothing is excluded by default. */
export const LCCN_SUBSCRIPTION_QUERY: ResourceQuerySpec = {
  name: 'LccnSubscription',
  defaultExcluded: [],
  neverReturned: ['authentication'],
};

/** SOL003 5.5.2.16 LccnSubscription: the request without its credentials, plus id and self link. */
function lccnSubscription(id: string, selfHref: string, request: LccnSubscriptionRequest): SubscriptionDoc {
  return {
    id,
    ...(request.filter && { filter: request.filter }),
    callbackUri: request.callbackUri,
    verbosity: request.verbosity,
    _links: { self: { href: selfHref } },
  };
}

/** SOL003 5.4.18 Subscriptions and 5.4.19 Individual subscription, under /vnflcm/v2. */
export function lcmSubscriptionRoutes(deps: LcmSubscriptionRoutesDeps): (router: Router) => void {
  return (router) => {
    router.post('/subscriptions', async (req, res) => {
      const request = parseLccnSubscriptionRequest(req.body);
      const doc = await deps.subscriptions.create(VNFLCM, {
        callbackUri: request.callbackUri,
        authentication: request.authentication,
        render: (id, selfHref) => lccnSubscription(id, selfHref, request),
      });
      res.status(201).location(doc._links.self.href).json(doc);
    });

    router.get('/subscriptions', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, LCCN_SUBSCRIPTION_QUERY);
      sendList(req, res, await deps.subscriptions.list(VNFLCM, query, deps.pageSize), deps.publicUrl);
    });
    router.all('/subscriptions', notAllowed('GET, POST'));

    router.get('/subscriptions/:subscriptionId', async (req, res) => {
      res.json(await deps.subscriptions.get(VNFLCM, req.params.subscriptionId));
    });

    router.delete('/subscriptions/:subscriptionId', async (req, res) => {
      await deps.subscriptions.delete(VNFLCM, req.params.subscriptionId);
      res.status(204).end();
    });
    router.all('/subscriptions/:subscriptionId', notAllowed('GET, DELETE'));
  };
}
