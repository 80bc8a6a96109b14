/**
 * The periodically computed indicators of every VNF instance: pagingFailureRate from the
 * paging timeouts the monitoring store counted for the VNF, and hostHeadroom from the host
 * capacity forecast of every host its VNFCs run on (the least headroom counts). The failure
 * score arrives from the bus instead, as it is scored.
 */
import type { Logger } from '../../platform/logger.ts';
import type { WindowReader } from '../store/window-reader.ts';
import type { VnfTopology } from '../pm/vnf-topology.ts';
import { headroomOf, pagingRateOf, PAGING_WINDOW_MINUTES, type HostForecastLike } from './indicator-catalogue.ts';
import type { IndicatorValue } from './indicator-updater.ts';

/** Port: the capacity forecast of one compute host at `now` (epoch s); prediction/capacity forecastFromReader fits. */
export type HostForecaster = (host: string, now: number) => Promise<HostForecastLike>;

export interface IndicatorSourcesDeps {
  readonly reader: WindowReader;
  /** Without it the hostHeadroom indicator is not offered. */
  readonly forecastHost?: HostForecaster;
  readonly log: Logger;
}

export async function computeIndicators(deps: IndicatorSourcesDeps, vnfs: readonly VnfTopology[], now: number): Promise<IndicatorValue[]> {
  const end = Math.floor(now / 60) * 60; // complete minutes only
  const start = end - PAGING_WINDOW_MINUTES * 60;
  const headroomByHost = new Map<string, Promise<number | null>>();
  const headroom = (host: string) => {
    let h = headroomByHost.get(host);
    if (!h) {
      h = deps.forecastHost!(host, now).then(headroomOf, (err: Error) => {
        deps.log.warn({ err, host }, 'host forecast failed; hostHeadroom not updated for its VNFs');
        return null;
      });
      headroomByHost.set(host, h);
    }
    return h;
  };
  const out: IndicatorValue[] = [];
  for (const vnf of vnfs) {
    const named = { vnfInstanceId: vnf.vnfInstanceId, ...(vnf.name !== undefined && { vnfInstanceName: vnf.name }) };
    const paging = await deps.reader.read({ entity: { kind: 'vnf', id: vnf.vnfInstanceId }, metric: 'events:paging_timeout', start, end, step: 60 });
    out.push({ ...named, indicatorId: 'pagingFailureRate', value: pagingRateOf(paging.values) });
    if (!deps.forecastHost) continue;
    const hosts = [...new Set(vnf.vnfcs.map((c) => c.host).filter((h): h is string => h !== undefined))];
    const known = (await Promise.all(hosts.map(headroom))).filter((h): h is number => h !== null);
    if (known.length > 0) out.push({ ...named, indicatorId: 'hostHeadroom', value: Math.min(...known) });
  }
  return out;
}
