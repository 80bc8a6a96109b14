/**
 * The PM collector, run every PM tick:
 * - reports every PM job whose reporting period has ended (SOL003 6.5.2.10 PerformanceReport,
 *   one per measured VNF instance, with one value per collection period of the reporting
 *   period), stores it and sends PerformanceInformationAvailableNotification (SOL003 6.5.2.5)
 *   to the job's callbackUri, in one transaction that also moves the job's schedule;
 * - applies the last complete minute of the VM gauge measurements (CPU, memory) to the
 *   thresholds on them (the failure score reaches thresholds from the bus, as it is scored);
 * - deletes expired reports.
 * Values are read before the transaction (the embedded database runs one transaction at a
 * time); the schedule moves only if no other replica moved it meanwhile.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PmLinks } from './pm-errors.ts';
import { measuredObjects, metricAppliesTo, metricsOf, type MeasuredObject } from './pm-job-request.ts';
import type { PerformanceReport, PmJob, PmJobRepository } from './pm-job.repository.ts';
import { MEASUREMENTS, parsePerformanceMetric } from './pm-measurements.ts';
import type { MeasurementReader } from './measurement.reader.ts';
import type { PmNotificationTargets } from './pm-notification-target.ts';
import { lastValue, performanceValues } from './pm-values.ts';
import type { Observation, ThresholdService } from './threshold.service.ts';
import type { ThresholdRepository } from './threshold.repository.ts';
import type { VnfTopology, VnfTopologySource } from './vnf-topology.ts';

/** Gauge thresholds look at the last complete minute (its mean, or its peak). */
export const THRESHOLD_WINDOW_SECONDS = 60;

export interface PmCollectorDeps {
  readonly db: Database;
  readonly jobs: PmJobRepository;
  readonly thresholds: ThresholdRepository;
  readonly thresholdService: ThresholdService;
  readonly targets: PmNotificationTargets;
  readonly topology: VnfTopologySource;
  readonly measurements: MeasurementReader;
  readonly links: PmLinks;
  readonly log: Logger;
  readonly clock: () => number;
  /** Seconds after a period's end before it is reported (late samples). */
  readonly reportDelaySeconds: number;
  readonly reportRetentionHours: number;
}

export interface CollectorRound {
  readonly reports: number;
  readonly crossings: number;
  readonly expired: number;
}

/**
 * The reporting period after `periodEnd`: the next one, or after an outage the latest
 * complete one (missed periods are not reported one by one); null past reportingBoundary.
 */
export function nextReportAt(periodEnd: number, reportingPeriod: number, now: number, delay: number, boundary?: string): number | null {
  const latestComplete = Math.floor((now - delay) / reportingPeriod) * reportingPeriod;
  const next = Math.max(periodEnd + reportingPeriod, latestComplete);
  return boundary !== undefined && next > Date.parse(boundary) / 1000 ? null : next;
}

const GAUGES = MEASUREMENTS.filter((m) => m.source.kind === 'gauge').map((m) => m.name);

