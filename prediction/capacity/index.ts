/** Host capacity forecasting: the forecaster, its baselines, the synthetic trace and `evaluate --capacity`. */
export { createCapacityForecaster, forecastSeries } from './capacity-forecaster.ts';
export type { CapacityForecaster, CapacityForecasterOptions, ForecastBasis, SeriesForecast } from './capacity-forecaster.ts';
export { CAPACITY_HORIZONS_SECONDS, createLastValueForecaster, createMovingAverageForecaster } from './online-forecaster.ts';
export type { OnlineForecaster } from './online-forecaster.ts';
export { forecastFromReader, forecastHost } from './host-forecast.ts';
export type { HorizonForecast, HostForecast } from './host-forecast.ts';
export { CAPACITY_TRACE_DEFAULTS, generateCapacityTrace } from './capacity-trace.ts';
export type { CapacityTrace, CapacityTraceOptions, HostTrace } from './capacity-trace.ts';
export { readCapacityTraceFile } from './capacity-file.parser.ts';
export { evaluateCapacity, evaluateCapacityTrace } from './capacity-evaluation.ts';
export type { CapacityReport, EvaluateCapacityOptions } from './capacity-evaluation.ts';
export { formatCapacityReport } from './capacity-report.ts';
