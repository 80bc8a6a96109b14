import type { LcmOperation } from '../../op-occs/lcm-op-occ.types.ts';
import type { PlanFactory } from '../operation-step.ts';
import { healPlan } from './heal.plan.ts';
import { instantiatePlan } from './instantiate.plan.ts';
import { modifyInfoPlan } from './modify-info.plan.ts';
import { scalePlan } from './scale.plan.ts';
import { terminatePlan } from './terminate.plan.ts';

/** The step list of each operation the plugin runs. */
export const OPERATION_PLANS: Readonly<Record<LcmOperation, PlanFactory>> = {
  INSTANTIATE: instantiatePlan,
  TERMINATE: terminatePlan,
  SCALE: scalePlan,
  HEAL: healPlan,
  MODIFY_INFO: modifyInfoPlan,
};
