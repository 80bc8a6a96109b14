import type { Express } from 'express';
import { createLcmModule, type LcmModule } from '../../lcm/index.ts';
import type { GrantSettings } from '../../lcm/lcm-lifecycle.ts';
import type { DestinationChooser } from '../../lcm/engine/destination-chooser.ts';
import type { EngineSettings } from '../../lcm/engine/operation-step.ts';
import type { VimDriver } from '../../lcm/vim/vim.port.ts';
import type { VnfdLookup } from '../../lcm/engine/operation-engine.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { createSubscriptions, type Subscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { openTestDatabase, type TestDatabase } from './test-database.ts';
import { vnfdLookup } from './lcm-vnfd-fixture.ts';

export const LCM_PUBLIC_URL = 'http://vnfm.example.net:9890';

/** Engine timings for tests: fast polls, short waits. */
export const FAST_ENGINE: Partial<EngineSettings> = {
  leaseMs: 3_000,
  pollMs: 20,
  serverActiveTimeoutMs: 5_000,
  migrationTimeoutMs: 5_000,
  migrationStartGraceMs: 200,
};

export interface LcmTestApp {
  readonly app: Express;
  readonly t: TestDatabase;
  readonly module: LcmModule;
  readonly subscriptions: Subscriptions;
  /** Every log line written (to check that secrets never appear). */
  readonly logLines: string[];
  close(): Promise<void>;
}

export interface LcmTestAppOptions {
  readonly vim: VimDriver;
  readonly vnfds?: VnfdLookup;
  readonly grant?: GrantSettings;
  readonly engine?: Partial<EngineSettings>;
  readonly destinations?: DestinationChooser;
  readonly pageSize?: number;
  /** Reuse a database (a "restart" of the module on the same data). */
  readonly database?: TestDatabase;
  readonly clock?: () => Date;
}

/**
 * The VNF LCM API as served (OpenAPI validation of requests and responses, the platform's
 * error middleware), on a fresh test database, with the notification worker running.
 */
export async function startLcmTestApp(opts: LcmTestAppOptions): Promise<LcmTestApp> {
  const t = opts.database ?? (await openTestDatabase());
  const config = loadConfig({
    VNFM_PUBLIC_URL: LCM_PUBLIC_URL,
    VNFM_CALLBACK_TEST_TIMEOUT_MS: '1000',
    VNFM_PAGE_SIZE: String(opts.pageSize ?? 100),
    VNFM_OUTBOX_POLL_MS: '50',
    VNFM_NOTIFY_BACKOFF_MS: '50',
    VNFM_NOTIFY_TIMEOUT_MS: '2000',
  });
  const logLines: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const subscriptions = createSubscriptions({ db: t.db, config, log, metrics: createMetrics() });
  subscriptions.worker.start();
  const module = createLcmModule({
    subscriptions: subscriptions.service,
    pageSize: config.http.pageSize,
    publicUrl: LCM_PUBLIC_URL,
    lifecycle: {
      db: t.db,
      vim: opts.vim,
      vnfds: opts.vnfds ?? vnfdLookup(),
      grant: opts.grant ?? { timeoutMs: 2_000 },
      engine: { ...FAST_ENGINE, ...opts.engine },
      destinations: opts.destinations,
      clock: opts.clock,
      log,
    },
  });
  await module.start();
  const app = createHttpApp({
    config,
    log,
    metrics: createMetrics(),
    authenticator: noAuthentication,
    readiness: {},
    apis: [{ ...module, validate: openApiValidation(VNFLCM, { validateResponses: true }) }],
  });
  return {
    app,
    t,
    module,
    subscriptions,
    logLines,
    async close() {
      await module.stop();
      await subscriptions.worker.stop();
      if (!opts.database) await t.close();
    },
  };
}
