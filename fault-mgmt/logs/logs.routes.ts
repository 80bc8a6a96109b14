import type { Router } from 'express';
import type { Config } from '../../platform/config/config.ts';
import { ProblemError } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { EntityResolver, EventRow, MonitoringSink } from '../monitoring.types.ts';
import { InvalidLogBatch, validateLogBatch, type LogBatch } from './log-batch.validator.ts';
import { eventOf, resolveGiven, type EventEntity, type GivenEntity } from './log-event.factory.ts';
import type { PatternCatalogue } from './log-pattern.catalogue.ts';
import { logsMetrics, type LogsMetrics } from './logs.metrics.ts';

export interface LogRoutesDeps {
  readonly sink: MonitoringSink;
  readonly resolver: EntityResolver;
  readonly catalogue: PatternCatalogue;
  readonly config: Pick<Config['monitoring'], 'maxFutureSeconds'>;
  readonly metrics: PlatformMetrics;
  readonly log: Logger;
  /** Epoch seconds; tests pin it. */
  readonly now?: () => number;
}

export interface LogsResponse {
  readonly received: number;
  readonly events: number;
  readonly unmatched: number;
  readonly duplicate: boolean;
}

/** The events of a valid batch: matched lines only; the others are counted. Pure but for the resolver. */
export function eventsOfBatch(batch: LogBatch, catalogue: PatternCatalogue, resolver: EntityResolver): { events: EventRow[]; unmatched: number } {
  const resolved = new Map<string, EventEntity>();
  const entityOf = (given: GivenEntity): EventEntity => {
    const key = `${given.host ?? ''}\0${given.vm ?? ''}\0${given.vnfInstanceId ?? ''}\0${given.vnfcInstanceId ?? ''}`;
    let e = resolved.get(key);
    if (!e) resolved.set(key, (e = resolveGiven(resolver, given)));
    return e;
  };
  const events: EventRow[] = [];
  let unmatched = 0;
  for (const line of batch.lines) {
    const match = catalogue.match(line.message);
    if (!match) {
      unmatched++;
      continue;
    }
    events.push(eventOf(line.time, match, batch.source, entityOf(line.entity), line.message));
  }
  return { events, unmatched };
}

/**
 * POST /logs: a batch of VNF log lines (JSON). The whole body is validated first; an
 * invalid line rejects the batch (400 with `invalidEntries`) and nothing is written.
 * Lines matching a pattern become events, stored in one transaction; the others are
 * counted. A repeated `batchId` is answered `duplicate: true` and stored once.
 */
export function logRoutes(deps: LogRoutesDeps): (router: Router) => void {
  const metrics: LogsMetrics = logsMetrics(deps.metrics.registry);
  const now = deps.now ?? (() => Date.now() / 1000);
  const log = deps.log.child({ component: 'logs' });
  return (router) => {
    router.post('/logs', async (req, res) => {
      let batch: LogBatch;
      try {
        batch = validateLogBatch(req.body, now(), deps.config.maxFutureSeconds);
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        metrics.rejected.inc({ endpoint: 'logs', reason: err instanceof InvalidLogBatch ? 'invalid_entries' : 'invalid_body' });
        throw err;
      }
      const { events, unmatched } = eventsOfBatch(batch, deps.catalogue, deps.resolver);
      let receipt = { events: 0, duplicate: false };
      if (events.length > 0 || batch.batchId !== undefined) {
        receipt = await deps.sink.write({ batchId: batch.batchId, samples: [], events });
      }
      if (!receipt.duplicate) {
        metrics.logLines.inc({ result: 'event' }, events.length);
        metrics.logLines.inc({ result: 'unmatched' }, unmatched);
      }
      log.debug({ lines: batch.lines.length, events: events.length, unmatched, duplicate: receipt.duplicate }, 'log batch');
      const body: LogsResponse = { received: batch.lines.length, events: receipt.events, unmatched, duplicate: receipt.duplicate };
      res.status(200).json(body);
    });
  };
}
