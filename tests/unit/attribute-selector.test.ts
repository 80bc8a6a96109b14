import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidAttributeSelector } from '../../platform/http/problem-details.ts';
import {
  applyAttributeSelector,
  parseAttributeSelector,
  removeNeverReturned,
  type SelectorParams,
  type SelectorSpec,
} from '../../platform/sol/attribute-selector.ts';

const VNF_INSTANCE: SelectorSpec = {
  defaultExcluded: ['vnfConfigurableProperties', 'vimConnectionInfo', 'instantiatedVnfInfo', 'metadata', 'extensions'],
};
const NEVER = ['vimConnectionInfo/*/accessInfo/password', 'authentication'];

function vnfInstance() {
  return {
    id: 'i-1',
    vnfInstanceName: 'vnf',
    vnfdId: 'd-1',
    instantiationState: 'INSTANTIATED',
    vnfConfigurableProperties: { isAutohealEnabled: true },
    vimConnectionInfo: {
      vim1: { vimId: 'v1', vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3', accessInfo: { username: 'u', password: 'secret1' } },
      vim2: { vimId: 'v2', accessInfo: { username: 'w', password: 'secret2' } },
    },
    instantiatedVnfInfo: {
      flavourId: 'simple',
      vnfState: 'STARTED',
      vnfcResourceInfo: [
        { id: 'c1', vduId: 'VDU1', computeResource: { resourceId: 's1' }, metadata: { x: 1 } },
        { id: 'c2', vduId: 'VDU2', computeResource: { resourceId: 's2' }, metadata: { x: 2 } },
      ],
      extCpInfo: [{ id: 'cp1', cpdId: 'CP1' }],
      scaleStatus: [{ aspectId: 'a', scaleLevel: 0 }],
    },
    metadata: { tenant: 't' },
    extensions: { e: 1 },
    tags: ['a', 'b'],
    _links: { self: { href: '/vnflcm/v2/vnf_instances/i-1' } },
  };
}

const select = (params: SelectorParams, spec: SelectorSpec = VNF_INSTANCE) =>
  applyAttributeSelector(vnfInstance(), parseAttributeSelector(params, spec), spec) as Record<string, unknown>;

describe('attribute selector: combinations', () => {
  test('no parameter leaves out the default-excluded attributes', () => {
    assert.deepEqual(Object.keys(select({})), ['id', 'vnfInstanceName', 'vnfdId', 'instantiationState', 'tags', '_links']);
  });

  test('exclude_default alone is the same as no parameter', () => {
    assert.deepEqual(select({ exclude_default: '' }), select({}));
  });

  test('all_fields returns everything', () => {
    assert.deepEqual(select({ all_fields: '' }), vnfInstance());
  });

  test('exclude_fields removes only the listed paths, nested ones through arrays', () => {
    const out = select({ exclude_fields: 'metadata,instantiatedVnfInfo/vnfcResourceInfo/metadata,vimConnectionInfo/*/accessInfo' });
    const expected = vnfInstance() as Record<string, unknown>;
    delete expected.metadata;
    const info = structuredClone(vnfInstance().instantiatedVnfInfo);
    info.vnfcResourceInfo.forEach((c) => delete (c as Partial<typeof c>).metadata);
    expected.instantiatedVnfInfo = info;
    expected.vimConnectionInfo = { vim1: { vimId: 'v1', vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3' }, vim2: { vimId: 'v2' } };
    assert.deepEqual(out, expected);
  });

  test('fields keeps simple attributes, _links and the listed complex ones only', () => {
    const out = select({ fields: 'metadata' });
    assert.deepEqual(out, {
      id: 'i-1',
      vnfInstanceName: 'vnf',
      vnfdId: 'd-1',
      instantiationState: 'INSTANTIATED',
      metadata: { tenant: 't' },
      tags: ['a', 'b'],
      _links: vnfInstance()._links,
    });
  });

  test('fields with a nested path keeps the parent simple attributes and that child, through arrays', () => {
    const out = select({ fields: 'instantiatedVnfInfo/vnfcResourceInfo/computeResource' });
    assert.deepEqual(out.instantiatedVnfInfo, {
      flavourId: 'simple',
      vnfState: 'STARTED',
      vnfcResourceInfo: [
        { id: 'c1', vduId: 'VDU1', computeResource: { resourceId: 's1' } },
        { id: 'c2', vduId: 'VDU2', computeResource: { resourceId: 's2' } },
      ],
    });
    assert.equal(out.vimConnectionInfo, undefined);
  });

  test('fields keeps the mandatory complex attributes the resource names', () => {
    const spec = { ...VNF_INSTANCE, mandatory: ['_links', 'extensions'] };
    assert.deepEqual(select({ fields: 'metadata' }, spec).extensions, { e: 1 });
    assert.equal(select({ fields: 'metadata' }).extensions, undefined);
  });

  test('fields with exclude_default removes only the default-excluded attributes not asked for', () => {
    const out = select({ fields: 'metadata,instantiatedVnfInfo/scaleStatus', exclude_default: '' });
    assert.deepEqual(out.metadata, { tenant: 't' });
    assert.deepEqual(out.instantiatedVnfInfo, { flavourId: 'simple', vnfState: 'STARTED', scaleStatus: [{ aspectId: 'a', scaleLevel: 0 }] });
    for (const gone of ['vnfConfigurableProperties', 'vimConnectionInfo', 'extensions']) assert.equal(out[gone], undefined, gone);
    assert.deepEqual(out.tags, ['a', 'b']);
  });

  test('tilde escapes in selector paths', () => {
    const spec: SelectorSpec = { defaultExcluded: [] };
    const doc = { 'a/b': { x: 1 }, c: { 'd,e': 1, f: 2 } };
    const sel = parseAttributeSelector({ exclude_fields: 'a~1b,c/d~ae' }, spec);
    assert.deepEqual(applyAttributeSelector(doc, sel, spec), { c: { f: 2 } });
  });

  test('the input document is not modified', () => {
    const doc = vnfInstance();
    applyAttributeSelector(doc, parseAttributeSelector({ exclude_fields: 'instantiatedVnfInfo/vnfcResourceInfo/metadata' }, VNF_INSTANCE), VNF_INSTANCE);
    applyAttributeSelector(doc, parseAttributeSelector({ fields: 'metadata' }, VNF_INSTANCE), VNF_INSTANCE);
    assert.deepEqual(doc, vnfInstance());
  });

  test('paths that are absent change nothing', () => {
    assert.deepEqual(select({ exclude_fields: 'nothing/here,instantiatedVnfInfo/none' }), vnfInstance());
  });
});

describe('attribute selector: illegal combinations are 400 InvalidAttributeSelector', () => {
  const cases: [SelectorParams, RegExp][] = [
    [{ all_fields: '', fields: 'a' }, /all_fields cannot be combined with fields/],
    [{ all_fields: '', exclude_fields: 'a' }, /all_fields cannot be combined with exclude_fields/],
    [{ all_fields: '', exclude_default: '' }, /all_fields cannot be combined with exclude_default/],
    [{ fields: 'a', exclude_fields: 'b' }, /fields cannot be combined with exclude_fields/],
    [{ exclude_fields: 'a', exclude_default: '' }, /exclude_fields cannot be combined with exclude_default/],
    [{ fields: '' }, /fields needs at least one attribute name/],
    [{ exclude_fields: '' }, /exclude_fields needs at least one/],
    [{ fields: 'a,,b' }, /empty attribute name in ''/],
    [{ fields: 'a//b' }, /empty attribute name in 'a\/\/b'/],
    [{ exclude_fields: 'a/' }, /empty attribute name/],
    [{ fields: 'a~2' }, /invalid '~' escape in 'a~2'/],
  ];
  for (const [params, detail] of cases) {
    test(JSON.stringify(params), () => {
      assert.throws(
        () => parseAttributeSelector(params, VNF_INSTANCE),
        (e: unknown) => e instanceof InvalidAttributeSelector && e.status === 400 && detail.test(e.detail),
      );
    });
  }
});

describe('never-returned paths', () => {
  test('credentials are removed from every map entry, whatever the selector', () => {
    const spec = VNF_INSTANCE;
    const out = removeNeverReturned(applyAttributeSelector(vnfInstance(), parseAttributeSelector({ all_fields: '' }, spec), spec), NEVER);
    assert.deepEqual(out.vimConnectionInfo, {
      vim1: { vimId: 'v1', vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3', accessInfo: { username: 'u' } },
      vim2: { vimId: 'v2', accessInfo: { username: 'w' } },
    });
  });

  test('a top-level attribute and array elements are covered too', () => {
    const doc = { id: 'x', authentication: { paramsBasic: { password: 'p' } }, items: [{ secret: 1, keep: 2 }, { secret: 3 }] };
    assert.deepEqual(removeNeverReturned(doc, ['authentication', 'items/*/secret']), { id: 'x', items: [{ keep: 2 }, {}] });
    assert.deepEqual(removeNeverReturned(doc, ['items/secret']), { id: 'x', authentication: doc.authentication, items: [{ keep: 2 }, {}] });
  });
});
