/**
 * Reads a measurement for one measured object over whole collection periods: VM gauges from
 * the monitoring store's window reader (cpu_util, mem_util of each VNFC's VM), and the failure
 * score from the scores online prediction stores (table failure_scores: the highest score of
 * the period, for the VNF or the VNFC).
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { WindowReader } from '../store/window-reader.ts';
import type { Measurement } from './pm-measurements.ts';
import type { MeasuredObject } from './pm-job-request.ts';
import { combineVms, onGrid, windowGrid, type WindowValues } from './pm-values.ts';

/** Port: a measurement's value per window of `step` seconds over `[start, end)` (aligned). */
export interface MeasurementReader {
  read(object: MeasuredObject, measurement: Measurement, start: number, end: number, step: number): Promise<WindowValues>;
}

/** The VMs whose readings make up the object: every VNFC's VM for a VNF, the VNFC's own for a VNFC. */
export function vmsOf(object: MeasuredObject): string[] {
  const vnfcs = object.subObjectInstanceId === undefined
    ? object.vnf.vnfcs
    : object.vnf.vnfcs.filter((c) => c.id === object.subObjectInstanceId);
  return [...new Set(vnfcs.map((c) => c.vm))];
}

export function createMeasurementReader(deps: { db: Database; reader: WindowReader }): MeasurementReader {
  async function failureScores(object: MeasuredObject, start: number, end: number, step: number): Promise<Map<number, number>> {
    const [kind, id] = object.subObjectInstanceId === undefined ? ['vnf', object.vnf.vnfInstanceId] : ['vnfc', object.subObjectInstanceId];
    const rows = await deps.db.sequelize.query<{ k: number; v: number }>(
      `SELECT floor(extract(epoch FROM ts) / $3)::bigint * $3 AS k, max(failure_score) AS v FROM failure_scores
        WHERE entity_kind = $1 AND entity_id = $2 AND ts >= to_timestamp($4) AND ts < to_timestamp($5) GROUP BY 1`,
      { bind: [kind, id, step, start, end], type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [Number(r.k), Number(r.v)]));
  }

  return {
    async read(object, measurement, start, end, step) {
      const grid = windowGrid(start, end, step);
      const source = measurement.source;
      if (source.kind === 'failureScore') return onGrid(await failureScores(object, start, end, step), grid);
      const perVm = await Promise.all(
        vmsOf(object).map((vm) =>
          // No forward fill: a period without readings has no value rather than a repeated one.
          deps.reader.read({ entity: { kind: 'vm', id: vm }, metric: source.metric, start, end, step, agg: source.agg, fillLimit: 0 }),
        ),
      );
      return combineVms(perVm, source.agg, grid);
    },
  };
}
