/**
 * The daily load profile of one series: the median of each time-of-day bin (15 min by
 * default), smoothed across days (exponentially, like Holt-Winters' seasonal component), read
 * back by linear interpolation between bin centres. The median keeps a burst shorter than half
 * a bin out of the profile, so bursts stay in the residual where the short-term part sees them.
 */

const DAY = 86_400;

export interface DailyProfileOptions {
  /** Width of a time-of-day bin, s (default 900; must divide the day into whole bins). */
  binSeconds?: number;
  /** Weight of a new day's bin median against the profile (default 0.3). */
  gamma?: number;
}

export class DailyProfile {
  private readonly binSeconds: number;
  private readonly gamma: number;
  private readonly bins: Float64Array;
  private readonly seen: Uint8Array;
  private filled = 0;
  private current = -1;
  private samples: number[] = [];

  constructor(o: DailyProfileOptions = {}) {
    this.binSeconds = o.binSeconds ?? 900;
    this.gamma = o.gamma ?? 0.3;
    const n = DAY / this.binSeconds;
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`binSeconds ${this.binSeconds} does not divide a day into whole bins`);
    this.bins = new Float64Array(n);
    this.seen = new Uint8Array(n);
  }

  /** Every bin of the day has a value (a full day has been seen). */
  get ready(): boolean {
    return this.filled === this.bins.length;
  }

  /** Adds a sample; closes the previous bin when `time` has moved into another one. */
  add(time: number, value: number): void {
    const absBin = Math.floor(time / this.binSeconds);
    if (absBin !== this.current) {
      this.close();
      this.current = absBin;
    }
    this.samples.push(value);
  }

  /** Profile value at `time` (interpolated between bin centres, across midnight too). */
  at(time: number): number {
    const n = this.bins.length;
    const pos = (((time % DAY) + DAY) % DAY) / this.binSeconds - 0.5;
    const lo = Math.floor(pos);
    const w = pos - lo;
    const a = (lo + n) % n;
    const b = (lo + 1) % n;
    return (1 - w) * this.bins[a] + w * this.bins[b];
  }

  private close(): void {
    if (this.current < 0 || this.samples.length === 0) return;
    const n = this.bins.length;
    const bin = ((this.current % n) + n) % n;
    const m = median(this.samples);
    if (this.seen[bin]) this.bins[bin] = (1 - this.gamma) * this.bins[bin] + this.gamma * m;
    else {
      this.bins[bin] = m;
      this.seen[bin] = 1;
      this.filled++;
    }
    this.samples = [];
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
