/**
 * The plain data that flows from the monitoring receivers (collectd, logs, syslog,
 * Alertmanager) into the time-series store, and from the store to readers and the bus.
 * Times are epoch seconds (fractions allowed) everywhere inside the module.
 */

export type EntityKind = 'host' | 'vm' | 'vnf';

/** What a sample or an event is about. `id`: host name, VM server id (or name when unknown), VNF instance id. */
export interface EntityRef {
  readonly kind: EntityKind;
  readonly id: string;
}

/**
 * One stored value. Raw collectd series use collectd's identifier without the host,
 * `plugin[-plugin_instance]/type[-type_instance]` plus `:dsname` when the type has more than
 * one data source (e.g. `interface-eth0/if_octets:rx`); canonical ones use the names of
 * CANONICAL_METRICS.
 */
export interface SampleRow {
  readonly entity: EntityRef;
  readonly metric: string;
  readonly ts: number;
  readonly value: number;
  readonly canonical: boolean;
}

/** The small normalised set every host and VM is described by (units in the name). */
export const CANONICAL_METRICS = [
  'cpu_util', // %, 0-100, all CPUs together
  'mem_util', // %
  'swap_util', // %
  'load1', // 1-minute load average (hosts)
  'disk_read_bps', // bytes/s, all disks
  'disk_write_bps',
  'net_rx_bps', // bytes/s, all interfaces but loopback
  'net_tx_bps',
] as const;
export type CanonicalMetric = (typeof CANONICAL_METRICS)[number];

/** Typed events the pattern catalogue and collectd's tail counters produce. */
export const EVENT_TYPES = [
  'paging_timeout', // srsEPC "T3413 expired -- Could not page the ue.", Open5GS "Paging to IMSI[...] failed"
  'ddn_failure', // srsEPC "Downlink Data Notification Failure Indication"
  's1ap_broken_pipe', // srsEPC "Failed to send S1AP PDU. Error: Broken pipe", Open5GS "(32:Broken pipe)"
  'oom_kill', // kernel "Out of memory: Killed process N (name)" / "Kill process N ... or sacrifice child"
] as const;
export type BuiltInEventType = (typeof EVENT_TYPES)[number];

/**
 * One occurrence (or `count` occurrences) of an event at `ts`. `source` names the feed
 * (`log`, `syslog`, `collectd-tail:<type_instance>`): when two feeds report the same events
 * for an entity, per-window counts take the larger of the feeds, never their sum.
 */
export interface EventRow {
  readonly ts: number;
  readonly type: string;
  readonly count: number;
  readonly source: string;
  readonly host?: string;
  readonly vm?: string;
  readonly vnfInstanceId?: string;
  readonly vnfcInstanceId?: string;
  /** The log line or notification text, at most 2 KiB. */
  readonly message?: string;
  readonly attrs?: Readonly<Record<string, string>>;
}

/** What one request contributes; stored whole in one transaction or not at all. */
export interface IngestBatch {
  /** Idempotency key given by the client: a batch whose id was already stored is skipped whole. */
  readonly batchId?: string;
  readonly samples: readonly SampleRow[];
  readonly events: readonly EventRow[];
}

export interface IngestReceipt {
  readonly samples: number;
  readonly events: number;
  /** True when `batchId` had been stored before and nothing was written this time. */
  readonly duplicate: boolean;
}

/** Port of the store's write side. `write` resolves once the batch is committed. */
export interface MonitoringSink {
  write(batch: IngestBatch): Promise<IngestReceipt>;
}

/** Where a name seen in a feed (collectd host, syslog HOSTNAME, VM name or server id) belongs. */
export interface ResolvedEntity {
  /** The entity the name denotes; an unregistered name is taken as `hint` (default host). */
  readonly entity: EntityRef;
  /** Compute host the entity runs on (the entity itself for a host), when known. */
  readonly host?: string;
  /** VM server id, when the entity is a VM. */
  readonly vm?: string;
  readonly vnfInstanceId?: string;
  readonly vnfcInstanceId?: string;
  /** False when the registry does not know the name (the samples are still kept, and reported). */
  readonly known: boolean;
}

/** Port of the entity registry that receivers use; synchronous, answered from memory. */
export interface EntityResolver {
  resolve(name: string, hint?: 'host' | 'vm'): ResolvedEntity;
  /** VM server ids of a VNF instance's VNFCs. */
  vmsOfVnf(vnfInstanceId: string): readonly string[];
}
