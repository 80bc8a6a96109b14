import type { InvalidEntry } from '../../platform/http/problem-details.ts';
import { isGoZeroTime, parseRfc3339 } from './rfc3339.ts';
import { tackerInfoOf, type TackerAlertInfo } from './tacker-labels.ts';

/**
 * Alertmanager's webhook body (version "4", notify/webhook/webhook.go, template.Data):
 * `{version, groupKey, truncatedAlerts, receiver, status, alerts[], groupLabels,
 * commonLabels, commonAnnotations, externalURL}`, each alert `{status, labels,
 * annotations, startsAt, endsAt, generatorURL, fingerprint}`. The whole body is checked
 * before anything is stored.
 */

export const MAX_ALERTS_PER_BODY = 1000;
export const MAX_FINGERPRINT_LENGTH = 64;
const MAX_KEY_LENGTH = 1024;

export type AlertStatus = 'firing' | 'resolved';

/** One alert as stored and published on `monitoring.alerts`. Times: RFC 3339 UTC with microseconds. */
export interface NormalisedAlert {
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly startsAt: string;
  /** Null while firing (Alertmanager sends Go's zero time `0001-01-01T00:00:00Z`). */
  readonly endsAt: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly receiver: string | null;
  readonly generatorURL: string | null;
  /** `function_type` label (Tacker: vnffm | vnfpm | vnfpm_threshold | auto_heal | auto_scale). */
  readonly functionType: string | null;
  readonly vnfInstanceId: string | null;
  /** Present when `receiver_type` is `tacker`. */
  readonly tacker?: TackerAlertInfo;
}

export interface AlertmanagerWebhook {
  readonly receiver: string | null;
  readonly groupKey: string | null;
  readonly truncatedAlerts: number;
  readonly alerts: readonly NormalisedAlert[];
}

/** Why a body was refused: a problem with the body itself, or with some of its alerts. */
export type WebhookRejection =
  | { readonly kind: 'body'; readonly reason: 'invalid_body' | 'too_many_alerts'; readonly detail: string }
  | { readonly kind: 'alerts'; readonly entries: readonly InvalidEntry[]; readonly total: number };

export type WebhookParseResult = { readonly ok: true; readonly webhook: AlertmanagerWebhook } | { readonly ok: false; readonly rejection: WebhookRejection };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Prometheus label set or annotation map: string keys to string values. */
function stringMapError(v: unknown, what: string): string | undefined {
  if (!isObject(v)) return `${what} must be an object of strings`;
  for (const [k, value] of Object.entries(v)) {
    if (k.length === 0 || k.length > MAX_KEY_LENGTH) return `${what} has a key of ${k.length} characters (1-${MAX_KEY_LENGTH})`;
    if (typeof value !== 'string') return `${what}.${k.slice(0, 80)} must be a string`;
  }
  return undefined;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return v === undefined || v === null || typeof v === 'string' ? undefined : `${key} must be a string`;
}

function bodyError(body: Record<string, unknown>): string | undefined {
  if (body.version !== '4') {
    const given = typeof body.version === 'string' ? `'${body.version.slice(0, 20)}'` : typeof body.version;
    return `version must be "4" (Alertmanager webhook format), got ${given}`;
  }
  if (typeof body.receiver !== 'string') return 'receiver must be a string';
  for (const key of ['groupKey', 'externalURL']) {
    const e = optionalString(body, key);
    if (e) return e;
  }
  if (body.status !== 'firing' && body.status !== 'resolved') return 'status must be firing or resolved';
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations']) {
    const e = body[key] === undefined ? undefined : stringMapError(body[key], key);
    if (e) return e;
  }
  const t = body.truncatedAlerts;
  if (t !== undefined && !(Number.isSafeInteger(t) && (t as number) >= 0)) return 'truncatedAlerts must be a non-negative integer';
  if (!Array.isArray(body.alerts)) return 'alerts must be an array';
  return undefined;
}

