import type { Counter } from 'prom-client';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import { sharedCounter } from '../monitoring.metrics.ts';

export interface FmMetrics {
  /** `vnfm_fm_alarm_changes_total{cause, change}`: alarms raised, updated and cleared. */
  readonly alarmChanges: Counter<'cause' | 'change'>;
}

export function fmMetrics(metrics: Pick<PlatformMetrics, 'registry'>): FmMetrics {
  return {
    alarmChanges: sharedCounter(metrics.registry, 'vnfm_fm_alarm_changes_total', 'VNF FM alarms raised, updated and cleared, by cause', [
      'cause',
      'change',
    ]),
  };
}
