#!/usr/bin/env node
// Runs the test tiers with node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|contract|integration|conformance|openstack|resilience ...]
// Without arguments: every tier except the slow real-world `openstack` suite and the
// `resilience` suite, which restarts the local RabbitMQ and PostgreSQL (one file at a time).
// Output: the spec reporter for humans, then every skipped test with its reason and
// one line `N passed, N failed, N skipped`. The exit code is non-zero on any failure.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_TIERS = ['unit', 'contract', 'integration', 'conformance'];
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_TIERS;
// Restarting a shared service (or starting the one OpenStack test bed) would disturb test files running beside it.
const SERIAL_TIERS = ['resilience', 'openstack'];
const concurrency = tiers.some((t) => SERIAL_TIERS.includes(t)) ? 1 : (process.env.TEST_CONCURRENCY ?? 2);

function find(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return []; // a tier without tests yet
  }
  return entries
    .flatMap((e) => {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) return find(p);
      return e.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

const files = tiers.flatMap((t) => find(path.join(root, 'tests', t)));
if (files.length === 0) {
  console.error(`no test files in tiers ${tiers.join(', ')}`);
  process.exit(1);
}
console.log(
  `running ${files.length} test files (${tiers.join(', ')}); database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}, bus: ${process.env.AMQP_URL ? 'AMQP_URL' : 'in-process'}`,
);

const work = mkdtempSync(path.join(tmpdir(), 'vnfm-tests-'));
const summaryFile = path.join(work, 'summary.json');
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'scripts', 'test-summary.reporter.mjs')}`,
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);

let summary;
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  summary = undefined; // the runner died before reporting; its exit code tells
}
rmSync(work, { recursive: true, force: true });
if (summary) {
  const rel = (f) => (f ? path.relative(root, f) : '?');
  if (summary.skips.length) {
    console.log('\nskipped:');
    for (const s of summary.skips) console.log(`  ${rel(s.file)} > ${s.name}: ${s.reason}`);
  }
  if (summary.failures.length) {
    console.log('\nfailed:');
    for (const f of summary.failures) console.log(`  ${rel(f.file)} > ${f.name}`);
  }
  console.log(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
}
const failed = r.status !== 0 || !summary || summary.failed > 0;
process.exit(failed ? r.status || 1 : 0);
