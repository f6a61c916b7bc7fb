import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryRoot, parseVersionDocument, normaliseVersionStatus } from '../../../harness/client/version-document';
import { findEndpoint } from '../../../harness/client/catalog';
import { CatalogError } from '../../../harness/client/errors';

test('discoveryRoot strips the version segment and a trailing project id', () => {
  assert.deepEqual(discoveryRoot('http://h/compute/v2.1'), { root: 'http://h/compute/', versionSegment: 'v2.1' });
  assert.deepEqual(discoveryRoot('http://h:5000/v3/'), { root: 'http://h:5000/', versionSegment: 'v3' });
  assert.deepEqual(discoveryRoot('http://h/image'), { root: 'http://h/image/' });
  assert.deepEqual(discoveryRoot('http://h:8080/v1/AUTH_abc123', 'abc123'), {
    root: 'http://h:8080/',
    projectSuffix: 'AUTH_abc123',
    versionSegment: 'v1',
  });
  // without a known project id, anything after a version segment is taken for one (keystoneauth)
  assert.deepEqual(discoveryRoot('http://h/heat-api/v1/p99'), {
    root: 'http://h/heat-api/',
    projectSuffix: 'p99',
    versionSegment: 'v1',
  });
});

test('parseVersionDocument reads versions.values, a versions list, version, and a bare object', () => {
  const keystone = {
    versions: { values: [{ id: 'v3.14', status: 'stable', links: [{ rel: 'self', href: 'http://h:5000/v3/' }] }] },
  };
  assert.deepEqual(parseVersionDocument(keystone, 'http://h:5000/'), [
    { id: 'v3.14', status: 'CURRENT', url: 'http://h:5000/v3/' },
  ]);

  const nova = {
    versions: [
      { id: 'v2.0', status: 'DEPRECATED', version: '', min_version: '', links: [{ rel: 'self', href: 'http://h/compute/v2/' }] },
      { id: 'v2.1', status: 'CURRENT', version: '2.90', min_version: '2.1', links: [{ rel: 'self', href: 'http://h/compute/v2.1/' }] },
    ],
  };
  assert.deepEqual(parseVersionDocument(nova, 'http://h/compute/'), [
    { id: 'v2.0', status: 'DEPRECATED', url: 'http://h/compute/v2/' },
    { id: 'v2.1', status: 'CURRENT', minVersion: '2.1', maxVersion: '2.90', url: 'http://h/compute/v2.1/' },
  ]);

  const placement = { versions: [{ id: 'v1.0', status: 'CURRENT', max_version: '1.39', min_version: '1.0', links: [{ rel: 'self', href: '' }] }] };
  assert.deepEqual(parseVersionDocument(placement, 'http://h/placement/'), [
    { id: 'v1.0', status: 'CURRENT', minVersion: '1.0', maxVersion: '1.39', url: 'http://h/placement/' },
  ]);

  const single = { version: { id: 'v2.1', status: 'SUPPORTED', links: [{ rel: 'self', href: '/compute/v2.1/' }] } };
  assert.deepEqual(parseVersionDocument(single, 'http://h/compute/v2.1'), [
    { id: 'v2.1', status: 'SUPPORTED', url: 'http://h/compute/v2.1/' },
  ]);

  const bare = { id: 'v1.0', status: 'weird', links: [{ rel: 'self', href: 'http://h/heat-api/v1/' }] };
  assert.deepEqual(parseVersionDocument(bare, 'http://h/heat-api/', 'proj1'), [
    { id: 'v1.0', status: 'UNKNOWN', url: 'http://h/heat-api/v1/proj1' },
  ]);

  assert.equal(parseVersionDocument([{ id: 'v1' }], 'http://h/'), undefined, 'a JSON list is not a version document');
  assert.equal(parseVersionDocument({ resources: [] }, 'http://h/'), undefined);
});

test('normaliseVersionStatus', () => {
  assert.equal(normaliseVersionStatus('stable'), 'CURRENT');
  assert.equal(normaliseVersionStatus('current'), 'CURRENT');
  assert.equal(normaliseVersionStatus('experimental'), 'EXPERIMENTAL');
  assert.equal(normaliseVersionStatus('beta'), 'UNKNOWN');
  assert.equal(normaliseVersionStatus(undefined), 'UNKNOWN');
});

test('findEndpoint matches type (or alias), interface and region, and says what is missing', () => {
  const catalog = [
    {
      id: 's1',
      type: 'volumev3',
      endpoints: [
        { interface: 'public', region_id: 'R1', region: 'R1', url: 'http://r1/volume/v3' },
        { interface: 'internal', region_id: 'R2', region: 'R2', url: 'http://r2-int/volume/v3' },
        { interface: 'public', region_id: 'R2', region: 'R2', url: 'http://r2/volume/v3' },
      ],
    },
    { id: 's2', type: 'compute', endpoints: [{ interface: 'public', region_id: 'R1', url: 'http://r1/compute/v2.1' }] },
  ];
  assert.equal(findEndpoint(catalog, 'block-storage', { region: 'R2' }), 'http://r2/volume/v3');
  assert.equal(findEndpoint(catalog, 'volumev3', { interface: 'internalURL', region: 'R2' }), 'http://r2-int/volume/v3');
  assert.equal(findEndpoint(catalog, 'compute', {}), 'http://r1/compute/v2.1');
  assert.throws(() => findEndpoint(catalog, 'compute', { region: 'R2' }), {
    name: 'CatalogError',
    message: "The catalog has service type 'compute' but no public endpoint for it in region 'R2'.",
  });
  assert.throws(() => findEndpoint(catalog, 'image', {}), {
    message: "The catalog has no service of type 'image' (it has: compute, volumev3).",
  });
  assert.throws(() => findEndpoint(undefined, 'image', {}), CatalogError);
});
