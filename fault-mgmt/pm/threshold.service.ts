/**
 * Threshold use cases (SOL003 6.4.5-6.4.6): create, read, list, modify, delete; and `apply`, which
 * runs new measured values through the thresholds on them and notifies each crossing once
 * (ThresholdCrossedNotification, SOL003 6.5.2.4), in the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ListPage, ListQuery, ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import { ThresholdNotFound, type PmLinks } from './pm-errors.ts';
import { measuredObjects, parseThresholdRequest } from './pm-job-request.ts';
import { appliesTo, parsePerformanceMetric } from './pm-measurements.ts';
import { modifyCallback, type CallbackModificationsResult } from './pm-modifications.ts';
import type { PmNotificationTargets } from './pm-notification-target.ts';
import { applyValues } from './threshold-crossing.ts';
import type { Threshold, ThresholdRepository } from './threshold.repository.ts';
import type { VnfTopologySource } from './vnf-topology.ts';

export const THRESHOLD_QUERY: ResourceQuerySpec = { name: 'Threshold', defaultExcluded: [], neverReturned: ['authentication'] };

/** One measured value of a VNF instance (or of one of its VNFCs). */
export interface Observation {
  /** Measurement name (pm-measurements.ts), e.g. VFailureScoreVnf. */
  readonly measurement: string;
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly value: number;
  /** When the value was measured, epoch s; a value older than one already applied is ignored. */
  readonly at: number;
}

export interface ThresholdServiceDeps {
  readonly db: Database;
  readonly thresholds: ThresholdRepository;
  readonly targets: PmNotificationTargets;
  readonly topology: VnfTopologySource;
  readonly links: PmLinks;
  readonly log: Logger;
  readonly clock: () => number;
}

/** Whether an observation is of the object the threshold watches (objectType, sub-objects, metric instance). */
function watches(t: Threshold, o: Observation): boolean {
  if (o.vnfInstanceId !== t.objectInstanceId) return false;
  const metric = parsePerformanceMetric(t.criteria.performanceMetric);
  if (typeof metric === 'string' || metric.measurement.name !== o.measurement) return false;
  if (!appliesTo(metric, o.vnfInstanceId, o.vnfcInstanceId)) return false;
  if (t.objectType === 'Vnf') return o.vnfcInstanceId === undefined;
  return o.vnfcInstanceId !== undefined && (!t.subObjectInstanceIds || t.subObjectInstanceIds.includes(o.vnfcInstanceId));
}

export class ThresholdService {
  constructor(private readonly deps: ThresholdServiceDeps) {}

  async create(body: unknown): Promise<Threshold> {
    const { deps } = this;
    const req = parseThresholdRequest(body);
    measuredObjects(await deps.topology.vnfs(), req.objectType, [req.objectInstanceId], req.subObjectInstanceIds, true);
    await deps.targets.test(req.callbackUri, req.authentication);
    const id = randomUUID();
    const threshold: Threshold = {
      id,
      objectType: req.objectType,
      objectInstanceId: req.objectInstanceId,
      ...(req.subObjectInstanceIds && { subObjectInstanceIds: [...req.subObjectInstanceIds] }),
      criteria: req.criteria,
      callbackUri: req.callbackUri,
      _links: { self: { href: deps.links.threshold(id) }, object: { href: deps.links.vnfInstance(req.objectInstanceId) } },
    };
    await deps.db.transaction(async (tx) => {
      await deps.thresholds.insert(tx, threshold, req.metric.measurement.name);
      await deps.targets.insert(tx, { id, callbackUri: req.callbackUri, authentication: req.authentication, selfHref: threshold._links.self.href });
    });
    deps.log.info({ thresholdId: id, object: req.objectInstanceId, metric: req.criteria.performanceMetric }, 'threshold created');
    return threshold;
  }

  async get(id: string): Promise<Threshold> {
    const t = await this.deps.thresholds.get(id);
    if (!t) throw new ThresholdNotFound(id);
    return t;
  }

  list(query: ListQuery, pageSize: number): Promise<ListPage> {
    return this.deps.thresholds.listPage(query, pageSize);
  }

  /** SOL003 6.4.6.3.4: a new callbackUri and/or credentials, after the callback test (pm-modifications.ts). */
  modify(id: string, body: unknown): Promise<CallbackModificationsResult> {
    const { deps } = this;
    return modifyCallback(deps, {
      kind: 'thresholdId',
      id,
      get: () => this.get(id),
      setCallbackUri: (tx, uri) => deps.thresholds.setCallbackUri(tx, id, uri),
      notFound: () => new ThresholdNotFound(id),
    }, body);
  }

  async delete(id: string): Promise<void> {
    const { deps } = this;
    const deleted = await deps.db.transaction(async (tx) => {
      if (!(await deps.thresholds.delete(tx, id))) return false;
      await deps.targets.delete(tx, id);
      return true;
    });
    if (!deleted) throw new ThresholdNotFound(id);
    deps.log.info({ thresholdId: id }, 'threshold deleted');
  }

  /** Applies the values, in order, to every threshold watching them; returns the crossings notified. */
  async apply(tx: Transaction, observations: readonly Observation[]): Promise<number> {
    const { deps } = this;
    if (observations.length === 0) return 0;
    const rows = await deps.thresholds.lockFor(
      tx,
      [...new Set(observations.map((o) => o.measurement))],
      [...new Set(observations.map((o) => o.vnfInstanceId))],
    );
    let notified = 0;
    for (const { threshold: t, state, observedAt } of rows) {
      // Values in time order; one older than the newest applied (a late or reordered delivery) is dropped.
      const seen = { ...observedAt };
      const relevant = observations
        .filter((o) => watches(t, o))
        .sort((a, b) => a.at - b.at)
        .filter((o) => {
          const key = o.vnfcInstanceId ?? '';
          if (seen[key] !== undefined && o.at < seen[key]) return false;
          seen[key] = o.at;
          return true;
        });
      if (relevant.length === 0) continue;
      const result = applyValues(state, relevant.map((o) => ({ key: o.vnfcInstanceId ?? '', value: o.value })), t.criteria.simpleThresholdDetails);
      await deps.thresholds.saveState(tx, t.id, result.state, seen);
      for (const c of result.crossings) {
        const o = relevant[c.index];
        await deps.targets.enqueue(tx, t.id, {
          notificationType: 'ThresholdCrossedNotification',
          timeStamp: new Date(deps.clock() * 1000).toISOString(),
          thresholdId: t.id,
          crossingDirection: c.direction,
          objectType: t.objectType,
          objectInstanceId: t.objectInstanceId,
          ...(o.vnfcInstanceId !== undefined && { subObjectInstanceId: o.vnfcInstanceId }),
          performanceMetric: t.criteria.performanceMetric,
          performanceValue: c.value,
          _links: { objectInstance: { href: deps.links.vnfInstance(t.objectInstanceId) }, threshold: { href: t._links.self.href } },
        });
        deps.log.info({ thresholdId: t.id, direction: c.direction, value: c.value, vnfcInstanceId: o.vnfcInstanceId }, 'threshold crossed');
        notified++;
      }
    }
    return notified;
  }
}
