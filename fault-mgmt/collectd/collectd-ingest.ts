/**
 * The collectd use case between the HTTP route and the store: validated value lists ->
 * one IngestBatch (raw series, canonical samples, tail-counter events). Every posted
 * value that is not NaN is kept as a raw sample under collectd's identifier; rates (from
 * the tracker when StoreRates is false) feed only the canonical metrics and the tail
 * counters, so the tracker and the normaliser keep state only for what feeds them.
 */
import type { CanonicalInput } from './canonical.normaliser.ts';
import { CanonicalState, feedsCanonical, normalise } from './canonical.normaliser.ts';
import { RateTracker, type RateStep, type RateUndo } from './counter-rate.tracker.ts';
import { BodyEntityResolver } from './entity-naming.ts';
import { SeriesNameCache } from './series-names.cache.ts';
import { tailEvent, tailEventType } from './tail-counter.events.ts';
import { seriesIdentifier, type ValueList } from './value-list.parser.ts';
import type { EntityRef, EntityResolver, EventRow, IngestBatch, SampleRow } from '../monitoring.types.ts';

/** What the receiver remembers between bodies: last raw readings and latest canonical inputs. */
export interface CollectdState {
  readonly rates: RateTracker;
  readonly canonical: CanonicalState;
  readonly names: SeriesNameCache;
}

export function createCollectdState(opts: { maxSeries?: number; maxEntities?: number } = {}): CollectdState {
  return { rates: new RateTracker(opts.maxSeries), canonical: new CanonicalState(opts.maxEntities), names: new SeriesNameCache() };
}

export interface PreparedCollectdBatch {
  readonly batch: IngestBatch;
  /** Values stored as raw samples. */
  readonly stored: number;
  /** NaN values (posted as null): counted, not stored. */
  readonly nulls: number;
  /** Undoes the rate tracker's updates when the batch could not be stored. */
  readonly undo: RateUndo;
}

export interface PrepareOptions {
  /** True: derive/counter/absolute values are already rates (write_http StoreRates true). */
  readonly storeRates: boolean;
  readonly resolver: EntityResolver;
  readonly state: CollectdState;
}

export function prepareCollectdBatch(lists: readonly ValueList[], opts: PrepareOptions): PreparedCollectdBatch {
  const entities = new BodyEntityResolver(opts.resolver);
  const session = opts.state.rates.begin();
  const samples: SampleRow[] = [];
  const events: EventRow[] = [];
  const inputs: CanonicalInput[] = [];
  let stored = 0;
  let nulls = 0;
  for (const vl of lists) {
    const resolved = vl.plugin === 'virt' ? entities.vm(vl) : entities.host(vl.host);
    const entity = resolved.entity;
    const canonical = feedsCanonical(vl.plugin, vl.type);
    const tail = vl.plugin === 'tail' && tailEventType(vl.typeInstance) !== undefined;
    const metrics = opts.state.names.namesOf(vl);
    const keys = canonical ? opts.state.names.inputKeysOf(vl) : undefined;
    for (let i = 0; i < vl.values.length; i++) {
      const v = vl.values[i];
      if (v === null) {
        nulls++;
        if (canonical) inputs.push(canonicalInput(vl, i, entity, null, keys));
        continue;
      }
      samples.push({ entity, metric: metrics[i], ts: vl.time, value: v, canonical: false });
      stored++;
      if (!canonical && !tail) continue;
      const dstype = vl.dstypes[i];
      let step: RateStep | undefined;
      let rate: number | undefined = v;
      if (dstype !== 'gauge' && !opts.storeRates) {
        // Keyed by the host as posted: the identity of collectd's own value cache.
        step = session.step(`${vl.host}\u0000${seriesIdentifier(vl)}\u0000${vl.dsnames[i]}`, dstype, v, vl.time);
        if (step.kind === 'stale') continue;
        rate = step.kind === 'delta' ? step.delta / step.dt : undefined;
      }
      if (canonical) inputs.push(canonicalInput(vl, i, entity, rate, keys));
      if (tail) {
        const ev = tailEvent(vl, i, opts.storeRates, step, resolved);
        if (ev) events.push(ev);
      }
    }
  }
  for (const row of normalise(opts.state.canonical, inputs)) samples.push(row);
  return { batch: { samples, events }, stored, nulls, undo: session };
}

function canonicalInput(vl: ValueList, i: number, entity: EntityRef, value: number | undefined | null, keys?: readonly string[]): CanonicalInput {
  return {
    key: keys?.[i],
    entity,
    group: vl.plugin,
    pluginInstance: vl.pluginInstance,
    type: vl.type,
    typeInstance: vl.typeInstance,
    dsname: vl.dsnames[i],
    value,
    time: vl.time,
    interval: vl.interval,
  };
}