/** One alert, or the reason it is invalid. */
export function parseAlert(raw: unknown, receiver: string | null): NormalisedAlert | string {
  if (!isObject(raw)) return 'alert must be an object';
  if (raw.status !== 'firing' && raw.status !== 'resolved') return 'status must be firing or resolved';
  const fp = raw.fingerprint;
  if (typeof fp !== 'string' || fp.length === 0 || fp.length > MAX_FINGERPRINT_LENGTH) {
    return `fingerprint must be a non-empty string of at most ${MAX_FINGERPRINT_LENGTH} characters`;
  }
  const labelsError = stringMapError(raw.labels, 'labels');
  if (labelsError) return labelsError;
  const annotations = raw.annotations ?? {};
  const annotationsError = stringMapError(annotations, 'annotations');
  if (annotationsError) return annotationsError;
  if (typeof raw.startsAt !== 'string') return 'startsAt must be an RFC 3339 date-time string';
  const startsAt = parseRfc3339(raw.startsAt);
  if (!startsAt || isGoZeroTime(startsAt)) return `startsAt '${raw.startsAt.slice(0, 40)}' is not an RFC 3339 date-time`;
  let endsAt: string | null = null;
  if (raw.endsAt !== undefined && raw.endsAt !== null) {
    if (typeof raw.endsAt !== 'string') return 'endsAt must be an RFC 3339 date-time string';
    const parsed = parseRfc3339(raw.endsAt);
    if (!parsed) return `endsAt '${raw.endsAt.slice(0, 40)}' is not an RFC 3339 date-time`;
    // A firing alert's endsAt is only Alertmanager's resolve timeout guess: not an end.
    if (!isGoZeroTime(parsed) && raw.status === 'resolved') endsAt = parsed.iso;
  }
  const urlError = optionalString(raw, 'generatorURL');
  if (urlError) return urlError;
  const labels = raw.labels as Record<string, string>;
  const notes = annotations as Record<string, string>;
  const tacker = tackerInfoOf(labels, notes);
  if (typeof tacker === 'string') return tacker;
  return {
    fingerprint: fp,
    status: raw.status,
    startsAt: startsAt.iso,
    endsAt,
    labels,
    annotations: notes,
    receiver,
    generatorURL: typeof raw.generatorURL === 'string' && raw.generatorURL !== '' ? raw.generatorURL : null,
    functionType: labels.function_type ?? null,
    vnfInstanceId: labels.vnf_instance_id ?? null,
    ...(tacker && { tacker }),
  };
}

/** Checks the whole body; any invalid alert rejects all of them. */
export function parseAlertmanagerWebhook(body: unknown): WebhookParseResult {
  if (!isObject(body)) return { ok: false, rejection: { kind: 'body', reason: 'invalid_body', detail: 'The body must be an Alertmanager webhook object.' } };
  const error = bodyError(body);
  if (error) return { ok: false, rejection: { kind: 'body', reason: 'invalid_body', detail: `Invalid Alertmanager webhook body: ${error}.` } };
  const rawAlerts = body.alerts as unknown[];
  if (rawAlerts.length > MAX_ALERTS_PER_BODY) {
    const detail = `The body holds ${rawAlerts.length} alerts; at most ${MAX_ALERTS_PER_BODY} are accepted (set max_alerts in the webhook config).`;
    return { ok: false, rejection: { kind: 'body', reason: 'too_many_alerts', detail } };
  }
  const receiver = body.receiver as string;
  const alerts: NormalisedAlert[] = [];
  const entries: InvalidEntry[] = [];
  let total = 0;
  rawAlerts.forEach((raw, index) => {
    const alert = parseAlert(raw, receiver);
    if (typeof alert !== 'string') alerts.push(alert);
    else if (++total <= 20) entries.push({ index, reason: alert });
  });
  if (total > 0) return { ok: false, rejection: { kind: 'alerts', entries, total } };
  return {
    ok: true,
    webhook: {
      receiver,
      groupKey: typeof body.groupKey === 'string' ? body.groupKey : null,
      truncatedAlerts: typeof body.truncatedAlerts === 'number' ? body.truncatedAlerts : 0,
      alerts,
    },
  };
}
