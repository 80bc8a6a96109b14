/**
 * The scale-out signal as Tacker's Prometheus plugin takes it: an Alertmanager webhook body
 * (version 4) POSTed to `/alert/auto_scaling`, whose alerts carry the labels Tacker reads
 * (receiver_type tacker, function_type auto_scale, vnf_instance_id, auto_scale_type SCALE_OUT,
 * aspect_id). Tacker scales the aspect one step for each firing alert, so an alert fires once
 * per shortage of a VNF instance and resolves when the shortage ends, as Alertmanager would
 * report one alert. Pure: what to send, and when.
 */
import { createHash } from 'node:crypto';
import type { MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';

export const SCALE_OUT_ALERT_NAME = 'VnfmMigrationHeadroomExhausted';

/** The alert of one VNF instance as it should be now. */
export interface ScaleOutAlert {
  readonly vnfInstanceId: string;
  readonly aspectId: string;
  readonly status: 'firing' | 'resolved';
  /** RFC 3339: the window the shortage was seen in, and the one it ended in. */
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly summary: string;
}

export function scaleOutLabels(vnfInstanceId: string, aspectId: string): Record<string, string> {
  return {
    alertname: SCALE_OUT_ALERT_NAME,
    receiver_type: 'tacker',
    function_type: 'auto_scale',
    vnf_instance_id: vnfInstanceId,
    auto_scale_type: 'SCALE_OUT',
    aspect_id: aspectId,
  };
}

/** Like Alertmanager's: a hash of the label set, the same for the firing and the resolved alert. */
export function alertFingerprint(labels: Readonly<Record<string, string>>): string {
  const text = Object.keys(labels).sort().map((k) => `${k}\u00ff${labels[k]}`).join('\u00ff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Alertmanager's "zero" time, what it sends as endsAt of a firing alert. */
const NO_END = '0001-01-01T00:00:00Z';

/** The webhook body (Alertmanager webhook_config, version 4) with the one alert. */
export function alertmanagerBody(alert: ScaleOutAlert, externalUrl: string) {
  const labels = scaleOutLabels(alert.vnfInstanceId, alert.aspectId);
  const annotations = { summary: alert.summary };
  const groupLabels = { alertname: SCALE_OUT_ALERT_NAME, vnf_instance_id: alert.vnfInstanceId };
  return {
    version: '4',
    groupKey: `{}:{alertname="${SCALE_OUT_ALERT_NAME}", vnf_instance_id="${alert.vnfInstanceId}"}`,
    truncatedAlerts: 0,
    status: alert.status,
    receiver: 'tacker-auto-scaling',
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: externalUrl,
    alerts: [
      {
        status: alert.status,
        labels,
        annotations,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt ?? NO_END,
        generatorURL: externalUrl,
        fingerprint: alertFingerprint(labels),
      },
    ],
  };
}

export interface AlertStep {
  readonly next: ScaleOutAlert | undefined;
  /** The alert changed: deliver `next`. */
  readonly send: boolean;
  /** A shortage Tacker cannot act on: the VNFD gives the VDU no scaling aspect. */
  readonly noAspect?: boolean;
}

/**
 * One `decision.capacity` entry applied to the VNF instance's alert: it fires when the first
 * VNFC of the instance runs short of headroom (never again while any is), and resolves when
 * none is left.
 */
export function alertTransition(current: ScaleOutAlert | undefined, e: MigrationCapacityEntry): AlertStep {
  const firing = current?.status === 'firing';
  if (e.vnfcsWithoutHeadroom > 0) {
    if (firing) return { next: current, send: false };
    if (e.aspectId === undefined) return { next: current, send: false, noAspect: true };
    const summary = `No host has headroom to live-migrate VNFC ${e.vnfcInstanceId ?? e.vnfInstanceId} off ${e.host} ahead of a predicted failure (failure score ${e.failureScore}): scale out ${e.aspectId}`;
    return { next: { vnfInstanceId: e.vnfInstanceId, aspectId: e.aspectId, status: 'firing', startsAt: e.ts, summary }, send: true };
  }
  if (!firing) return { next: current, send: false };
  return { next: { ...current!, status: 'resolved', endsAt: e.ts, summary: `Migration headroom is back for VNF instance ${e.vnfInstanceId}` }, send: true };
}

/** Delay before attempt `attempt` (2, 3, ...): doubling from `backoffMs`, at most `maxBackoffMs`, ±20 % jitter. */
export function retryDelayMs(attempt: number, backoffMs: number, maxBackoffMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxBackoffMs, backoffMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(base * (0.8 + 0.4 * random()));
}
