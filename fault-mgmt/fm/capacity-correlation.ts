import type { MigrationCapacityEntry } from '../migration-capacity.event.ts';
import { NO_MIGRATION_HEADROOM } from './alarm-causes.ts';
import { NO_CHANGE, notablyDifferent, type AlarmFacts, type ConditionState, type Correlation, type ShortVnfc } from './alarm.types.ts';
import { novaServer } from './correlation-inputs.ts';
import { SCORE_MEMORY_SECONDS } from './score-correlation.ts';

const vnfcOf = (e: Pick<MigrationCapacityEntry, 'vnfcInstanceId'>) => e.vnfcInstanceId ?? '';

function describe(vnfc: string, s: ShortVnfc): string {
  const n = s.needed;
  return `${vnfc ? `VNFC ${vnfc}` : 'VNF'} on ${s.host} needs ${n.vcpus} vCPU, ${n.ramMb} MB RAM, ${n.diskGb} GB disk; no other host has room${s.aspectId ? ` (scale out aspect ${s.aspectId})` : ''}`;
}

function factsOf(short: Readonly<Record<string, ShortVnfc>>, eventTime: string): AlarmFacts {
  const ids = Object.keys(short).sort();
  const first = short[ids[0]];
  return {
    perceivedSeverity: NO_MIGRATION_HEADROOM.severity!,
    eventType: NO_MIGRATION_HEADROOM.eventType,
    probableCause: NO_MIGRATION_HEADROOM.probableCause,
    faultType: NO_MIGRATION_HEADROOM.faultType,
    isRootCause: NO_MIGRATION_HEADROOM.isRootCause,
    eventTime,
    vnfcInstanceIds: ids.filter((id) => id !== ''),
    ...(first.serverId && { faultyResource: novaServer(first.serverId) }),
    faultDetails: ids.slice(0, 10).map((id) => describe(id, short[id])),
  };
}

/**
 * No-headroom correlation of one VNF instance (`decision.capacity` entries, in order): the
 * alarm is raised when a first VNFC runs short of migration headroom, updated when the set
 * of such VNFCs changes, and cleared (at the window that ended it) when none is left. The
 * decision engine already debounces (one raise and one clear per episode), so nothing is
 * counted here; entries older than the newest one seen for their VNFC are ignored (consumers
 * may see events out of order), and a cleared state is remembered a while for that.
 */
export function correlateCapacity(state: ConditionState | undefined, entries: readonly MigrationCapacityEntry[]): Correlation {
  const before = state?.capacity ?? { short: {}, seen: {} };
  const short: Record<string, ShortVnfc> = { ...before.short };
  const seen: Record<string, string> = { ...before.seen };
  let lastTs: string | undefined;
  for (const e of entries) {
    const id = vnfcOf(e);
    const ts = new Date(e.ts).toISOString();
    if (seen[id] !== undefined && ts < seen[id]) continue;
    seen[id] = ts;
    if (e.scaleOut) short[id] = { host: e.host, ...(e.serverId && { serverId: e.serverId }), needed: e.needed, ...(e.aspectId && { aspectId: e.aspectId }) };
    else delete short[id];
    if (lastTs === undefined || ts > lastTs) lastTs = ts;
  }
  if (lastTs === undefined) return { state, change: NO_CHANGE };
  const capacity = { short, seen };
  if (Object.keys(short).length > 0) {
    const facts = factsOf(short, lastTs);
    if (!state?.active || !state.facts) return { state: { active: true, facts, capacity }, change: { kind: 'raise', facts } };
    if (notablyDifferent(state.facts, facts)) return { state: { active: true, facts, capacity }, change: { kind: 'update', facts } };
    return { state: { ...state, capacity }, change: NO_CHANGE };
  }
  if (!state?.active) {
    // Nothing to clear; remember the windows only if a cleared alarm's late entries must be recognised.
    return state?.forgetAt !== undefined ? { state: { ...state, capacity }, change: NO_CHANGE } : { state: undefined, change: NO_CHANGE };
  }
  return {
    state: { active: false, capacity, forgetAt: Date.parse(lastTs) / 1000 + SCORE_MEMORY_SECONDS },
    change: { kind: 'clear', clearedAt: lastTs },
  };
}
