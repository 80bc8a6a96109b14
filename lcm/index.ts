import type { Router } from 'express';
import { VNFLCM, type SolApi } from '../platform/http/sol-api.ts';
import { lcmSubscriptionRoutes, type LcmSubscriptionRoutesDeps } from './http/lcm-subscriptions.route.ts';

export type LcmModuleDeps = LcmSubscriptionRoutesDeps;

/** What the VNF LCM API (SOL003 5, /vnflcm/v2) contributes to the HTTP edge. */
export interface LcmModule {
  readonly api: SolApi;
  readonly routes: (router: Router) => void;
}

export function createLcmModule(deps: LcmModuleDeps): LcmModule {
  const subscriptions = lcmSubscriptionRoutes(deps);
  return {
    api: VNFLCM,
    routes: (router) => {
      subscriptions(router);
    },
  };
}
