/**
 * Read side of the monitoring store: fixed-step, epoch-aligned series for any host, VM or
 * VNF, from the raw samples or the 1-minute rollups, and per-window event counts. The SQL
 * aggregates each window; aligned-windows.ts fills, marks gaps and combines.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { BadRequest } from '../../platform/http/problem-details.ts';
import type { EntityKind, EntityRef, EntityResolver } from '../monitoring.types.ts';
import {
  combineMean,
  EVENT_TYPE_PATTERN,
  eventCountWindows,
  eventTypeOf,
  fillWindows,
  useRollups,
  windowGrid,
  windowTimestamps,
  type FilledWindows,
  type GaugeAggregation,
  type WindowGrid,
  type WindowQuality,
} from './aligned-windows.ts';

export interface WindowQuery {
  entity: EntityRef;
  /** A series name, or 'events:<type>' for per-window event counts. */
  metric: string;
  /** Epoch seconds. */
  start: number;
  end: number;
  step: number;
  agg?: GaugeAggregation;
  fillLimit?: number;
  source?: 'auto' | 'raw' | 'rollup';
}

export interface AlignedSeries {
  entity: EntityRef;
  metric: string;
  start: number;
  step: number;
  timestamps: number[];
  values: (number | null)[];
  quality: ('observed' | 'filled' | 'gap')[];
}

export interface WindowReader {
  read(q: WindowQuery): Promise<AlignedSeries>;
}

export interface WindowReaderDeps {
  db: Database;
  resolver: EntityResolver;
  defaultStep: number;
  defaultFillLimit: number;
}

export const AGGREGATIONS: readonly GaugeAggregation[] = ['last', 'mean', 'min', 'max'];

/** Event columns that name each kind of entity. */
const EVENT_COLUMN: Record<EntityKind, string> = { host: 'host', vm: 'vm', vnf: 'vnf_instance_id' };

const WINDOW = (column: string) => `floor(extract(epoch FROM ${column}) / $2::int)::bigint`;

/**
 * The 1-minute rows of the series `$1` over [to_timestamp($3), to_timestamp($4)): the stored
 * rollups of the minutes that are up to date, and for the minutes still marked in
 * monitoring_rollup_pending (written since their last recomputation) the same aggregates
 * computed from the raw samples, so a rollup read never misses or double-counts a sample.
 * The range bounds are whole minutes (the rollup path needs a step that is a multiple of 60).
 */
const ROLLUP_MINUTES = `(
  WITH pending AS (
    SELECT bucket FROM monitoring_rollup_pending WHERE bucket >= to_timestamp($3) AND bucket < to_timestamp($4)
  )
  SELECT series_id, bucket, n, sum, min, max, last, last_ts FROM monitoring_rollups_1m
   WHERE series_id = ANY($1::int[]) AND bucket >= to_timestamp($3) AND bucket < to_timestamp($4)
     AND bucket NOT IN (SELECT bucket FROM pending)
  UNION ALL
  SELECT s.series_id, p.bucket, count(*), sum(s.value), min(s.value), max(s.value),
         (array_agg(s.value ORDER BY s.ts DESC))[1], max(s.ts)
    FROM pending p JOIN monitoring_samples s
      ON s.ts >= p.bucket AND s.ts < p.bucket + interval '1 minute' AND s.series_id = ANY($1::int[])
   GROUP BY 1, 2
) m`;

/**
 * One statement per (table, aggregation); each returns (series_id, k, v) for the series
 * `$1` (int[]), step `$2`, range [to_timestamp($3), to_timestamp($4)).
 * Rollups: mean = sum/n over the minutes of the window, last = the value with the latest last_ts.
 */
function windowSql(table: 'raw' | 'rollup', agg: GaugeAggregation): string {
  const raw = table === 'raw';
  const time = raw ? 'ts' : 'bucket';
  const from = raw
    ? `FROM monitoring_samples WHERE series_id = ANY($1::int[]) AND ts >= to_timestamp($3) AND ts < to_timestamp($4)`
    : `FROM ${ROLLUP_MINUTES}`;
  if (agg === 'last') {
    const value = raw ? 'value' : 'last';
    const order = raw ? 'ts' : 'last_ts';
    return `SELECT DISTINCT ON (series_id, k) series_id, k, v FROM (
        SELECT series_id, ${WINDOW(time)} AS k, ${value} AS v, ${order} AS o ${from}
      ) w ORDER BY series_id, k, o DESC`;
  }
  const expr = raw
    ? { mean: 'avg(value)', min: 'min(value)', max: 'max(value)' }[agg]
    : { mean: 'sum(sum) / sum(n)', min: 'min(min)', max: 'max(max)' }[agg];
  return `SELECT series_id, ${WINDOW(time)} AS k, ${expr} AS v ${from} GROUP BY 1, 2`;
}

