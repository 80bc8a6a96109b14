/**
 * Validation of collectd's write_http `Format "JSON"` body (collectd 5.12,
 * src/utils/format_json/format_json.c `value_list_to_json`): a JSON array of value lists
 *
 *   {"values":[...],"dstypes":[...],"dsnames":[...],"time":1795618501.566,"interval":2.0,
 *    "host":"compute-a","plugin":"cpu","plugin_instance":"0","type":"percent","type_instance":"idle"}
 *
 * NaN is written as `null`. Pure: the whole body is checked before anything is produced,
 * and one bad entry rejects the body (InvalidBatch lists the first 20 with their index).
 */
import { BadRequest, InvalidBatch, PayloadTooLarge, type InvalidEntry } from '../../platform/http/problem-details.ts';

export type DsType = 'gauge' | 'derive' | 'counter' | 'absolute';
const DS_TYPES: ReadonlySet<string> = new Set(['gauge', 'derive', 'counter', 'absolute']);

/** One value list as collectd dispatched it; `values[i]` null = NaN. */
export interface ValueList {
  readonly values: readonly (number | null)[];
  readonly dstypes: readonly DsType[];
  readonly dsnames: readonly string[];
  /** Epoch seconds. */
  readonly time: number;
  /** Seconds between two readings of this value list. */
  readonly interval: number;
  readonly host: string;
  readonly plugin: string;
  readonly pluginInstance: string;
  readonly type: string;
  readonly typeInstance: string;
}

/** Value lists one body may hold (a 64 KiB write_http buffer holds ~200). */
export const MAX_VALUE_LISTS = 100_000;
/** A type in types.db has at most a few data sources; 64 bounds a hostile body. */
export const MAX_DATA_SOURCES = 64;
/** 2000-01-01T00:00:00Z: older stamps are clock errors, not history. */
export const MIN_EPOCH_SECONDS = 946_684_800;
export const MAX_INTERVAL_SECONDS = 86_400;
/** collectd's DATA_MAX_NAME_LEN is 128; host names are bounded by DNS (255). */
const MAX_HOST_LEN = 255;
const MAX_NAME_LEN = 128;
// C0 controls and DEL: never part of a collectd identifier, and they would break log lines.
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface ParseOptions {
  /** The receiver's clock, epoch seconds. */
  readonly now: number;
  /** Stamps further ahead than this are rejected (MONITORING_MAX_FUTURE_SECONDS). */
  readonly maxFutureSeconds: number;
}

/** Why a text field is unusable, or undefined when it is fine. */
function checkName(v: unknown, field: string, max: number, mayBeEmpty: boolean): string | undefined {
  if (typeof v !== 'string') return `${field} must be a string`;
  if (!mayBeEmpty && v.length === 0) return `${field} must not be empty`;
  if (v.length > max) return `${field} is longer than ${max} characters`;
  if (CONTROL.test(v)) return `${field} holds a control character`;
  return undefined;
}

