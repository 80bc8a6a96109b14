// The plugin's HTTP service with VNF lifecycle management wired in, as a process of its own
// (the crash and Tacker CLI tests kill and restart it). Until vnfm-plugin/service.ts builds the
// lifecycle module, this is that wiring for tests: the platform config from the environment,
// the VIM served by the test process (LCM_TEST_VIM_URL), the sample VNFD.
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { databaseOptionsFrom, openDatabase } from '../../platform/db/database.ts';
import { migrateUp } from '../../platform/db/migrator.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { SOL_APIS, VNFLCM } from '../../platform/http/sol-api.ts';
import { createSubscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { createLcmModule } from '../../lcm/index.ts';
import { remoteVim } from './lcm-remote-vim.ts';
import { vnfdLookup } from './lcm-vnfd-fixture.ts';

const config = loadConfig();
const log = createLogger(config.log.level);
const metrics = createMetrics();
const db = await openDatabase(databaseOptionsFrom(config, log));
await migrateUp(db, log);
const subscriptions = createSubscriptions({ db, config, log, metrics });
subscriptions.worker.start();
const lcm = createLcmModule({
  subscriptions: subscriptions.service,
  pageSize: config.http.pageSize,
  publicUrl: config.publicUrl,
  lifecycle: {
    db,
    vim: remoteVim(process.env.LCM_TEST_VIM_URL ?? 'http://127.0.0.1:1'),
    vnfds: vnfdLookup(),
    grant: { timeoutMs: 5_000 },
    engine: JSON.parse(process.env.LCM_TEST_ENGINE ?? '{}'),
    log,
  },
});
await lcm.start();
const app = createHttpApp({
  config,
  log,
  metrics,
  authenticator: noAuthentication,
  readiness: { database: () => db.ping() },
  apis: SOL_APIS.map((api) => (api === VNFLCM ? { ...lcm, validate: openApiValidation(VNFLCM, { validateResponses: true }) } : { api })),
});
const server = app.listen(config.listen.port, config.listen.host, () => log.info({ url: config.publicUrl }, 'lcm test service serving'));
process.on('SIGTERM', async () => {
  server.close();
  await lcm.stop();
  await subscriptions.worker.stop();
  await db.close();
  process.exit(0);
});
