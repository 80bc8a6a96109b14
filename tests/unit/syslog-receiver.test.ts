import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, test } from 'node:test';
import { loadPatternCatalogue } from '../../fault-mgmt/logs/pattern-catalogue.ts';
import { createSyslogReceiver, type SyslogReceiver } from '../../fault-mgmt/logs/syslog-receiver.ts';
import type { EntityResolver, EventRow, IngestBatch, IngestReceipt, MonitoringSink } from '../../fault-mgmt/monitoring.types.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { until } from '../support/local-services.ts';
import { testLog } from '../support/test-database.ts';

// The receiver over loopback sockets with a fake sink: framing, counting, back-pressure.

const resolver = {
  resolve: (name: string) => ({ entity: { kind: 'host' as const, id: name }, host: name, known: false }),
  vmsOfVnf: () => [],
} satisfies EntityResolver;

const line = (i: number) => `<13>1 2026-11-25T18:00:00Z epc-vm-1 srsepc - - - T3413 expired -- Could not page the ue. #${i}`;

let receiver: SyslogReceiver | undefined;
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

async function start(sink: MonitoringSink, batchMax = 5000) {
  const metrics: PlatformMetrics = createMetrics();
  receiver = createSyslogReceiver({ sink, resolver, catalogue: loadPatternCatalogue(), listen: { host: '127.0.0.1', port: 0 }, metrics, log: testLog, batchMax, batchDelayMs: 5 });
  const ports = await receiver.start();
  const count = async (transport: string, result: string) => {
    const m = new RegExp(`vnfm_monitoring_syslog_messages_total\\{transport="${transport}",result="${result}"\\} (\\d+)`).exec(await metrics.registry.metrics());
    return m ? Number(m[1]) : 0;
  };
  return { ports, count };
}

function collectingSink(gate?: () => Promise<void>) {
  const events: EventRow[] = [];
  let writes = 0;
  const sink = {
    async write(batch: IngestBatch): Promise<IngestReceipt> {
      writes++;
      if (gate) await gate();
      events.push(...batch.events);
      return { samples: 0, events: batch.events.length, duplicate: false };
    },
  } satisfies MonitoringSink;
  return { sink, events, writes: () => writes };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

test('UDP datagrams and TCP frames become events of the HOSTNAME; garbage and unmatched lines are counted', async () => {
  const c = collectingSink();
  const { ports, count } = await start(c.sink);
  const udp = dgram.createSocket('udp4');
  for (const msg of [line(1), 'garbage', '<13>1 - h app - - - nothing to match', '<13>1 2099-01-01T00:00:00Z h a - - - T3413 expired -- Could not page the ue.']) {
    await new Promise<void>((r) => udp.send(msg, ports.udpPort, '127.0.0.1', () => r()));
  }
  udp.close();
  const tcp = await connect(ports.tcpPort);
  tcp.end(`${line(2)}\n${Buffer.byteLength(line(3))} ${line(3)}`);
  await until('3 events', () => c.events.length === 3, 5000);
  assert.deepEqual(c.events.map((e) => e.message!.slice(-2)).sort(), ['#1', '#2', '#3']);
  assert.ok(c.events.every((e) => e.host === 'epc-vm-1' && e.source === 'syslog' && e.ts === Date.UTC(2026, 10, 25, 18) / 1000));
  assert.deepEqual(c.events[0].attrs, { app: 'srsepc' });
  await until('counted', async () => (await count('udp', 'parse_error')) === 1 && (await count('udp', 'unmatched')) === 1, 2000);
  assert.equal(await count('udp', 'bad_time'), 1, 'a message stamped in 2099 is refused');
  assert.equal(await count('tcp', 'event'), 2);
});

test('an oversized frame closes the connection and is counted', async () => {
  const c = collectingSink();
  const { ports, count } = await start(c.sink);
  const tcp = await connect(ports.tcpPort);
  const closed = new Promise<void>((r) => tcp.on('close', () => r()));
  tcp.on('error', () => {});
  tcp.write(`${line(1)}\n70000 <13>`);
  await closed;
  assert.equal(await count('tcp', 'frame_error'), 1);
  await until('the frame before it kept', () => c.events.length === 1, 2000);
});

test('while the store is behind, TCP is paused and nothing is lost', async () => {
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const c = collectingSink(() => gate);
  const { ports, count } = await start(c.sink, 10);
  const tcp = await connect(ports.tcpPort);
  const N = 5000;
  const wire = Array.from({ length: N }, (_, i) => line(i)).join('\n') + '\n';
  tcp.write(wire);
  await until('a write is pending', () => c.writes() >= 1, 2000);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(c.events.length === 0, 'nothing committed while the gate is shut');
  const read = await count('tcp', 'event');
  assert.ok(read > 0 && read < N, `the socket is paused: ${read} of ${N} lines read while the store is behind`);
  gate = Promise.resolve();
  release();
  tcp.end();
  await until(`${N} events`, () => c.events.length === N, 10_000);
  assert.deepEqual(new Set(c.events.map((e) => e.message)).size, N);
});

test('stop() writes the events still buffered', async () => {
  const c = collectingSink();
  const metrics = createMetrics();
  receiver = createSyslogReceiver({ sink: c.sink, resolver, catalogue: loadPatternCatalogue(), listen: { host: '127.0.0.1', port: 0 }, metrics, log: testLog, batchDelayMs: 60_000 });
  const ports = await receiver.start();
  const tcp = await connect(ports.tcpPort);
  tcp.end(`${line(1)}\n`);
  await new Promise<void>((r) => tcp.on('close', () => r()));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.events.length, 0, 'still buffered (long delay)');
  await receiver.stop();
  receiver = undefined;
  assert.equal(c.events.length, 1);
});
