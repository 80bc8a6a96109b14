/**
 * Utilisation forecaster for one host series (CPU or memory, %), updated one step at a time.
 * For each horizon h it predicts the change from the last value x(t):
 *
 *   x(t + h) - x(t) = b + a1 (fast(t) - x(t)) + a2 (mid(t) - x(t)) + a3 (slow(t) - x(t))
 *                       + a4 (S(t + h) - S(t)) + a5 (S(t) - x(t))
 *
 * fast, mid and slow are exponential averages of x (3, 10 and 30 min): they take the
 * noise out of x(t) and tell how far a burst has lifted the series above its recent level.
 * S is the daily profile (daily-profile.ts), used once a full day has been seen (a4 = a5 = 0
 * before): the change the time of day brings, and how far x sits from its usual level.
 * The coefficients are fitted per horizon by least squares on the pairs (features at t, change
 * to t + h) seen so far, with exponential forgetting (~3 days), so the model learns how long
 * bursts last on this host instead of assuming they persist (last value) or vanish (a mean).
 * Until about an hour of pairs exists it answers the last value. The upper bound per horizon adds the
 * `quantile` of the recent errors to the point forecast (for conservative placement).
 */
import { DailyProfile } from './daily-profile.ts';
import { ForgettingLeastSquares } from './least-squares.ts';
import { CAPACITY_HORIZONS_SECONDS, horizonSteps, type OnlineForecaster } from './online-forecaster.ts';

export interface CapacityForecasterOptions {
  stepSeconds: number;
  horizonsSeconds?: readonly number[];
  /** Use the daily profile once a full day is seen (default true; false measures what it adds). */
  dailyProfile?: boolean;
  /** Daily profile bin width, s (default 3600). */
  binSeconds?: number;
  /** Weight of each new day in the profile (default 0.3). */
  seasonGamma?: number;
  /** Time constants of the fast, mid and slow averages, s (default 180, 600 and 1800). */
  fastSeconds?: number;
  midSeconds?: number;
  slowSeconds?: number;
  /** Time constant of the regression's memory, s (default 3 days). */
  memorySeconds?: number;
  /** Pairs needed before the fitted coefficients replace last value (default: an hour's worth, at least 60). */
  minPairs?: number;
  /** Quantile of the recent errors added for the upper bound (default 0.95). */
  quantile?: number;
  /** Errors kept per horizon for that quantile (default 1440). */
  errorWindow?: number;
  /** Forecasts are clamped to this range (default [0, 100], %). */
  bounds?: readonly [number, number];
}

export type ForecastBasis = 'none' | 'last-value' | 'level' | 'seasonal';

export interface SeriesForecast {
  /** Horizons, s. */
  horizonsSeconds: number[];
  /** Point forecast per horizon (null before any value). */
  value: (number | null)[];
  /** Upper bound per horizon (point + error quantile; the point itself while errors are few). */
  upper: (number | null)[];
  /** last-value: too little history; level: fitted without a daily profile; seasonal: with one. */
  basis: ForecastBasis;
  /** Values the forecaster has seen. */
  observations: number;
}

interface Slot {
  step: number;
  x: number;
  features: number[][];
  forecast: number[];
}

const REFIT_STEPS = 10;

