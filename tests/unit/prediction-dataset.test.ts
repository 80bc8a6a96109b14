import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataFileError, parseDataFile, parseLocalTime } from '../../prediction/dataset/data-file.parser.ts';
import { formatLocalTime, toDataFile } from '../../prediction/dataset/data-file.writer.ts';
import { classifyEpcMessage, countEventsPerRow, parseEpcLog } from '../../prediction/dataset/epc-log.parser.ts';
import { NEVER_A_FEATURE } from '../../prediction/dataset/trace.ts';

const T0 = Date.UTC(2021, 5, 4, 15, 0, 10) / 1000; // 2021-06-05 00:00:10 at UTC+9

const SAMPLE = [
  '30\t2021-06-05 00:00:10.307615\t48.0\t11.0\t0.0\t0\t0',
  '30\t2021-06-05 00:00:15.000000\t50.0\t26.5\t0.0\t0\t0',
  '100\t2021-06-05 00:00:20.5\t3.0\t0.0\t15.0\t2\t1',
].join('\n');

test('parses the dataset format: local time at UTC+9, signals, label, scenario kept aside', () => {
  const trace = parseDataFile(SAMPLE, { source: 'sample.txt' });
  assert.equal(trace.rows.length, 3);
  assert.equal(trace.source, 'sample.txt');
  assert.ok(Math.abs(trace.rows[0].time - (T0 + 0.307615)) < 1e-6);
  assert.equal(trace.rows[1].time, T0 + 5);
  assert.equal(trace.rows[2].time, T0 + 10.5);
  assert.deepEqual(
    { ...trace.rows[2], time: 0 },
    { time: 0, cpu: 3, mem: 0, swap: 15, paging: 2, oom: 0, failure: 1, scenarioSeconds: 100 },
  );
  assert.equal(trace.rows[1].mem, 26.5);
  assert.ok(NEVER_A_FEATURE.includes('scenarioSeconds'));
});

test('the UTC offset is configurable', () => {
  const utc = parseDataFile(SAMPLE, { utcOffsetHours: 0 });
  assert.ok(Math.abs(utc.rows[0].time - (T0 + 9 * 3600 + 0.307615)) < 1e-6);
  assert.equal(parseLocalTime('2021-06-05 00:00:00', -2.5), Date.UTC(2021, 5, 5, 2, 30) / 1000);
});

test('tolerates CRLF, a BOM, blank and trailing lines, trailing spaces and comments', () => {
  const text = '\uFEFF# exported\r\n' + SAMPLE.split('\n').join('\r\n') + '  \r\n\r\n\r\n';
  const trace = parseDataFile(text);
  assert.equal(trace.rows.length, 3);
  assert.equal(trace.rows[2].failure, 1);
});

test('an optional 8th column carries OOM kills', () => {
  const trace = parseDataFile('30\t2021-06-05 00:00:10.0\t1\t2\t3\t0\t0\t2\n');
  assert.equal(trace.rows[0].oom, 2);
});

function errorOf(text: string): DataFileError {
  try {
    parseDataFile(text, { source: 'bad.txt' });
  } catch (e) {
    assert.ok(e instanceof DataFileError, String(e));
    return e;
  }
  assert.fail('no error thrown');
}

test('malformed lines are rejected with their line number', () => {
  const good = SAMPLE.split('\n');
  const cases: Array<[string, number, RegExp]> = [
    [[good[0], 'garbage'].join('\n'), 2, /expected 7 tab-separated columns/],
    [[good[0], good[1], '30\t2021-06-05 00:00:25\tx\t1\t1\t0\t0'].join('\n'), 3, /column 3 \(cpu %\) is not a number/],
    [['30\t2021-13-05 00:00:25\t1\t1\t1\t0\t0'].join('\n'), 1, /column 2 is not a time/],
    [['30\t2021-02-30 00:00:25\t1\t1\t1\t0\t0'].join('\n'), 1, /column 2 is not a time/],
    [['', '30\t2021-06-05 00:00:25\t1\t1\t1\t0\t2'].join('\n'), 2, /failure label\) must be 0 or 1/],
    [['30\t2021-06-05 00:00:25\t1\t-1\t1\t0\t0'].join('\n'), 1, /memory %\) is negative/],
    [['30\t2021-06-05 00:00:25\t1\t1\t1\t\t0'].join('\n'), 1, /paging failures\) is not a number/],
    [[good[1], good[0]].join('\n'), 2, /earlier than the previous row/],
    [['\n\n'].join('\n'), 3, /no data rows/],
  ];
  for (const [text, line, message] of cases) {
    const e = errorOf(text);
    assert.equal(e.line, line, e.message);
    assert.match(e.message, new RegExp(`^bad\\.txt line ${line}: `));
    assert.match(e.message, message);
    assert.equal(e.status, 422);
  }
});

test('writer output reads back to the same rows, microseconds included', () => {
  const trace = parseDataFile(SAMPLE);
  const text = toDataFile(trace);
  assert.equal(text.split('\n')[0], '30\t2021-06-05 00:00:10.307615\t48.0\t11.0\t0.0\t0\t0');
  assert.equal(text.split('\n')[2], '100\t2021-06-05 00:00:20.500000\t3.0\t0.0\t15.0\t2\t1');
  assert.deepEqual(parseDataFile(text).rows, trace.rows);
  assert.equal(formatLocalTime(T0 + 0.9999999), '2021-06-05 00:00:11.000000');
  const withOom = { rows: trace.rows.map((r, i) => ({ ...r, oom: i === 1 ? 1 : 0 })) };
  assert.equal(toDataFile(withOom).split('\n')[1].split('\t').length, 8);
  assert.deepEqual(parseDataFile(toDataFile(withOom)).rows, withOom.rows);
});

test('EPC log lines are classified by message body and counted per row interval', () => {
  assert.equal(classifyEpcMessage('T3413 expired -- Could not page the ue.'), 'paging');
  assert.equal(classifyEpcMessage('2021-06-05T00:01:23.595575 [NAS    ] [I] T3413 expired -- Could not page the ue.'), 'paging');
  assert.equal(classifyEpcMessage('Paging to IMSI[001010000000001] failed. Stop paging'), 'paging');
  assert.equal(classifyEpcMessage('Failed to send S1AP PDU. Error: Broken pipe'), 'failure');
  assert.equal(classifyEpcMessage('Out of memory: Killed process 42 (stress-ng) total-vm:1kB'), 'oom');
  assert.equal(classifyEpcMessage('Out of memory: Kill process 42 (stress) score 900 or sacrifice child'), 'oom');
  assert.equal(classifyEpcMessage('Downlink Data Notification Failure Indication -- SP-GW control teid 1'), 'other');

  const trace = parseDataFile(SAMPLE);
  const log = [
    `${T0 - 1}\tT3413 expired -- Could not page the ue.`, // row 0 interval (T0-5, T0]
    `${T0 + 5}\tT3413 expired -- Could not page the ue.`, // row 1: (T0+0.3, T0+5]
    `${T0 + 6}\tT3413 expired -- Could not page the ue.`, // row 2
    `${T0 + 7}\tFailed to send S1AP PDU. Error: Broken pipe`,
    `${T0 + 99}\tT3413 expired -- Could not page the ue.`, // after the last row
    'not a log line',
  ].join('\r\n');
  const events = parseEpcLog(log);
  assert.equal(events.length, 5);
  const counts = countEventsPerRow(trace, events);
  assert.deepEqual([...counts.paging], [1, 1, 1]);
  assert.deepEqual([...counts.failure], [0, 0, 1]);
});
