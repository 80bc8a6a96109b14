import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { until } from '../support/local-services.ts';
import { startMonitoringService, type MonitoringTestService } from '../support/monitoring-service.ts';

/**
 * util-linux `logger` sends to the plugin's syslog receiver exactly as an operator's
 * hosts would: RFC 5424 over UDP, over TCP with LF framing and with octet counting,
 * and RFC 3164 over UDP. Matching lines must arrive as events; others are not stored.
 */
const LOGGER = '/usr/bin/logger';
const skip = existsSync(LOGGER) ? false : `${LOGGER} (util-linux) is not installed`;

const T3413 = '[NAS    ] [I] T3413 expired -- Could not page the ue.';
const OOM = 'Out of memory: Killed process 4321 (srsepc) total-vm:1207312kB, anon-rss:1020520kB, file-rss:0kB';

interface StoredEvent {
  type: string;
  source: string;
  host: string | null;
  message: string;
  attrs: Record<string, string> | null;
}

/** Runs logger with `args`, `stdin` lines as separate messages when given; resolves on exit 0. */
function runLogger(args: string[], stdin?: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(LOGGER, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`logger ${args.join(' ')} exited ${code}: ${stderr}`))));
    child.stdin.end(stdin ? stdin.join('\n') + '\n' : undefined);
  });
}

describe('syslog receiver fed by util-linux logger', { skip }, () => {
  let svc: MonitoringTestService;
  const run = randomBytes(4).toString('hex');

  before(async () => {
    svc = await startMonitoringService();
    assert.ok(svc.syslog, 'the syslog receiver is on');
  });
  after(async () => svc?.close());

  async function eventsTagged(tag: string, count: number): Promise<StoredEvent[]> {
    const q = () =>
      svc.db.sequelize.query<StoredEvent>(
        'SELECT type, source, host, message, attrs FROM monitoring_events WHERE message LIKE $1 ORDER BY ts, message',
        { bind: [`%run=${run}-${tag}%`], type: QueryTypes.SELECT },
      );
    await until(`${count} events tagged ${tag} are stored`, async () => (await q()).length >= count, 10_000);
    return q();
  }

  const remote = (transport: string[]) => ['-n', '127.0.0.1', ...transport];

  test('RFC 5424 over UDP: T3413 with structured data, a kernel OOM line, an unmatched line', async () => {
    const udp = remote(['-d', '-P', String(svc.syslog!.udpPort)]);
    await runLogger(['--rfc5424', ...udp, '-t', 'srsepc', '--sd-id', 'epc@32473', '--sd-param', 'cell="1\\]"', `${T3413} run=${run}-udp`]);
    await runLogger(['--rfc5424', ...udp, '-t', 'kernel', '-p', 'kern.err', `${OOM} run=${run}-udp`]);
    await runLogger(['--rfc5424', ...udp, '-t', 'srsepc', `Received Service Request run=${run}-udp-none`]);
    const events = await eventsTagged('udp', 2);
    assert.deepEqual(events.map((e) => e.type).sort(), ['oom_kill', 'paging_timeout']);
    for (const e of events) {
      assert.equal(e.source, 'syslog');
      assert.equal(e.host, hostname(), 'the HOSTNAME logger sent');
    }
    const oom = events.find((e) => e.type === 'oom_kill')!;
    assert.deepEqual(oom.attrs, { app: 'kernel', pid: '4321', process: 'srsepc' });
    assert.equal(events.find((e) => e.type === 'paging_timeout')!.message, `${T3413} run=${run}-udp`);
    // sent before the matched ones were seen, so had it been stored it would be there now
    const none = await svc.db.sequelize.query('SELECT 1 FROM monitoring_events WHERE message LIKE $1', {
      bind: [`%run=${run}-udp-none%`],
      type: QueryTypes.SELECT,
    });
    assert.equal(none.length, 0, 'a line matching no pattern is counted, not stored');
  });

  test('RFC 5424 over TCP, LF framing: several lines on one connection', async () => {
    const tcp = remote(['-T', '-P', String(svc.syslog!.tcpPort)]);
    await runLogger(['--rfc5424', ...tcp, '-t', 'srsepc'], [`${T3413} run=${run}-tcp 1`, `${T3413} run=${run}-tcp 2`, `${OOM} run=${run}-tcp 3`]);
    const events = await eventsTagged('tcp ', 3);
    assert.deepEqual(
      events.map((e) => [e.type, e.message.slice(-1)]),
      [
        ['paging_timeout', '1'],
        ['paging_timeout', '2'],
        ['oom_kill', '3'],
      ],
    );
  });

  test('RFC 5424 over TCP with octet counting (RFC 6587 3.4.1)', async () => {
    const tcp = remote(['-T', '--octet-count', '-P', String(svc.syslog!.tcpPort)]);
    await runLogger(['--rfc5424', ...tcp, '-t', 'srsepc'], [`${T3413} run=${run}-octet 1`, `${OOM} run=${run}-octet 2`]);
    const events = await eventsTagged('octet', 2);
    assert.deepEqual(events.map((e) => e.type).sort(), ['oom_kill', 'paging_timeout']);
    assert.ok(events.every((e) => e.host === hostname()));
  });

  test('RFC 3164 over UDP', async () => {
    await runLogger(['--rfc3164', ...remote(['-d', '-P', String(svc.syslog!.udpPort)]), '-t', 'srsepc', `${T3413} run=${run}-bsd`]);
    const [e] = await eventsTagged('bsd', 1);
    assert.equal(e.type, 'paging_timeout');
    assert.equal(e.host, hostname());
  });

  test('the receiver counts messages on /metrics', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    for (const transport of ['udp', 'tcp']) {
      const m = new RegExp(`vnfm_monitoring_syslog_messages_total\\{transport="${transport}",result="event"\\} (\\d+)`).exec(text);
      assert.ok(m && Number(m[1]) >= 3, `${transport} events counted`);
    }
    assert.match(text, /vnfm_monitoring_syslog_messages_total\{transport="udp",result="unmatched"\} [1-9]/);
  });
});