/** The reason entry `e` is not a value list as collectd sends it, or a ValueList. */
export function checkValueList(e: unknown, opts: ParseOptions): ValueList | string {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return 'not a JSON object';
  const o = e as Record<string, unknown>;
  const { values, dstypes, dsnames } = o;
  if (!Array.isArray(values)) return 'values must be an array';
  const n = values.length;
  if (n < 1 || n > MAX_DATA_SOURCES) return `values must hold 1 to ${MAX_DATA_SOURCES} entries, has ${n}`;
  if (!Array.isArray(dstypes) || dstypes.length !== n) return 'dstypes must be an array as long as values';
  if (!Array.isArray(dsnames) || dsnames.length !== n) return 'dsnames must be an array as long as values';
  for (let i = 0; i < n; i++) {
    const t = dstypes[i];
    if (typeof t !== 'string' || !DS_TYPES.has(t)) return `dstypes[${i}] must be gauge, derive, counter or absolute`;
    const name = checkName(dsnames[i], `dsnames[${i}]`, MAX_NAME_LEN, false);
    if (name) return name;
    const v = values[i];
    if (v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `values[${i}] must be a finite number or null`;
    // counter and absolute are unsigned in collectd (counter_t, absolute_t = uint64_t).
    if (v < 0 && (t === 'counter' || t === 'absolute')) return `values[${i}] must not be negative for a ${t}`;
  }
  const { time, interval } = o;
  if (typeof time !== 'number' || !Number.isFinite(time)) return 'time must be a finite number (epoch seconds)';
  if (time < MIN_EPOCH_SECONDS) return 'time is before 2000-01-01';
  if (time > opts.now + opts.maxFutureSeconds) return `time is more than ${opts.maxFutureSeconds} s in the future`;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0 || interval > MAX_INTERVAL_SECONDS) {
    return `interval must be a number of seconds > 0 and <= ${MAX_INTERVAL_SECONDS}`;
  }
  const pluginInstance = o.plugin_instance ?? '';
  const typeInstance = o.type_instance ?? '';
  const bad =
    checkName(o.host, 'host', MAX_HOST_LEN, false) ??
    checkName(o.plugin, 'plugin', MAX_NAME_LEN, false) ??
    checkName(pluginInstance, 'plugin_instance', MAX_NAME_LEN, true) ??
    checkName(o.type, 'type', MAX_NAME_LEN, false) ??
    checkName(typeInstance, 'type_instance', MAX_NAME_LEN, true);
  if (bad) return bad;
  return {
    values: values as (number | null)[],
    dstypes: dstypes as DsType[],
    dsnames: dsnames as string[],
    time,
    interval,
    host: o.host as string,
    plugin: o.plugin as string,
    pluginInstance: pluginInstance as string,
    type: o.type as string,
    typeInstance: typeInstance as string,
  };
}

/**
 * The value lists of a write_http body, or an error: BadRequest when the body is not an
 * array, PayloadTooLarge past MAX_VALUE_LISTS, InvalidBatch when any entry is invalid.
 */
export function parseCollectdBody(body: unknown, opts: ParseOptions): ValueList[] {
  if (!Array.isArray(body)) throw new BadRequest('The body must be a JSON array of collectd value lists (write_http Format "JSON").');
  if (body.length > MAX_VALUE_LISTS) {
    throw new PayloadTooLarge(`The body holds ${body.length} value lists; at most ${MAX_VALUE_LISTS} are accepted per request.`);
  }
  const lists: ValueList[] = new Array(body.length);
  const invalid: InvalidEntry[] = [];
  let invalidCount = 0;
  for (let i = 0; i < body.length; i++) {
    const r = checkValueList(body[i], opts);
    if (typeof r === 'string') {
      invalidCount++;
      if (invalid.length < 20) invalid.push({ index: i, reason: r });
    } else lists[i] = r;
  }
  if (invalidCount > 0) throw new InvalidBatch('value list', invalid, invalidCount);
  return lists;
}

/** How many values a (possibly invalid) body holds, for the rejected-values counter. */
export function countPostedValues(body: unknown): number {
  if (!Array.isArray(body)) return 0;
  let n = 0;
  for (const e of body) {
    const v = e !== null && typeof e === 'object' ? (e as { values?: unknown }).values : undefined;
    n += Array.isArray(v) ? v.length : 1;
  }
  return n;
}

/**
 * collectd's identifier without the host (src/daemon/common.c format_name):
 * `plugin[-plugin_instance]/type[-type_instance]`, plus `:dsname` when the type has
 * more than one data source, e.g. `interface-eth0/if_octets:rx`.
 */
export function seriesIdentifier(vl: ValueList): string {
  const p = vl.pluginInstance ? `${vl.plugin}-${vl.pluginInstance}` : vl.plugin;
  const t = vl.typeInstance ? `${vl.type}-${vl.typeInstance}` : vl.type;
  return `${p}/${t}`;
}

export function rawMetricName(vl: ValueList, dsIndex: number): string {
  const id = seriesIdentifier(vl);
  return vl.values.length > 1 ? `${id}:${vl.dsnames[dsIndex]}` : id;
}
