import type { Router } from 'express';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { OutboxRelay } from '../platform/bus/outbox.ts';
import { ServiceUnavailable } from '../platform/http/problem-details.ts';
import type { OAuth2Client } from '../platform/sol/subscriptions/oauth2-client-credentials.ts';
import type { VimDriver } from './vim/vim.port.ts';
import { leastLoadedDestination, type DestinationChooser } from './engine/destination-chooser.ts';
import { LcmPortAdapter } from './engine/lcm-port.adapter.ts';
import type { LcmPort } from './engine/lcm.port.ts';
import { OperationEngine, type VnfdLookup } from './engine/operation-engine.ts';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './engine/operation-step.ts';
import { resumeUnfinished } from './engine/resume-operations.ts';
import type { GrantPort } from './grant/grant.port.ts';
import { LocalGrant } from './grant/local-grant.ts';
import { NfvoGrantClient } from './grant/nfvo-grant.client.ts';
import { vnfInstanceRoutes } from './http/vnf-instances.route.ts';
import { vnfLcmOpOccRoutes } from './http/vnf-lcm-op-occs.route.ts';
import { vnfLcmTaskRoutes } from './http/vnf-lcm-tasks.route.ts';
import { VnfInstanceRepository } from './instances/vnf-instance.repository.ts';
import { VnfInstanceService } from './instances/vnf-instance.service.ts';
import { lcmLinks } from './lcm-links.ts';
import { VnfInstanceNotFound, VnfLcmOpOccNotFound } from './lcm-errors.ts';
import { LcmOpOccRepository } from './op-occs/lcm-op-occ.repository.ts';
import { LcmOperationsService } from './op-occs/lcm-operations.service.ts';

/** The NFVO that grants operations (SOL003 9); absent nfvoUrl: the plugin grants locally. */
export interface GrantSettings {
  readonly nfvoUrl?: string;
  readonly oauth2?: OAuth2Client;
  readonly timeoutMs: number;
}

/** What VNF lifecycle management needs from the composition root. */
export interface LcmLifecycleDeps {
  readonly db: Database;
  readonly vim: VimDriver;
  readonly vnfds: VnfdLookup;
  readonly grant: GrantSettings;
  readonly log: Logger;
  readonly engine?: Partial<EngineSettings>;
  /** Picks live-migration destinations when a heal request names none; default least-loaded. */
  readonly destinations?: DestinationChooser;
  readonly clock?: () => Date;
  /** Publishes the `lcm.opocc.*` bus events right after each commit (else at the relay's next poll). */
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
}

export interface LcmLifecycle {
  readonly routes: (router: Router) => void;
  readonly port: LcmPort;
  readonly engine: OperationEngine;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function grantPortFor(settings: GrantSettings, log: Logger): GrantPort {
  return settings.nfvoUrl
    ? new NfvoGrantClient({ nfvoUrl: settings.nfvoUrl, oauth2: settings.oauth2, timeoutMs: settings.timeoutMs }, log.child({ component: 'grant' }))
    : new LocalGrant();
}

/** Builds repositories, engine, use cases and routes of the lifecycle API. */
export function createLcmLifecycle(deps: LcmLifecycleDeps, http: { pageSize: number; publicUrl: string }): LcmLifecycle {
  const log = deps.log.child({ module: 'lcm' });
  const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, ...deps.engine };
  const clock = deps.clock ?? (() => new Date());
  const instances = new VnfInstanceRepository(deps.db);
  const ops = new LcmOpOccRepository(deps.db);
  const links = lcmLinks(http.publicUrl);
  const common = { db: deps.db, ops, instances, links, clock, relay: deps.relay };
  const engine = new OperationEngine({
    ...common,
    vim: deps.vim,
    vnfds: deps.vnfds,
    grants: grantPortFor(deps.grant, log),
    destinations: deps.destinations ?? leastLoadedDestination,
    settings,
    log: log.child({ component: 'lcm-engine' }),
  });
  const operations = new LcmOperationsService({ ...common, engine, vnfds: deps.vnfds, leaseMs: settings.leaseMs });
  const instanceService = new VnfInstanceService({ ...common, vnfds: deps.vnfds });
  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;
  return {
    routes: (router) => {
      vnfInstanceRoutes({ instances: instanceService, operations, ...http })(router);
      vnfLcmTaskRoutes(operations)(router);
      vnfLcmOpOccRoutes({ operations, ops, ...http })(router);
    },
    port: new LcmPortAdapter(operations, instances, ops),
    engine,
    async start() {
      const resumed = await resumeUnfinished(engine, ops, { releaseStaleLeases: deps.db.embedded });
      if (resumed.length) log.info({ resumed }, 'resuming unfinished operations');
      // Leases are renewed three times per lease; orphans (a replica died) are looked for once per lease.
      timer = setInterval(() => {
        ticks++;
        void engine.renewLeases().catch((err) => log.warn({ err }, 'lease renewal failed'));
        if (ticks % 3 === 0) void resumeUnfinished(engine, ops).catch((err) => log.warn({ err }, 'orphan scan failed'));
      }, Math.max(50, Math.floor(settings.leaseMs / 3)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await engine.stop();
    },
  };
}

/**
 * Lifecycle routes of a module built without lifecycle deps (no VIM driver configured): it
 * holds no instances, so reads answer as an empty system (lists [], one resource 404, as
 * Tacker words it) and every change is a 503 saying why.
 */
export function lifecycleUnavailable(router: Router): void {
  const unavailable = () => {
    throw new ServiceUnavailable('VNF lifecycle management is not configured in this process (no VIM driver).');
  };
  router.get(['/vnf_instances', '/vnf_lcm_op_occs'], (_req, res) => {
    res.json([]);
  });
  router.get('/vnf_instances/:vnfInstanceId', (req) => {
    throw new VnfInstanceNotFound(req.params.vnfInstanceId as string);
  });
  router.get('/vnf_lcm_op_occs/:vnfLcmOpOccId', (req) => {
    throw new VnfLcmOpOccNotFound(req.params.vnfLcmOpOccId as string);
  });
  for (const path of ['/vnf_instances', '/vnf_instances/:vnfInstanceId', '/vnf_instances/:vnfInstanceId/:task', '/vnf_lcm_op_occs/:vnfLcmOpOccId/:task']) {
    router.all(path, unavailable);
  }
}
