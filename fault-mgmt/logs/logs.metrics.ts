import { Counter, type Registry } from 'prom-client';

/** Counters of the log receivers (POST /logs and syslog). */
export interface LogsMetrics {
  /** Lines of POST /logs by outcome: `event` (matched a pattern, stored) or `unmatched` (counted only). */
  readonly logLines: Counter<'result'>;
  /** Rejected requests or messages, shared by all ingest endpoints. */
  readonly rejected: Counter<'endpoint' | 'reason'>;
  /** Syslog messages by transport (udp, tcp) and result (event, unmatched, parse_error, bad_time, dropped, frame_error). */
  readonly syslogMessages: Counter<'transport' | 'result'>;
}

/**
 * Registers (or finds, when another receiver of the same process already did) the
 * counters. `vnfm_monitoring_rejected_total` is shared with the other ingest endpoints,
 * so every module takes it with get-or-create and the same label names.
 */
export function logsMetrics(registry: Registry): LogsMetrics {
  return {
    logLines: counter(registry, 'vnfm_monitoring_log_lines_total', 'VNF log lines received on POST /logs, by result', ['result']),
    rejected: counter(registry, 'vnfm_monitoring_rejected_total', 'Ingest requests or messages rejected, by endpoint and reason', [
      'endpoint',
      'reason',
    ]),
    syslogMessages: counter(registry, 'vnfm_monitoring_syslog_messages_total', 'Syslog messages received, by transport and result', [
      'transport',
      'result',
    ]),
  };
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}
