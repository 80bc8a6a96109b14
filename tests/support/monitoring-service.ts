import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { startService, type RunningService } from '../../vnfm-plugin/service.ts';
import { freePort } from './service-process.ts';
import { openTestDatabase, testLog } from './test-database.ts';

export interface MonitoringTestService {
  /** Base URL of the plugin's HTTP server. */
  readonly url: string;
  /** The service's own database (a fresh test database), for checks with plain SQL. */
  readonly db: Database;
  readonly syslog?: { readonly udpPort: number; readonly tcpPort: number };
  readonly service: RunningService;
  close(): Promise<void>;
}

/**
 * The whole plugin, in-process, on a fresh test database (real PostgreSQL when
 * DATABASE_URL is set, else embedded), listening on 127.0.0.1 with the syslog receiver
 * on a free port. `env` adds or overrides configuration keys.
 */
export async function startMonitoringService(env: Record<string, string> = {}): Promise<MonitoringTestService> {
  const testDb = await openTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vnfm-mon-'));
  let service: RunningService | undefined;
  try {
    const syslogPort = await freePort();
    const config = loadConfig({
      VNFM_LISTEN: '127.0.0.1:0',
      VNFM_DATA_DIR: dataDir,
      DATABASE_URL: testDb.url,
      // The embedded test server takes poolMax + 4 connections; the test's own pool holds up to 5 of them.
      VNFM_DB_POOL_MAX: '3',
      // openTestDatabase() applied the migrations; the embedded server, reached by URL,
      // cannot hold the migrator's advisory lock on one connection while umzug uses another.
      VNFM_MIGRATE_ON_START: 'false',
      SYSLOG_LISTEN: `127.0.0.1:${syslogPort}`,
      MONITORING_RETENTION_DAYS: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      ...env,
    });
    service = await startService(config, testLog);
    const running = service;
    return {
      url: running.url,
      db: running.db,
      syslog: running.monitoring.syslog,
      service: running,
      async close() {
        await running.close();
        await testDb.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await service?.close();
    await testDb.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
