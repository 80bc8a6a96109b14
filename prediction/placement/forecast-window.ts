/**
 * Forecast utilisation over the next `seconds`: the 1, 5 and 15 minute forecasts joined by
 * straight lines (held at the 1 minute value before it and at the 15 minute value after),
 * and the peak of that line over [0, seconds]. The peak, not the mean, because a live
 * migration has to keep up with the destination's load for its whole duration.
 */
import type { HorizonForecast } from '../capacity/host-forecast.ts';

const KNOTS = [60, 300, 900] as const;

/** Interpolated forecast `seconds` from now. */
export function forecastAt(f: HorizonForecast, seconds: number): number {
  const v = [f.h1, f.h5, f.h15];
  if (seconds <= KNOTS[0]) return v[0];
  for (let i = 1; i < KNOTS.length; i++) {
    if (seconds <= KNOTS[i]) {
      const w = (seconds - KNOTS[i - 1]) / (KNOTS[i] - KNOTS[i - 1]);
      return v[i - 1] + w * (v[i] - v[i - 1]);
    }
  }
  return v[v.length - 1];
}

/** Highest forecast over [0, seconds] (a piecewise-linear curve peaks at a knot or at the end). */
export function peakForecast(f: HorizonForecast, seconds: number): number {
  let peak = forecastAt(f, seconds);
  const v = [f.h1, f.h5, f.h15];
  KNOTS.forEach((k, i) => {
    if (k <= seconds || i === 0) peak = Math.max(peak, v[i]);
  });
  return peak;
}
