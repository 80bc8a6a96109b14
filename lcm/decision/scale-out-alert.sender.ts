/**
 * Sends the scale-out alerts (scale-out-alert.ts) to Tacker's `/alert/auto_scaling`
 * (DECISION_SCALE_OUT_ALERT_URL): a bus consumer of `decision.capacity` and one delivery lane
 * per VNF instance. A failed POST is retried with doubling back-off; a newer state of the same
 * alert replaces the one being retried, and a resolve of an alert Tacker never got is not sent.
 * What was delivered is kept in memory: after a restart a shortage that still holds fires again.
 */
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import type { Logger } from '../../platform/logger.ts';
import { MIGRATION_CAPACITY_TOPIC, migrationCapacityEntries, type MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';
import { alertmanagerBody, alertTransition, retryDelayMs, type ScaleOutAlert } from './scale-out-alert.ts';

/** DECISION_SCALE_OUT_ALERT_URL, and how hard to try (the VNFM_NOTIFY_* settings, vnfm-plugin/module-settings.ts). */
export interface ScaleOutAlertSettings {
  /** Tacker's `/alert/auto_scaling` URL. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** externalURL and generatorURL of the body: where the alert comes from. */
  readonly externalUrl: string;
}

export const SCALE_OUT_ALERT_CONSUMER = 'lcm.scale-out-alerts';

export interface ScaleOutAlertSender {
  /** Applies the entries of one `decision.capacity` event; deliveries run in the background. */
  apply(entries: readonly MigrationCapacityEntry[]): void;
  subscribe(bus: EventBus): Promise<void>;
  /** Resolves when no delivery is running (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createScaleOutAlertSender(settings: ScaleOutAlertSettings, log: Logger, post: typeof fetch = fetch): ScaleOutAlertSender {
  const alog = log.child({ component: 'scale-out-alerts' });
  /** What each VNF instance's alert should be now; what Tacker got last; the newest window applied. */
  const wanted = new Map<string, ScaleOutAlert>();
  /** startsAt of the firing alert Tacker got, per VNF instance. */
  const delivered = new Map<string, string>();
  const newest = new Map<string, string>();
  const lanes = new Map<string, Promise<void>>();
  const stopper = new AbortController();
  const warnedNoAspect = new Set<string>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      stopper.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });

  async function postOnce(alert: ScaleOutAlert): Promise<string | undefined> {
    try {
      const res = await post(settings.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(alertmanagerBody(alert, settings.externalUrl)),
        signal: AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), stopper.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (err) {
      return (err as Error).name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : (err as Error).message;
    }
  }

  /** Delivers the wanted state of one VNF instance's alert until it is delivered, replaced or given up. */
  async function lane(vnf: string): Promise<void> {
    for (;;) {
      const alert = wanted.get(vnf);
      if (!alert || stopper.signal.aborted) return;
      if (alert.status === 'resolved' && delivered.get(vnf) !== alert.startsAt) {
        wanted.delete(vnf);
        return;
      }
      if (alert.status === 'firing' && delivered.get(vnf) === alert.startsAt) return;
      let failure: string | undefined;
      for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
        if (attempt > 1) await sleep(retryDelayMs(attempt, settings.backoffMs, settings.maxBackoffMs));
        if (wanted.get(vnf) !== alert || stopper.signal.aborted) break;
        failure = await postOnce(alert);
        if (failure === undefined) break;
        alog.warn({ vnfInstanceId: vnf, status: alert.status, attempt, reason: failure }, 'scale-out alert not accepted; retrying');
      }
      if (stopper.signal.aborted) return;
      if (wanted.get(vnf) !== alert) continue; // replaced meanwhile: deliver the newer state
      if (failure !== undefined) {
        alog.error({ vnfInstanceId: vnf, status: alert.status, reason: failure }, 'scale-out alert given up');
        if (alert.status === 'resolved') wanted.delete(vnf);
        return;
      }
      alog.info({ vnfInstanceId: vnf, aspectId: alert.aspectId, status: alert.status }, `scale-out alert ${alert.status} sent`);
      if (alert.status === 'firing') delivered.set(vnf, alert.startsAt);
      else {
        delivered.delete(vnf);
        wanted.delete(vnf);
      }
      return;
    }
  }

  function kick(vnf: string): void {
    const running = lanes.get(vnf);
    const next = (running ?? Promise.resolve()).then(() => lane(vnf));
    lanes.set(vnf, next);
    void next.finally(() => lanes.get(vnf) === next && lanes.delete(vnf));
  }

  const sender: ScaleOutAlertSender = {
    apply(entries) {
      const touched = new Set<string>();
      for (const e of entries) {
        const last = newest.get(e.vnfInstanceId);
        if (last !== undefined && e.ts < last) continue; // a redelivered older event
        newest.set(e.vnfInstanceId, e.ts);
        const step = alertTransition(wanted.get(e.vnfInstanceId), e);
        if (step.noAspect && !warnedNoAspect.has(e.vnfInstanceId)) {
          warnedNoAspect.add(e.vnfInstanceId);
          alog.warn({ vnfInstanceId: e.vnfInstanceId, vduId: e.vduId }, 'no scaling aspect of the VNFD adds this VDU: no scale-out alert for Tacker');
        }
        if (!step.send) continue;
        wanted.set(e.vnfInstanceId, step.next!);
        touched.add(e.vnfInstanceId);
      }
      for (const vnf of touched) kick(vnf);
    },
    async subscribe(bus) {
      await bus.subscribe(SCALE_OUT_ALERT_CONSUMER, MIGRATION_CAPACITY_TOPIC, async (event) => sender.apply(migrationCapacityEntries(event.payload)));
    },
    async idle() {
      while (lanes.size > 0) await Promise.allSettled([...lanes.values()]);
    },
    async stop() {
      stopper.abort();
      await sender.idle();
    },
  };
  return sender;
}
