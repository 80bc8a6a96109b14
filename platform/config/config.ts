import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_KEYS, type ConfigKeyName } from './config-keys.ts';
import { maskSecret } from './mask-secret.ts';
import { boolOf, checkUrl, ConfigError, intOf, parseListen, strOf, type RawValues } from './raw-values.ts';
import { operationsConfig, type OperationsConfig } from './operations-config.ts';

export { maskSecret, ConfigError, parseListen };

export type AuthMode = 'none' | 'keystone' | 'oauth2';
const AUTH_MODES: readonly AuthMode[] = ['none', 'keystone', 'oauth2'];
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config extends OperationsConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly database: {
    readonly url: string | undefined;
    readonly embeddedPort: number;
    readonly poolMax: number;
    readonly migrateOnStart: boolean;
  };
  readonly amqp: {
    readonly url: string | undefined;
    readonly exchange: string;
    readonly prefetch: number;
    readonly publishTimeoutMs: number;
    readonly reconnectMaxMs: number;
  };
  /** Redelivery policy shared by both event bus adapters. */
  readonly bus: { readonly maxAttempts: number; readonly retryBackoffMs: number };
  readonly auth: {
    readonly mode: AuthMode;
    readonly keystone: {
      readonly url: string | undefined;
      readonly username: string | undefined;
      readonly password: string | undefined;
      readonly project: string;
      readonly userDomain: string;
      readonly projectDomain: string;
    };
    readonly oauth2: {
      readonly clients: ReadonlyMap<string, string>;
      readonly tokenSecret: string | undefined;
      readonly tokenTtlSeconds: number;
    };
  };
  readonly http: { readonly bodyLimit: string; readonly pageSize: number; readonly validateResponses: boolean };
  readonly outbox: { readonly pollMs: number; readonly retentionHours: number; readonly inboxRetentionHours: number };
  readonly notifications: {
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly backoffMs: number;
    readonly maxBackoffMs: number;
    readonly concurrency: number;
    readonly callbackTestTimeoutMs: number;
  };
  readonly monitoring: {
    /** HTTP Basic credentials of the ingest endpoints; undefined: no auth (loopback only). */
    readonly ingestAuth: { readonly username: string; readonly password: string } | undefined;
    readonly bodyLimit: string;
    readonly collectdStoreRates: boolean;
    readonly syslogListen: { readonly host: string; readonly port: number } | undefined;
    readonly patternsFile: string | undefined;
    readonly entitiesFile: string | undefined;
    readonly retentionDays: number;
    readonly partitionsAheadDays: number;
    readonly writeQueueMax: number;
    readonly writeWaitMs: number;
    readonly writeBatchMax: number;
    readonly stepSeconds: number;
    readonly fillLimit: number;
    readonly maxFutureSeconds: number;
  };
  readonly prediction: {
    /** PREDICTION_TICK_SECONDS: scoring period; 0 turns online scoring off. */
    readonly tickSeconds: number;
    /** PREDICTION_MODEL_DIR: a model directory pinned instead of the registry's active model. */
    readonly modelDir?: string;
    /** PREDICTION_HISTORY_SECONDS: history read for each scoring window. */
    readonly historySeconds: number;
  };
  readonly log: { readonly level: LogLevel };
}

