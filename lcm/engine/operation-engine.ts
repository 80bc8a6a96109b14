import { randomUUID } from 'node:crypto';
import type { Logger } from '../../platform/logger.ts';
import { ProblemError } from '../../platform/http/problem-details.ts';
import type { VimDriver } from '../vim/vim.port.ts';
import type { VnfdModel } from '../vnfd/vnfd.types.ts';
import { GrantRefused, type GrantPort, type GrantRequest } from '../grant/grant.port.ts';
import type { LcmOpOccRepository } from '../op-occs/lcm-op-occ.repository.ts';
import type { OpOccError, OpProgress, VnfLcmOpOcc } from '../op-occs/lcm-op-occ.types.ts';
import type { VnfInstance } from '../instances/vnf-instance.types.ts';
import type { DestinationChooser } from './destination-chooser.ts';
import { transitionStored, StaleOperationState, type TransitionDeps } from './op-transitions.ts';
import { rollbackRefusal, type EngineSettings, type OperationPlan, type StepContext } from './operation-step.ts';
import { OPERATION_PLANS } from './plans/operation-plans.ts';

/** What the engine needs of the VNF package catalogue (lcm/vnfd/): a VNFD by id. */
export interface VnfdLookup {
  get(vnfdId: string): VnfdModel | undefined | Promise<VnfdModel | undefined>;
}

export interface EngineDeps extends TransitionDeps {
  readonly ops: LcmOpOccRepository;
  readonly vim: VimDriver;
  readonly vnfds: VnfdLookup;
  readonly grants: GrantPort;
  readonly destinations: DestinationChooser;
  readonly settings: EngineSettings;
  readonly log: Logger;
}

class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

/** The op occ `error` for a failure: ProblemDetails of a typed error, else a 500 naming the cause. */
export function problemOf(err: unknown): OpOccError {
  if (err instanceof ProblemError) return { title: err.title, status: err.status, detail: err.detail };
  if (err instanceof GrantRefused) return { title: 'Grant refused', status: err.status, detail: `Grant failed: ${err.message}.` };
  return { title: 'Internal Server Error', status: 500, detail: `The operation failed: ${(err as Error)?.message ?? String(err)}.` };
}

/** The engine's view of one operation: document, progress and its plan inputs. */
interface Loaded {
  op: VnfLcmOpOcc;
  progress: OpProgress;
  instance: VnfInstance;
  vnfd: VnfdModel;
}

/**
 * Drives operation occurrences through the state machine: STARTING (prepare, grant) ->
 * PROCESSING (the plan's steps, progress persisted after each) -> COMPLETED or FAILED_TEMP,
 * and ROLLING_BACK (compensations in reverse) -> ROLLED_BACK. One process drives an
 * operation at a time (a renewed lease in the database); an operation nobody drives, after
 * a crash, is picked up again with `resuming` set and reconciled with the VIM.
 */
