/**
 * The VNF indicators the plugin serves for every VNF instance (SOL003 8.5.2.2 VnfIndicator),
 * and when a change of one is worth a VnfIndicatorValueChangeNotification. Plain functions.
 */

export const INDICATOR_IDS = ['failureScore', 'pagingFailureRate', 'hostHeadroom', 'migrationHeadroomAvailable'] as const;
export type IndicatorId = (typeof INDICATOR_IDS)[number];

export const INDICATOR_NAMES: Record<IndicatorId, string> = {
  failureScore: 'Predicted probability of a host failure hitting the VNF within the model horizon (0..1)',
  pagingFailureRate: 'Paging failures (T3413 timeouts) per minute over the last 5 minutes',
  hostHeadroom: 'Forecast CPU and memory headroom of the VNF hosts in 5 minutes, percent (the least of its hosts)',
  migrationHeadroomAvailable: 'Whether every VNFC the decision engine wants to live-migrate has a host with room (1), or the VNF needs a scale-out (0)',
};

/** config.indicators (INDICATOR_* keys). */
export interface IndicatorSettings {
  /** INDICATOR_TICK_SECONDS: how often pagingFailureRate and hostHeadroom are computed; 0 turns that off. */
  readonly tickSeconds: number;
  /** INDICATOR_MIN_INTERVAL_SECONDS: at most one notification per VNF and indicator in this time. */
  readonly minIntervalSeconds: number;
  /** INDICATOR_SCORE_DEADBAND, INDICATOR_PAGING_DEADBAND, INDICATOR_HEADROOM_DEADBAND; migrationHeadroomAvailable is 0 or 1: every change counts. */
  readonly deadbands: Readonly<Record<IndicatorId, number>>;
}

export const INDICATOR_DEFAULTS: IndicatorSettings = {
  tickSeconds: 30,
  minIntervalSeconds: 60,
  deadbands: { failureScore: 0.05, pagingFailureRate: 1, hostHeadroom: 5, migrationHeadroomAvailable: 1 },
};

/** Minutes of paging timeouts averaged into pagingFailureRate. */
export const PAGING_WINDOW_MINUTES = 5;

export interface NotifiedValue {
  readonly value: number;
  /** Epoch seconds. */
  readonly at: number;
}

/**
 * Whether `value` is notified, given the last notified value: the first value is; later ones
 * only when they moved by at least the deadband from the last NOTIFIED value (so a slow drift
 * is notified once it adds up, and jitter around one value never is) and the minimum interval
 * has passed since (so a flapping value cannot cause a storm; the latest value goes out once
 * the interval is over, with the next evaluation).
 */
export function shouldNotify(last: NotifiedValue | undefined, value: number, now: number, deadband: number, minIntervalSeconds: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (!last) return true;
  const change = Math.abs(value - last.value);
  // A relative tolerance: 0.25 - 0.2 is 0.04999... in binary floating point.
  if (change === 0 || change < deadband * (1 - 1e-9)) return false;
  return now - last.at >= minIntervalSeconds;
}

/** Percent headroom from a host forecast: 100 minus the higher of the CPU and memory upper forecasts at 5 minutes. */
export interface HostForecastLike {
  readonly upper: { readonly cpu: { readonly h5: number } | null; readonly mem: { readonly h5: number } | null };
}

export function headroomOf(f: HostForecastLike): number | null {
  const used = [f.upper.cpu?.h5, f.upper.mem?.h5].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (used.length === 0) return null;
  return Math.min(100, Math.max(0, 100 - Math.max(...used)));
}

/** Paging timeouts per minute from per-minute counts (gaps count as none). */
export function pagingRateOf(perMinute: readonly (number | null)[]): number {
  if (perMinute.length === 0) return 0;
  return perMinute.reduce<number>((sum, v) => sum + (v ?? 0), 0) / perMinute.length;
}
