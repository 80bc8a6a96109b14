import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { appendToOutbox, OutboxRelay } from '../../platform/bus/outbox.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { VNFFM } from '../../platform/http/sol-api.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { createSubscriptions, type Subscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import { createEntityRegistry, type EntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';
import { createFmModule, type FmModule, type FmSettings } from '../../fault-mgmt/fm/index.ts';
import { FM_CONSUMERS } from '../../fault-mgmt/fm/fm-consumers.ts';
import { createEventBus } from '../../vnfm-plugin/adapters.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { deleteTopology } from './bus-fixtures.ts';
import { freePort } from './service-process.ts';
import { openTestDatabase, testLog, type TestDatabase } from './test-database.ts';

export interface FmAppOptions {
  /** Run the bus consumers, the outbox relay and the notification worker (AMQP_URL picks RabbitMQ). */
  readonly bus?: boolean;
  /** Listen on a loopback port (for the real CLI); the public URL is then that address. */
  readonly listen?: boolean;
  readonly env?: Record<string, string>;
  readonly settings?: Partial<FmSettings>;
  readonly entities?: RegistryEntity[];
  readonly clock?: () => number;
  readonly sweepMs?: number;
}

export interface FmApp {
  readonly t: TestDatabase;
  readonly app: Express;
  readonly fm: FmModule;
  readonly config: Config;
  readonly registry: EntityRegistry;
  readonly subscriptions: Subscriptions;
  readonly bus?: EventBus;
  readonly url: string;
  /** Appends an event to the outbox and lets the relay publish it (as prediction and monitoring do). */
  publish(topic: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

/**
 * The VNF FM API the way the composition root serves it (createHttpApp, the shared
 * subscription service, requests and responses checked against api/openapi/vnffm.yaml),
 * on a fresh test database, optionally with the bus side running.
 */
export async function startFmApp(opts: FmAppOptions = {}): Promise<FmApp> {
  const t = await openTestDatabase();
  const port = opts.listen ? await freePort() : 0;
  const url = opts.listen ? `http://127.0.0.1:${port}` : 'http://vnfm.example.net:9890';
  const exchange = `vnfm.fm-test.${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    VNFM_PUBLIC_URL: url,
    VNFM_CALLBACK_TEST_TIMEOUT_MS: '2000',
    VNFM_OUTBOX_POLL_MS: '50',
    VNFM_NOTIFY_BACKOFF_MS: '100',
    VNFM_BUS_RETRY_BACKOFF_MS: '100',
    ...(opts.bus && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL, AMQP_EXCHANGE: exchange } : {}),
    ...opts.env,
  });
  const metrics = createMetrics();
  const closers: (() => Promise<unknown>)[] = [() => t.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const subscriptions = createSubscriptions({ db: t.db, config, log: testLog, metrics });
    const registry = createEntityRegistry({ db: t.db, log: testLog, metrics });
    await registry.load();
    if (opts.entities) await registry.upsert(opts.entities, 'config');
    let bus: EventBus | undefined;
    let relay: OutboxRelay | undefined;
    if (opts.bus) {
      subscriptions.worker.start();
      closers.push(() => subscriptions.worker.stop());
      bus = await createEventBus(config, testLog, metrics);
      closers.push(() => bus!.close());
      if (config.amqp.url) closers.push(() => deleteTopology(exchange, Object.values(FM_CONSUMERS)));
      relay = new OutboxRelay({ db: t.db, bus, log: testLog, metrics, pollMs: config.outbox.pollMs });
      closers.push(() => relay!.stop());
    }
    const fm = createFmModule({
      db: t.db, subscriptions: subscriptions.service, resolver: registry, bus, log: testLog, metrics,
      pageSize: config.http.pageSize, publicUrl: url, settings: opts.settings, clock: opts.clock, sweepMs: opts.sweepMs,
    });
    await fm.start();
    closers.push(() => fm.stop());
    await relay?.start();
    const app = createHttpApp({
      config, log: testLog, metrics, authenticator: noAuthentication, readiness: {},
      apis: [{ ...fm, validate: openApiValidation(VNFFM, { validateResponses: true }) }],
    });
    if (opts.listen) {
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(port, '127.0.0.1', () => resolve(s));
      });
      closers.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    }
    return {
      t, app, fm, config, registry, subscriptions, bus, url,
      async publish(topic, payload) {
        if (!relay) throw new Error('startFmApp({ bus: true }) publishes');
        await t.db.transaction((tx) => appendToOutbox(tx, [{ topic, payload }], relay));
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
