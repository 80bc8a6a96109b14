import { Counter, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the decision engine (vnfm_decision_*), created once per registry. */
export interface DecisionMetrics {
  /** Score arrival (bus event handed to the consumer) -> heal request sent. */
  readonly latency: Histogram;
  readonly decisions: Counter<'outcome' | 'rule'>;
}

function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function decisionMetrics(registry: Registry): DecisionMetrics {
  const registers = [registry];
  return {
    latency: once(registry, 'vnfm_decision_latency_seconds', () =>
      new Histogram({
        name: 'vnfm_decision_latency_seconds',
        help: 'Failure score arrival to the heal (live-migration) request sent',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      })),
    decisions: once(registry, 'vnfm_decisions_total', () =>
      new Counter({ name: 'vnfm_decisions_total', help: 'Decisions recorded, by outcome (migrate, heal, skip) and rule', labelNames: ['outcome', 'rule'] as const, registers })),
  };
}
