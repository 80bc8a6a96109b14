import { Counter, type Registry } from 'prom-client';

/**
 * The counter of that name when another receiver of the same process registered it
 * already (with the same label names), else a new one. Receivers share some counters.
 */
export function sharedCounter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** `vnfm_monitoring_rejected_total{endpoint, reason}`: requests or messages refused by any receiver. */
export function rejectedCounter(registry: Registry): Counter<'endpoint' | 'reason'> {
  return sharedCounter(registry, 'vnfm_monitoring_rejected_total', 'Monitoring ingest requests or messages rejected, by endpoint and reason', [
    'endpoint',
    'reason',
  ]);
}
