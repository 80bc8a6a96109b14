import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlatformMetrics } from '../platform/metrics.ts';
import type { EventBus } from '../platform/bus/event-bus.port.ts';
import { InProcessEventBus } from '../platform/bus/in-process-bus.ts';
import { RabbitMqEventBus } from '../platform/bus/rabbitmq-bus.ts';
import { noAuthentication, type Authenticator } from '../platform/http/auth/authenticator.ts';
import { KeystoneAuthenticator } from '../platform/http/auth/keystone.authenticator.ts';
import { createOAuth2Authenticator } from '../platform/http/auth/oauth2.authenticator.ts';

/** Adapters chosen by key from config; the only place that knows the concrete classes. */
const EVENT_BUSES: Record<EventBus['kind'], (config: Config, log: Logger, metrics: PlatformMetrics) => Promise<EventBus>> = {
  'in-process': async (config, log) =>
    new InProcessEventBus(log.child({ component: 'bus' }), { maxAttempts: config.bus.maxAttempts, backoffMs: config.bus.retryBackoffMs }),
  rabbitmq: async (config, log) =>
    RabbitMqEventBus.connect({
      url: config.amqp.url!,
      exchange: config.amqp.exchange,
      prefetch: config.amqp.prefetch,
      publishTimeoutMs: config.amqp.publishTimeoutMs,
      reconnectMaxMs: config.amqp.reconnectMaxMs,
      redelivery: { maxAttempts: config.bus.maxAttempts, backoffMs: config.bus.retryBackoffMs },
      log: log.child({ component: 'bus' }),
    }),
};

export function createEventBus(config: Config, log: Logger, metrics: PlatformMetrics): Promise<EventBus> {
  return EVENT_BUSES[config.amqp.url ? 'rabbitmq' : 'in-process'](config, log, metrics);
}

const AUTHENTICATORS: Record<Config['auth']['mode'], (config: Config, log: Logger) => Promise<Authenticator>> = {
  none: async () => noAuthentication,
  keystone: async (config, log) => {
    const { url, username, password, ...scope } = config.auth.keystone;
    if (!url || !username || !password) throw new Error('VNFM_AUTH=keystone needs KEYSTONE_URL, KEYSTONE_USERNAME and KEYSTONE_PASSWORD');
    return new KeystoneAuthenticator({ url, username, password, ...scope, log: log.child({ component: 'keystone' }) });
  },
  oauth2: async (config, log) =>
    createOAuth2Authenticator({ ...config.auth.oauth2, dataDir: config.dataDir, log: log.child({ component: 'oauth2' }) }),
};

export function createAuthenticator(config: Config, log: Logger): Promise<Authenticator> {
  return AUTHENTICATORS[config.auth.mode](config, log);
}
