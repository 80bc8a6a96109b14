/**
 * Per-second rates from the raw derive/counter/absolute values collectd sends with
 * write_http `StoreRates false`, the way collectd itself derives them
 * (src/daemon/utils_cache.c uc_update, src/utils/common/common.c counter_diff):
 * - counter: unsigned, wraps at 2^32 or 2^64 (which one is guessed from the old value);
 * - derive: signed, never wraps, so going backwards is a reset;
 * - absolute: the value is what accumulated since the previous reading (reset on read).
 * The first reading of a series only primes the tracker; a counter or derive that goes
 * backwards further than a wrap can explain (a restarted daemon or rebooted host) is a
 * reset: no rate for that step, the new value primes again.
 */
import type { DsType } from './value-list.parser.ts';

const TWO_32 = 4_294_967_296;
const TWO_64 = 18_446_744_073_709_551_616;

export interface RatePoint {
  readonly value: number;
  readonly time: number;
}

export type RateStep =
  | { readonly kind: 'prime' }
  | { readonly kind: 'reset' }
  /** Same or older time than the last reading (a retried or reordered body): nothing to derive. */
  | { readonly kind: 'stale' }
  /** `delta` units accumulated over `dt` seconds; rate = delta / dt. */
  | { readonly kind: 'delta'; readonly delta: number; readonly dt: number };

/**
 * How much a counter grew from `prev` to `next`, allowing one wrap-around (collectd's
 * counter_diff: a 32-bit wrap when the old value fits in 32 bits, else 64-bit), or
 * undefined when even a wrap cannot explain the drop: more than half the counter's range
 * would have passed in one interval, so it is a reset.
 */
export function counterDiff(prev: number, next: number): number | undefined {
  if (next >= prev) return next - prev;
  const range = prev < TWO_32 ? TWO_32 : TWO_64;
  const diff = range - prev + next;
  // diff < 0: an old value beyond 2^64, which no counter_t can hold.
  return diff >= 0 && diff < range / 2 ? diff : undefined;
}

/** What a new raw reading means given the previous one of the same series. Pure. */
export function rateStep(prev: RatePoint | undefined, dstype: DsType, value: number, time: number): RateStep {
  if (dstype === 'gauge') return { kind: 'prime' };
  if (!prev) return { kind: 'prime' };
  const dt = time - prev.time;
  if (!(dt > 0)) return { kind: 'stale' };
  if (dstype === 'absolute') return { kind: 'delta', delta: value, dt };
  if (dstype === 'derive') return value >= prev.value ? { kind: 'delta', delta: value - prev.value, dt } : { kind: 'reset' };
  const delta = counterDiff(prev.value, value);
  return delta === undefined ? { kind: 'reset' } : { kind: 'delta', delta, dt };
}

/** Undo information of one request's updates, used when its batch could not be stored. */
export interface RateUndo {
  rollback(): void;
}

/**
 * The last raw reading per series (host + identifier + data source), bounded: the least
 * recently updated series is forgotten first (it primes again when it comes back).
 * Updates take effect at once, so concurrent requests of one host see each other; a
 * request whose batch is not stored rolls back those of its updates nobody has
 * overwritten since, so the next body re-counts what this one carried.
 */
export class RateTracker {
  private readonly points = new Map<string, RatePoint>();

  constructor(readonly maxSeries = 1_000_000) {}

  get size(): number {
    return this.points.size;
  }

  peek(key: string): RatePoint | undefined {
    return this.points.get(key);
  }

  /** Starts one request's set of updates. */
  begin(): RateSession {
    return new RateSession(this);
  }

  /** @internal */
  put(key: string, point: RatePoint | undefined): void {
    this.points.delete(key); // re-insert: Map order is the LRU order
    if (point === undefined) return;
    this.points.set(key, point);
    if (this.points.size > this.maxSeries) {
      const oldest = this.points.keys().next().value;
      if (oldest !== undefined) this.points.delete(oldest);
    }
  }
}

export class RateSession implements RateUndo {
  private readonly undo: { key: string; before: RatePoint | undefined; after: RatePoint }[] = [];

  constructor(private readonly tracker: RateTracker) {}

  /** Feeds one raw reading; returns what it means and remembers it as the series' last. */
  step(key: string, dstype: DsType, value: number, time: number): RateStep {
    const prev = this.tracker.peek(key);
    const step = rateStep(prev, dstype, value, time);
    if (step.kind !== 'stale') {
      const after = { value, time };
      this.undo.push({ key, before: prev, after });
      this.tracker.put(key, after);
    }
    return step;
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) {
      const u = this.undo[i];
      if (this.tracker.peek(u.key) === u.after) this.tracker.put(u.key, u.before);
    }
    this.undo.length = 0;
  }
}
