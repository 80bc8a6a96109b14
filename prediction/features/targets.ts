/**
 * Training and evaluation targets per row: will a failure start within
 * the next H steps (rows i+1 .. i+H; the current row is already observed, so an onset on it
 * has no lead time), and will the failure that starts then be long (>= 100 steps)?
 */
import { DEFAULT_LONG_STEPS } from '../dataset/segments.ts';
import type { Trace } from '../dataset/trace.ts';

export interface TargetOptions {
  /** Horizon in steps (default 12: 60 s at the 5 s monitoring step). */
  horizonSteps?: number;
  /** Failures of at least this many steps are long (default 100). */
  longSteps?: number;
}

export interface Targets {
  horizonSteps: number;
  longSteps: number;
  /** 1 when a failure starts within the next H steps. */
  willFail: Uint8Array;
  /** 1 when the failure starting within the next H steps (the first one) is long. */
  willBeLong: Uint8Array;
  /** 1 on rows inside a failure: the "will fail" question is moot there; exclude or treat them explicitly. */
  inFailure: Uint8Array;
  /** 1 when the failure this row is in is long (0 outside failures). */
  inLongFailure: Uint8Array;
  /** Steps since the onset of the ongoing failure (0 on the onset row), -1 outside failures. */
  stepsIntoFailure: Int32Array;
  /** Steps to the next onset after this row (any distance), -1 when none follows. */
  stepsToOnset: Int32Array;
  /** 1 when fewer than H rows follow: a 0 in willFail may be wrong (the future is cut off). */
  censored: Uint8Array;
}

function labelsOf(source: Trace | ArrayLike<number>): ArrayLike<number> {
  return 'rows' in source ? Uint8Array.from(source.rows, (r) => r.failure) : source;
}

export function buildTargets(source: Trace | ArrayLike<number>, options: TargetOptions = {}): Targets {
  const horizonSteps = options.horizonSteps ?? 12;
  const longSteps = options.longSteps ?? DEFAULT_LONG_STEPS;
  if (!Number.isInteger(horizonSteps) || horizonSteps < 1) throw new RangeError(`horizonSteps must be a positive integer, got ${horizonSteps}`);
  const y = labelsOf(source);
  const n = y.length;
  const t: Targets = {
    horizonSteps,
    longSteps,
    willFail: new Uint8Array(n),
    willBeLong: new Uint8Array(n),
    inFailure: new Uint8Array(n),
    inLongFailure: new Uint8Array(n),
    stepsIntoFailure: new Int32Array(n).fill(-1),
    stepsToOnset: new Int32Array(n).fill(-1),
    censored: new Uint8Array(n),
  };
  // Onsets with their run lengths.
  const onsets: Array<{ start: number; long: boolean }> = [];
  for (let i = 0; i < n; ) {
    if (!y[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && y[j]) j++;
    const long = j - i >= longSteps;
    onsets.push({ start: i, long });
    for (let k = i; k < j; k++) {
      t.inFailure[k] = 1;
      t.inLongFailure[k] = long ? 1 : 0;
      t.stepsIntoFailure[k] = k - i;
    }
    i = j;
  }
  // Walk backwards keeping the nearest onset strictly after each row.
  let p = onsets.length; // index of the first onset after row i
  for (let i = n - 1; i >= 0; i--) {
    while (p > 0 && onsets[p - 1].start > i) p--;
    const after = p < onsets.length ? onsets[p] : undefined;
    if (after) {
      const d = after.start - i;
      t.stepsToOnset[i] = d;
      if (d <= horizonSteps) {
        t.willFail[i] = 1;
        t.willBeLong[i] = after.long ? 1 : 0;
      }
    }
    if (i + horizonSteps >= n) t.censored[i] = 1;
  }
  return t;
}

/**
 * Rows a "will fail" model is trained or judged on: outside failures, and (unless
 * `keepCensored`) with a complete horizon ahead.
 */
export function scorableRows(targets: Targets, rows?: ArrayLike<number>, keepCensored = false): number[] {
  const all = rows ?? Array.from({ length: targets.willFail.length }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < all.length; k++) {
    const i = all[k];
    if (targets.inFailure[i]) continue;
    if (!keepCensored && targets.censored[i] && !targets.willFail[i]) continue;
    out.push(i);
  }
  return out;
}
