import type { Logger } from '../../platform/logger.ts';
import type { VimDriver } from '../vim/vim.port.ts';
import type { VnfdModel } from '../vnfd/vnfd.types.ts';
import type { GrantRequest } from '../grant/grant.port.ts';
import type { VnfInstance } from '../instances/vnf-instance.types.ts';
import type { AffectedVnfc, OpProgress, VnfLcmOpOcc } from '../op-occs/lcm-op-occ.types.ts';
import type { DestinationChooser } from './destination-chooser.ts';

/** Timings of the engine (from configuration; see createLcmModule). */
export interface EngineSettings {
  /** How long a process holds an operation without renewing (another takes over after). */
  readonly leaseMs: number;
  /** How often the VIM is asked about a migration or a server in transition. */
  readonly pollMs: number;
  /** Longest wait for a server to become ACTIVE (boot, reboot, rebuild). */
  readonly serverActiveTimeoutMs: number;
  /** Longest live migration; then it is aborted and the operation is FAILED_TEMP. */
  readonly migrationTimeoutMs: number;
  /** After a restart, how long to look for a migration that was requested but is not listed yet. */
  readonly migrationStartGraceMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  leaseMs: 30_000,
  pollMs: 1_000,
  serverActiveTimeoutMs: 600_000,
  migrationTimeoutMs: 900_000,
  migrationStartGraceMs: 30_000,
};

/** What a step sees: the operation, the instance as it was when the operation started, the VIM. */
export interface StepContext {
  readonly op: VnfLcmOpOcc;
  readonly instance: VnfInstance;
  readonly vnfd: VnfdModel;
  readonly vim: VimDriver;
  readonly destinations: DestinationChooser;
  readonly settings: EngineSettings;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly clock: () => Date;
  /**
   * The operation was picked up again after a restart: a VIM call whose outcome the
   * progress record does not know (it was requested, then the process died) is never
   * repeated; what the VIM says happened is what happened.
   */
  readonly resuming: boolean;
  /** Persisted progress; steps keep their own data under `progress.data[stepName]`. */
  readonly progress: OpProgress;
  /** Writes the progress now: after recording an intent, before the VIM call it announces. */
  checkpoint(): Promise<void>;
}

/** One step of an operation, paired with its compensation (the Medusa workflow model). */
export interface OperationStep {
  readonly name: string;
  /** Does the step's work; must be safe to call again after a crash (it reconciles with the VIM). */
  run(ctx: StepContext): Promise<void>;
  /** Undoes what run did, also when it ran only in part; idempotent. Absent: nothing to undo. */
  compensate?(ctx: StepContext): Promise<void>;
  /** Nothing can undo it (a deleted server): once it ran, the operation cannot be rolled back. */
  readonly irreversible?: boolean;
}

export interface OperationResult {
  readonly instance: VnfInstance;
  readonly affectedVnfcs?: readonly AffectedVnfc[];
  readonly changedInfo?: Record<string, unknown>;
}

/** The grant request minus what the engine fills in from the operation. */
export type GrantContents = Omit<GrantRequest, 'vnfInstanceId' | 'vnfLcmOpOccId' | 'vnfdId' | 'operation' | 'isAutomaticInvocation' | '_links'>;

/** The steps of one operation occurrence, rebuilt from its parameters and progress whenever it runs. */
export interface OperationPlan {
  /** Runs once before the grant (STARTING): decides ids and placement, recorded in progress. */
  prepare?(ctx: StepContext): Promise<void>;
  /** What to ask the NFVO for; undefined: the operation needs no grant (MODIFY_INFO). */
  grant?(ctx: StepContext): GrantContents;
  readonly steps: readonly OperationStep[];
  /** The instance and the resource changes once every step is done. */
  complete(ctx: StepContext): OperationResult;
  /**
   * The instance when the operation stops short (FAILED_TEMP, ROLLED_BACK) but some of its
   * changes stay in the VIM (a VNFC already migrated): undefined when nothing stays.
   */
  settled?(ctx: StepContext): VnfInstance | undefined;
}

export interface PlanInput {
  readonly op: VnfLcmOpOcc;
  readonly instance: VnfInstance;
  readonly vnfd: VnfdModel;
}

export type PlanFactory = (input: PlanInput) => OperationPlan;

/** The data a step keeps in the progress record, created on first use. */
export function stepData<T extends object>(ctx: Pick<StepContext, 'progress'>, key: string, init: () => T): T {
  const existing = ctx.progress.data[key] as T | undefined;
  if (existing) return existing;
  const created = init();
  ctx.progress.data[key] = created;
  return created;
}

/** Why the operation cannot be rolled back now, or undefined when it can. */
export function rollbackRefusal(plan: OperationPlan, progress: OpProgress): string | undefined {
  const ran = plan.steps.filter((s) => progress.done.includes(s.name) || progress.current === s.name);
  const blocking = ran.find((s) => s.irreversible);
  return blocking ? `step '${blocking.name}' cannot be undone` : undefined;
}
