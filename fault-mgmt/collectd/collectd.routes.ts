/**
 * POST /collectd (write_http metrics node) and POST /collectd/notify (a node with
 * `Notifications true`). A body is validated whole, turned into one IngestBatch and
 * written with sink.write, which resolves after COMMIT; then 204, as collectd only
 * looks at the status. Invalid bodies: 400 with `invalidEntries`, nothing stored.
 */
import type { Request, RequestHandler, Router } from 'express';
import type { Counter, Registry } from 'prom-client';
import { rejectedCounter, sharedCounter } from '../monitoring.metrics.ts';
import type { Config } from '../../platform/config/config.ts';
import { BadRequest, ProblemError } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { EntityResolver, MonitoringSink } from '../monitoring.types.ts';
import { createCollectdState, prepareCollectdBatch, type CollectdState } from './collectd-ingest.ts';
import { BodyEntityResolver } from './entity-naming.ts';
import { isVirtNotification, notificationEvent, parseNotifyBody } from './notification.parser.ts';
import { inlineBodyDecoder, type CollectdBodyDecoder } from './collectd-decoder.ts';
import { countPostedValues, parseCollectdBody, type ValueList } from './value-list.parser.ts';

export interface CollectdMetrics {
  /** Posted values by result: stored (raw sample), null (NaN, counted only), rejected (in a rejected body). */
  readonly values: Counter<'result'>;
  /** Shared by every ingest endpoint (get-or-create, same label names). */
  readonly rejected: Counter<'endpoint' | 'reason'>;
  readonly notifications: Counter<'result'>;
}

export function collectdMetrics(registry: Registry): CollectdMetrics {
  return {
    values: sharedCounter(registry, 'vnfm_monitoring_collectd_values_total', 'collectd values posted to /collectd, by result', ['result']),
    rejected: rejectedCounter(registry),
    notifications: sharedCounter(registry, 'vnfm_monitoring_collectd_notifications_total', 'collectd notifications posted to /collectd/notify, by result', [
      'result',
    ]),
  };
}

export interface CollectdRoutesDeps {
  readonly sink: MonitoringSink;
  readonly resolver: EntityResolver;
  readonly config: Config['monitoring'];
  readonly metrics: PlatformMetrics;
  readonly log: Logger;
  /** Rate and canonical state; one per process (tests pass their own). */
  readonly state?: CollectdState;
  /** The receiver's clock, epoch seconds (tests). */
  readonly now?: () => number;
  /**
   * Parses and validates bodies the ingest router left as bytes (its `rawBodyPaths`);
   * default: on the request's thread. Bodies parsed already (express.json) are validated here.
   */
  readonly decoder?: CollectdBodyDecoder;
}

/** `?storeRates=true|false` overrides COLLECTD_STORE_RATES for one request. */
export function storeRatesOf(req: Pick<Request, 'query'>, fallback: boolean): boolean {
  const q = req.query.storeRates;
  if (q === undefined) return fallback;
  if (q === 'true') return true;
  if (q === 'false') return false;
  throw new BadRequest('The query parameter storeRates must be true or false.');
}

/** The `reason` label of a rejected request. */
function reasonOf(err: unknown): string {
  if (!(err instanceof ProblemError)) return 'error';
  if (err.status === 413) return 'too_large';
  if (err.extensions?.invalidEntries) return 'invalid_entries';
  return 'bad_request';
}

export function collectdRoutes(deps: CollectdRoutesDeps): (router: Router) => void {
  const m = collectdMetrics(deps.metrics.registry);
  const state = deps.state ?? createCollectdState();
  const now = deps.now ?? (() => Date.now() / 1000);
  const decoder = deps.decoder ?? inlineBodyDecoder;
  const log = deps.log.child({ component: 'collectd' });
  const limits = () => ({ now: now(), maxFutureSeconds: deps.config.maxFutureSeconds });

  const postValues: RequestHandler = async (req, res) => {
    let prepared;
    // Bodies the edge refuses (not strict UTF-8 JSON) are not collectd values: not counted.
    let counted = true;
    let posted = () => countPostedValues(req.body);
    try {
      let lists: ValueList[];
      if (Buffer.isBuffer(req.body)) {
        const d = await decoder.decode(req.body, limits()).catch((err: unknown) => {
          counted = false; // the decoder failed, not the body
          throw err;
        });
        if (!d.ok) {
          counted = d.stage === 'entries';
          posted = () => d.postedValues;
          throw d.problem;
        }
        lists = d.lists;
        posted = () => lists.reduce((n, vl) => n + vl.values.length, 0);
      } else lists = parseCollectdBody(req.body, limits());
      const storeRates = storeRatesOf(req, deps.config.collectdStoreRates);
      prepared = prepareCollectdBatch(lists, { storeRates, resolver: deps.resolver, state });
    } catch (err) {
      if (counted) {
        m.values.inc({ result: 'rejected' }, posted());
        m.rejected.inc({ endpoint: 'collectd', reason: reasonOf(err) });
      }
      throw err;
    }
    const { batch, stored, nulls, undo } = prepared;
    if (batch.samples.length || batch.events.length) {
      try {
        await deps.sink.write(batch);
      } catch (err) {
        undo.rollback();
        log.warn({ err, samples: batch.samples.length }, 'collectd batch not stored');
        throw err;
      }
    }
    m.values.inc({ result: 'stored' }, stored);
    m.values.inc({ result: 'null' }, nulls);
    res.status(204).end();
  };

  const postNotifications: RequestHandler = async (req, res) => {
    let events;
    try {
      const names = new BodyEntityResolver(deps.resolver);
      events = parseNotifyBody(req.body, limits()).map((n) =>
        notificationEvent(n, isVirtNotification(n) ? names.vm({ host: n.host, pluginInstance: n.labels.virt ?? '' }) : names.host(n.host)),
      );
    } catch (err) {
      m.rejected.inc({ endpoint: 'collectd-notify', reason: reasonOf(err) });
      throw err;
    }
    if (events.length) await deps.sink.write({ samples: [], events });
    m.notifications.inc({ result: 'stored' }, events.length);
    res.status(204).end();
  };

  return (router) => {
    router.post('/collectd', postValues);
    router.post('/collectd/notify', postNotifications);
  };
}
