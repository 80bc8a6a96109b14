import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createVnfPackageCatalogue } from '../../lcm/vnfd/vnf-package-catalogue.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vnfd-samples');
const AIO = 'eea26f08-8835-4d85-903b-0bf62837c513';
const SPLIT = '2676eb93-f5c3-47d3-a6d6-f82403de0cbd';
const OPEN5GS = '7b49efec-aaa7-45ef-bc49-25fc920cc50e';

const root = mkdtempSync(path.join(tmpdir(), 'vnfd-catalogue-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the samples folder gives the three sample VNFDs and nothing invalid', async () => {
  const catalogue = await createVnfPackageCatalogue([SAMPLES]);
  assert.deepEqual(catalogue.invalid, []);
  assert.deepEqual(catalogue.list().map((v) => v.vnfdId), [OPEN5GS, AIO, SPLIT]);
  assert.equal(catalogue.get(SPLIT)?.productName, 'srsEPC split');
  assert.equal(catalogue.get(SPLIT)?.packageDir, path.join(SAMPLES, 'vepc-split'));
  assert.equal(catalogue.get('no-such-vnfd'), undefined);
});

test('an invalid package is reported with its problems and the others still load', async () => {
  const dir = path.join(root, 'packages');
  cpSync(path.join(SAMPLES, 'srsepc-aio'), path.join(dir, 'a-srsepc-aio'), { recursive: true });
  cpSync(path.join(SAMPLES, 'vepc-split'), path.join(dir, 'b-vepc-broken'), { recursive: true });
  cpSync(path.join(SAMPLES, 'srsepc-aio'), path.join(dir, 'c-srsepc-again'), { recursive: true });
  mkdirSync(path.join(dir, 'd-not-a-package'));
  writeFileSync(path.join(dir, 'd-not-a-package', 'notes.txt'), 'not a package\n');
  writeFileSync(path.join(dir, 'README.md'), 'files beside the packages are ignored\n');
  const df = path.join(dir, 'b-vepc-broken', 'Definitions', 'vepc_split_df_simple.yaml');
  writeFileSync(df, readFileSync(df, 'utf8').replace('score_threshold: 0.6', 'score_threshold: 0.3'));
  const single = path.join(root, 'open5gs');
  cpSync(path.join(SAMPLES, 'open5gs-core'), single, { recursive: true });

  const catalogue = await createVnfPackageCatalogue([dir, single, path.join(root, 'missing')]);
  assert.deepEqual(catalogue.list().map((v) => v.vnfdId), [AIO, OPEN5GS]);
  assert.equal(catalogue.get(AIO)?.packageDir, path.join(dir, 'a-srsepc-aio'));
  assert.equal(catalogue.get(SPLIT), undefined);
  assert.deepEqual(
    catalogue.invalid.map((i) => [path.relative(root, i.packageDir), i.problems.map((p) => p.path || p.message)]),
    [
      ['packages/b-vepc-broken', ['Definitions/vepc_split_df_simple.yaml#topology_template.policies[5].control_plane_migration.properties.score_threshold']],
      ['packages/c-srsepc-again', [`vnfdId ${AIO} is already provided by ${path.join(dir, 'a-srsepc-aio')}`]],
      ['packages/d-not-a-package', ['TOSCA-Metadata/TOSCA.meta']],
      ['missing', [`${path.join(root, 'missing')} is not a directory`]],
    ],
  );
  assert.match(catalogue.invalid[0].problems[0].message, /between 0.5 and 0.95, not 0.3/);
});
