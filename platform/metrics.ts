import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The plugin's Prometheus metrics, one registry per process (tests make their own). */
export interface PlatformMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly outboxDepth: Gauge;
  readonly busPublished: Counter<'topic'>;
  readonly busConsumed: Counter<'consumer' | 'outcome'>;
  readonly notificationsSent: Counter<'api' | 'outcome'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): PlatformMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'vnfm_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'vnfm_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    outboxDepth: new Gauge({
      name: 'vnfm_outbox_depth',
      help: 'Events committed to the outbox and not yet published',
      registers: [registry],
    }),
    busPublished: new Counter({
      name: 'vnfm_bus_published_total',
      help: 'Events published on the event bus (confirmed)',
      labelNames: ['topic'],
      registers: [registry],
    }),
    busConsumed: new Counter({
      name: 'vnfm_bus_consumed_total',
      help: 'Events handled by bus consumers (processed, duplicate, failed)',
      labelNames: ['consumer', 'outcome'],
      registers: [registry],
    }),
    notificationsSent: new Counter({
      name: 'vnfm_notifications_total',
      help: 'Notification delivery attempts by API and outcome',
      labelNames: ['api', 'outcome'],
      registers: [registry],
    }),
  };
}