export function readRawConfig(env: NodeJS.ProcessEnv): RawValues {
  const raw: RawValues = {};
  const file = env.VNFM_CONFIG;
  if (file) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read VNFM_CONFIG file ${file}: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${file}: expected a mapping of KEY: value`);
      for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
        if (!CONFIG_KEYS.some((key) => key.name === k)) throw new ConfigError(`${file}: unknown key ${k}`);
        if (v !== null && v !== undefined) raw[k as ConfigKeyName] = String(v);
      }
    }
  }
  for (const key of CONFIG_KEYS) {
    const v = env[key.name];
    if (v !== undefined && v !== '') raw[key.name] = v;
  }
  return raw;
}

function parseClients(text: string | undefined): Map<string, string> {
  const clients = new Map<string, string>();
  if (!text) return clients;
  for (const pair of text.split(',')) {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw new ConfigError('OAUTH2_CLIENTS must be id:secret[,id:secret...]');
    clients.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
  return clients;
}

/** Parses the environment (and optional YAML file) once into a frozen, typed object. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = readRawConfig(env);
  const listen = parseListen(strOf(raw, 'VNFM_LISTEN')!);
  const mode = strOf(raw, 'VNFM_AUTH')! as AuthMode;
  if (!AUTH_MODES.includes(mode)) throw new ConfigError(`VNFM_AUTH must be one of ${AUTH_MODES.join(', ')}, got '${mode}'`);
  const level = strOf(raw, 'LOG_LEVEL')! as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const databaseUrl = strOf(raw, 'DATABASE_URL');
  checkUrl('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);
  const amqpUrl = strOf(raw, 'AMQP_URL');
  checkUrl('AMQP_URL', amqpUrl, ['amqp:', 'amqps:']);
  const keystoneUrl = strOf(raw, 'KEYSTONE_URL');
  checkUrl('KEYSTONE_URL', keystoneUrl, ['http:', 'https:']);
  if (mode === 'keystone' && (!keystoneUrl || !raw.KEYSTONE_USERNAME || !raw.KEYSTONE_PASSWORD)) {
    throw new ConfigError('VNFM_AUTH=keystone needs KEYSTONE_URL, KEYSTONE_USERNAME and KEYSTONE_PASSWORD');
  }
  const clients = parseClients(strOf(raw, 'OAUTH2_CLIENTS'));
  if (mode === 'oauth2' && clients.size === 0) throw new ConfigError('VNFM_AUTH=oauth2 needs OAUTH2_CLIENTS');
  const hostForUrl = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const publicUrl = (strOf(raw, 'VNFM_PUBLIC_URL') ?? `http://${hostForUrl}:${listen.port}`).replace(/\/+$/, '');
  checkUrl('VNFM_PUBLIC_URL', publicUrl, ['http:', 'https:']);

  const config: Config = {
    listen,
    publicUrl,
    dataDir: path.resolve(strOf(raw, 'VNFM_DATA_DIR')!),
    database: {
      url: databaseUrl,
      embeddedPort: intOf(raw, 'VNFM_EMBEDDED_DB_PORT', 0),
      poolMax: intOf(raw, 'VNFM_DB_POOL_MAX', 1),
      migrateOnStart: boolOf(raw, 'VNFM_MIGRATE_ON_START'),
    },
    amqp: {
      url: amqpUrl,
      exchange: strOf(raw, 'AMQP_EXCHANGE')!,
      prefetch: intOf(raw, 'AMQP_PREFETCH', 1),
      publishTimeoutMs: intOf(raw, 'AMQP_PUBLISH_TIMEOUT_MS', 100),
      reconnectMaxMs: intOf(raw, 'AMQP_RECONNECT_MAX_MS', 500),
    },
    bus: { maxAttempts: intOf(raw, 'VNFM_BUS_MAX_ATTEMPTS', 1), retryBackoffMs: intOf(raw, 'VNFM_BUS_RETRY_BACKOFF_MS', 0) },
    auth: {
      mode,
      keystone: {
        url: keystoneUrl?.replace(/\/+$/, ''),
        username: strOf(raw, 'KEYSTONE_USERNAME'),
        password: strOf(raw, 'KEYSTONE_PASSWORD'),
        project: strOf(raw, 'KEYSTONE_PROJECT')!,
        userDomain: strOf(raw, 'KEYSTONE_USER_DOMAIN')!,
        projectDomain: strOf(raw, 'KEYSTONE_PROJECT_DOMAIN')!,
      },
      oauth2: {
        clients,
        tokenSecret: strOf(raw, 'OAUTH2_TOKEN_SECRET'),
        tokenTtlSeconds: intOf(raw, 'OAUTH2_TOKEN_TTL', 1),
      },
    },
    http: {
      bodyLimit: strOf(raw, 'VNFM_BODY_LIMIT')!,
      pageSize: intOf(raw, 'VNFM_PAGE_SIZE', 0),
      validateResponses: boolOf(raw, 'VNFM_VALIDATE_RESPONSES'),
    },
    outbox: {
      pollMs: intOf(raw, 'VNFM_OUTBOX_POLL_MS', 10),
      retentionHours: intOf(raw, 'VNFM_OUTBOX_RETENTION_HOURS', 1),
      inboxRetentionHours: intOf(raw, 'VNFM_INBOX_RETENTION_HOURS', 1),
    },
    notifications: {
      timeoutMs: intOf(raw, 'VNFM_NOTIFY_TIMEOUT_MS', 1),
      maxAttempts: intOf(raw, 'VNFM_NOTIFY_MAX_ATTEMPTS', 1),
      backoffMs: intOf(raw, 'VNFM_NOTIFY_BACKOFF_MS', 1),
      maxBackoffMs: intOf(raw, 'VNFM_NOTIFY_MAX_BACKOFF_MS', 1),
      concurrency: intOf(raw, 'VNFM_NOTIFY_CONCURRENCY', 1),
      callbackTestTimeoutMs: intOf(raw, 'VNFM_CALLBACK_TEST_TIMEOUT_MS', 1),
    },
    monitoring: monitoringConfig(raw),
    prediction: predictionConfig(raw),
    ...operationsConfig(raw),
    log: { level },
  };
  return deepFreeze(config);
}