export class OperationEngine {
  readonly owner = randomUUID();
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: EngineDeps) {}

  /** Starts driving the operation in the background (no-op when it is already driven here). */
  launch(opId: string, opts: { resuming?: boolean } = {}): void {
    if (this.running.has(opId) || this.abort.signal.aborted) return;
    const run = this.drive(opId, opts.resuming ?? false)
      .catch((err) => this.deps.log.error({ err, vnfLcmOpOccId: opId }, 'operation run stopped by an unexpected error'))
      .finally(() => this.running.delete(opId));
    this.running.set(opId, run);
  }

  /** Resolves once no operation is being driven by this process (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Stops driving: runs end at their next VIM wait; the operations stay as they are, to be resumed. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  /** Renews the leases of what this process drives (called periodically by the module). */
  async renewLeases(): Promise<void> {
    if (this.running.size) await this.deps.ops.renew(this.owner, this.deps.settings.leaseMs);
  }

  /** Why `op` cannot be rolled back (RollbackNotSupported), or undefined. */
  async rollbackRefusal(op: VnfLcmOpOcc): Promise<string | undefined> {
    const loaded = await this.load(op.id);
    if (!loaded) return 'the operation or its instance is gone';
    return rollbackRefusal(this.plan(loaded), loaded.progress);
  }

  private async load(opId: string): Promise<Loaded | undefined> {
    const stored = await this.deps.ops.getWithProgress(opId);
    if (!stored) return undefined;
    const instance = await this.deps.instances.get(stored.doc.vnfInstanceId);
    if (!instance) return undefined;
    const params = stored.doc.operationParams as { vnfdId?: string } | undefined;
    const vnfdId = stored.doc.operation === 'MODIFY_INFO' && params?.vnfdId ? params.vnfdId : instance.vnfdId;
    const vnfd = await this.deps.vnfds.get(vnfdId);
    if (!vnfd) throw new ProblemError(422, 'Unprocessable Entity', `VNFD ${vnfdId} of VNF instance ${instance.id} is not known.`);
    return { op: stored.doc, progress: stored.progress, instance, vnfd };
  }

  private plan(l: Loaded): OperationPlan {
    return OPERATION_PLANS[l.op.operation]({ op: l.op, instance: l.instance, vnfd: l.vnfd });
  }

  private context(l: Loaded, resuming: boolean): StepContext {
    const { deps } = this;
    return {
      op: l.op,
      instance: l.instance,
      vnfd: l.vnfd,
      vim: deps.vim,
      destinations: deps.destinations,
      settings: deps.settings,
      log: deps.log.child({ vnfLcmOpOccId: l.op.id, vnfInstanceId: l.op.vnfInstanceId, operation: l.op.operation }),
      signal: this.abort.signal,
      clock: deps.clock,
      resuming,
      progress: l.progress,
      checkpoint: async () => {
        if (!(await deps.ops.saveProgress(l.op.id, l.progress, this.owner))) throw new LeaseLost(`lost operation ${l.op.id}`);
      },
    };
  }

  private async drive(opId: string, resuming: boolean): Promise<void> {
    if (!(await this.deps.ops.claim(opId, this.owner, this.deps.settings.leaseMs))) return;
    try {
      const state = (await this.deps.ops.get(opId))?.operationState;
      if (state === 'STARTING' || state === 'PROCESSING') await this.forward(opId, state, resuming);
      else if (state === 'ROLLING_BACK') await this.backward(opId);
    } catch (err) {
      if (err instanceof LeaseLost || err instanceof StaleOperationState || this.abort.signal.aborted) {
        this.deps.log.info({ vnfLcmOpOccId: opId, why: (err as Error).message }, 'operation run ended; its state is kept');
      } else throw err;
    } finally {
      await this.deps.ops.release(opId, this.owner).catch(() => undefined);
    }
  }

  private async forward(opId: string, state: 'STARTING' | 'PROCESSING', resuming: boolean): Promise<void> {
    const failEvent = state === 'STARTING' ? 'grantRefused' : 'stepFailed';
    let loaded: Loaded | undefined;
    let plan: OperationPlan;
    try {
      loaded = await this.load(opId);
      if (!loaded) return;
      plan = this.plan(loaded);
    } catch (err) {
      await transitionStored(this.deps, opId, state, failEvent, { error: problemOf(err) });
      return;
    }
    const ctx = this.context(loaded, resuming);
    if (state === 'STARTING') {
      try {
        if (!ctx.progress.grant) {
          await plan.prepare?.(ctx);
          if (plan.grant) {
            const grant = await this.deps.grants.request({
              ...plan.grant(ctx),
              vnfInstanceId: loaded.op.vnfInstanceId,
              vnfLcmOpOccId: loaded.op.id,
              vnfdId: loaded.instance.vnfdId,
              // Every operation with a grant step is one the Grant interface knows (MODIFY_INFO has none).
              operation: loaded.op.operation as GrantRequest['operation'],
              isAutomaticInvocation: loaded.op.isAutomaticInvocation,
              _links: { vnfLcmOpOcc: { href: this.deps.links.opOcc(opId) }, vnfInstance: { href: this.deps.links.vnfInstance(loaded.op.vnfInstanceId) } },
            });
            ctx.progress.grant = { id: grant.id, local: this.deps.grants.local, body: grant };
            await ctx.checkpoint();
          }
        }
      } catch (err) {
        if (err instanceof LeaseLost || this.abort.signal.aborted) throw err;
        ctx.log.warn({ err }, 'grant failed; the operation is rolled back');
        await transitionStored(this.deps, opId, 'STARTING', 'grantRefused', { error: problemOf(err) });
        return;
      }
      await transitionStored(this.deps, opId, 'STARTING', 'granted', { grantId: ctx.progress.grant?.id });
    }
    for (const step of plan.steps) {
      if (ctx.progress.done.includes(step.name)) continue;
      ctx.progress.current = step.name;
      await ctx.checkpoint();
      try {
        await step.run(ctx);
      } catch (err) {
        if (err instanceof LeaseLost || this.abort.signal.aborted) throw err;
        ctx.log.warn({ err, step: step.name }, 'step failed; the operation is FAILED_TEMP');
        await transitionStored(this.deps, opId, 'PROCESSING', 'stepFailed', { error: problemOf(err), instance: settledInstance(plan, ctx) });
        return;
      }
      ctx.progress.done.push(step.name);
      delete ctx.progress.current;
      await ctx.checkpoint();
    }
    let result;
    try {
      result = plan.complete(ctx);
    } catch (err) {
      await transitionStored(this.deps, opId, 'PROCESSING', 'stepFailed', { error: problemOf(err) });
      return;
    }
    await transitionStored(this.deps, opId, 'PROCESSING', 'succeeded', {
      instance: result.instance,
      ...(result.affectedVnfcs?.length && { resourceChanges: { affectedVnfcs: [...result.affectedVnfcs] } }),
      ...(result.changedInfo && { changedInfo: result.changedInfo }),
    });
    ctx.log.info('operation completed');
  }

  private async backward(opId: string): Promise<void> {
    let settled: VnfInstance | undefined;
    try {
      const loaded = await this.load(opId);
      if (!loaded) return;
      const plan = this.plan(loaded);
      const ctx = this.context(loaded, true);
      const ran = plan.steps.filter((s) => ctx.progress.done.includes(s.name) || ctx.progress.current === s.name).reverse();
      for (const step of ran) {
        if (ctx.progress.compensated.includes(step.name)) continue;
        await step.compensate?.(ctx);
        ctx.progress.compensated.push(step.name);
        await ctx.checkpoint();
      }
      settled = settledInstance(plan, ctx);
    } catch (err) {
      if (err instanceof LeaseLost || this.abort.signal.aborted) throw err;
      this.deps.log.warn({ err, vnfLcmOpOccId: opId }, 'compensation failed; the operation is FAILED_TEMP');
      await transitionStored(this.deps, opId, 'ROLLING_BACK', 'compensationFailed', { error: problemOf(err) });
      return;
    }
    await transitionStored(this.deps, opId, 'ROLLING_BACK', 'compensated', { instance: settled });
  }
}

/** What of a stopped operation stays in the VIM, for the instance document; never fails the transition. */
function settledInstance(plan: OperationPlan, ctx: StepContext): VnfInstance | undefined {
  try {
    return plan.settled?.(ctx);
  } catch (err) {
    ctx.log.warn({ err }, 'could not record the partial result');
    return undefined;
  }
}
