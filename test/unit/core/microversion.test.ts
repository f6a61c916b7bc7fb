import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../reference-cloud/core/errors';
import { computeFaultEnvelope } from '../../../reference-cloud/core/envelopes';
import { Microversion, echoHeaders, negotiate, requestedVersion, type MicroversionSpec } from '../../../reference-cloud/core/microversion';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import type { ServiceDefinition } from '../../../reference-cloud/core/service';
import { identityService } from '../../../reference-cloud/identity';

const nova: MicroversionSpec = { serviceType: 'compute', legacyHeader: 'X-OpenStack-Nova-API-Version', min: '2.1', max: '2.100' };
const cinder: MicroversionSpec = { serviceType: 'volume', min: '3.0', max: '3.71' };

function status(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as ApiError).status;
  }
}

describe('microversions', () => {
  it('compares numerically, not as strings', () => {
    assert.ok(Microversion.of('2.10').compare(Microversion.of('2.9')) > 0);
    assert.ok(Microversion.of('2.100').atLeast('2.47'));
    assert.ok(!Microversion.of('2.46').atLeast('2.47'));
    assert.equal(String(Microversion.of('3.0')), '3.0');
  });

  it('parses only MajorNum.MinorNum, as Nova\'s regex does', () => {
    for (const bad of ['2', '2.', '.1', '2.01', '02.1', '2.1.1', 'v2.1', ' 2.1', '2,1', '']) assert.equal(Microversion.parse(bad), undefined, bad);
    assert.equal(String(Microversion.parse('2.0')), '2.0');
  });

  it('reads the standard header first, then the legacy one', () => {
    assert.equal(requestedVersion({}, nova), undefined);
    assert.equal(requestedVersion({ 'openstack-api-version': 'compute 2.79' }, nova), '2.79');
    assert.equal(requestedVersion({ 'openstack-api-version': 'volume 3.5, compute 2.60' }, nova), '2.60');
    assert.equal(requestedVersion({ 'openstack-api-version': ['volume 3.5', 'compute 2.61'] }, nova), '2.61');
    assert.equal(requestedVersion({ 'openstack-api-version': 'Compute 2.3' }, nova), '2.3');
    // Another service's entry does not count; the legacy header then decides.
    assert.equal(requestedVersion({ 'openstack-api-version': 'volume 3.5', 'x-openstack-nova-api-version': '2.12' }, nova), '2.12');
    assert.equal(requestedVersion({ 'openstack-api-version': 'compute 2.20', 'x-openstack-nova-api-version': '2.12' }, nova), '2.20');
    // Cinder has no legacy header.
    assert.equal(requestedVersion({ 'x-openstack-nova-api-version': '2.12' }, cinder), undefined);
  });

  it('negotiates: minimum by default, latest is the maximum, 400 malformed, 406 out of range', () => {
    assert.equal(String(negotiate({}, nova)), '2.1');
    assert.equal(String(negotiate({ 'openstack-api-version': 'compute latest' }, nova)), '2.100');
    assert.equal(String(negotiate({ 'x-openstack-nova-api-version': 'latest' }, nova)), '2.100');
    assert.equal(String(negotiate({ 'openstack-api-version': 'volume 3.27' }, cinder)), '3.27');
    assert.equal(status(() => negotiate({ 'openstack-api-version': 'compute 2.x' }, nova)), 400);
    assert.equal(status(() => negotiate({ 'openstack-api-version': 'compute 2.101' }, nova)), 406);
    assert.equal(status(() => negotiate({ 'openstack-api-version': 'compute 1.1' }, nova)), 406);
    assert.equal(status(() => negotiate({ 'openstack-api-version': 'compute 3.0' }, nova)), 406);
    try {
      negotiate({ 'openstack-api-version': 'compute 2.101' }, nova);
    } catch (e) {
      assert.equal((e as ApiError).message, 'Version 2.101 is not supported by the API. Minimum is 2.1 and maximum is 2.100.');
    }
    try {
      negotiate({ 'openstack-api-version': 'compute 2.x' }, nova);
    } catch (e) {
      assert.equal((e as ApiError).message, 'API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum.');
    }
  });

  it('echoes the version in both headers with Vary (Cinder: the standard header only)', () => {
    assert.deepEqual(echoHeaders(Microversion.of('2.79'), nova), {
      'OpenStack-API-Version': 'compute 2.79', 'X-OpenStack-Nova-API-Version': '2.79', Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
    });
    assert.deepEqual(echoHeaders(Microversion.of('3.27'), cinder), { 'OpenStack-API-Version': 'volume 3.27', Vary: 'OpenStack-API-Version' });
  });
});

