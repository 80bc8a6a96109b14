import type { Router } from 'express';
import { VNFLCM, type SolApi } from '../platform/http/sol-api.ts';
import { lcmSubscriptionRoutes, type LcmSubscriptionRoutesDeps } from './http/lcm-subscriptions.route.ts';
import type { LcmPort } from './engine/lcm.port.ts';
import { createLcmLifecycle, lifecycleUnavailable, type LcmLifecycleDeps } from './lcm-lifecycle.ts';

export type { LcmLifecycleDeps, GrantSettings } from './lcm-lifecycle.ts';
export type { VnfdLookup } from './engine/operation-engine.ts';
export type { DestinationChooser } from './engine/destination-chooser.ts';
export type { EngineSettings } from './engine/operation-step.ts';
export type * from './engine/lcm.port.ts';

export interface LcmModuleDeps extends LcmSubscriptionRoutesDeps {
  /** VNF instances, operations and their engine; absent: those routes answer 503. */
  readonly lifecycle?: LcmLifecycleDeps;
}

/** What the VNF LCM API (SOL003 5, /vnflcm/v2) contributes to the HTTP edge and to the plugin. */
export interface LcmModule {
  readonly api: SolApi;
  readonly routes: (router: Router) => void;
  /** What the decision engine calls (undefined without lifecycle deps). */
  readonly lcm?: LcmPort;
  /** Resumes unfinished operations (after migrations ran) and starts the lease timer. */
  start(): Promise<void>;
  /** Stops driving operations; they stay as they are and are resumed at the next start. */
  stop(): Promise<void>;
}

export function createLcmModule(deps: LcmModuleDeps): LcmModule {
  const subscriptions = lcmSubscriptionRoutes(deps);
  const lifecycle = deps.lifecycle && createLcmLifecycle(deps.lifecycle, { pageSize: deps.pageSize, publicUrl: deps.publicUrl });
  return {
    api: VNFLCM,
    routes: (router) => {
      subscriptions(router);
      if (lifecycle) lifecycle.routes(router);
      else lifecycleUnavailable(router);
    },
    lcm: lifecycle?.port,
    start: async () => lifecycle?.start(),
    stop: async () => lifecycle?.stop(),
  };
}
