/**
 * When the decision engine says "no headroom: scale out" for a VNFC, and when it takes it
 * back. Pure: the engine feeds it each scored window with what decide() learnt, and publishes
 * the changes as `decision.capacity` (fault-mgmt/migration-capacity.event.ts).
 *
 * - Raised when the policy wanted to migrate (threshold crossed, every guard passed) and the
 *   destination ranking found no host with room: the `no-destination` skip. Held while the
 *   episode lasts, whatever later windows say (a guard such as an NFVO scaling in progress
 *   stops the ranking: nothing new is known then).
 * - Cleared when a ranking finds a destination again (the migration goes ahead), or when the
 *   score falls below scoreThreshold - hysteresis (the policy's own re-arm point, so a score
 *   wavering around the threshold raises and clears nothing more).
 * - A VNFC seen for the first time since start without a shortage gets one `scaleOut: false`
 *   too: a shortage raised before a restart is cleared downstream instead of staying forever.
 * So one episode gives at most one raise and one clear.
 */
import type { ProactiveMigrationPolicy } from '../vnfd/vnfd.types.ts';
import type { DestinationChoice, ScoreInput } from './decision.types.ts';

/** What the engine knows of one VNFC: short of headroom since `since` (epoch s), or not. */
export type CapacityState =
  | { readonly short: true; readonly vnfInstanceId: string; readonly since: number; readonly host: string }
  | { readonly short: false };

export interface CapacityObservation {
  readonly score: ScoreInput;
  readonly policy: Pick<ProactiveMigrationPolicy, 'scoreThreshold' | 'hysteresis'>;
  /** The destination ranking decide() asked for in this window, if it asked. */
  readonly ranking?: DestinationChoice;
}

export interface CapacityStep {
  readonly state: CapacityState | undefined;
  /** What to publish: `raise` (scaleOut true), `clear` (scaleOut false), or nothing. */
  readonly change?: 'raise' | 'clear';
  readonly reason?: string;
}

const NOT_SHORT: CapacityState = Object.freeze({ short: false });

export function nextCapacity(prev: CapacityState | undefined, obs: CapacityObservation): CapacityStep {
  const { score, policy, ranking } = obs;
  if (ranking && ranking.ranked.length === 0) {
    if (prev?.short) return { state: prev };
    return {
      state: { short: true, vnfInstanceId: score.vnfInstanceId, since: score.ts, host: score.host },
      change: 'raise',
      reason: `no host has room to live-migrate off ${score.host} (${ranking.excluded.length} excluded by ${ranking.strategy}): scale out`,
    };
  }
  const clearBecause = ranking
    ? `destination ${ranking.ranked[0].host} found`
    : !score.inFailure && score.failureScore < policy.scoreThreshold - policy.hysteresis
      ? `failure score ${score.failureScore} fell below ${Math.round((policy.scoreThreshold - policy.hysteresis) * 1000) / 1000}`
      : undefined;
  if (clearBecause === undefined || prev?.short === false) return { state: prev };
  return { state: NOT_SHORT, change: 'clear', reason: prev ? `headroom again: ${clearBecause}` : `no shortage known: ${clearBecause}` };
}

/** Short VNFCs per VNF instance. */
export function shortCounts(states: ReadonlyMap<string, CapacityState>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of states.values()) if (s.short) counts.set(s.vnfInstanceId, (counts.get(s.vnfInstanceId) ?? 0) + 1);
  return counts;
}

/** Short VNFCs of one VNF instance. */
export function shortVnfcsOf(states: ReadonlyMap<string, CapacityState>, vnfInstanceId: string): number {
  let n = 0;
  for (const s of states.values()) if (s.short && s.vnfInstanceId === vnfInstanceId) n++;
  return n;
}
