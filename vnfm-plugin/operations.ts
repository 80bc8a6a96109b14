/**
 * Wires what acts on VNFs and what reports about them: VNF packages, the VIM driver, VNF
 * lifecycle management (vnflcm), the decision engine, fault management (vnffm), performance
 * management (vnfpm) and indicators (vnfind). Part of the composition root (service.ts).
 */
import type { RequestHandler, Router } from 'express';
import type { Config } from '../platform/config/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlatformMetrics } from '../platform/metrics.ts';
import type { EventBus } from '../platform/bus/event-bus.port.ts';
import type { OutboxRelay } from '../platform/bus/outbox.ts';
import type { SubscriptionService } from '../platform/sol/subscriptions/subscription.service.ts';
import type { NotificationDeliveryWorker } from '../platform/sol/subscriptions/notification-delivery.worker.ts';
import type { MonitoringModule } from '../fault-mgmt/index.ts';
import { createFmModule } from '../fault-mgmt/fm/index.ts';
import { createPmModule } from '../fault-mgmt/pm/index.ts';
import { createIndicatorModule } from '../fault-mgmt/indicators/index.ts';
import { forecastFromReader } from '../prediction/capacity/index.ts';
import { createLcmModule, type LcmModule, type LcmPort } from '../lcm/index.ts';
import { createVnfPackageCatalogue } from '../lcm/vnfd/vnf-package-catalogue.ts';
import { createVimDriver } from '../lcm/vim/create-vim-driver.ts';
import { SimulatedVim } from '../lcm/vim/simulated/simulated-vim.ts';
import { expectedMigrationSeconds, monitoredVnfcs } from '../lcm/decision/lcm-adapters.ts';
import type { Vdu } from '../lcm/vnfd/vnfd.types.ts';
import { createDecisionModule, DECISIONS_API_PREFIX, type DecisionModule } from '../lcm/decision/index.ts';
import type { SolApiModule } from './http-app.ts';
import { subscribeLcmRegistrySync } from './lcm-registry-sync.ts';
import { createTackerModule } from './tacker/index.ts';
import { lcmInstanceFacts } from './vnf-instance-facts.ts';
import { decisionSettingsOf, engineSettingsOf, fmSettingsOf, grantSettingsOf, vimSettingsOf, vnfPackageDirsOf } from './module-settings.ts';

export interface OperationsDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  readonly db: Database;
  readonly bus: EventBus;
  readonly outbox: OutboxRelay;
  readonly subscriptions: SubscriptionService;
  readonly deliveries: NotificationDeliveryWorker;
  readonly monitoring: MonitoringModule;
}

export interface Operations {
  /** The SOL APIs served: vnflcm, vnffm, vnfpm, vnfind. */
  readonly solModules: SolApiModule[];
  readonly ownApis: { readonly path: string; readonly router: (authenticate: RequestHandler) => Router }[];
  /** What the decision engine calls; also for tests. */
  readonly lcm: LcmPort;
  readonly decisions: DecisionModule;
  /** Resumes unfinished LCM operations and subscribes every consumer: call before the outbox relay starts. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createOperations(deps: OperationsDeps): Promise<Operations> {
  const { config, log, metrics, db, bus, outbox, monitoring } = deps;
  const catalogue = await createVnfPackageCatalogue(vnfPackageDirsOf(config));
  for (const bad of catalogue.invalid) {
    log.warn({ packageDir: bad.packageDir, problems: bad.problems.slice(0, 5) }, 'VNF package not loaded: invalid');
  }
  log.info({ vnfds: catalogue.list().map((v) => v.vnfdId) }, 'VNF packages loaded');
  const vimSettings = vimSettingsOf(config);
  const vim = createVimDriver(vimSettings, log.child({ component: 'vim' }));
  log.info({ vim: vimSettings.kind }, vimSettings.kind === 'simulated' ? 'VIM: simulated (in memory; servers do not survive a restart)' : 'VIM: OpenStack');

  const lcm: LcmModule = createLcmModule({
    subscriptions: deps.subscriptions,
    pageSize: config.http.pageSize,
    publicUrl: config.publicUrl,
    lifecycle: { db, vim, vnfds: catalogue, grant: grantSettingsOf(config), engine: engineSettingsOf(config), log, relay: outbox },
  });
  const port = lcm.lcm!;
  // Beside Tacker (`vnfm-plugin register tacker`): the decision engine also sees Tacker's VNFs.
  const tacker = createTackerModule({ db, config, log, registry: monitoring.registry, lcm: port, catalogue, vim, relay: outbox });
  // The simulated VIM knows each server's memory and dirty rate: its estimate replaces the
  // generic one (the VDU's pre-copy estimate, kept for a server it no longer has).
  const estimate =
    vim instanceof SimulatedVim
      ? (p: { serverId: string }, vdu: Vdu) => {
          try {
            return vim.estimateMigration(p.serverId).durationMs / 1000;
          } catch {
            return expectedMigrationSeconds(vdu.resources);
          }
        }
      : undefined;
  const decisions = createDecisionModule({
    db, bus, log, metrics, config: { ...config, decision: decisionSettingsOf(config) }, lcm: tacker.lcm, catalogue, vim, reader: monitoring.reader,
    vnfcs: monitoredVnfcs({ lcm: tacker.lcm, catalogue, ...(estimate && { estimate }) }),
  });
  // What FM and indicator subscription filters match VNF instances on (vnfdIds, products, names).
  const instanceFacts = lcmInstanceFacts(db);
  const fm = createFmModule({
    db,
    subscriptions: deps.subscriptions,
    resolver: monitoring.registry,
    bus,
    log,
    metrics,
    pageSize: config.http.pageSize,
    publicUrl: config.publicUrl,
    settings: fmSettingsOf(config),
    instanceFacts,
  });
  const pm = createPmModule({ db, config, log, metrics, reader: monitoring.reader, bus, deliveries: deps.deliveries });
  const indicators = createIndicatorModule({
    db,
    config,
    log,
    metrics,
    subscriptions: deps.subscriptions,
    reader: monitoring.reader,
    bus,
    forecastHost: (host, now) => forecastFromReader(monitoring.reader, host, now),
    instanceFacts,
  });
  const startable = [lcm, decisions, fm, pm, indicators, tacker];
  return {
    solModules: [lcm, fm, pm, indicators],
    ownApis: [{ path: DECISIONS_API_PREFIX, router: (authenticate) => decisions.router(authenticate) }, tacker.ownApi],
    lcm: port,
    decisions,
    async start() {
      for (const m of startable) await m.start();
      await subscribeLcmRegistrySync({ bus, lcm: port, registry: monitoring.registry, log });
    },
    async stop() {
      for (const m of [...startable].reverse()) await m.stop().catch((err) => log.error({ err }, 'error while stopping'));
    },
  };
}
