import type { Counter, Registry } from 'prom-client';
import { rejectedCounter, sharedCounter } from '../monitoring.metrics.ts';

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
    logLines: sharedCounter(registry, 'vnfm_monitoring_log_lines_total', 'VNF log lines received on POST /logs, by result', ['result']),
    rejected: rejectedCounter(registry),
    syslogMessages: sharedCounter(registry, 'vnfm_monitoring_syslog_messages_total', 'Syslog messages received, by transport and result', [
      'transport',
      'result',
    ]),
  };
}
