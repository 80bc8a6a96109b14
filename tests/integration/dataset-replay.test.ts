import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { startMonitoringService, type MonitoringTestService } from '../support/monitoring-service.ts';

/**
 * Replays the vEPC paging-failure dataset's srsEPC logs (CNSM 2021, Jeong et al., GitHub
 * syjeong96/vEPC_failure_prediction, dataset/) through POST /logs and reads the aligned
 * 5 s event counts back with the window reader; they must reproduce data.txt's column 5
 * (T3413 expiries per interval) and column 6 (failure label: S1AP "Broken pipe" logged).
 *
 * Alignment: log epochs are UTC, data.txt times UTC+9. A data.txt row at time r describes
 * the last complete epoch-aligned 5 s window before it, [floor(r/5)*5 - 5, floor(r/5)*5).
 * Only rows up to the last line of the last log present are covered: later rows need
 * log files that are held back with the dataset's test split.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATASET = path.resolve(repo, '../shared/datasets/vepc-paging-failure');
const LOGS = path.join(DATASET, 'epc_failure_log');
const skip = existsSync(LOGS) && existsSync(path.join(DATASET, 'data.txt')) ? false : `dataset not found at ${DATASET} (../shared is absent)`;

const STEP = 5;
const BATCH = 5000;
const HOST = 'vepc-replay';
const UTC_PLUS_9 = 9 * 3600;

interface LogLine {
  time: number;
  message: string;
}

function readLogs(): { lines: LogLine[]; lastEpoch: number; files: number } {
  const lines: LogLine[] = [];
  const files = readdirSync(LOGS).filter((f) => f.endsWith('.log'));
  for (const f of files) {
    for (const row of readFileSync(path.join(LOGS, f), 'utf8').split('\n')) {
      if (!row.trim()) continue;
      const tab = row.indexOf('\t');
      lines.push({ time: Number(row.slice(0, tab)), message: row.slice(tab + 1) });
    }
  }
  lines.sort((a, b) => a.time - b.time);
  return { lines, lastEpoch: lines[lines.length - 1].time, files: files.length };
}

interface Row {
  at: number;
  t3413: number;
  failure: number;
}

function readRows(): Row[] {
  return readFileSync(path.join(DATASET, 'data.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const c = l.split('\t');
      const [date, time] = c[1].split(' ');
      const [y, mo, d] = date.split('-').map(Number);
      const [h, mi, s] = time.split(':').map(Number);
      return { at: Date.UTC(y, mo - 1, d, h, mi, 0) / 1000 + s - UTC_PLUS_9, t3413: Number(c[5]), failure: Number(c[6]) };
    });
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

describe('vEPC paging-failure dataset replayed through POST /logs', { skip }, () => {
  let svc: MonitoringTestService;
  before(async () => {
    svc = await startMonitoringService();
  });
  after(async () => svc?.close());

  test('aligned 5 s counts reproduce data.txt columns 5 and 6 over the covered period', async (t) => {
    const { lines, lastEpoch, files } = readLogs();
    let received = 0;
    let events = 0;
    for (let i = 0; i < lines.length; i += BATCH) {
      const res = await fetch(`${svc.url}/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ batchId: `replay-${i}`, host: HOST, source: 'log', lines: lines.slice(i, i + BATCH) }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { received: number; events: number; unmatched: number; duplicate: boolean };
      assert.equal(body.duplicate, false);
      received += body.received;
      events += body.events;
    }
    assert.equal(received, lines.length);
    assert.equal(events, lines.length, 'every line of the extracts is a T3413 or Broken pipe line');

    const rows = readRows();
    const covered = rows.filter((r) => r.at <= lastEpoch);
    const start = Math.floor(covered[0].at / STEP) * STEP - STEP;
    const end = Math.floor(covered[covered.length - 1].at / STEP) * STEP;
    const entity = { kind: 'host' as const, id: HOST };
    const reader = svc.service.monitoring.reader;
    const [paging, pipe] = await Promise.all(
      ['events:paging_timeout', 'events:s1ap_broken_pipe'].map((metric) => reader.read({ entity, metric, start, end, step: STEP })),
    );
    const countAt = (series: typeof paging, windowStart: number) => series.values[(windowStart - series.start) / STEP] ?? null;

    let exact = 0;
    let zeroNonZero = 0;
    let withinOne = 0;
    let label = 0;
    for (const r of covered) {
      const w = Math.floor(r.at / STEP) * STEP - STEP;
      const n = countAt(paging, w);
      const p = countAt(pipe, w);
      assert.ok(n !== null && p !== null, `event counts are never gaps (window ${w})`);
      if (n === r.t3413) exact++;
      if (n > 0 === r.t3413 > 0) zeroNonZero++;
      if (Math.abs(n - r.t3413) <= 1) withinOne++;
      if ((p > 0 ? 1 : 0) === r.failure) label++;
    }
    const total = covered.length;
    const report = [
      `replayed ${lines.length} lines of ${files} log files in ${Math.ceil(lines.length / BATCH)} POST /logs batches`,
      `covered ${total} of ${rows.length} data.txt rows (${rows.length - total} after the last available log line)`,
      `column 5 (T3413 count): exact ${pct(exact, total)}, zero/non-zero ${pct(zeroNonZero, total)}, within +-1 ${pct(withinOne, total)}`,
      `column 6 (failure label): ${pct(label, total)}`,
    ];
    for (const line of report) {
      t.diagnostic(line);
      console.log(`dataset-replay: ${line}`);
    }
    // Measured: exact 69.6%, zero/non-zero 97.9%, within +-1 98.8%, label 99.2% (the
    // dataset's own intervals are ~5.04 s, not aligned, so exact counts drift at edges).
    assert.ok(total > 9000, `covered rows: ${total}`);
    assert.ok(label / total >= 0.98, `column 6 match ${pct(label, total)} < 98%`);
    assert.ok(withinOne / total >= 0.97, `column 5 within +-1 ${pct(withinOne, total)} < 97%`);
    assert.ok(zeroNonZero / total >= 0.96, `column 5 zero/non-zero ${pct(zeroNonZero, total)} < 96%`);
    assert.ok(exact / total >= 0.65, `column 5 exact ${pct(exact, total)} < 65%`);
  });

  test('a replayed batch posted again is answered duplicate and not stored twice', async () => {
    const { lines } = readLogs();
    const res = await fetch(`${svc.url}/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: 'replay-0', host: HOST, lines: lines.slice(0, BATCH) }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { duplicate: boolean; events: number };
    assert.deepEqual([body.duplicate, body.events], [true, 0]);
    const [{ n }] = await svc.db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM monitoring_events WHERE host = $1', {
      bind: [HOST],
      type: QueryTypes.SELECT,
    });
    assert.equal(n, lines.length);
  });
});