/** A service with microversions, mounted by the real HTTP layer, to check where the headers go. */
const versioned: ServiceDefinition = {
  name: 'compute',
  catalogType: 'compute',
  catalogName: 'nova',
  mount: '/compute',
  catalogSuffix: '/v2.1',
  envelope: computeFaultEnvelope,
  bodyLimit: 65_536,
  migrations: [],
  microversions: () => nova,
  create: () => ({
    routes: [
      { method: 'GET', path: '/', auth: 'none', microversioned: false, handler: () => ({ status: 200, body: { versions: [] } }) },
      { method: 'GET', path: '/v2.1/echo', handler: (req) => ({ status: 200, body: { version: String(req.microversion) } }) },
      {
        method: 'GET', path: '/v2.1/missing', handler: () => {
          throw new ApiError(404, 'Flavor x could not be found.');
        },
      },
    ],
  }),
};

describe('microversions over HTTP', () => {
  let cloud: RunningCloud;
  let token: string;
  let base: string;
  before(async () => {
    cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), { services: [identityService, versioned] });
    base = cloud.endpoints.find((e) => e.service === 'compute')!.url.replace(/\/v2\.1$/, '');
    const r = await fetch(`${cloud.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
    });
    token = r.headers.get('x-subject-token')!;
  });
  after(async () => cloud?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers: { 'x-auth-token': token, ...headers } });

  it('answers at the negotiated version and echoes it, on success and on errors', async () => {
    const ok = await get('/v2.1/echo', { 'OpenStack-API-Version': 'compute 2.47' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { version: '2.47' });
    assert.equal(ok.headers.get('openstack-api-version'), 'compute 2.47');
    assert.equal(ok.headers.get('x-openstack-nova-api-version'), '2.47');
    assert.match(ok.headers.get('vary') ?? '', /OpenStack-API-Version, X-OpenStack-Nova-API-Version/);
    const missing = await get('/v2.1/missing', { 'X-OpenStack-Nova-API-Version': '2.5' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('openstack-api-version'), 'compute 2.5');
    const dflt = await get('/v2.1/echo');
    assert.deepEqual(await dflt.json(), { version: '2.1' });
  });

  it('refuses bad versions in the service\'s own envelope: 400 without an echo, 406 echoing the version asked for', async () => {
    const bad = await get('/v2.1/echo', { 'OpenStack-API-Version': 'compute two' });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { badRequest: { code: 400, message: 'API Version String two is of invalid format. Must be of format MajorNum.MinorNum.' } });
    assert.equal(bad.headers.get('openstack-api-version'), null);
    const high = await get('/v2.1/echo', { 'OpenStack-API-Version': 'compute 2.999' });
    assert.equal(high.status, 406);
    // Nova's 406 is a computeFault and echoes the version asked for (nova-zed mv-out-of-range).
    assert.deepEqual(await high.json(), { computeFault: { code: 406, message: 'Version 2.999 is not supported by the API. Minimum is 2.1 and maximum is 2.100.' } });
    assert.equal(high.headers.get('openstack-api-version'), 'compute 2.999');
  });

  it('a 401 and the version document carry no version headers', async () => {
    const anon = await fetch(`${base}/v2.1/echo`, { headers: { 'OpenStack-API-Version': 'compute 2.47' } });
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('openstack-api-version'), null);
    const root = await fetch(`${base}/`, { headers: { 'OpenStack-API-Version': 'compute 2.47' } });
    assert.equal(root.status, 200);
    assert.equal(root.headers.get('openstack-api-version'), null);
  });
});
