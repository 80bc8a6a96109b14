import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../../platform/config/config.ts';
import { registerModelsCommand } from '../../prediction/cli/models.command.ts';
import { activeModelDir } from '../../prediction/registry/active-model-dir.ts';
import { ModelNotFound, NothingToRollBack } from '../../prediction/registry/model-registry.ts';
import { writeModelDir } from '../support/prediction-models.ts';
import { runCli } from '../support/service-process.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

const CLI_SOURCE = fileURLToPath(new URL('../../vnfm-plugin/cli.ts', import.meta.url));
const cliSkipReason = (): string | false =>
  readFileSync(CLI_SOURCE, 'utf8').includes('registerModelsCommand') ? false : 'the models command is not registered in vnfm-plugin/cli.ts yet';

let work: string;
let env: Record<string, string | undefined>;
let real: TestDatabase | undefined;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'vnfm-models-cli-'));
  env = { VNFM_DATA_DIR: path.join(work, 'data'), LOG_LEVEL: 'silent' };
  if (process.env.DATABASE_URL) {
    real = await openTestDatabase({ migrate: false });
    env.DATABASE_URL = real.url;
  }
  for (const id of ['model-a', 'model-b']) await writeModelDir(path.join(work, 'trained', id), { id, dataHash: `sha256:${id}` });
});
after(async () => {
  await real?.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs `vnfm-plugin models ...` in this process; returns what it printed. */
async function models(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  registerModelsCommand(program, { config: () => loadConfig(env as NodeJS.ProcessEnv), out: (l) => lines.push(l) });
  await program.parseAsync(['models', ...args], { from: 'user' });
  return lines.join('\n');
}

describe('vnfm-plugin models', () => {
  test('register, list, activate and rollback', async () => {
    assert.match(await models('list'), /no models registered/);
    assert.deepEqual(JSON.parse(await models('list', '--json')), []);

    const registered = JSON.parse(await models('register', path.join(work, 'trained', 'model-a')));
    assert.equal(registered.id, 'model-a');
    assert.equal(registered.active, false);
    assert.equal(registered.path, path.join(work, 'data', 'models', 'model-a'));
    const b = JSON.parse(await models('register', path.join(work, 'trained', 'model-b'), '--activate'));
    assert.equal(b.active, true);

    assert.deepEqual(JSON.parse(await models('activate', 'model-a')), { active: 'model-a', previous: 'model-b', changed: true });
    const list = JSON.parse(await models('list', '--json')) as { id: string; active: boolean; previousActive?: string; dataHash: string; horizonSteps: number }[];
    assert.deepEqual(
      list.map((m) => [m.id, m.active, m.previousActive, m.dataHash, m.horizonSteps]).sort(),
      [['model-a', true, 'model-b', 'sha256:model-a', 12], ['model-b', false, undefined, 'sha256:model-b', 12]],
    );
    const table = await models('list');
    assert.match(table, /^\*\s+model-a\s+2026-11-25T20:15:00Z\s+12\s+0\.500\s+model-a$/m);

    assert.deepEqual(JSON.parse(await models('rollback')), { active: 'model-b', previous: 'model-a', changed: true });
    // What `evaluate` without --model uses.
    assert.equal(await activeModelDir(loadConfig(env as NodeJS.ProcessEnv), testLog), path.join(work, 'data', 'models', 'model-b'));
    await assert.rejects(models('rollback'), NothingToRollBack);
    await assert.rejects(models('activate', 'model-z'), ModelNotFound);
  });

  test('`node bin/vnfm-plugin.js models list --json` prints the registry', { skip: cliSkipReason() }, () => {
    const r = runCli(['models', 'list', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { id: string; active: boolean }[];
    assert.deepEqual(list.map((m) => [m.id, m.active]).sort(), [['model-a', false], ['model-b', true]]);
    const bad = runCli(['models', 'activate', 'model-z'], env);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /No model with id 'model-z' is registered/);
  });
});
