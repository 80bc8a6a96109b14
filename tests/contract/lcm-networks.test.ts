import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { ServerSpec } from '../../lcm/vim/vim.port.ts';
import { startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim, recordingVim, type RecordingVim } from '../support/lcm-vim-recorder.ts';
import { createInstance, getInstance, INSTANTIATE_MIN, instantiated, SCALE_OUT, task, V, waitForOp } from '../support/lcm-requests.ts';

// Networks at boot: the InstantiateVnfRequest's extVirtualLinks (by VduCp cpdId) and
// extManagedVirtualLinks (by VnfVirtualLink) become each server's networks, in the CPs' order,
// and are kept in instantiatedVnfInfo so that scale and heal (recreate) boot on the same ones.
let s: LcmTestApp;
let rec: RecordingVim;
before(async () => {
  rec = recordingVim(fastSimulatedVim());
  s = await startLcmTestApp({ vim: rec.vim });
});
after(() => s?.close());

const EXT_NET = '0c5a2b7e-55a6-4b59-9d26-3f9f0a1c2d3e';
const WITH_LINKS = {
  ...INSTANTIATE_MIN,
  extVirtualLinks: [{ id: 'ext-1', resourceId: EXT_NET, extCps: [{ cpdId: 'VDU1_CP1', cpConfig: { c1: { cpProtocolData: [{ layerProtocol: 'IP_OVER_ETHERNET' }] } } }, { cpdId: 'VDU2_CP1' }] }],
  extManagedVirtualLinks: [{ id: 'mgd-1', vnfVirtualLinkDescId: 'internalVL1', resourceId: 'net-internal' }],
};

/** ServerSpec.networks of every server booted since `from`, by VDU. */
function bootedNetworks(from: number): [string, readonly string[] | undefined][] {
  return rec.calls
    .slice(from)
    .filter((c) => c.method === 'createServer')
    .map((c) => {
      const spec = c.args[0] as ServerSpec;
      return [spec.metadata?.vduId ?? '', spec.networks];
    });
}

describe('networks at boot', () => {
  test('instantiate: each server on the networks of its CPs, in order; the links and vnfcCpInfo are kept', async () => {
    const from = rec.calls.length;
    const id = await instantiated(s.app, WITH_LINKS);
    assert.deepEqual(bootedNetworks(from).sort(), [
      ['VDU1', [EXT_NET, 'net-internal']],
      ['VDU2', [EXT_NET]],
    ]);
    const info = (await getInstance(s.app, id)).instantiatedVnfInfo;
    assert.deepEqual(info.extVirtualLinkInfo, [
      {
        id: 'ext-1',
        resourceHandle: { resourceId: EXT_NET, vimLevelResourceType: 'OS::Neutron::Net' },
        currentVnfExtCpData: WITH_LINKS.extVirtualLinks[0].extCps,
      },
    ]);
    assert.deepEqual(info.extManagedVirtualLinkInfo, [
      { id: 'mgd-1', vnfVirtualLinkDescId: 'internalVL1', networkResource: { resourceId: 'net-internal', vimLevelResourceType: 'OS::Neutron::Net' } },
    ]);
    const vdu1 = info.vnfcResourceInfo.find((r: any) => r.vduId === 'VDU1');
    assert.deepEqual(vdu1.vnfcCpInfo, [
      { id: `${vdu1.id}-VDU1_CP1`, cpdId: 'VDU1_CP1' },
      { id: `${vdu1.id}-VDU1_CP2`, cpdId: 'VDU1_CP2' },
    ]);
  });

  test('scale out and heal recreate boot the new servers on the same networks', async () => {
    const id = await instantiated(s.app, WITH_LINKS);
    let from = rec.calls.length;
    const out = await waitForOp(s.app, await task(s.app, id, 'scale', SCALE_OUT), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(out.operationState, 'COMPLETED', JSON.stringify(out.error));
    assert.deepEqual(bootedNetworks(from), [['VDU1', [EXT_NET, 'net-internal']]]);

    const vdu2 = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo.find((r: any) => r.vduId === 'VDU2');
    from = rec.calls.length;
    const healed = await waitForOp(s.app, await task(s.app, id, 'heal', { vnfcInstanceId: [vdu2.id], additionalParams: { healType: 'recreate' } }), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(healed.operationState, 'COMPLETED', JSON.stringify(healed.error));
    assert.deepEqual(bootedNetworks(from), [['VDU2', [EXT_NET]]]);
    const after = (await getInstance(s.app, id)).instantiatedVnfInfo;
    assert.notEqual(after.vnfcResourceInfo.find((r: any) => r.id === vdu2.id).computeResource.resourceId, vdu2.computeResource.resourceId, 'a new server');
    assert.equal(after.extVirtualLinkInfo.length, 1, 'the links outlive the heal');
  });

  test('without links the servers boot with no networks (Nova "networks": "none")', async () => {
    const from = rec.calls.length;
    await instantiated(s.app, INSTANTIATE_MIN);
    assert.deepEqual(bootedNetworks(from).map(([, n]) => n), [[], []]);
  });

  test('an unknown cpdId or virtual link, a CP on two links, or a link without resourceId is 400 naming it; nothing starts', async () => {
    const id = await createInstance(s.app);
    const bad: [object, RegExp][] = [
      [{ extVirtualLinks: [{ id: 'e', resourceId: 'n', extCps: [{ cpdId: 'VDU9_CP1' }] }] }, /extVirtualLinks\[0\]\.extCps\[0\]\.cpdId: VDU9_CP1 is not a connection point of flavour simple/],
      [{ extManagedVirtualLinks: [{ id: 'm', vnfVirtualLinkDescId: 'nope', resourceId: 'n' }] }, /extManagedVirtualLinks\[0\]\.vnfVirtualLinkDescId: nope is not a virtual link of flavour simple/],
      [
        { extVirtualLinks: [{ id: 'a', resourceId: 'n1', extCps: [{ cpdId: 'VDU2_CP1' }] }, { id: 'b', resourceId: 'n2', extCps: [{ cpdId: 'VDU2_CP1' }] }] },
        /extVirtualLinks\[1\]\.extCps\[0\]\.cpdId: VDU2_CP1 is already on extVirtualLinks\[0\]/,
      ],
      [{ extVirtualLinks: [{ id: 'e', extCps: [{ cpdId: 'VDU1_CP1' }] }] }, /resourceId/],
      [{ extVirtualLinks: [{ id: 'e', resourceId: 'n', extCps: [] }] }, /extCps/],
    ];
    const calls = rec.calls.length;
    for (const [links, detail] of bad) {
      const res = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/instantiate`).set(V).send({ ...INSTANTIATE_MIN, ...links });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.status, 400);
      assert.match(res.body.detail, detail);
    }
    assert.equal(rec.calls.length, calls, 'the VIM was not called');
    assert.equal((await getInstance(s.app, id)).instantiationState, 'NOT_INSTANTIATED');
    const ops = await request(s.app).get('/vnflcm/v2/vnf_lcm_op_occs').query({ filter: `(eq,vnfInstanceId,${id})` }).set(V);
    assert.deepEqual(ops.body, [], 'no operation occurrence');
  });
});
