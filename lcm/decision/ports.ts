/**
 * What the decision engine needs from the rest of lcm/: small ports, implemented over the LCM
 * operation engine's port, the VNF package catalogue and the capacity forecaster
 * (lcm-adapters.ts), and faked in tests.
 */
import type { HorizonForecast } from '../../prediction/capacity/host-forecast.ts';
import type { LcmPort as EnginePort } from '../engine/lcm.port.ts';
import type { ProactiveMigrationPolicy, VduResources } from '../vnfd/vnfd.types.ts';

/**
 * The LCM's port (lcm/engine/lcm.port.ts): a proactive migration (or the heal fallback) is a
 * HEAL operation with isAutomaticInvocation true; the decision engine needs only requestHeal.
 */
export type LcmPort = Pick<EnginePort, 'requestHeal'>;

/** What is running on VNF instances now: the decision engine never acts during either. */
export interface LcmGuards {
  /** Of the given instances, those with an LCM operation in progress, and those the NFVO is scaling. */
  busy(vnfInstanceIds: readonly string[]): Promise<{ lcm: ReadonlySet<string>; scaling: ReadonlySet<string> }>;
}

/** A VNFC the engine may act on: where it runs and the policy its VNFD gives its VDU. */
export interface MonitoredVnfc {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly vduId: string;
  /** The VIM's server id. */
  readonly serverId: string;
  readonly host: string;
  readonly policy: ProactiveMigrationPolicy;
  readonly flavor: VduResources;
  /** Expected live-migration time, s (from the VIM's figures or the last migrations). */
  readonly expectedMigrationSeconds: number;
  readonly availabilityZone?: string;
  /** Server ids of its anti-affinity group. */
  readonly antiAffinityGroup?: readonly string[];
  /** The VNFD's scaling aspect that adds instances of its VDU (the first, when several do): what a scale-out would scale. */
  readonly scalingAspectId?: string;
}

export interface MonitoredVnfcs {
  /** The VNFCs among `keys` (vnfcKey) that a migration policy targets; others are left out. */
  resolve(keys: readonly { vnfInstanceId: string; vnfcInstanceId?: string }[]): Promise<ReadonlyMap<string, MonitoredVnfc>>;
}

export interface HostUtilisationForecast {
  readonly cpu: HorizonForecast;
  readonly mem: HorizonForecast;
}

export interface HostForecasts {
  /** Forecasts of the hosts that have one (absent hosts are excluded by `forecast`). */
  forecast(hosts: readonly string[], now: number): Promise<ReadonlyMap<string, HostUtilisationForecast>>;
}
