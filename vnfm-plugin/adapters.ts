import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlatformMetrics } from '../platform/metrics.ts';
import type { EventBus } from '../platform/bus/event-bus.port.ts';
import { InProcessEventBus } from '../platform/bus/in-process-bus.ts';
import { noAuthentication, type Authenticator } from '../platform/http/auth/authenticator.ts';

/** Adapters chosen by key from config; the only place that knows the concrete classes. */
const EVENT_BUSES: Record<EventBus['kind'], (config: Config, log: Logger, metrics: PlatformMetrics) => Promise<EventBus>> = {
  'in-process': async (_config, log) => new InProcessEventBus(log.child({ component: 'bus' })),
  rabbitmq: async () => {
    throw new Error('RabbitMQ bus not available');
  },
};

export function createEventBus(config: Config, log: Logger, metrics: PlatformMetrics): Promise<EventBus> {
  return EVENT_BUSES[config.amqp.url ? 'rabbitmq' : 'in-process'](config, log, metrics);
}

const AUTHENTICATORS: Record<Config['auth']['mode'], (config: Config, log: Logger) => Promise<Authenticator>> = {
  none: async () => noAuthentication,
  keystone: async () => {
    throw new Error('keystone authentication not available');
  },
  oauth2: async () => {
    throw new Error('oauth2 authentication not available');
  },
};

export function createAuthenticator(config: Config, log: Logger): Promise<Authenticator> {
  return AUTHENTICATORS[config.auth.mode](config, log);
}
