import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Alertmanager 0.25 webhook bodies: the captured ones (../shared/samples) and a
 * factory for Tacker-labelled alerts shaped the same way.
 */

const SAMPLES = fileURLToPath(new URL('../../../shared/samples/alertmanager-webhook.jsonl', import.meta.url));

/** Why the captured bodies cannot be read here, or undefined when they can (tests skip with it). */
export const CAPTURED_BODIES_MISSING = existsSync(SAMPLES)
  ? undefined
  : `captured Alertmanager bodies not found at ${SAMPLES} (../shared is absent)`;

/** The real bodies, parsed, in capture order. */
export function capturedWebhookBodies(): Record<string, unknown>[] {
  return readFileSync(SAMPLES, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse((JSON.parse(l) as { body: string }).body) as Record<string, unknown>);
}

export interface TestAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export const GO_ZERO = '0001-01-01T00:00:00Z';

/** A Tacker FM alert as Alertmanager forwards it. */
export function tackerAlert(over: Partial<TestAlert> & { vnfInstanceId?: string } = {}): TestAlert {
  const { vnfInstanceId, ...rest } = over;
  return {
    status: 'firing',
    labels: {
      alertname: 'VnfFmAlarm',
      receiver_type: 'tacker',
      function_type: 'vnffm',
      vnf_instance_id: vnfInstanceId ?? 'c70aaf4f-bc94-44aa-9de5-861909b0efa0',
      vnfc_info_id: 'VDU1-5e4ab8c2-1f55-4a3c-9d1b-2f6a1c1d0c11',
      perceived_severity: 'WARNING',
      event_type: 'PROCESSING_ERROR_ALARM',
    },
    annotations: { probable_cause: 'T3413 expired', fault_type: 'Server Down', fault_details: 'paging failures' },
    startsAt: '2026-11-25T15:18:08.255021036Z',
    endsAt: GO_ZERO,
    generatorURL: '',
    fingerprint: 'fc423d329e759d9e',
    ...rest,
  };
}

/** The webhook body around some alerts (version 4). */
export function webhookBody(alerts: TestAlert[], receiver = 'vnfm'): Record<string, unknown> {
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  return {
    receiver,
    status,
    alerts,
    groupLabels: { alertname: alerts[0]?.labels.alertname ?? 'x' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://vm:9093',
    version: '4',
    groupKey: '{}:{alertname="VnfFmAlarm"}',
    truncatedAlerts: 0,
  };
}
