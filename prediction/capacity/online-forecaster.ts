/**
 * The shape every capacity forecaster shares (the model and its baselines), so that the
 * evaluation replays a series through each one step at a time and asks all of them the same
 * question at the same moment, without ever showing them a later value.
 */

/** Forecast horizons: 1, 5 and 15 minutes. */
export const CAPACITY_HORIZONS_SECONDS: readonly number[] = Object.freeze([60, 300, 900]);

export interface OnlineForecaster {
  /** The value observed for the step starting at `time` (epoch s); null = no sample (gap). */
  update(time: number, value: number | null): void;
  /** Point forecasts, one per horizon (same order as the horizons), or null before any value. */
  point(): number[] | null;
}

export interface HorizonSteps {
  stepSeconds: number;
  horizonsSeconds: readonly number[];
}

/** Horizon in whole steps (at least one). */
export function horizonSteps(o: HorizonSteps): number[] {
  return o.horizonsSeconds.map((h) => Math.max(1, Math.round(h / o.stepSeconds)));
}

/** The last observed value for every horizon. */
export function createLastValueForecaster(o: HorizonSteps): OnlineForecaster {
  let last: number | null = null;
  return {
    update(_time, value) {
      if (value !== null && Number.isFinite(value)) last = value;
    },
    point: () => (last === null ? null : o.horizonsSeconds.map(() => last as number)),
  };
}

/** Mean of the values of the last `windowSeconds` (default 600 s), for every horizon. */
export function createMovingAverageForecaster(o: HorizonSteps & { windowSeconds?: number }): OnlineForecaster {
  const width = Math.max(1, Math.round((o.windowSeconds ?? 600) / o.stepSeconds));
  const times: number[] = [];
  const values: number[] = [];
  let sum = 0;
  return {
    update(time, value) {
      if (value === null || !Number.isFinite(value)) return;
      times.push(time);
      values.push(value);
      sum += value;
      while (times.length > 0 && times[0] <= time - width * o.stepSeconds) {
        times.shift();
        sum -= values.shift() as number;
      }
    },
    point: () => (values.length === 0 ? null : o.horizonsSeconds.map(() => sum / values.length)),
  };
}
