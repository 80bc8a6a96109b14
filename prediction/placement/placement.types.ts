/**
 * Inputs and outputs of destination ranking: the VM to move, the candidate compute hosts with
 * their allocation and utilisation forecast, and the operator's policy. Utilisation is in %
 * of the host, failure risk a probability (the host's failureScore).
 */
import type { HorizonForecast } from '../capacity/host-forecast.ts';

export interface Resources {
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

export interface MigratingVm {
  flavor: Resources;
  /** The destination must be in this availability zone, when given. */
  availabilityZone?: string;
  /** The destination must be in this host aggregate, when given. */
  aggregate?: string;
  /** Server ids the VM must not share a host with (its anti-affinity server group). */
  antiAffinityGroup?: readonly string[];
  currentHost: string;
  /** How long the live migration is expected to take, s. */
  expectedMigrationSeconds: number;
  /**
   * Share of its flavor the VM uses (0-1), added to the destination's forecast; default 1 for
   * both (CPU: busy on every vCPU, the worst case; memory: all of its RAM, which a migration copies).
   */
  load?: { cpu?: number; mem?: number };
}

export interface CandidateHost {
  name: string;
  az: string;
  aggregates: readonly string[];
  /** What the host can allocate (after the VIM's allocation ratios). */
  capacity: Resources;
  /** What is allocated now. */
  used: Resources;
  /** Server ids running on the host. */
  servers: readonly string[];
  /** Utilisation forecast, %, at 1, 5 and 15 minutes (prediction/capacity). */
  forecast: { cpu: HorizonForecast; mem: HorizonForecast };
  /** Probability that the host itself fails soon (its failureScore), 0-1. */
  failureRisk?: number;
}

export interface PlacementPolicy {
  /** Highest forecast utilisation, %, a destination may reach with the VM during the migration (default 90). */
  maxUtilisation?: number;
  /** Hosts whose failure risk is at or above this are not destinations (default 0.5). */
  riskThreshold?: number;
}

export type ExclusionRule =
  | 'current-host'
  | 'availability-zone'
  | 'aggregate'
  | 'anti-affinity'
  | 'at-risk'
  | 'no-room'
  | 'no-forecast'
  | 'over-utilisation';

export interface RankedDestination {
  host: string;
  /** Headroom as a share, 0-1 (headroom / 100); higher is better. */
  score: number;
  /** 100 % minus the busier of CPU and memory at its forecast peak during the migration, with the VM added. */
  headroom: number;
  /** Forecast peaks during the migration with the VM added, %. */
  cpuPeak: number;
  memPeak: number;
  reason: string;
}

export interface ExcludedDestination {
  host: string;
  /** Every rule the host breaks, in the order checked. */
  rules: ExclusionRule[];
  /** One line naming them. */
  reason: string;
}

export interface DestinationRanking {
  /** Best first. */
  ranked: RankedDestination[];
  excluded: ExcludedDestination[];
}
