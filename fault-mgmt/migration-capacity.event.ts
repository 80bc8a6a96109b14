/**
 * The `decision.capacity` event: the decision engine (lcm/decision) wanted to live-migrate a
 * VNFC ahead of a predicted host failure and no host had room for it (a scale-out is needed
 * instead), or that is over. fault-mgmt/ does not import lcm/ (data flows the other way): this
 * payload is the contract, defined here where its consumers (the FM alarm, the
 * migrationHeadroomAvailable indicator) live. One event carries the changes of one scoring
 * round, in the order the engine saw them.
 */
export const MIGRATION_CAPACITY_TOPIC = 'decision.capacity';

export interface NeededResources {
  readonly vcpus: number;
  readonly ramMb: number;
  readonly diskGb: number;
}

export interface MigrationCapacityEntry {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly vduId?: string;
  /** The VIM's server id of the VNFC. */
  readonly serverId?: string;
  /** The host predicted to fail, where the VNFC runs. */
  readonly host: string;
  /** What a destination would need free: the VNFC's flavor. */
  readonly needed: NeededResources;
  /** true: no host has headroom, scale out; false: a destination was found again or the score fell back. */
  readonly scaleOut: boolean;
  /** VNFCs of the VNF instance still without headroom once this change is applied. */
  readonly vnfcsWithoutHeadroom: number;
  /** The VNFD's ScalingAspect whose deltas add instances of the VNFC's VDU, when there is one. */
  readonly aspectId?: string;
  readonly failureScore: number;
  /** Start of the scoring window that caused the change, ISO 8601. */
  readonly ts: string;
  /** One line a person can read. */
  readonly reason: string;
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function isEntry(e: unknown): e is MigrationCapacityEntry {
  const o = e as Partial<MigrationCapacityEntry> | null;
  return (
    typeof o === 'object' && o !== null &&
    typeof o.vnfInstanceId === 'string' && o.vnfInstanceId !== '' &&
    (o.vnfcInstanceId === undefined || typeof o.vnfcInstanceId === 'string') &&
    typeof o.host === 'string' && typeof o.scaleOut === 'boolean' && isCount(o.vnfcsWithoutHeadroom) &&
    typeof o.needed === 'object' && o.needed !== null && isCount(o.needed.vcpus) && isCount(o.needed.ramMb) && isCount(o.needed.diskGb) &&
    typeof o.failureScore === 'number' && typeof o.ts === 'string' && !Number.isNaN(Date.parse(o.ts))
  );
}

/** The well-formed entries of an event payload (a JSON array); anything else is ignored. */
export function migrationCapacityEntries(payload: unknown): MigrationCapacityEntry[] {
  return (Array.isArray(payload) ? payload : []).filter(isEntry);
}
