/**
 * collectd notifications posted by a write_http node with `Notifications true`
 * (collectd 5.12 src/utils/format_json/format_json.c format_alert): an array with one
 * Alertmanager v1 style alert per notification,
 *
 *   [{"labels":{"alertname":"collectd_load","instance":"compute-a","severity":"WARNING",
 *     "service":"collectd", <plugin>:<plugin_instance>, type|<plugin>:<type_instance>},
 *     "annotations":{"summary":"<message>", <notification meta, e.g. the threshold
 *     plugin's DataSource, CurrentValue, WarningMin ...>},
 *     "startsAt":"2026-11-25T14:55:33.154895432Z"}]
 *
 * Each becomes an EventRow of type `collectd_notification` for the host (or VM) named in
 * `instance`. Pure; the whole body is validated first.
 */
import { parseRfc3339 } from '../alertmanager/rfc3339.ts';
import { BadRequest, InvalidBatch, PayloadTooLarge, type InvalidEntry } from '../../platform/http/problem-details.ts';
import type { EventRow, ResolvedEntity } from '../monitoring.types.ts';
import { MIN_EPOCH_SECONDS, type ParseOptions } from './value-list.parser.ts';
import { eventPlace } from './tail-counter.events.ts';

export const NOTIFICATION_EVENT_TYPE = 'collectd_notification';
export const MAX_NOTIFICATIONS = 10_000;
const MAX_KEYS = 64;
const MAX_KEY_LEN = 128;
const MAX_TEXT_LEN = 8192;
const MAX_MESSAGE_BYTES = 2048;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface CollectdNotification {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Epoch seconds. */
  readonly time: number;
  /** `instance`: collectd's host field of the notification. */
  readonly host: string;
}

function stringMap(v: unknown, field: string): Record<string, string> | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${field} must be an object`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_KEYS) return `${field} has more than ${MAX_KEYS} keys`;
  for (const [k, x] of entries) {
    if (k.length === 0 || k.length > MAX_KEY_LEN) return `${field} key must have 1 to ${MAX_KEY_LEN} characters`;
    if (typeof x !== 'string') return `${field}.${k} must be a string`;
    if (x.length > MAX_TEXT_LEN) return `${field}.${k} is longer than ${MAX_TEXT_LEN} characters`;
  }
  return v as Record<string, string>;
}

export function checkNotification(e: unknown, opts: ParseOptions): CollectdNotification | string {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return 'not a JSON object';
  const o = e as Record<string, unknown>;
  const labels = stringMap(o.labels, 'labels');
  if (typeof labels === 'string') return labels;
  const annotations = o.annotations === undefined ? {} : stringMap(o.annotations, 'annotations');
  if (typeof annotations === 'string') return annotations;
  const host = labels.instance;
  if (!host) return 'labels.instance (the host) is required';
  if (host.length > 255 || CONTROL.test(host)) return 'labels.instance must be a host name of at most 255 characters';
  if (typeof o.startsAt !== 'string') return 'startsAt must be an RFC 3339 date-time';
  const t = parseRfc3339(o.startsAt);
  if (!t) return 'startsAt must be an RFC 3339 date-time';
  if (t.epochSeconds < MIN_EPOCH_SECONDS) return 'startsAt is before 2000-01-01';
  if (t.epochSeconds > opts.now + opts.maxFutureSeconds) return `startsAt is more than ${opts.maxFutureSeconds} s in the future`;
  return { labels, annotations, time: t.epochSeconds, host };
}

/** The notifications of a body (an array, or one alert object), or a 400/413 for the whole body. */
export function parseNotifyBody(body: unknown, opts: ParseOptions): CollectdNotification[] {
  const list = Array.isArray(body) ? body : body !== null && typeof body === 'object' ? [body] : undefined;
  if (!list) throw new BadRequest('The body must be a JSON array of collectd notifications (write_http Format "JSON").');
  if (list.length > MAX_NOTIFICATIONS) {
    throw new PayloadTooLarge(`The body holds ${list.length} notifications; at most ${MAX_NOTIFICATIONS} are accepted per request.`);
  }
  const out: CollectdNotification[] = [];
  const invalid: InvalidEntry[] = [];
  let invalidCount = 0;
  list.forEach((e, index) => {
    const r = checkNotification(e, opts);
    if (typeof r !== 'string') out.push(r);
    else if (++invalidCount <= 20) invalid.push({ index, reason: r });
  });
  if (invalidCount) throw new InvalidBatch('notification', invalid, invalidCount);
  return out;
}

/** True when the notification comes from the virt plugin, so `instance` names a VM. */
export function isVirtNotification(n: CollectdNotification): boolean {
  return n.labels.virt !== undefined || (n.labels.alertname ?? '').startsWith('collectd_virt');
}

// The threshold plugin's message (src/threshold.c ut_report_state).
const THRESHOLD_SUMMARY = /^Host [^,]+, plugin ([^ ]+)(?: \(instance ([^)]*)\))? type ([^ :]+)(?: \(instance ([^)]*)\))?:/;

export function notificationEvent(n: CollectdNotification, resolved: ResolvedEntity): EventRow {
  const { summary = '', ...annotations } = n.annotations;
  const { instance: _instance, service: _service, ...labels } = n.labels;
  const attrs: Record<string, string> = { ...labels, ...annotations };
  const m = THRESHOLD_SUMMARY.exec(summary);
  if (m) {
    attrs.plugin ??= m[1];
    if (m[2]) attrs.plugin_instance ??= m[2];
    attrs.type ??= m[3];
    if (m[4]) attrs.type_instance ??= m[4];
  }
  return {
    ts: n.time,
    type: NOTIFICATION_EVENT_TYPE,
    count: 1,
    source: 'collectd-notify',
    ...eventPlace(resolved),
    message: truncateUtf8(summary, MAX_MESSAGE_BYTES),
    attrs,
  };
}

/** At most `maxBytes` of UTF-8, cut at a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let s = text.slice(0, maxBytes);
  while (Buffer.byteLength(s, 'utf8') > maxBytes) s = s.slice(0, -1);
  // Never end on half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(s)) s = s.slice(0, -1);
  return s;
}
