import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of prediction (vnfm_prediction_*), created once per registry. */
export interface PredictionMetrics {
  /** One batched scoring round: reading windows, features, the predict call, storing. */
  readonly tickDuration: Histogram;
  /** The batched predict call alone. */
  readonly predictDuration: Histogram;
  readonly scoredWindows: Counter;
  readonly skippedTargets: Counter<'reason'>;
  /** 1 for the model in use, labelled by its id. */
  readonly modelInfo: Gauge<'model'>;
  readonly modelLoadFailures: Counter;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function predictionMetrics(registry: Registry): PredictionMetrics {
  const registers = [registry];
  return {
    tickDuration: once(registry, 'vnfm_prediction_scoring_duration_seconds', () =>
      new Histogram({ name: 'vnfm_prediction_scoring_duration_seconds', help: 'One online scoring round: windows read, features, batched predict, scores stored and published', buckets: SECONDS, registers })),
    predictDuration: once(registry, 'vnfm_prediction_predict_duration_seconds', () =>
      new Histogram({ name: 'vnfm_prediction_predict_duration_seconds', help: 'The batched predict call of one scoring round', buckets: SECONDS, registers })),
    scoredWindows: once(registry, 'vnfm_prediction_scored_windows_total', () =>
      new Counter({ name: 'vnfm_prediction_scored_windows_total', help: 'Feature windows scored (one per VNF instance or VNFC and round)', registers })),
    skippedTargets: once(registry, 'vnfm_prediction_skipped_total', () =>
      new Counter({ name: 'vnfm_prediction_skipped_total', help: 'VNF instances or VNFCs not scored in a round, by reason (no-host, no-data)', labelNames: ['reason'] as const, registers })),
    modelInfo: once(registry, 'vnfm_prediction_model_info', () =>
      new Gauge({ name: 'vnfm_prediction_model_info', help: 'The failure model online scoring uses (value 1, labelled by model id)', labelNames: ['model'] as const, registers })),
    modelLoadFailures: once(registry, 'vnfm_prediction_model_load_failures_total', () =>
      new Counter({ name: 'vnfm_prediction_model_load_failures_total', help: 'Active models that could not be loaded (the previous one stays in use)', registers })),
  };
}
