/**
 * Factories of valid monitoring feed bodies, shaped as the real tools send them
 * (collectd 5.12 write_http JSON, our POST /logs; Alertmanager's are in alertmanager-bodies.ts).
 */

export interface CollectdValueList {
  values: (number | null)[];
  dstypes: string[];
  dsnames: string[];
  time: number;
  interval: number;
  host: string;
  plugin: string;
  plugin_instance: string;
  type: string;
  type_instance: string;
}

/** One read cycle of a host: per-CPU percentages, memory, swap, load, disk and interface counters. */
export function collectdCycle(host: string, time: number, opts: { cpus?: number; interval?: number } = {}): CollectdValueList[] {
  const interval = opts.interval ?? 2;
  const gauge = (plugin: string, pi: string, type: string, ti: string, value: number | null): CollectdValueList => ({
    values: [value], dstypes: ['gauge'], dsnames: ['value'], time, interval, host, plugin, plugin_instance: pi, type, type_instance: ti,
  });
  const out: CollectdValueList[] = [];
  for (let cpu = 0; cpu < (opts.cpus ?? 2); cpu++) {
    for (const [state, v] of [['user', 12.5], ['system', 3.1], ['idle', 83.9], ['wait', 0.5]] as const) {
      out.push(gauge('cpu', String(cpu), 'percent', state, v));
    }
  }
  out.push(gauge('memory', '', 'percent', 'used', 41.2), gauge('memory', '', 'memory', 'used', 1.7e9));
  out.push(gauge('swap', '', 'percent', 'used', 2.5), gauge('swap', '', 'percent', 'free', null));
  out.push({ values: [0.5, 0.3, 0.1], dstypes: ['gauge', 'gauge', 'gauge'], dsnames: ['shortterm', 'midterm', 'longterm'], time, interval, host, plugin: 'load', plugin_instance: '', type: 'load', type_instance: '' });
  out.push({ values: [Math.round(time * 1000), Math.round(time * 300)], dstypes: ['derive', 'derive'], dsnames: ['read', 'write'], time, interval, host, plugin: 'disk', plugin_instance: 'vda', type: 'disk_octets', type_instance: '' });
  out.push({ values: [Math.round(time * 50), Math.round(time * 40)], dstypes: ['derive', 'derive'], dsnames: ['rx', 'tx'], time, interval, host, plugin: 'interface', plugin_instance: 'eth0', type: 'if_octets', type_instance: '' });
  return out;
}

/** Non-null values in collectd value lists: what is stored as raw samples. */
export function collectdValueCount(body: readonly CollectdValueList[]): number {
  return body.reduce((n, vl) => n + vl.values.filter((v) => v !== null).length, 0);
}

export interface LogsBody {
  batchId?: string;
  host?: string;
  source?: string;
  lines: { time: number | string; message: string; host?: string }[];
}

export const T3413_LINE = 'T3413 expired -- Could not page the ue.';
export const BROKEN_PIPE_LINE = 'Failed to send S1AP PDU. Error: Broken pipe ';

/** `n` srsEPC lines, alternating paging timeouts and S1AP failures, one second apart. */
export function logsBody(host: string, time: number, n: number): LogsBody {
  const lines = Array.from({ length: n }, (_, i) => ({
    time: time + i,
    message: `2021-06-05T00:01:23.595575 [NAS    ] [I] ${i % 2 === 0 ? T3413_LINE : BROKEN_PIPE_LINE}`,
  }));
  return { host, lines };
}
