import type { Router } from 'express';
import { VNFFM } from '../../../platform/http/sol-api.ts';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../../../platform/sol/list-query.ts';
import type { SubscriptionDoc } from '../../../platform/sol/subscriptions/subscription.repository.ts';
import type { SubscriptionService } from '../../../platform/sol/subscriptions/subscription.service.ts';
import { parseFmSubscriptionRequest, type FmSubscriptionRequest } from '../fm-subscription-request.ts';
import { notAllowed } from './not-allowed.ts';

export interface FmSubscriptionRoutesDeps {
  readonly subscriptions: SubscriptionService;
  /** Items per page of GET /subscriptions (0: paging off). */
  readonly pageSize: number;
  readonly publicUrl: string;
}

/** SOL003 7.4.4.3.2: filter and paging; nothing is excluded by default; credentials never. */
export const FM_SUBSCRIPTION_QUERY: ResourceQuerySpec = {
  name: 'FmSubscription',
  defaultExcluded: [],
  neverReturned: ['authentication'],
};

/** SOL003 7.5.2.3 FmSubscription: the request without its credentials, plus id and self link. */
function fmSubscription(id: string, selfHref: string, request: FmSubscriptionRequest): SubscriptionDoc {
  return {
    id,
    ...(request.filter && { filter: request.filter }),
    callbackUri: request.callbackUri,
    _links: { self: { href: selfHref } },
  };
}

/**
 * SOL003 7.4.4 Subscriptions and 7.4.5 Individual subscription, under /vnffm/v1, on the
 * shared subscription service (callback test, credentials apart, delivery outbox).
 */
export function fmSubscriptionRoutes(deps: FmSubscriptionRoutesDeps): (router: Router) => void {
  return (router) => {
    router.post('/subscriptions', async (req, res) => {
      const request = parseFmSubscriptionRequest(req.body);
      const doc = await deps.subscriptions.create(VNFFM, {
        callbackUri: request.callbackUri,
        authentication: request.authentication,
        render: (id, selfHref) => fmSubscription(id, selfHref, request),
      });
      res.status(201).location(doc._links.self.href).json(doc);
    });

    router.get('/subscriptions', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, FM_SUBSCRIPTION_QUERY);
      sendList(req, res, await deps.subscriptions.list(VNFFM, query, deps.pageSize), deps.publicUrl);
    });
    router.all('/subscriptions', notAllowed('GET, POST'));

    router.get('/subscriptions/:subscriptionId', async (req, res) => {
      res.json(await deps.subscriptions.get(VNFFM, req.params.subscriptionId));
    });

    router.delete('/subscriptions/:subscriptionId', async (req, res) => {
      await deps.subscriptions.delete(VNFFM, req.params.subscriptionId);
      res.status(204).end();
    });
    router.all('/subscriptions/:subscriptionId', notAllowed('GET, DELETE'));
  };
}
