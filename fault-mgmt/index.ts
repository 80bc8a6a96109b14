import type { RequestHandler, Router } from 'express';
import type { Config } from '../platform/config/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlatformMetrics } from '../platform/metrics.ts';
import type { OutboxRelay } from '../platform/bus/outbox.ts';
import { alertmanagerRoutes } from './alertmanager/alertmanager.routes.ts';
import { alertQueryRoutes } from './alertmanager/alert-query.routes.ts';
import { collectdRoutes } from './collectd/collectd.routes.ts';
import { createWorkerBodyDecoder } from './collectd/collectd-decoder.ts';
import { createIngestRouter } from './http/ingest-router.ts';
import { loadPatternCatalogue } from './logs/pattern-catalogue.ts';
import { logRoutes } from './logs/logs.routes.ts';
import { createSyslogReceiver } from './logs/syslog-receiver.ts';
import { createMonitoringApiRouter } from './query/monitoring-api.ts';
import { monitoringQueryRoutes } from './query/monitoring-query.routes.ts';
import { createEntityRegistry, type EntityRegistry } from './registry/entity-registry.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { createMonitoringWriter, type MonitoringWriter } from './store/monitoring-writer.ts';
import { SERVICE_ROLLUP_OPTIONS } from './store/rollup-worker.ts';
import { createWindowReader, type WindowReader } from './store/window-reader.ts';

export interface MonitoringModuleDeps {
  readonly db: Database;
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
}

/** What the monitoring module (fault-mgmt/) contributes to the plugin. */
export interface MonitoringModule {
  readonly registry: EntityRegistry;
  readonly writer: MonitoringWriter;
  readonly reader: WindowReader;
  /** POST /collectd, /collectd/notify, /logs, /alertmanager; mounted at the root. */
  readonly ingestRouter: Router;
  /** Our own query API, /monitoring/v1, behind the API authenticator. */
  queryRouter(authenticate: RequestHandler): Router;
  /** Ports the syslog receiver listens on, when it is on. */
  readonly syslog?: { readonly udpPort: number; readonly tcpPort: number };
  close(): Promise<void>;
}

/**
 * Builds and starts the monitoring module: entity registry (seeded from
 * MONITORING_ENTITIES_FILE), the batched store writer, the syslog receiver and the
 * HTTP receivers and query API. Everything it starts, `close()` stops, flushing
 * what is queued first.
 */
export async function createMonitoringModule(deps: MonitoringModuleDeps): Promise<MonitoringModule> {
  const { db, config, metrics } = deps;
  const log = deps.log.child({ component: 'monitoring' });
  const m = config.monitoring;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err) => log.error({ err }, 'error while stopping monitoring'));
  };
  try {
    const catalogue = loadPatternCatalogue(m.patternsFile);
    const registry = createEntityRegistry({ db, log, metrics });
    await registry.load();
    if (m.entitiesFile) await registry.seedFromFile(m.entitiesFile);
    registry.start();
    closers.push(() => registry.stop());

    // One write transaction at a time: with one round trip per transaction, a second one in
    // flight measured no faster and cost more CPU per value (Ingest benchmark in the README).
    const writer = createMonitoringWriter({
      db,
      log,
      metrics,
      config: m,
      relay: deps.relay,
      transactionsInFlight: 1,
      rollup: SERVICE_ROLLUP_OPTIONS,
    });
    await writer.start();
    closers.push(() => writer.stop());
    const sink = writer;
    const resolver = registry;

    let syslog: MonitoringModule['syslog'];
    if (m.syslogListen) {
      const receiver = createSyslogReceiver({
        sink, resolver, catalogue, listen: m.syslogListen, maxFutureSeconds: m.maxFutureSeconds, metrics, log,
      });
      syslog = await receiver.start();
      // Stopped before the writer, so its last buffered events are still written.
      closers.push(() => receiver.stop());
      log.info({ host: m.syslogListen.host, ...syslog }, 'syslog receiver listening (UDP and TCP)');
    }

    // POST /collectd bodies are parsed on a worker thread (the second CPU), in arrival order.
    const decoder = createWorkerBodyDecoder({ log });
    closers.push(() => decoder.close());
    const reader = createWindowReader({ db, resolver, defaultStep: m.stepSeconds, defaultFillLimit: m.fillLimit });
    const ingestRouter = createIngestRouter({
      auth: m.ingestAuth,
      bodyLimit: m.bodyLimit,
      rawBodyPaths: ['/collectd'],
      receivers: [
        collectdRoutes({ sink, resolver, config: m, metrics, log, decoder }),
        logRoutes({ sink, resolver, catalogue, config: m, metrics, log }),
        alertmanagerRoutes({ db, relay: deps.relay, config: m, metrics, log }),
      ],
    });
    return {
      registry,
      writer,
      reader,
      ingestRouter,
      syslog,
      queryRouter: (authenticate) =>
        createMonitoringApiRouter({
          authenticate,
          validateResponses: config.http.validateResponses,
          routes: [
            monitoringQueryRoutes({ db, reader, resolver, config: m }),
            registryRoutes({ registry, db }),
            alertQueryRoutes({ db }),
          ],
        }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
