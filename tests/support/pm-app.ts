/**
 * The VNF PM and VNF indicator APIs as the service serves them (real middleware, the OpenAPI
 * validator on requests and responses, the subscription and notification machinery), on a
 * fresh test database, with a test clock and, unless given, a fixed VNF topology.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createIndicatorModule, type IndicatorModule } from '../../fault-mgmt/indicators/index.ts';
import type { HostForecaster } from '../../fault-mgmt/indicators/indicator-sources.ts';
import { createPmModule, type PmModule } from '../../fault-mgmt/pm/index.ts';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { registryTopology, type VnfTopology, type VnfTopologySource } from '../../fault-mgmt/pm/vnf-topology.ts';
import { createEntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { loadConfig } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { VNFIND, VNFPM } from '../../platform/http/sol-api.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { createSubscriptions, type Subscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { openTestDatabase, type TestDatabase } from './test-database.ts';

export const PM_PUBLIC_URL = 'http://vnfm.example.net:9890';
export const VNF_A = '6f1a3c9e-1d2b-4c3d-8e4f-5a6b7c8d9e01';
export const VNF_B = '6f1a3c9e-1d2b-4c3d-8e4f-5a6b7c8d9e02';

/** Two VNF instances: A with two VNFCs on two hosts, B with one. */
export const SAMPLE_TOPOLOGY: VnfTopology[] = [
  {
    vnfInstanceId: VNF_A,
    name: 'vepc-a',
    vnfcs: [
      { id: 'VDU1-srv-a1', vm: 'srv-a1', host: 'compute-1' },
      { id: 'VDU2-srv-a2', vm: 'srv-a2', host: 'compute-2' },
    ],
  },
  { vnfInstanceId: VNF_B, vnfcs: [{ id: 'VDU1-srv-b1', vm: 'srv-b1', host: 'compute-2' }] },
];

export interface PmTestOptions {
  /** The VNF instances measured (default SAMPLE_TOPOLOGY); 'registry': the entity registry's in the test database. */
  readonly topology?: readonly VnfTopology[] | 'registry';
  readonly env?: Record<string, string>;
  readonly bus?: EventBus;
  readonly measurements?: MeasurementReader;
  readonly forecastHost?: HostForecaster;
  /** Epoch seconds the test clock starts at. */
  readonly now?: number;
  /** Also listen on 127.0.0.1 (for the Tacker CLI). */
  readonly listen?: boolean;
}

export interface PmTestApp {
  readonly app: Express;
  readonly db: Database;
  readonly pm: PmModule;
  readonly indicators: IndicatorModule;
  readonly subscriptions: Subscriptions;
  /** Mutable test clock, epoch seconds. */
  readonly clock: { now: number };
  /** Base URL when started with `listen`. */
  readonly url?: string;
  close(): Promise<void>;
}

export async function startPmTestApp(opts: PmTestOptions = {}): Promise<PmTestApp> {
  const t: TestDatabase = await openTestDatabase();
  const config = loadConfig({
    VNFM_PUBLIC_URL: PM_PUBLIC_URL,
    VNFM_CALLBACK_TEST_TIMEOUT_MS: '5000',
    VNFM_NOTIFY_BACKOFF_MS: '50',
    VNFM_OUTBOX_POLL_MS: '50',
    ...opts.env,
  });
  const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
  const metrics = createMetrics();
  const clock = { now: opts.now ?? Math.floor(Date.now() / 1000) };
  const subscriptions = createSubscriptions({ db: t.db, config, log, metrics });
  const registry = createEntityRegistry({ db: t.db, log, metrics });
  await registry.load();
  const reader = createWindowReader({ db: t.db, resolver: registry, defaultStep: 5, defaultFillLimit: 2 });
  const given = opts.topology ?? SAMPLE_TOPOLOGY;
  const topology: VnfTopologySource = given === 'registry' ? registryTopology(t.db) : { vnfs: async () => [...given] };
  const common = { db: t.db, log, metrics, reader, bus: opts.bus, topology, clock: () => clock.now };
  // Rounds run when a test says so (collector.tick(), indicators.tick()), on the test clock.
  const manual = { ...config, pm: { tickSeconds: 0 }, indicators: { tickSeconds: 0 } };
  const pm = createPmModule({ ...common, config: manual, measurements: opts.measurements, deliveries: subscriptions.worker });
  const indicators = createIndicatorModule({ ...common, config: manual, subscriptions: subscriptions.service, forecastHost: opts.forecastHost });
  const app = createHttpApp({
    config,
    log,
    metrics,
    authenticator: noAuthentication,
    readiness: {},
    apis: [
      { ...pm, validate: openApiValidation(VNFPM, { validateResponses: true }) },
      { ...indicators, validate: openApiValidation(VNFIND, { validateResponses: true }) },
    ],
  });
  let server: Server | undefined;
  if (opts.listen) server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return {
    app,
    db: t.db,
    pm,
    indicators,
    subscriptions,
    clock,
    url: server ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : undefined,
    async close() {
      await pm.stop();
      await indicators.stop();
      await subscriptions.worker.stop();
      if (server) await new Promise<void>((resolve) => { server!.closeAllConnections(); server!.close(() => resolve()); });
      await t.close();
    },
  };
}