function quantileOf(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

export interface CapacityForecaster extends OnlineForecaster {
  forecast(): SeriesForecast;
}

export function createCapacityForecaster(o: CapacityForecasterOptions): CapacityForecaster {
  if (!(o.stepSeconds > 0)) throw new RangeError('stepSeconds must be positive');
  const horizons = [...(o.horizonsSeconds ?? CAPACITY_HORIZONS_SECONDS)];
  const steps = horizonSteps({ stepSeconds: o.stepSeconds, horizonsSeconds: horizons });
  const [lo, hi] = o.bounds ?? [0, 100];
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  const alpha = (seconds: number) => 1 - Math.exp(-o.stepSeconds / seconds);
  const fastAlpha = alpha(o.fastSeconds ?? 180);
  const slowAlpha = alpha(o.slowSeconds ?? 1800);
  const keep = Math.exp(-o.stepSeconds / (o.memorySeconds ?? 3 * 86_400));
  const minPairs = o.minPairs ?? Math.max(60, Math.ceil(3600 / o.stepSeconds));
  const q = o.quantile ?? 0.95;
  const errorWindow = o.errorWindow ?? 1440;
  const profile = new DailyProfile({ binSeconds: o.binSeconds ?? 3600, gamma: o.seasonGamma });
  const ring: (Slot | undefined)[] = new Array(Math.max(...steps) + 1);
  const errors: number[][] = steps.map(() => []);
  const fits = steps.map(() => new ForgettingLeastSquares(6, keep));
  const coefs: (number[] | null)[] = steps.map(() => null);
  let fast = 0;
  let slow = 0;
  let mid = 0;
  const midAlpha = alpha(o.midSeconds ?? 600);
  let last: Slot | null = null;
  let observations = 0;
  let origin: number | null = null;

  function featuresAt(time: number, x: number): number[][] {
    const seasonal = o.dailyProfile !== false && profile.ready;
    const s0 = seasonal ? profile.at(time) : 0;
    return steps.map((h) => {
      const ds = seasonal ? profile.at(time + h * o.stepSeconds) - s0 : 0;
      return [1, fast - x, mid - x, slow - x, ds, seasonal ? s0 - x : 0];
    });
  }

  return {
    update(time, value) {
      if (value === null || !Number.isFinite(value)) return;
      if (origin === null) origin = time;
      const step = Math.round((time - origin) / o.stepSeconds);
      observations++;
      profile.add(time, value);
      fast = observations === 1 ? value : fast + fastAlpha * (value - fast);
      slow = observations === 1 ? value : slow + slowAlpha * (value - slow);
      mid = observations === 1 ? value : mid + midAlpha * (value - mid);
      // Learn from the features of h steps ago, now that their outcome is known.
      steps.forEach((h, k) => {
        const past = ring[(step - h) % ring.length];
        if (!past || past.step !== step - h) return;
        errors[k].push(value - past.forecast[k]);
        if (errors[k].length > errorWindow) errors[k].shift();
        fits[k].add(past.features[k], value - past.x);
        if (fits[k].pairs >= minPairs && (coefs[k] === null || fits[k].pairs % REFIT_STEPS === 0)) coefs[k] = fits[k].solve();
      });
      const features = featuresAt(time, value);
      const forecast = features.map((f, k) => {
        const c = coefs[k];
        return clamp(c ? value + c.reduce((sum, ci, i) => sum + ci * f[i], 0) : value);
      });
      const slot: Slot = { step, x: value, features, forecast };
      ring[step % ring.length] = slot;
      last = slot;
    },
    point: () => (last ? last.forecast : null),
    forecast(): SeriesForecast {
      const value = last ? last.forecast : horizons.map(() => null);
      const upper = value.map((v, k) => (v === null || errors[k].length < 30 ? v : clamp(v + Math.max(0, quantileOf(errors[k], q)))));
      const basis: ForecastBasis = !last ? 'none' : coefs.every((c) => c === null) ? 'last-value' : o.dailyProfile !== false && profile.ready ? 'seasonal' : 'level';
      return { horizonsSeconds: horizons, value, upper, basis, observations };
    },
  };
}

/**
 * Forecast from a plain series of (time, value) pairs at a fixed step (gaps as null values or
 * missing times). The step is inferred from the smallest time difference when not given.
 */
export function forecastSeries(
  points: readonly (readonly [number, number | null])[],
  options: Partial<CapacityForecasterOptions> = {},
): SeriesForecast {
  const stepSeconds = options.stepSeconds ?? inferStep(points);
  const f = createCapacityForecaster({ ...options, stepSeconds });
  for (const [t, v] of points) f.update(t, v);
  return f.forecast();
}

function inferStep(points: readonly (readonly [number, number | null])[]): number {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = points[i][0] - points[i - 1][0];
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : 60;
}
