/**
 * Applies new indicator values: stores each as the VNF instance's current VnfIndicator and,
 * when the change is meaningful (indicator-catalogue.shouldNotify: deadband and minimum
 * interval), enqueues VnfIndicatorValueChangeNotification (SOL003 8.5.2.5) for the matching
 * subscriptions, in the same transaction.
 */
import type { Transaction } from 'sequelize';
import { uriPrefix, VNFIND, VNFLCM } from '../../platform/http/sol-api.ts';
import type { Logger } from '../../platform/logger.ts';
import { enqueueNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import { idOnlyFacts, type VnfInstanceFacts, type VnfInstanceFactsLookup } from '../../platform/sol/subscriptions/vnf-instance-filter.ts';
import { INDICATOR_NAMES, shouldNotify, type IndicatorId, type IndicatorSettings } from './indicator-catalogue.ts';
import type { IndicatorRepository, VnfIndicator } from './indicator.repository.ts';
import { indicatorSubscriptionMatcher } from './indicator-subscription.ts';

export interface IndicatorValue {
  readonly vnfInstanceId: string;
  readonly vnfInstanceName?: string;
  readonly indicatorId: IndicatorId;
  readonly value: number;
}

export interface IndicatorUpdaterDeps {
  readonly indicators: IndicatorRepository;
  readonly settings: IndicatorSettings;
  readonly publicUrl: string;
  readonly log: Logger;
  readonly clock: () => number;
  /** What LCM knows of a VNF instance (VNFD, product, name) for subscription filters; default: the id only. */
  readonly instanceFacts?: VnfInstanceFactsLookup;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function indicatorDoc(publicUrl: string, v: IndicatorValue): VnfIndicator {
  const vnf = encodeURIComponent(v.vnfInstanceId);
  return {
    id: v.indicatorId,
    name: INDICATOR_NAMES[v.indicatorId],
    value: round(v.value),
    vnfInstanceId: v.vnfInstanceId,
    _links: {
      self: { href: `${publicUrl}${uriPrefix(VNFIND)}/indicators/${vnf}/${v.indicatorId}` },
      vnfInstance: { href: `${publicUrl}${uriPrefix(VNFLCM)}/vnf_instances/${vnf}` },
    },
  };
}

export function createIndicatorUpdater(deps: IndicatorUpdaterDeps) {
  const lookup = deps.instanceFacts ?? idOnlyFacts;
  /** LCM's facts; the name from the topology when LCM has none (an instance only monitoring knows). */
  const factsOf = async (tx: Transaction, v: IndicatorValue): Promise<VnfInstanceFacts> => {
    const facts = (await lookup(tx, v.vnfInstanceId)) ?? { id: v.vnfInstanceId };
    return facts.vnfInstanceName === undefined && v.vnfInstanceName !== undefined ? { ...facts, vnfInstanceName: v.vnfInstanceName } : facts;
  };
  return {
    /** Stores the values in order; returns how many changes were notified. */
    async apply(tx: Transaction, values: readonly IndicatorValue[]): Promise<number> {
      let notified = 0;
      for (const v of values) {
        if (!Number.isFinite(v.value)) continue;
        const doc = indicatorDoc(deps.publicUrl, v);
        const last = await deps.indicators.upsert(tx, doc);
        const now = deps.clock();
        if (!shouldNotify(last, doc.value, now, deps.settings.deadbands[v.indicatorId], deps.settings.minIntervalSeconds)) continue;
        await deps.indicators.markNotified(tx, v.vnfInstanceId, v.indicatorId, { value: doc.value, at: now });
        await enqueueNotification(
          tx,
          VNFIND,
          {
            notificationType: 'VnfIndicatorValueChangeNotification',
            timeStamp: new Date(now * 1000).toISOString(),
            vnfIndicatorId: doc.id,
            name: doc.name,
            value: doc.value,
            vnfInstanceId: doc.vnfInstanceId,
            _links: { vnfInstance: doc._links.vnfInstance },
          },
          indicatorSubscriptionMatcher({
            notificationType: 'VnfIndicatorValueChangeNotification',
            indicatorId: doc.id,
            vnfInstance: await factsOf(tx, v),
          }),
        );
        deps.log.debug({ vnfInstanceId: v.vnfInstanceId, indicatorId: v.indicatorId, value: doc.value, previous: last?.value }, 'indicator change notified');
        notified++;
      }
      return notified;
    },
  };
}

export type IndicatorUpdater = ReturnType<typeof createIndicatorUpdater>;
