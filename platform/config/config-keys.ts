/**
 * Every configuration key the plugin reads, with its default and meaning.
 * The README's configuration table lists exactly these keys (a test checks it).
 * Values come from the environment, or from the YAML file named by VNFM_CONFIG
 * (same key names); the environment wins.
 */
export interface ConfigKey {
  readonly name: string;
  readonly default: string | undefined;
  readonly description: string;
  readonly secret?: boolean;
}

export const CONFIG_KEYS = [
  { name: 'VNFM_CONFIG', default: undefined, description: 'Path of an optional YAML file with any of these keys' },
  { name: 'VNFM_LISTEN', default: '127.0.0.1:9890', description: 'host:port the HTTP APIs listen on' },
  { name: 'VNFM_PUBLIC_URL', default: undefined, description: 'Base URL put in Location headers and _links (default: http://VNFM_LISTEN)' },
  { name: 'VNFM_DATA_DIR', default: './var', description: 'Directory for the embedded database and local state' },
  { name: 'DATABASE_URL', default: undefined, description: 'PostgreSQL URL; absent: embedded PostgreSQL (PGlite) under VNFM_DATA_DIR', secret: true },
  { name: 'VNFM_EMBEDDED_DB_PORT', default: '0', description: 'Loopback port the embedded PostgreSQL serves on (0: any free port)' },
  { name: 'VNFM_DB_POOL_MAX', default: '10', description: 'Maximum database connections' },
  { name: 'VNFM_MIGRATE_ON_START', default: 'true', description: 'Apply pending migrations when `serve` starts' },
  { name: 'AMQP_URL', default: undefined, description: 'RabbitMQ URL; absent: in-process event bus', secret: true },
  { name: 'AMQP_EXCHANGE', default: 'vnfm.events', description: 'Durable topic exchange for plugin events' },
  { name: 'AMQP_PREFETCH', default: '50', description: 'Unacknowledged messages per consumer (RabbitMQ handles up to this many events of one consumer at once)' },
  { name: 'AMQP_PUBLISH_TIMEOUT_MS', default: '10000', description: 'How long a publish waits for the broker (connection and confirm) before failing; the outbox keeps the event and retries' },
  { name: 'AMQP_RECONNECT_MAX_MS', default: '30000', description: 'Longest delay between RabbitMQ reconnect attempts (starts at 500 ms, doubles)' },
  { name: 'VNFM_BUS_MAX_ATTEMPTS', default: '5', description: 'Deliveries of one event to one consumer before it is dead-lettered' },
  { name: 'VNFM_BUS_RETRY_BACKOFF_MS', default: '1000', description: 'Delay before an event is redelivered to a consumer that failed; doubles each attempt, at most 60 s' },
  { name: 'VNFM_AUTH', default: 'none', description: 'API authentication: none (loopback only) | keystone | oauth2' },
  { name: 'KEYSTONE_URL', default: undefined, description: 'Keystone v3 endpoint, e.g. http://127.0.0.1:5000/v3 (VNFM_AUTH=keystone)' },
  { name: 'KEYSTONE_USERNAME', default: undefined, description: 'Service user that validates tokens' },
  { name: 'KEYSTONE_PASSWORD', default: undefined, description: 'Password of the service user', secret: true },
  { name: 'KEYSTONE_PROJECT', default: 'service', description: 'Project of the service user' },
  { name: 'KEYSTONE_USER_DOMAIN', default: 'Default', description: 'Domain of the service user' },
  { name: 'KEYSTONE_PROJECT_DOMAIN', default: 'Default', description: 'Domain of the service project' },
  { name: 'OAUTH2_CLIENTS', default: undefined, description: 'Clients allowed to get tokens from POST /token: id:secret[,id:secret...]', secret: true },
  { name: 'OAUTH2_TOKEN_SECRET', default: undefined, description: 'Key that signs bearer tokens (default: a random key kept in VNFM_DATA_DIR)', secret: true },
  { name: 'OAUTH2_TOKEN_TTL', default: '3600', description: 'Lifetime of issued bearer tokens, seconds' },
  { name: 'VNFM_BODY_LIMIT', default: '1mb', description: 'Largest accepted request body' },
  { name: 'VNFM_VALIDATE_RESPONSES', default: 'false', description: 'Also check every JSON response against api/openapi (an invalid one becomes a logged 500); for tests and staging' },
  { name: 'VNFM_PAGE_SIZE', default: '100', description: 'Items per page of list responses (0: paging off)' },
  { name: 'VNFM_OUTBOX_POLL_MS', default: '500', description: 'How often the outbox relay looks for unpublished events' },
  { name: 'VNFM_OUTBOX_RETENTION_HOURS', default: '24', description: 'Published outbox events are deleted after this many hours' },
  { name: 'VNFM_INBOX_RETENTION_HOURS', default: '168', description: 'Consumers remember handled event ids this long (deduplication window); keep it longer than any outage after which events may be redelivered' },
  { name: 'VNFM_NOTIFY_TIMEOUT_MS', default: '10000', description: 'Timeout of one notification POST' },
  { name: 'VNFM_NOTIFY_MAX_ATTEMPTS', default: '12', description: 'Attempts before a notification is given up (kept, marked failed)' },
  { name: 'VNFM_NOTIFY_BACKOFF_MS', default: '1000', description: 'First retry delay; doubles each attempt' },
  { name: 'VNFM_NOTIFY_MAX_BACKOFF_MS', default: '300000', description: 'Longest retry delay' },
  { name: 'VNFM_NOTIFY_CONCURRENCY', default: '16', description: 'Notifications delivered in parallel' },
  { name: 'VNFM_CALLBACK_TEST_TIMEOUT_MS', default: '20000', description: 'Timeout of the GET test of a new subscription callbackUri' },
  { name: 'MONITORING_INGEST_USERNAME', default: undefined, description: 'User that collectd, Alertmanager and log shippers send with HTTP Basic auth to /collectd, /alertmanager and /logs (unset: no auth, loopback only)' },
  { name: 'MONITORING_INGEST_PASSWORD', default: undefined, description: 'Password of MONITORING_INGEST_USERNAME', secret: true },
  { name: 'MONITORING_BODY_LIMIT', default: '8mb', description: 'Largest accepted body on the ingest endpoints' },
  { name: 'COLLECTD_STORE_RATES', default: 'false', description: 'What derive/counter/absolute values posted to /collectd are: true = rates (write_http StoreRates true), false = raw values the plugin turns into rates; a request can say `?storeRates=true|false`' },
  { name: 'SYSLOG_LISTEN', default: '127.0.0.1:5514', description: 'host:port of the syslog receiver, UDP and TCP (off: no receiver)' },
  { name: 'MONITORING_PATTERNS_FILE', default: undefined, description: 'YAML file of extra log patterns, a list of {type, regex} (regex matched on the message body)' },
  { name: 'MONITORING_ENTITIES_FILE', default: undefined, description: 'YAML file of known hosts, VMs, VNF instances and VNFCs (see Monitoring in the README)' },
  { name: 'MONITORING_RETENTION_DAYS', default: '7', description: 'Days of samples and events kept; older daily partitions are dropped (0: keep everything)' },
  { name: 'MONITORING_PARTITIONS_AHEAD_DAYS', default: '2', description: 'Daily partitions created ahead of time' },
  { name: 'MONITORING_WRITE_QUEUE_MAX', default: '500000', description: 'Samples and events waiting to be written at most; a request that does not fit waits (back-pressure)' },
  { name: 'MONITORING_WRITE_WAIT_MS', default: '10000', description: 'How long a request waits for room in the write queue before it is answered 503 with Retry-After' },
  { name: 'MONITORING_WRITE_BATCH_MAX', default: '20000', description: 'Rows written by one INSERT at most' },
  { name: 'MONITORING_STEP_SECONDS', default: '5', description: 'Default step of aligned series (the paper used 5 s)' },
  { name: 'MONITORING_FILL_LIMIT', default: '2', description: 'Empty windows after a sample that repeat its value (forward fill) before a gap is reported' },
  { name: 'MONITORING_MAX_FUTURE_SECONDS', default: '300', description: 'Samples and events stamped further ahead of this clock are rejected' },
  { name: 'LOG_LEVEL', default: 'info', description: 'trace | debug | info | warn | error | fatal' },
] as const satisfies readonly ConfigKey[];

export type ConfigKeyName = (typeof CONFIG_KEYS)[number]['name'];