export function createWindowReader(deps: WindowReaderDeps): WindowReader {
  const { db } = deps;

  async function seriesIds(kind: EntityKind, ids: readonly string[], metric: string): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await db.sequelize.query<{ id: number }>(
      `SELECT id FROM monitoring_series WHERE entity_kind = $1 AND entity_id = ANY($2::text[]) AND metric = $3 ORDER BY id`,
      { bind: [kind, [...ids], metric], type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.id);
  }

  /** Windowed values per series id, over the grid plus the `fillLimit` windows before it. */
  async function gaugeWindows(ids: number[], grid: WindowGrid, agg: GaugeAggregation, rollups: boolean, fillLimit: number) {
    const perSeries = new Map<number, Map<number, number>>(ids.map((id) => [id, new Map()]));
    if (ids.length === 0) return perSeries;
    const from = (grid.k0 - fillLimit) * grid.step;
    const to = (grid.k0 + grid.count) * grid.step;
    const rows = await db.sequelize.query<{ series_id: number; k: number; v: number }>(windowSql(rollups ? 'rollup' : 'raw', agg), {
      bind: [ids, grid.step, from, to],
      type: QueryTypes.SELECT,
    });
    for (const r of rows) perSeries.get(r.series_id)?.set(Number(r.k), Number(r.v));
    return perSeries;
  }

  async function readGauge(q: WindowQuery, grid: WindowGrid, fillLimit: number): Promise<FilledWindows> {
    const agg = q.agg ?? 'last';
    if (!AGGREGATIONS.includes(agg)) throw new BadRequest(`agg must be one of ${AGGREGATIONS.join(', ')}, got ${agg}.`);
    const rollups = useRollups(q.source ?? 'auto', grid, q.start, q.end);
    const own = await seriesIds(q.entity.kind, [q.entity.id], q.metric);
    if (own.length > 0 || q.entity.kind !== 'vnf') {
      const windows = await gaugeWindows(own, grid, agg, rollups, fillLimit);
      return fillWindows(grid, windows.get(own[0]) ?? new Map(), fillLimit);
    }
    // A VNF without series of its own: the mean of its VMs' windows (aligned-windows.combineMean).
    const vmSeries = await seriesIds('vm', deps.resolver.vmsOfVnf(q.entity.id), q.metric);
    const windows = await gaugeWindows(vmSeries, grid, agg, rollups, fillLimit);
    return combineMean(grid, [...windows.values()].map((observed) => fillWindows(grid, observed, fillLimit)));
  }

  async function readEvents(q: WindowQuery, type: string, grid: WindowGrid): Promise<FilledWindows> {
    if (!EVENT_TYPE_PATTERN.test(type)) {
      throw new BadRequest(`Event type '${type}' is not valid: lower-case letters, digits and '_', starting with a letter.`);
    }
    const rows = await db.sequelize.query<{ k: number; source: string; count: number }>(
      `SELECT ${WINDOW('ts')} AS k, source, sum(count)::bigint AS count FROM monitoring_events
        WHERE type = $1 AND ${EVENT_COLUMN[q.entity.kind]} = $5 AND ts >= to_timestamp($3) AND ts < to_timestamp($4)
        GROUP BY 1, 2`,
      {
        bind: [type, grid.step, grid.k0 * grid.step, (grid.k0 + grid.count) * grid.step, q.entity.id],
        type: QueryTypes.SELECT,
      },
    );
    return eventCountWindows(
      grid,
      rows.map((r) => ({ k: Number(r.k), source: r.source, count: Number(r.count) })),
    );
  }

  return {
    async read(q) {
      const step = q.step ?? deps.defaultStep;
      const fillLimit = q.fillLimit ?? deps.defaultFillLimit;
      if (!(q.entity.kind in EVENT_COLUMN)) throw new BadRequest(`Unknown entity kind ${q.entity.kind}: host, vm or vnf.`);
      const grid = windowGrid(q.start, q.end, step, fillLimit);
      const type = eventTypeOf(q.metric);
      const { values, quality } = type === undefined ? await readGauge(q, grid, fillLimit) : await readEvents(q, type, grid);
      return {
        entity: { kind: q.entity.kind, id: q.entity.id },
        metric: q.metric,
        start: grid.k0 * grid.step,
        step: grid.step,
        timestamps: windowTimestamps(grid),
        values,
        quality: quality as WindowQuality[],
      };
    },
  };
}
