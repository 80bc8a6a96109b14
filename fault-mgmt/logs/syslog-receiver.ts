import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { EntityResolver, EventRow, MonitoringSink } from '../monitoring.types.ts';
import { createEventWriteBuffer } from './event-write.buffer.ts';
import { entityOf, eventOf } from './log-event.factory.ts';
import type { PatternCatalogue } from './log-pattern.catalogue.ts';
import { MIN_TIME } from './log-batch.validator.ts';
import { logsMetrics } from './logs.metrics.ts';
import { createSyslogFrameDecoder, MAX_FRAME_BYTES } from './syslog-frame.decoder.ts';
import { parseSyslog } from './syslog-message.parser.ts';

export interface SyslogReceiverDeps {
  readonly sink: MonitoringSink;
  readonly resolver: EntityResolver;
  readonly catalogue: PatternCatalogue;
  /** Both UDP and TCP bind here; port 0: free ports (TCP's number is tried for UDP first). */
  readonly listen: { readonly host: string; readonly port: number };
  readonly metrics: PlatformMetrics;
  readonly log: Logger;
  /** Concurrent TCP connections; more are refused by the kernel accept path (net.Server.maxConnections). */
  readonly maxConnections?: number;
  /** Events per write and the longest they wait (ms). */
  readonly batchMax?: number;
  readonly batchDelayMs?: number;
  /** Messages stamped further ahead than this (or before 2000) are refused (MONITORING_MAX_FUTURE_SECONDS). */
  readonly maxFutureSeconds?: number;
  readonly now?: () => number;
}

export interface SyslogReceiver {
  start(): Promise<{ udpPort: number; tcpPort: number }>;
  /** Stops listening, closes connections and writes the events still held. */
  stop(): Promise<void>;
}

type Transport = 'udp' | 'tcp';

/**
 * Syslog receiver: RFC 5424 and RFC 3164 messages over UDP (RFC 5426, one message per
 * datagram, best effort) and TCP (RFC 6587 framing). Messages whose body matches the
 * pattern catalogue become events (source `syslog`) of the entity their HOSTNAME (else
 * the peer address) resolves to; the others are counted only.
 */
export function createSyslogReceiver(deps: SyslogReceiverDeps): SyslogReceiver {
  const log = deps.log.child({ component: 'syslog' });
  const counters = logsMetrics(deps.metrics.registry).syslogMessages;
  const now = deps.now ?? (() => Date.now() / 1000);
  const maxFuture = deps.maxFutureSeconds ?? 300;
  const sockets = new Set<net.Socket>();
  const buffer = createEventWriteBuffer({
    sink: deps.sink,
    log,
    maxEvents: deps.batchMax ?? 5000,
    maxDelayMs: deps.batchDelayMs ?? 100,
    onBlocked: (blocked) => {
      log.debug({ blocked, connections: sockets.size }, blocked ? 'store behind: pausing syslog TCP' : 'resuming syslog TCP');
      for (const s of sockets) if (blocked) s.pause();
      else s.resume();
    },
  });
  let server: net.Server | undefined;
  let udp: dgram.Socket | undefined;

  /** One message: parse, match, and hand the event to the buffer. */
  function receive(bytes: Buffer, transport: Transport, peer: string | undefined): void {
    // Invalid UTF-8 becomes U+FFFD; NUL cannot be stored in PostgreSQL text.
    const parsed = parseSyslog(bytes.toString('utf8').replace(/\0/g, ''), now());
    if (!parsed.ok) {
      counters.inc({ transport, result: 'parse_error' });
      log.debug({ transport, peer, error: parsed.error }, 'syslog message not parsed');
      return;
    }
    const msg = parsed.msg;
    const received = now();
    if (msg.time !== undefined && (msg.time < MIN_TIME || msg.time > received + maxFuture)) {
      // A clock that far off would misplace the event (and touch partitions years away).
      counters.inc({ transport, result: 'bad_time' });
      log.debug({ transport, peer, time: msg.time }, 'syslog message time out of range');
      return;
    }
    const match = deps.catalogue.match(msg.message);
    if (!match) {
      counters.inc({ transport, result: 'unmatched' });
      return;
    }
    const name = msg.hostname ?? peer ?? 'unknown';
    const entity = entityOf(deps.resolver.resolve(name, 'host'));
    const event: EventRow = eventOf(msg.time ?? received, match, 'syslog', entity, msg.message, msg.appName ? { app: msg.appName } : undefined);
    buffer.add(event);
    counters.inc({ transport, result: 'event' });
  }

  function onConnection(socket: net.Socket): void {
    sockets.add(socket);
    if (buffer.blocked) socket.pause();
    const decoder = createSyslogFrameDecoder(MAX_FRAME_BYTES);
    const peer = socket.remoteAddress;
    socket.on('data', (chunk: Buffer) => {
      const { frames, error } = decoder.push(chunk);
      for (const f of frames) receive(f, 'tcp', peer);
      if (error) {
        counters.inc({ transport: 'tcp', result: 'frame_error' });
        log.warn({ peer, reason: error.message }, 'syslog TCP frame rejected; connection closed');
        socket.destroy();
      }
    });
    socket.on('end', () => {
      for (const f of decoder.end()) receive(f, 'tcp', peer);
      socket.end();
    });
    socket.on('error', (err) => log.debug({ peer, err: err.message }, 'syslog TCP connection error'));
    socket.on('close', () => sockets.delete(socket));
  }

  function onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (buffer.blocked) {
      counters.inc({ transport: 'udp', result: 'dropped' });
      return;
    }
    receive(msg, 'udp', rinfo.address);
  }

  async function listenTcp(): Promise<number> {
    server = net.createServer(onConnection);
    server.maxConnections = deps.maxConnections ?? 256;
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(deps.listen.port, deps.listen.host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    s.on('error', (err) => log.error({ err }, 'syslog TCP server error'));
    return (s.address() as net.AddressInfo).port;
  }

  async function listenUdp(port: number): Promise<number> {
    const sock = dgram.createSocket({ type: net.isIPv6(deps.listen.host) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(port, deps.listen.host, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    try {
      sock.setRecvBufferSize(4 * 1024 * 1024); // bursts; the kernel may cap it (net.core.rmem_max)
    } catch {
      /* keep the default */
    }
    sock.on('message', onDatagram);
    sock.on('error', (err) => log.error({ err }, 'syslog UDP socket error'));
    udp = sock;
    return sock.address().port;
  }

  return {
    async start() {
      const tcpPort = await listenTcp();
      let udpPort: number;
      try {
        udpPort = await listenUdp(deps.listen.port === 0 ? tcpPort : deps.listen.port);
      } catch (err) {
        if (deps.listen.port !== 0) {
          await new Promise<void>((r) => server?.close(() => r()));
          throw err;
        }
        udpPort = await listenUdp(0); // TCP's free port is taken for UDP: any free one
      }
      return { udpPort, tcpPort };
    },
    async stop() {
      const closed = server ? new Promise<void>((r) => server!.close(() => r())) : Promise.resolve();
      for (const s of sockets) s.destroy();
      if (udp) {
        const u = udp;
        await new Promise<void>((r) => u.close(() => r()));
        udp = undefined;
      }
      await closed;
      server = undefined;
      await buffer.stop();
    },
  };
}
