import type { Counter, Registry } from 'prom-client';
import { rejectedCounter, sharedCounter } from '../monitoring.metrics.ts';

export interface AlertmanagerMetrics {
  /** Alerts received, by the status sent and what it did: new | duplicate | resolved. */
  readonly alerts: Counter<'status' | 'result'>;
  /** Bodies refused, shared with the other receivers (endpoint label). */
  readonly rejected: Counter<'endpoint' | 'reason'>;
}

export function alertmanagerMetrics(registry: Registry): AlertmanagerMetrics {
  return {
    alerts: sharedCounter(registry, 'vnfm_monitoring_alerts_total', 'Alertmanager alerts received, by status and result (new, duplicate, resolved)', [
      'status',
      'result',
    ]),
    rejected: rejectedCounter(registry),
  };
}
