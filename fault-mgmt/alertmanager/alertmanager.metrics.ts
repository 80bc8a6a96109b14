import { Counter, type Registry } from 'prom-client';

export interface AlertmanagerMetrics {
  /** Alerts received, by the status sent and what it did: new | duplicate | resolved. */
  readonly alerts: Counter<'status' | 'result'>;
  /** Bodies refused, shared with the other receivers (endpoint label). */
  readonly rejected: Counter<'endpoint' | 'reason'>;
}

/** Returns the counter of that name when another module registered it already (same labels). */
export function sharedCounter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function alertmanagerMetrics(registry: Registry): AlertmanagerMetrics {
  return {
    alerts: sharedCounter(registry, 'vnfm_monitoring_alerts_total', 'Alertmanager alerts received, by status and result (new, duplicate, resolved)', [
      'status',
      'result',
    ]),
    rejected: sharedCounter(registry, 'vnfm_monitoring_rejected_total', 'Monitoring ingest bodies rejected, by endpoint and reason', ['endpoint', 'reason']),
  };
}
