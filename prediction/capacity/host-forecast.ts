/**
 * `hostForecast`: CPU and memory utilisation of one compute host at 1, 5 and 15 minutes, in
 * the shape destination ranking takes (prediction/placement). From plain (time, value) series,
 * or read from the monitoring store through the aligned-window reader (metrics cpu_util and
 * mem_util of the host entity; per-window mean, so a 60 s window is not one arbitrary sample).
 */
import type { WindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { forecastSeries, type ForecastBasis, type SeriesForecast } from './capacity-forecaster.ts';
import { CAPACITY_HORIZONS_SECONDS } from './online-forecaster.ts';

/** Utilisation, %, at 1, 5 and 15 minutes. */
export interface HorizonForecast {
  h1: number;
  h5: number;
  h15: number;
}

export interface HostForecast {
  host: string;
  /** Epoch seconds the forecast was made at (the end of the history read). */
  at: number;
  /** Point forecasts; null when the series has no value at all. */
  cpu: HorizonForecast | null;
  mem: HorizonForecast | null;
  /** Point plus the 95th percentile of recent errors: use it for conservative placement. */
  upper: { cpu: HorizonForecast | null; mem: HorizonForecast | null };
  basis: { cpu: ForecastBasis; mem: ForecastBasis };
}

export type SeriesPoints = readonly (readonly [number, number | null])[];

export interface HostForecastOptions {
  /** Step of the series, s (default: inferred from the times). */
  stepSeconds?: number;
}

function perHorizon(values: (number | null)[]): HorizonForecast | null {
  const [h1, h5, h15] = values;
  return h1 === null || h5 === null || h15 === null ? null : { h1, h5, h15 };
}

export function forecastHost(host: string, at: number, series: { cpu: SeriesPoints; mem: SeriesPoints }, o: HostForecastOptions = {}): HostForecast {
  const opts = { stepSeconds: o.stepSeconds, horizonsSeconds: CAPACITY_HORIZONS_SECONDS };
  const cpu: SeriesForecast = forecastSeries(series.cpu, opts);
  const mem: SeriesForecast = forecastSeries(series.mem, opts);
  return {
    host,
    at,
    cpu: perHorizon(cpu.value),
    mem: perHorizon(mem.value),
    upper: { cpu: perHorizon(cpu.upper), mem: perHorizon(mem.upper) },
    basis: { cpu: cpu.basis, mem: mem.basis },
  };
}

export interface ReaderForecastOptions {
  /** History read, s (default 2 days: one to learn the daily profile, one to use it). */
  historySeconds?: number;
  /** Window step, s (default 60: minute rollups; 5 s raw windows work too, at more cost). */
  stepSeconds?: number;
}

/** Reads the host's cpu_util and mem_util up to `now` (epoch s) and forecasts both. */
export async function forecastFromReader(reader: WindowReader, host: string, now: number, o: ReaderForecastOptions = {}): Promise<HostForecast> {
  const step = o.stepSeconds ?? 60;
  const end = Math.floor(now / step) * step;
  const start = end - (o.historySeconds ?? 2 * 86_400);
  const entity = { kind: 'host' as const, id: host };
  const [cpu, mem] = await Promise.all(
    ['cpu_util', 'mem_util'].map((metric) => reader.read({ entity, metric, start, end, step, agg: 'mean' })),
  );
  const points = (s: { timestamps: number[]; values: (number | null)[] }): SeriesPoints => s.timestamps.map((t, i) => [t, s.values[i]] as const);
  return forecastHost(host, now, { cpu: points(cpu), mem: points(mem) }, { stepSeconds: step });
}
