import type { Router } from 'express';
import { VNFFM } from '../../../platform/http/sol-api.ts';
import type { ResourceQuerySpec } from '../../../platform/sol/list-query.ts';
import type { SubscriptionDoc } from '../../../platform/sol/subscriptions/subscription.repository.ts';
import type { SubscriptionService } from '../../../platform/sol/subscriptions/subscription.service.ts';
import { parseFmSubscriptionRequest, type FmSubscriptionRequest } from '../fm-subscription-request.ts';
import { subscriptionRoutes } from '../../../platform/sol/subscriptions/subscription.routes.ts';

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

/** SOL003 7.4.4 Subscriptions and 7.4.5 Individual subscription, under /vnffm/v1. */
export function fmSubscriptionRoutes(deps: FmSubscriptionRoutesDeps): (router: Router) => void {
  return subscriptionRoutes({
    ...deps,
    api: VNFFM,
    query: FM_SUBSCRIPTION_QUERY,
    parse: parseFmSubscriptionRequest,
    render: fmSubscription,
  });
}
