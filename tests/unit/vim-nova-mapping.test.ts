import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openstackMessage } from '../../lcm/vim/openstack/openstack-http.ts';
import { newestFirst, novaTime, toLiveMigration, toMigrationStatus, toServerStatus, toVimServer } from '../../lcm/vim/openstack/nova-mapping.ts';
import { allocatable } from '../../lcm/vim/openstack/placement-client.ts';

test('Nova server statuses map to the port; the unknown ones are UNKNOWN', () => {
  assert.equal(toServerStatus('HARD_REBOOT'), 'REBOOT');
  assert.equal(toServerStatus('MIGRATING'), 'MIGRATING');
  assert.equal(toServerStatus('SHELVED_OFFLOADED'), 'UNKNOWN');
});

test('a Nova server becomes a VimServer with host, flavor resources and the fault of an ERROR', () => {
  const s = toVimServer({
    id: 'i',
    name: 'n',
    status: 'ERROR',
    metadata: { a: 'b' },
    flavor: { vcpus: 2, ram: 2048, disk: 20 },
    'OS-EXT-SRV-ATTR:host': 'compute-a',
    fault: { message: 'No valid host was found.' },
  });
  assert.deepEqual(s, {
    id: 'i',
    name: 'n',
    status: 'ERROR',
    host: 'compute-a',
    resources: { vcpus: 2, ramMb: 2048, diskGb: 20 },
    metadata: { a: 'b' },
    fault: 'No valid host was found.',
  });
});

test('migration statuses: accepted is queued, cancelling still running, done (evacuation) completed', () => {
  assert.equal(toMigrationStatus('accepted'), 'queued');
  assert.equal(toMigrationStatus('cancelling'), 'running');
  assert.equal(toMigrationStatus('done'), 'completed');
  assert.equal(toMigrationStatus('something-new'), 'error');
});

test('os-migrations rows take the memory progress of the in-progress list and sort newest first', () => {
  const row = (id: number, created: string) => ({
    id,
    instance_uuid: 's',
    source_compute: 'compute-a',
    dest_compute: 'compute-b',
    status: 'running',
    created_at: created,
  });
  const running = toLiveMigration(row(2, '2026-11-26T01:19:50.000000'), {
    id: 2,
    server_uuid: 's',
    source_compute: 'compute-a',
    dest_compute: 'compute-b',
    status: 'running',
    memory_total_bytes: 100,
    memory_processed_bytes: 40,
    created_at: '2026-11-26T01:19:50.000000',
  });
  assert.equal(running.memoryProcessedBytes, 40);
  assert.equal(running.createdAt, '2026-11-26T01:19:50.000Z');
  const older = toLiveMigration(row(1, '2026-11-26T01:19:50.000000'));
  const oldest = toLiveMigration(row(3, '2026-11-25T00:00:00.000000'));
  assert.deepEqual(newestFirst([oldest, older, running]).map((m) => m.id), ['2', '1', '3']);
  assert.equal(novaTime('2026-11-26T01:19:50Z'), '2026-11-26T01:19:50.000Z');
});

test('Placement capacity is (total - reserved) x allocation ratio', () => {
  assert.equal(allocatable({ total: 800000, reserved: 512, allocation_ratio: 1.5 }), 1199232);
  assert.equal(allocatable({ total: 1000, allocation_ratio: 16 }), 16000);
  assert.equal(allocatable(undefined), 0);
});

test('error messages are read from every OpenStack error shape', () => {
  const m = (body: unknown, text = '') => openstackMessage({ body, text });
  assert.equal(m({ itemNotFound: { code: 404, message: 'Instance x could not be found.' } }), 'Instance x could not be found.');
  assert.equal(m({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }), 'The request you have made requires authentication.');
  assert.equal(m({ errors: [{ status: 404, title: 'Not Found', detail: 'No resource provider with uuid x found' }] }), 'No resource provider with uuid x found');
  assert.equal(m({ NeutronError: { type: 'NetworkNotFound', message: 'Network x could not be found.' } }), 'Network x could not be found.');
  assert.equal(m(undefined, '<html><body><h1>404 Not Found</h1>\n No image found </body></html>'), '404 Not Found No image found');
});
