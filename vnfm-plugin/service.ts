import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/logger.ts';
import { createMetrics } from '../platform/metrics.ts';
import { databaseOptionsFrom, openDatabase, type Database } from '../platform/db/database.ts';
import { migrateUp } from '../platform/db/migrator.ts';
import type { EventBus } from '../platform/bus/event-bus.port.ts';
import { OutboxRelay } from '../platform/bus/outbox.ts';
import { isLoopback } from '../platform/http/auth/authenticator.ts';
import { SOL_APIS } from '../platform/http/sol-api.ts';
import { createSubscriptions } from '../platform/sol/subscriptions/subscriptions.module.ts';
import type { NotificationDeliveryWorker } from '../platform/sol/subscriptions/notification-delivery.worker.ts';
import { createMonitoringModule, type MonitoringModule } from '../fault-mgmt/index.ts';
import { createPredictionModule, type PredictionModule } from '../prediction/index.ts';
import { openApiValidation } from '../platform/http/openapi-validation.ts';
import { createHttpApp, type SolApiModule } from './http-app.ts';
import { createAuthenticator, createEventBus } from './adapters.ts';
import { createOperations, type Operations } from './operations.ts';

export interface RunningService {
  /** Base URL the HTTP server actually listens on. */
  readonly url: string;
  readonly db: Database;
  readonly bus: EventBus;
  /** Publishes committed outbox events; `nudge()` it after a commit that appended some. */
  readonly outbox: OutboxRelay;
  /** Delivers the notification outbox to subscribers (`nudge()`, `flush()`). */
  readonly notifications: NotificationDeliveryWorker;
  /** Monitoring feeds, store and query API (fault-mgmt/). */
  readonly monitoring: MonitoringModule;
  /** Failure models (registry, active model) and online scoring (prediction/). */
  readonly prediction: PredictionModule;
  /** VNF lifecycle, decisions, fault, performance and indicator interfaces. */
  readonly operations: Operations;
  close(): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The composition root: builds every adapter from config, wires the modules, listens. */
export async function startService(config: Config, log: Logger): Promise<RunningService> {
  if (config.auth.mode === 'none') {
    if (!isLoopback(config.listen.host)) {
      throw new StartupError(
        `VNFM_AUTH=none is only allowed on a loopback address; ${config.listen.host} is not. Set VNFM_AUTH=keystone or oauth2.`,
      );
    }
    log.warn('AUTHENTICATION IS OFF (VNFM_AUTH=none): every local process can call the APIs');
  }
  if (!config.monitoring.ingestAuth) {
    if (!isLoopback(config.listen.host)) {
      throw new StartupError(
        `The monitoring endpoints need MONITORING_INGEST_USERNAME and MONITORING_INGEST_PASSWORD on a non-loopback address (${config.listen.host}).`,
      );
    }
    log.warn('monitoring ingest endpoints take data without credentials (MONITORING_INGEST_USERNAME unset; loopback only)');
  }
  const metrics = createMetrics({ defaultMetrics: true });
  const db = await openDatabase(databaseOptionsFrom(config, log));
  const closers: (() => Promise<void>)[] = [() => db.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err) => log.error({ err }, 'error while stopping'));
  };
  try {
    if (config.database.migrateOnStart) {
      const applied = await migrateUp(db, log);
      log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
    }
    // Started once the schema is there: delivers whatever was pending, e.g. before a crash.
    const subscriptions = createSubscriptions({ db, config, log, metrics });
    subscriptions.worker.start();
    closers.push(() => subscriptions.worker.stop());
    const bus = await createEventBus(config, log, metrics);
    closers.push(() => bus.close());
    const outbox = new OutboxRelay({
      db,
      bus,
      log: log.child({ component: 'outbox' }),
      metrics,
      pollMs: config.outbox.pollMs,
      retentionHours: config.outbox.retentionHours,
      inboxRetentionHours: config.outbox.inboxRetentionHours,
    });
    closers.push(() => outbox.stop());
    const monitoring = await createMonitoringModule({ db, config, log, metrics, relay: outbox });
    closers.push(() => monitoring.close());
    const prediction = createPredictionModule({
      db, config, log, metrics, relay: outbox, reader: monitoring.reader, registry: monitoring.registry,
    });
    await prediction.start();
    closers.push(() => prediction.stop());
    const operations = await createOperations({
      config, log, metrics, db, bus, outbox, subscriptions: subscriptions.service, deliveries: subscriptions.worker, monitoring,
    });
    // Resumes unfinished LCM operations and subscribes the consumers, before the relay starts.
    await operations.start();
    closers.push(() => operations.stop());
    const solModules = operations.solModules;
    const authenticator = await createAuthenticator(config, log);
    // RFC 6749 4.4: with VNFM_AUTH=oauth2 the plugin is its own token endpoint, POST /token.
    const tokenEndpoint = config.auth.mode === 'oauth2' ? authenticator.tokenEndpoint : undefined;

    const app = createHttpApp({
      config,
      log,
      metrics,
      authenticator,
      apis: SOL_APIS.map((api) => validatedAgainstContract(solModules.find((m) => m.api === api) ?? { api }, config)),
      readiness: { database: () => db.ping(), bus: () => bus.ping() },
      extraRoutes: (app) => {
        if (tokenEndpoint) app.use(tokenEndpoint);
        app.use(monitoring.ingestRouter);
      },
      ownApis: [{ path: '/monitoring/v1', router: (authenticate) => monitoring.queryRouter(authenticate) }, ...operations.ownApis],
    });
    // Started once every module has subscribed: the in-process bus drops events nobody listens to.
    await outbox.start();
    const server = await listen(app, config.listen.host, config.listen.port);
    closers.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    const url = `http://${host}:${port}`;
    log.info({ url, database: db.description, bus: bus.kind, auth: config.auth.mode }, 'vnfm-plugin serving');
    return { url, db, bus, outbox, notifications: subscriptions.worker, monitoring, prediction, operations, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Every SOL API is validated at the edge against its OpenAPI document, api/openapi/<api>.yaml. */
function validatedAgainstContract(mod: SolApiModule, config: Config): SolApiModule {
  const contract = openApiValidation(mod.api, { validateResponses: config.http.validateResponses });
  return { ...mod, validate: [...contract, ...(mod.validate ?? [])] };
}

function listen(app: import('express').Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err) => reject(new StartupError(`cannot listen on ${host}:${port}: ${err.message}`)));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5000).unref();
  });
}
