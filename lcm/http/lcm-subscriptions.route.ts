import type { Router } from 'express';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import type { ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import type { SubscriptionDoc } from '../../platform/sol/subscriptions/subscription.repository.ts';
import type { SubscriptionService } from '../../platform/sol/subscriptions/subscription.service.ts';
import { parseLccnSubscriptionRequest, type LccnSubscriptionRequest } from '../subscriptions/lcm-subscription-request.ts';
import { subscriptionRoutes } from '../../platform/sol/subscriptions/subscription.routes.ts';

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
  return subscriptionRoutes({
    ...deps,
    api: VNFLCM,
    query: LCCN_SUBSCRIPTION_QUERY,
    parse: parseLccnSubscriptionRequest,
    render: lccnSubscription,
  });
}
