import type { Router } from 'express';
import { NotFound } from '../../platform/http/problem-details.ts';
import { VNFIND } from '../../platform/http/sol-api.ts';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import type { SubscriptionService } from '../../platform/sol/subscriptions/subscription.service.ts';
import { subscriptionRoutes } from '../../platform/sol/subscriptions/subscription.routes.ts';
import type { VnfTopologySource } from '../pm/vnf-topology.ts';
import type { IndicatorRepository } from './indicator.repository.ts';
import { INDICATOR_SUBSCRIPTION_QUERY, indicatorSubscription, parseIndicatorSubscriptionRequest } from './indicator-subscription.ts';

export class VnfInstanceNotFound extends NotFound {
  constructor(id: string) {
    super(`VNF instance ${id} is not known to the plugin.`);
  }
}

export class VnfIndicatorNotFound extends NotFound {
  constructor(vnfInstanceId: string, indicatorId: string) {
    super(`VNF indicator ${indicatorId} of VNF instance ${vnfInstanceId} not found.`);
  }
}

/** SOL003 8.4.2.3.2: filters and paging; VnfIndicator has no complex attributes to select. */
export const VNF_INDICATOR_QUERY: ResourceQuerySpec = { name: 'VnfIndicator', defaultExcluded: [], neverReturned: [] };

export interface IndicatorRoutesDeps {
  readonly indicators: IndicatorRepository;
  readonly topology: VnfTopologySource;
  readonly subscriptions: SubscriptionService;
  readonly pageSize: number;
  readonly publicUrl: string;
}

/** SOL003 8.4.2-8.4.6 under /vnfind/v1; shapes were checked by the OpenAPI validator. */
export function indicatorRoutes(deps: IndicatorRoutesDeps): (router: Router) => void {
  const knownVnf = async (id: string) => {
    if (!(await deps.topology.vnfs()).some((v) => v.vnfInstanceId === id)) throw new VnfInstanceNotFound(id);
  };
  const subscriptions = subscriptionRoutes({
    ...deps,
    api: VNFIND,
    query: INDICATOR_SUBSCRIPTION_QUERY,
    parse: parseIndicatorSubscriptionRequest,
    render: indicatorSubscription,
  });
  return (router) => {
    router.get('/indicators', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, VNF_INDICATOR_QUERY);
      sendList(req, res, await deps.indicators.listPage(query, deps.pageSize), deps.publicUrl);
    });
    router.get('/indicators/:vnfInstanceId', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, VNF_INDICATOR_QUERY);
      await knownVnf(req.params.vnfInstanceId);
      sendList(req, res, await deps.indicators.listPage(query, deps.pageSize, req.params.vnfInstanceId), deps.publicUrl);
    });
    router.get('/indicators/:vnfInstanceId/:indicatorId', async (req, res) => {
      const { vnfInstanceId, indicatorId } = req.params;
      const indicator = await deps.indicators.get(vnfInstanceId, indicatorId);
      if (!indicator) throw new VnfIndicatorNotFound(vnfInstanceId, indicatorId);
      res.json(indicator);
    });

    subscriptions(router);
  };
}
