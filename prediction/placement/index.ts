/** Destination ranking for live migration: feasible hosts by forecast headroom, with reasons. */
export { rankDestinations, PLACEMENT_DEFAULTS } from './rank-destinations.ts';
export { forecastAt, peakForecast } from './forecast-window.ts';
export type * from './placement.types.ts';