function monitoringConfig(raw: RawValues): Config['monitoring'] {
  const username = strOf(raw, 'MONITORING_INGEST_USERNAME');
  const password = strOf(raw, 'MONITORING_INGEST_PASSWORD');
  if (Boolean(username) !== Boolean(password)) {
    throw new ConfigError('MONITORING_INGEST_USERNAME and MONITORING_INGEST_PASSWORD are set together or not at all');
  }
  const syslog = strOf(raw, 'SYSLOG_LISTEN')!;
  return {
    ingestAuth: username && password ? { username, password } : undefined,
    bodyLimit: strOf(raw, 'MONITORING_BODY_LIMIT')!,
    collectdStoreRates: boolOf(raw, 'COLLECTD_STORE_RATES'),
    syslogListen: ['off', 'false', 'none'].includes(syslog.toLowerCase()) ? undefined : parseListen(syslog, 'SYSLOG_LISTEN'),
    patternsFile: strOf(raw, 'MONITORING_PATTERNS_FILE'),
    entitiesFile: strOf(raw, 'MONITORING_ENTITIES_FILE'),
    retentionDays: intOf(raw, 'MONITORING_RETENTION_DAYS', 0),
    partitionsAheadDays: intOf(raw, 'MONITORING_PARTITIONS_AHEAD_DAYS', 0),
    writeQueueMax: intOf(raw, 'MONITORING_WRITE_QUEUE_MAX', 1000),
    writeWaitMs: intOf(raw, 'MONITORING_WRITE_WAIT_MS', 0),
    writeBatchMax: intOf(raw, 'MONITORING_WRITE_BATCH_MAX', 100),
    stepSeconds: intOf(raw, 'MONITORING_STEP_SECONDS', 1),
    fillLimit: intOf(raw, 'MONITORING_FILL_LIMIT', 0),
    maxFutureSeconds: intOf(raw, 'MONITORING_MAX_FUTURE_SECONDS', 0),
  };
}

function predictionConfig(raw: RawValues): Config['prediction'] {
  const modelDir = strOf(raw, 'PREDICTION_MODEL_DIR');
  if (modelDir !== undefined && !existsSync(path.join(modelDir, 'meta.json'))) {
    throw new ConfigError(`PREDICTION_MODEL_DIR ${modelDir} is not a model directory (no meta.json; see vnfm-plugin train --out)`);
  }
  const historySeconds = intOf(raw, 'PREDICTION_HISTORY_SECONDS', 60);
  if (historySeconds > 86_400) throw new ConfigError(`PREDICTION_HISTORY_SECONDS must be at most 86400 (one day), got '${historySeconds}'`);
  return {
    tickSeconds: intOf(raw, 'PREDICTION_TICK_SECONDS', 0),
    ...(modelDir !== undefined && { modelDir: path.resolve(modelDir) }),
    historySeconds,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Map)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The effective configuration as KEY -> value, secrets masked; for `vnfm-plugin config`. */
export function describeConfig(env: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  loadConfig(env); // validate first: an invalid config is reported, not printed
  const raw = readRawConfig(env);
  const out: Record<string, string | null> = {};
  for (const key of CONFIG_KEYS) {
    const value = raw[key.name] ?? key.default;
    out[key.name] = value === undefined ? null : 'secret' in key && key.secret ? maskSecret(key.name, value) : value;
  }
  return out;
}
