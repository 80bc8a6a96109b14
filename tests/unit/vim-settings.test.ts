import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../platform/logger.ts';
import { createVimDriver } from '../../lcm/vim/create-vim-driver.ts';
import { OpenStackVimDriver } from '../../lcm/vim/openstack/openstack-vim.driver.ts';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import { OPENSTACK_DEFAULTS, parseSimulatedHosts } from '../../lcm/vim/vim-settings.ts';

const log = createLogger('silent');

test('simulated hosts are read from name[:vcpus:ramMb:diskGb][@zone] lists', () => {
  assert.deepEqual(parseSimulatedHosts('compute-a, compute-b:16:65536:500@az2'), [
    { name: 'compute-a', capacity: { vcpus: 32, ramMb: 131072, diskGb: 2000 } },
    { name: 'compute-b', capacity: { vcpus: 16, ramMb: 65536, diskGb: 500 }, availabilityZone: 'az2' },
  ]);
  assert.throws(() => parseSimulatedHosts('a:1:2'), /not name\[:vcpus:ramMb:diskGb\]\[@zone\]/);
  assert.throws(() => parseSimulatedHosts('a,a'), /unique/);
  assert.throws(() => parseSimulatedHosts(' , '), /at least one/);
});

test('the factory builds the driver of the kind the settings name', async () => {
  const sim = createVimDriver({ kind: 'simulated', hosts: parseSimulatedHosts('h1,h2') }, log);
  assert.ok(sim instanceof SimulatedVim);
  assert.deepEqual((await sim.listHosts()).map((h) => h.name), ['h1', 'h2']);
  const os = createVimDriver(
    {
      kind: 'openstack',
      authUrl: 'http://127.0.0.1:5000/v3',
      auth: { type: 'password', username: 'u', password: 'p', userDomainName: 'Default', projectName: 'p', projectDomainName: 'Default' },
      ...OPENSTACK_DEFAULTS,
    },
    log,
  );
  assert.ok(os instanceof OpenStackVimDriver);
  assert.equal(os.kind, 'openstack');
});