export function createPmCollector(deps: PmCollectorDeps) {
  const log = deps.log.child({ component: 'pm-collector' });
  let lastGaugeWindow = 0;

  /** The report entries of one measured VNF instance over [from, to). */
  async function entriesOf(job: PmJob, objects: readonly MeasuredObject[], from: number, to: number): Promise<PerformanceReport['entries']> {
    const step = job.criteria.collectionPeriod;
    const metrics = metricsOf(job.criteria as unknown as Record<string, unknown>);
    const entries: PerformanceReport['entries'] = [];
    for (const object of objects) {
      for (const m of metrics) {
        if (!metricAppliesTo(m, object)) continue;
        const series = await deps.measurements.read(object, m.measurement, from, to, step);
        entries.push({
          objectType: job.objectType,
          objectInstanceId: object.vnf.vnfInstanceId,
          ...(object.subObjectInstanceId !== undefined && { subObjectInstanceId: object.subObjectInstanceId }),
          performanceMetric: m.performanceMetric,
          performanceValues: performanceValues(series, step),
        });
      }
    }
    return entries;
  }

  async function report(job: PmJob, periodEnd: number, vnfs: readonly VnfTopology[]): Promise<number> {
    const now = deps.clock();
    const from = periodEnd - job.criteria.reportingPeriod;
    const objects = measuredObjects(vnfs, job.objectType, job.objectInstanceIds, job.subObjectInstanceIds, false);
    const reports: { objectInstanceId: string; doc: PerformanceReport }[] = [];
    for (const objectInstanceId of job.objectInstanceIds) {
      const own = objects.filter((o) => o.vnf.vnfInstanceId === objectInstanceId);
      if (own.length > 0) reports.push({ objectInstanceId, doc: { entries: await entriesOf(job, own, from, periodEnd) } });
    }
    const next = nextReportAt(periodEnd, job.criteria.reportingPeriod, now, deps.reportDelaySeconds, job.criteria.reportingBoundary);
    const readyTime = new Date(now * 1000).toISOString();
    const expiryTime = new Date((now + deps.reportRetentionHours * 3600) * 1000).toISOString();
    return deps.db.transaction(async (tx) => {
      if (!(await deps.jobs.advance(tx, job.id, periodEnd, next))) return 0;
      for (const r of reports) {
        const id = randomUUID();
        const href = deps.links.report(job.id, id);
        await deps.jobs.insertReport(tx, { id, jobId: job.id, doc: r.doc, ref: { href, readyTime, expiryTime } });
        await deps.targets.enqueue(tx, job.id, {
          notificationType: 'PerformanceInformationAvailableNotification',
          timeStamp: readyTime,
          pmJobId: job.id,
          objectType: job.objectType,
          objectInstanceId: r.objectInstanceId,
          ...(job.subObjectInstanceIds && { subObjectInstanceIds: job.subObjectInstanceIds }),
          _links: {
            objectInstance: { href: deps.links.vnfInstance(r.objectInstanceId) },
            pmJob: { href: job._links.self.href },
            performanceReport: { href },
          },
        });
      }
      return reports.length;
    });
  }

  /** The last complete minute of each gauge a threshold watches, through the thresholds. */
  async function gaugeThresholds(vnfs: readonly VnfTopology[]): Promise<number> {
    const end = Math.floor((deps.clock() - deps.reportDelaySeconds) / THRESHOLD_WINDOW_SECONDS) * THRESHOLD_WINDOW_SECONDS;
    if (end <= lastGaugeWindow) return 0;
    const observations: Observation[] = [];
    for (const t of await deps.thresholds.onMeasurements(GAUGES)) {
      const metric = parsePerformanceMetric(t.criteria.performanceMetric);
      if (typeof metric === 'string') continue;
      for (const object of measuredObjects(vnfs, t.objectType, [t.objectInstanceId], t.subObjectInstanceIds, false)) {
        const series = await deps.measurements.read(object, metric.measurement, end - THRESHOLD_WINDOW_SECONDS, end, THRESHOLD_WINDOW_SECONDS);
        const value = lastValue(series);
        if (value === null) continue;
        observations.push({
          measurement: metric.measurement.name,
          vnfInstanceId: object.vnf.vnfInstanceId,
          ...(object.subObjectInstanceId !== undefined && { vnfcInstanceId: object.subObjectInstanceId }),
          value,
          at: end,
        });
      }
    }
    const crossings = await deps.db.transaction((tx) => deps.thresholdService.apply(tx, observations));
    lastGaugeWindow = end;
    return crossings;
  }

  return {
    /** One round: due reports, gauge thresholds, expired reports. */
    async tick(): Promise<CollectorRound> {
      const now = deps.clock();
      const expired = await deps.jobs.purgeExpired(now);
      const vnfs = await deps.topology.vnfs();
      let reports = 0;
      for (const due of await deps.jobs.due(now - deps.reportDelaySeconds)) {
        try {
          reports += await report(due.job, due.periodEnd, vnfs);
        } catch (err) {
          log.error({ err, pmJobId: due.job.id }, 'PM report failed; retried next round');
        }
      }
      const crossings = await gaugeThresholds(vnfs);
      return { reports, crossings, expired };
    },
  };
}

export type PmCollector = ReturnType<typeof createPmCollector>;
