/**
 * The monitoring query API (api/openapi/monitoring.yaml, mounted at /monitoring/v1):
 * GET /series, /values, /events and /snapshot. Handlers parse parameters and call the
 * readers; the aggregation semantics live in fault-mgmt/store.
 */
import type { Router } from 'express';
import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { BadRequest } from '../../platform/http/problem-details.ts';
import type { EntityKind, EntityResolver } from '../monitoring.types.ts';
import { EVENT_TYPE_PATTERN, type GaugeAggregation } from '../store/aligned-windows.ts';
import { createEventReader } from '../store/event-reader.ts';
import { createSnapshotReader } from '../store/snapshot-reader.ts';
import { AGGREGATIONS, type WindowReader } from '../store/window-reader.ts';
import { isoOf, parseChoice, parseEntity, parseInteger, parseList, parseTime, required, single } from './query-params.ts';

export interface MonitoringQueryRoutesDeps {
  readonly db: Database;
  readonly reader: WindowReader;
  readonly resolver: EntityResolver;
  readonly config: Pick<Config['monitoring'], 'stepSeconds' | 'fillLimit'>;
  /** Clock for a missing `end` (epoch seconds); tests pin it. */
  readonly now?: () => number;
}

/** Metrics one GET /values may ask for. */
export const MAX_METRICS_PER_REQUEST = 20;
const SOURCES = ['auto', 'raw', 'rollup'] as const;

type Query = Record<string, unknown>;

export function monitoringQueryRoutes(deps: MonitoringQueryRoutesDeps): (router: Router) => void {
  const events = createEventReader({ db: deps.db });
  const snapshots = createSnapshotReader({ db: deps.db });
  const now = deps.now ?? (() => Date.now() / 1000);

  return (router) => {
    router.get('/series', async (req, res) => {
      const q = req.query as Query;
      const entityText = single(q, 'entity');
      res.json(
        await snapshots.catalogue({
          entity: entityText === undefined ? undefined : parseEntity(entityText),
          limit: parseInteger(single(q, 'limit'), 'limit', { min: 1, max: 1000, default: 1000 }),
          offset: parseInteger(single(q, 'offset'), 'offset', { min: 0, max: 100_000_000, default: 0 }),
        }),
      );
    });

    router.get('/values', async (req, res) => {
      const q = req.query as Query;
      const entity = parseEntity(required(q, 'entity'));
      const metrics = parseList(required(q, 'metric'), 'metric', MAX_METRICS_PER_REQUEST);
      const start = parseTime(required(q, 'start'), 'start');
      const endText = single(q, 'end');
      const end = endText === undefined ? now() : parseTime(endText, 'end');
      const step = parseInteger(single(q, 'step'), 'step', { min: 1, max: 86_400, default: deps.config.stepSeconds });
      const agg = parseChoice<GaugeAggregation>(single(q, 'agg'), 'agg', AGGREGATIONS, 'last');
      const fillLimit = parseInteger(single(q, 'fill'), 'fill', { min: 0, max: 100_000, default: deps.config.fillLimit });
      const source = parseChoice(single(q, 'source'), 'source', SOURCES, 'auto');
      const series = [];
      for (const metric of metrics) {
        const s = await deps.reader.read({ entity, metric, start, end, step, agg, fillLimit, source });
        series.push({ metric, timestamps: s.timestamps.map(isoOf), values: s.values, quality: s.quality });
      }
      const first = Math.floor(start / step) * step;
      const windows = series[0]?.timestamps.length ?? 0;
      res.json({ entity, step, start: isoOf(first), end: isoOf(first + windows * step), series });
    });

    router.get('/events', async (req, res) => {
      const q = req.query as Query;
      const type = single(q, 'type');
      if (type !== undefined && !EVENT_TYPE_PATTERN.test(type)) {
        throw new BadRequest(`type must match ${EVENT_TYPE_PATTERN.source}, got '${type}'.`);
      }
      const startText = single(q, 'start');
      const endText = single(q, 'end');
      const start = startText === undefined ? undefined : parseTime(startText, 'start');
      const end = endText === undefined ? undefined : parseTime(endText, 'end');
      if (start !== undefined && end !== undefined && !(end > start)) throw new BadRequest('end must be later than start.');
      res.json(
        await events.list({
          type,
          host: single(q, 'host'),
          vm: single(q, 'vm'),
          vnfInstanceId: single(q, 'vnfInstanceId'),
          start,
          end,
          limit: parseInteger(single(q, 'limit'), 'limit', { min: 1, max: 10_000, default: 1000 }),
        }),
      );
    });

    router.get('/snapshot', async (req, res) => {
      const q = req.query as Query;
      const kind = single(q, 'kind');
      const kinds: EntityKind[] = kind === undefined ? ['host', 'vm'] : [parseChoice(kind, 'kind', ['host', 'vm'] as const, 'host')];
      const id = single(q, 'id');
      if (id === '') throw new BadRequest('id must not be empty.');
      res.json(await snapshots.snapshot({ kinds, id }));
    });
  };
}
