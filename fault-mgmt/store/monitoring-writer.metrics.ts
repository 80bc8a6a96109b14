import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface MonitoringWriterMetrics {
  readonly queueRows: Gauge;
  readonly rowsWritten: Counter<'kind'>;
  readonly flushSeconds: Histogram;
  readonly failures: Counter;
  readonly overloaded: Counter;
  readonly sampleWrites: Counter<'method'>;
}

/** The write side's metrics on the plugin's registry (reused when a second writer shares the registry). */
export function monitoringWriterMetrics(registry: Registry): MonitoringWriterMetrics {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    queueRows:
      existing<Gauge>('vnfm_monitoring_write_queue_rows') ??
      new Gauge({
        name: 'vnfm_monitoring_write_queue_rows',
        help: 'Samples and events accepted and waiting for the next write transaction',
        registers: [registry],
      }),
    rowsWritten:
      existing<Counter<'kind'>>('vnfm_monitoring_rows_written_total') ??
      new Counter({
        name: 'vnfm_monitoring_rows_written_total',
        help: 'Rows stored in the monitoring store (samples already stored are not counted again)',
        labelNames: ['kind'],
        registers: [registry],
      }),
    flushSeconds:
      existing<Histogram>('vnfm_monitoring_flush_seconds') ??
      new Histogram({
        name: 'vnfm_monitoring_flush_seconds',
        help: 'Duration of one write transaction of the monitoring store (one group of batches)',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    failures:
      existing<Counter>('vnfm_monitoring_write_failures_total') ??
      new Counter({
        name: 'vnfm_monitoring_write_failures_total',
        help: 'Batches that could not be stored (the request was answered 5xx)',
        registers: [registry],
      }),
    overloaded:
      existing<Counter>('vnfm_monitoring_write_overloaded_total') ??
      new Counter({
        name: 'vnfm_monitoring_write_overloaded_total',
        help: 'Batches refused because the write queue stayed full for MONITORING_WRITE_WAIT_MS (503)',
        registers: [registry],
      }),
    sampleWrites:
      existing<Counter<'method'>>('vnfm_monitoring_sample_writes_total') ??
      new Counter({
        name: 'vnfm_monitoring_sample_writes_total',
        help: 'Write transactions with samples, by how the samples were stored (copy, or insert when a sample was stored before or COPY is unavailable)',
        labelNames: ['method'],
        registers: [registry],
      }),
  };
}
