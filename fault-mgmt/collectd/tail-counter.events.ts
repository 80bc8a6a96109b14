/**
 * collectd's tail plugin counts log lines that match a regex (src/tail.c, utils/match):
 * `CounterInc`/`DeriveInc` give a running total (type `counter`/`derive`), `GaugeInc` the
 * lines of the last interval (type `gauge`, reset on every read). Those counts are the
 * same events the log receivers produce from the lines themselves, so they become
 * EventRows of the same types, under the source `collectd-tail:<type_instance>`: the
 * reader takes the larger of two feeds per window, never their sum.
 */
import { EVENT_TYPES, type EventRow, type ResolvedEntity } from '../monitoring.types.ts';
import type { RateStep } from './counter-rate.tracker.ts';
import type { ValueList } from './value-list.parser.ts';

/** type_instance names operators give their tail matches, other than the event type itself. */
export const TAIL_INSTANCE_ALIASES: Readonly<Record<string, string>> = {
  // srsEPC NAS: "T3413 expired -- Could not page the ue." (samples/collectd.conf).
  t3413_expired: 'paging_timeout',
};

const PER_INTERVAL = '_per_interval';
const KNOWN = new Set<string>(EVENT_TYPES);

/** The event type a tail match's type_instance stands for, or undefined (raw series only). */
export function tailEventType(typeInstance: string): string | undefined {
  const base = typeInstance.endsWith(PER_INTERVAL) ? typeInstance.slice(0, -PER_INTERVAL.length) : typeInstance;
  return TAIL_INSTANCE_ALIASES[base] ?? (KNOWN.has(base) ? base : undefined);
}

/**
 * How many lines one reading stands for:
 * - gauge (GaugeInc): the value itself;
 * - counter/derive, raw (StoreRates false): the increase since the previous reading
 *   (`step`); the first reading and a reset only prime;
 * - absolute, raw: the value (absolute values are reset on every read);
 * - any non-gauge with StoreRates true: the posted rate times the interval.
 */
export function tailCount(vl: ValueList, i: number, storeRates: boolean, step: RateStep | undefined): number {
  const v = vl.values[i];
  if (v === null) return 0;
  const dstype = vl.dstypes[i];
  let n: number;
  if (dstype === 'gauge') n = v;
  else if (storeRates) n = v * vl.interval;
  else if (dstype === 'absolute') n = v;
  else n = step?.kind === 'delta' ? step.delta : 0;
  const count = Math.round(n);
  return count > 0 && Number.isSafeInteger(count) ? Math.min(count, 2_147_483_647) : 0;
}

/** Where an event of `resolved` belongs (host, VM, VNF, VNFC), as EventRow fields. */
export function eventPlace(resolved: ResolvedEntity): Pick<EventRow, 'host' | 'vm' | 'vnfInstanceId' | 'vnfcInstanceId'> {
  const { entity } = resolved;
  return {
    host: resolved.host ?? (entity.kind === 'host' ? entity.id : undefined),
    vm: resolved.vm ?? (entity.kind === 'vm' ? entity.id : undefined),
    vnfInstanceId: resolved.vnfInstanceId ?? (entity.kind === 'vnf' ? entity.id : undefined),
    vnfcInstanceId: resolved.vnfcInstanceId,
  };
}

/** The event of one tail reading, or undefined when it counts nothing or maps to no type. */
export function tailEvent(
  vl: ValueList,
  i: number,
  storeRates: boolean,
  step: RateStep | undefined,
  resolved: ResolvedEntity,
): EventRow | undefined {
  const type = tailEventType(vl.typeInstance);
  if (!type) return undefined;
  const count = tailCount(vl, i, storeRates, step);
  if (count <= 0) return undefined;
  const attrs: Record<string, string> = { plugin_instance: vl.pluginInstance, type_instance: vl.typeInstance };
  if (vl.values.length > 1) attrs.dsname = vl.dsnames[i];
  return {
    ts: vl.time,
    type,
    count,
    source: `collectd-tail:${vl.typeInstance}`,
    ...eventPlace(resolved),
    attrs,
  };
}
