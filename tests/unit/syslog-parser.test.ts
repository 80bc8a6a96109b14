import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inferRfc3164Time, parseRfc5424Time, parseSyslog, type SyslogMessage } from '../../fault-mgmt/logs/syslog-message.parser.ts';

const NOW = Date.UTC(2026, 10, 25, 19, 0, 0) / 1000; // 2026-11-25T19:00:00Z

function ok(text: string, now = NOW): SyslogMessage {
  const r = parseSyslog(text, now);
  assert.ok(r.ok, `expected a message, got: ${r.ok ? '' : r.error}`);
  return r.msg;
}

function bad(text: string): string {
  const r = parseSyslog(text, NOW);
  assert.equal(r.ok, false, `expected a parse error for ${JSON.stringify(text)}`);
  return r.ok ? '' : r.error;
}

describe('RFC 5424 (examples of section 6.5)', () => {
  test('Example 1: no STRUCTURED-DATA, BOM before the message', () => {
    const m = ok("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff'su root' failed for lonvick on /dev/pts/8");
    assert.deepEqual(m, {
      format: 'rfc5424',
      facility: 4,
      severity: 2,
      time: Date.UTC(2003, 9, 11, 22, 14, 15, 3) / 1000,
      hostname: 'mymachine.example.com',
      appName: 'su',
      procId: undefined,
      msgId: 'ID47',
      structuredData: [],
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
  });

  test('Example 2: microseconds and a negative offset', () => {
    const m = ok('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.');
    assert.equal(m.facility, 20);
    assert.equal(m.severity, 5);
    assert.ok(Math.abs(m.time! - (Date.UTC(2003, 7, 24, 12, 14, 15) / 1000 + 0.000003)) < 1e-6);
    assert.equal(m.hostname, '192.0.2.1');
    assert.equal(m.procId, '8710');
    assert.equal(m.msgId, undefined);
    assert.equal(m.message, "%% It's time to make the do-nuts.");
  });

  test('Example 3: STRUCTURED-DATA with a message', () => {
    const m = ok(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \ufeffAn application event log entry...',
    );
    assert.deepEqual(m.structuredData, [
      { id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] },
    ]);
    assert.equal(m.message, 'An application event log entry...');
  });

  test('Example 4: two SD-ELEMENTs and no message', () => {
    const m = ok(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
    assert.equal(m.structuredData.length, 2);
    assert.deepEqual(m.structuredData[1], { id: 'examplePriority@32473', params: [['class', 'high']] });
    assert.equal(m.message, '');
  });

  test('escaped "\\]", "\\"" and "\\\\" inside PARAM-VALUE (6.3.3)', () => {
    const m = ok('<13>1 - host app 1 - [x@1 a="q\\"uote" b="br\\]acket" c="back\\\\slash" d="keep\\n"] T3413 expired -- Could not page the ue.');
    assert.deepEqual(m.structuredData[0].params, [['a', 'q"uote'], ['b', 'br]acket'], ['c', 'back\\slash'], ['d', 'keep\\n']]);
    assert.equal(m.time, undefined, 'NILVALUE timestamp');
    assert.equal(m.message, 'T3413 expired -- Could not page the ue.');
  });

  test('what util-linux logger --rfc5424 sends', () => {
    const m = ok(
      '<13>1 2026-11-25T18:59:58.123456+00:00 epc-vm-1 srsepc 4242 - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="12345"] [NAS    ] [I] T3413 expired -- Could not page the ue.',
    );
    assert.equal(m.hostname, 'epc-vm-1');
    assert.equal(m.appName, 'srsepc');
    assert.ok(Math.abs(m.time! - (NOW - 2 + 0.123456)) < 1e-6);
    assert.equal(m.message, '[NAS    ] [I] T3413 expired -- Could not page the ue.');
  });

  test('timestamps: offsets, fractions, impossible dates', () => {
    assert.equal(parseRfc5424Time('1985-04-12T23:20:50.52Z'), Date.UTC(1985, 3, 12, 23, 20, 50, 520) / 1000);
    assert.equal(parseRfc5424Time('1985-04-12T19:20:50.52-04:00'), Date.UTC(1985, 3, 12, 23, 20, 50, 520) / 1000);
    assert.equal(parseRfc5424Time('2021-06-05T09:00:00+09:00'), Date.UTC(2021, 5, 5) / 1000);
    for (const t of ['2003-08-24T05:14:15.000000003-07:00', '2003-10-11T22:14:15.003', '2021-02-30T00:00:00Z', '2021-13-01T00:00:00Z', '2021-06-05 00:00:00Z']) {
      assert.equal(parseRfc5424Time(t), undefined, t);
    }
  });
});

describe('RFC 3164', () => {
  test('RFC 3164 5.4 example 1', () => {
    const m = ok("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    assert.equal(m.format, 'rfc3164');
    assert.equal(m.facility, 4);
    assert.equal(m.severity, 2);
    assert.equal(m.time, Date.UTC(2026, 9, 11, 22, 14, 15) / 1000);
    assert.equal(m.hostname, 'mymachine');
    assert.equal(m.appName, 'su');
    assert.equal(m.message, "'su root' failed for lonvick on /dev/pts/8");
  });

  test('RFC 3164 5.4 example 2: an IP address as HOSTNAME, no TAG, space-padded day', () => {
    const m = ok('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!');
    assert.equal(m.hostname, '10.0.0.99');
    assert.equal(m.appName, undefined);
    assert.equal(m.message, 'Use the BFG!');
    assert.equal(m.time, Date.UTC(2026, 1, 5, 17, 32, 18) / 1000);
  });

  test('kernel OOM line as rsyslog forwards it, TAG with [pid]', () => {
    const m = ok('<3>Nov 25 18:59:59 compute-1 kernel[0]: [ 8123.456] Out of memory: Killed process 4321 (srsepc) total-vm:1kB');
    assert.equal(m.hostname, 'compute-1');
    assert.equal(m.appName, 'kernel');
    assert.equal(m.procId, '0');
    assert.equal(m.message, '[ 8123.456] Out of memory: Killed process 4321 (srsepc) total-vm:1kB');
  });

  test('year inferred so the time is not in the future', () => {
    // Dec 31 seen on Jan 1: last year's.
    const jan1 = Date.UTC(2027, 0, 1, 0, 0, 30) / 1000;
    assert.equal(ok('<13>Dec 31 23:59:50 h app: x', jan1).time, Date.UTC(2026, 11, 31, 23, 59, 50) / 1000);
    assert.equal(inferRfc3164Time(10, 25, 18, 0, 0, NOW), Date.UTC(2026, 10, 25, 18) / 1000);
    // Feb 29 exists in 2024, not 2026 or 2025.
    assert.equal(inferRfc3164Time(1, 29, 0, 0, 0, NOW), Date.UTC(2024, 1, 29) / 1000);
  });

  test('lenient forms: no HOSTNAME (local senders), RFC 3339 timestamp, no timestamp', () => {
    const local = ok('<14>Nov 25 18:00:00 srsepc[812]: T3413 expired -- Could not page the ue.');
    assert.equal(local.hostname, undefined);
    assert.equal(local.appName, 'srsepc');
    assert.equal(local.procId, '812');
    assert.equal(local.message, 'T3413 expired -- Could not page the ue.');
    const fwd = ok('<14>2026-11-25T18:00:00.123456789+01:00 epc-vm-2 srsepc[812]: hello');
    assert.equal(fwd.hostname, 'epc-vm-2');
    assert.ok(Math.abs(fwd.time! - (Date.UTC(2026, 10, 25, 17) / 1000 + 0.123456)) < 1e-6);
    const bare = ok('<14>srsepc: hello');
    assert.equal(bare.time, undefined);
    assert.equal(bare.appName, 'srsepc');
    assert.equal(bare.message, 'hello');
  });
});

describe('garbage is a parse error, never an exception', () => {
  const cases: [string, RegExp][] = [
    ['', /no PRI/],
    ['hello world', /no PRI/],
    ['<192>1 - - - - - - x', /invalid PRI <192>/],
    ['<999>Oct 11 22:14:15 h a: b', /invalid PRI/],
    ['<01>Oct 11 22:14:15 h a: b', /invalid PRI <01>/],
    ['<-1>x', /no PRI/],
    ['<13>2 2003-10-11T22:14:15.003Z h a - - - x', /unsupported syslog VERSION 2/],
    ['<13>1 2003-10-11 h a - - - x', /invalid TIMESTAMP/],
    ['<13>1 2003-10-11T22:14:15.003Z h a', /missing PROCID/],
    ['<13>1 2003-10-11T22:14:15.003Z h a 1 ID', /missing STRUCTURED-DATA/],
    ['<13>1 2003-10-11T22:14:15.003Z h\u0001x a 1 - -', /invalid or missing HOSTNAME/],
    ['<13>1 - h a - - [unterminated x="y"', /expected "\]"/],
    ['<13>1 - h a - - [x a="open', /unterminated PARAM-VALUE/],
    ['<13>1 - h a - - [x a=unquoted]', /invalid SD-PARAM/],
    ['<13>1 - h a - - nosd message', /STRUCTURED-DATA must be/],
    ['<13>Oct 41 22:14:15 h a: b', /invalid TIMESTAMP/],
    ['<13> just text', /neither an RFC 5424 nor an RFC 3164 header/],
  ];
  for (const [text, reason] of cases) {
    test(JSON.stringify(text), () => assert.match(bad(text), reason));
  }

  test('random bytes never throw', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = '<>0123456789 -[]="\\abcTZ:.+\ufeff\n';
    for (let i = 0; i < 2000; i++) {
      let s = rnd() < 0.5 ? '<13>1 ' : '<13>';
      for (let j = Math.floor(rnd() * 60); j > 0; j--) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const r = parseSyslog(s, NOW);
      assert.equal(typeof r.ok, 'boolean');
    }
  });
});
