#!/usr/bin/env node
// Runs the test tiers with node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|contract|integration|conformance|openstack ...]
// Without arguments: every tier except the slow real-world `openstack` suite.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DEFAULT_TIERS = ['unit', 'contract', 'integration', 'conformance'];
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_TIERS;

function find(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const files = tiers.flatMap((t) => find(path.join(root, 'tests', t)));
if (files.length === 0) {
  console.error(`no test files in tiers ${tiers.join(', ')}`);
  process.exit(1);
}
console.log(
  `running ${files.length} test files (${tiers.join(', ')}); database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}, bus: ${process.env.AMQP_URL ? 'AMQP_URL' : 'in-process'}`,
);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);
process.exit(r.status ?? 1);
