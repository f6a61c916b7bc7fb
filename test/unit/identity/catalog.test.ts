import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { validEndpointUrl } from '../../../reference-cloud/identity/api/catalog';
import { World, useTestCloud, assertError, assertSchema, call, denied, unique } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;

useTestCloud((c) => ({ cloud, admin, w } = c));

const expecting = (what: string) =>
  `Expecting to find ${what}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`;

async function service(body: Record<string, unknown> = { type: unique('type') }): Promise<any> {
  const r = await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: body } });
  assert.equal(r.status, 201, r.text);
  return r.body.service;
}

describe('regions', () => {
  test('create with or without an id, PUT with an id, duplicate is 409', async () => {
    let r = await call(cloud, 'POST', '/v3/regions', { token: admin, body: { region: { description: 'auto' } } });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/region', r.body);
    assert.match(r.body.region.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(r.body.region), ['id', 'description', 'parent_region_id', 'links']);
    const id = unique('Region');
    r = await call(cloud, 'POST', '/v3/regions', { token: admin, body: { region: { id, description: 'x' } } });
    assert.equal(r.status, 201);
    assert.equal(r.body.region.id, id);
    assertError(await call(cloud, 'POST', '/v3/regions', { token: admin, body: { region: { id } } }), 409,
      `Conflict occurred attempting to store region - Duplicate ID, ${id}..`);
    const child = unique('Child');
    r = await call(cloud, 'PUT', `/v3/regions/${child}`, { token: admin, body: { region: { parent_region_id: id } } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.region, { id: child, description: '', parent_region_id: id, links: { self: `${cloud.authUrl}/regions/${child}` } });
    assertError(await call(cloud, 'PUT', `/v3/regions/${unique('R')}`, { token: admin, body: { region: { id: 'other' } } }), 400,
      /^Conflicting region IDs specified: ".*" != "other"$/);
    assertError(await call(cloud, 'POST', '/v3/regions', { token: admin, body: { region: { parent_region_id: 'nowhere' } } }), 404,
      'Could not find region: nowhere.');
    assertError(await call(cloud, 'POST', '/v3/regions', { token: admin, body: { region: { description: 5 } } }), 400,
      "Invalid input for field 'description': 5 is not of type 'string', 'null'");
    assertError(await call(cloud, 'POST', '/v3/regions', { token: admin, body: {} }), 400, "None is not of type 'object'");
    assertError(await call(cloud, 'POST', '/v3/regions', { token: admin, body: { region: { parent_region_id: '' } } }), 404, 'Could not find region: .');
  });

  test('show, list (with parent filter), update, circular parent, cascading delete', async () => {
    const a = unique('A');
    const b = unique('B');
    await call(cloud, 'PUT', `/v3/regions/${a}`, { token: admin, body: { region: {} } });
    await call(cloud, 'PUT', `/v3/regions/${b}`, { token: admin, body: { region: { parent_region_id: a } } });
    let r = await call(cloud, 'GET', `/v3/regions?parent_region_id=${a}`, { token: admin });
    assertSchema('identity/region-list', r.body);
    assert.deepEqual(r.body.regions.map((x: any) => x.id), [b]);
    r = await call(cloud, 'PATCH', `/v3/regions/${a}`, { token: admin, body: { region: { description: 'updated' } } });
    assert.equal(r.body.region.description, 'updated');
    assertError(await call(cloud, 'PATCH', `/v3/regions/${a}`, { token: admin, body: { region: { parent_region_id: b } } }), 400,
      `The specified parent region ${a} would create a circular region hierarchy.`);
    assertError(await call(cloud, 'PATCH', `/v3/regions/${a}`, { token: admin, body: { region: {} } }), 400, '{} does not have enough properties');
    r = await call(cloud, 'DELETE', `/v3/regions/${a}`, { token: admin });
    assert.equal(r.status, 204);
    assertError(await call(cloud, 'GET', `/v3/regions/${b}`, { token: admin }), 404, `Could not find region: ${b}.`);
    assertError(await call(cloud, 'DELETE', `/v3/regions/${a}`, { token: admin }), 404, `Could not find region: ${a}.`);
  });

  test('a region with endpoints (or a child with endpoints) cannot be deleted', async () => {
    const a = unique('A');
    const b = unique('B');
    await call(cloud, 'PUT', `/v3/regions/${a}`, { token: admin, body: { region: {} } });
    await call(cloud, 'PUT', `/v3/regions/${b}`, { token: admin, body: { region: { parent_region_id: a } } });
    const s = await service();
    const e = await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'public', url: 'http://x.example/', region_id: b } } });
    assert.equal(e.status, 201, e.text);
    assertError(await call(cloud, 'DELETE', `/v3/regions/${a}`, { token: admin }), 403,
      `Unable to delete region ${a} because it or its child regions have associated endpoints.`);
  });

  test('any token may read regions; only an admin may write them', async () => {
    const m = await w.member('reader');
    const r = await call(cloud, 'GET', '/v3/regions', { token: m.token });
    assert.equal(r.status, 200);
    assert.ok(r.body.regions.some((x: any) => x.id === 'RegionOne'));
    assert.equal((await call(cloud, 'GET', '/v3/regions/RegionOne', { token: m.token })).status, 200);
    assertError(await call(cloud, 'POST', '/v3/regions', { token: m.token, body: { region: {} } }), 403, denied('identity:create_region'));
    assertError(await call(cloud, 'PUT', '/v3/regions/x', { token: m.token, body: { region: {} } }), 403, denied('identity:create_region'));
    assertError(await call(cloud, 'DELETE', '/v3/regions/RegionOne', { token: m.token }), 403, denied('identity:delete_region'));
  });
});

describe('services', () => {
  test('create: name "" when omitted, description only when given; type required', async () => {
    let r = await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: { type: 'image' } } });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/service', r.body);
    assert.deepEqual(Object.keys(r.body.service), ['name', 'id', 'type', 'enabled', 'links']);
    assert.equal(r.body.service.name, '');
    r = await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: { type: 'compute', name: 'nova', description: 'd' } } });
    assert.deepEqual(Object.keys(r.body.service), ['name', 'description', 'id', 'type', 'enabled', 'links']);
    // The description is one of the service's extras: any JSON value, kept as given.
    r = await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: { type: 'x', description: { lang: 'en' }, color: 'red' } } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.service.description, { lang: 'en' });
    assert.equal(r.body.service.color, 'red');
    assertError(await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: { name: 'x' } } }), 400, "'type' is a required property");
    assertError(await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: { type: 'x', enabled: 'no' } } }), 400,
      /^Invalid input for field 'enabled': 'no' is not of type 'boolean'/);
  });

  test('list with type filter, show, update, delete; unknown is 404', async () => {
    const type = unique('t');
    const s = await service({ type, name: 'svc' });
    let r = await call(cloud, 'GET', `/v3/services?type=${type}`, { token: admin });
    assertSchema('identity/service-list', r.body);
    assert.deepEqual(r.body.services.map((x: any) => x.id), [s.id]);
    r = await call(cloud, 'GET', `/v3/services/${s.id}`, { token: admin });
    assert.deepEqual(r.body.service, s);
    r = await call(cloud, 'PATCH', `/v3/services/${s.id}`, { token: admin, body: { service: { enabled: false } } });
    assert.equal(r.body.service.enabled, false);
    assert.equal((await call(cloud, 'DELETE', `/v3/services/${s.id}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', `/v3/services/${s.id}`, { token: admin }), 404, `Could not find service: ${s.id}.`);
  });

  test('members and readers cannot list services or endpoints', async () => {
    for (const role of ['member', 'reader']) {
      const m = await w.member(role);
      assertError(await call(cloud, 'GET', '/v3/services', { token: m.token }), 403, denied('identity:list_services'));
      assertError(await call(cloud, 'GET', '/v3/endpoints', { token: m.token }), 403, denied('identity:list_endpoints'));
      assertError(await call(cloud, 'POST', '/v3/services', { token: m.token, body: { service: { type: 'x' } } }), 403, denied('identity:create_service'));
    }
  });
});

describe('endpoints', () => {
  test('create, show, update, delete; the catalog follows', async () => {
    const type = unique('type');
    const s = await service({ type, name: unique('svc') });
    let r = await call(cloud, 'POST', '/v3/endpoints', {
      token: admin, body: { endpoint: { service_id: s.id, interface: 'public', url: 'http://svc.example/v1/$(project_id)s', region_id: 'RegionOne' } },
    });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/endpoint', r.body);
    assert.deepEqual(Object.keys(r.body.endpoint), ['id', 'interface', 'region_id', 'service_id', 'url', 'enabled', 'region', 'links']);
    const e = r.body.endpoint;
    assert.equal(e.region, 'RegionOne');
    const m = await w.member('member');
    let cat = await call(cloud, 'GET', '/v3/auth/catalog', { token: m.token });
    const entry = cat.body.catalog.find((x: any) => x.type === type);
    assert.equal(entry.endpoints[0].url, `http://svc.example/v1/${m.projectId}`);

    r = await call(cloud, 'PATCH', `/v3/endpoints/${e.id}`, { token: admin, body: { endpoint: { enabled: false, url: 'http://svc.example/v2' } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.endpoint.url, 'http://svc.example/v2');
    cat = await call(cloud, 'GET', '/v3/auth/catalog', { token: m.token });
    assert.deepEqual(cat.body.catalog.find((x: any) => x.type === type).endpoints, []);
    r = await call(cloud, 'GET', `/v3/endpoints/${e.id}`, { token: admin });
    assert.equal(r.body.endpoint.enabled, false);
    assert.equal((await call(cloud, 'DELETE', `/v3/endpoints/${e.id}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', `/v3/endpoints/${e.id}`, { token: admin }), 404, `Could not find endpoint: ${e.id}.`);
  });

  test('list filters: interface, service_id, region_id', async () => {
    const s = await service();
    for (const iface of ['public', 'internal', 'admin']) {
      const r = await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: iface, url: `http://${iface}.example/` } } });
      assert.equal(r.status, 201, r.text);
    }
    let r = await call(cloud, 'GET', `/v3/endpoints?service_id=${s.id}`, { token: admin });
    assertSchema('identity/endpoint-list', r.body);
    assert.equal(r.body.endpoints.length, 3);
    r = await call(cloud, 'GET', `/v3/endpoints?service_id=${s.id}&interface=internal`, { token: admin });
    assert.deepEqual(r.body.endpoints.map((x: any) => x.url), ['http://internal.example/']);
    r = await call(cloud, 'GET', '/v3/endpoints?region_id=RegionOne&interface=public', { token: admin });
    assert.ok(r.body.endpoints.length >= 1 && r.body.endpoints.every((x: any) => x.region_id === 'RegionOne' && x.interface === 'public'));
  });

  test('bad input: interface, url, unknown service or region; legacy region is created', async () => {
    const s = await service();
    assertError(await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'private', url: 'http://x' } } }), 400,
      "Invalid input for field 'interface': 'private' is not one of ['admin', 'internal', 'public']");
    assertError(await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'public' } } }), 400,
      "'url' is a required property");
    assertError(await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'public', url: 'not a url' } } }), 400,
      "Invalid input for field 'url': 'not a url' does not match '^[a-zA-Z0-9+.-]+:.+'");
    assertError(await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'public', url: 'http://x/$(bogus)s' } } }), 400,
      'Cannot create an endpoint with an invalid URL: http://x/$(bogus)s.');
    assertError(await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: 'nosuch', interface: 'public', url: 'http://x' } } }), 400,
      expecting('endpoint service_id in service table'));
    assertError(await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'public', url: 'http://x', region_id: 'nowhere' } } }), 400,
      expecting('endpoint region_id in region table'));
    const legacy = unique('Legacy');
    const r = await call(cloud, 'POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: s.id, interface: 'internal', url: 'http://x', region: legacy } } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.endpoint.region_id, legacy);
    assert.equal((await call(cloud, 'GET', `/v3/regions/${legacy}`, { token: admin })).status, 200);
    assertError(await call(cloud, 'PATCH', `/v3/endpoints/${r.body.endpoint.id}`, { token: admin, body: { endpoint: { service_id: 'nosuch' } } }), 400,
      expecting('endpoint service_id in service table'));
  });

  test('endpoint URL substitutions as Keystone checks them', () => {
    assert.equal(validEndpointUrl('http://h:8774/v2.1/$(project_id)s'), true);
    assert.equal(validEndpointUrl('http://h/v1/AUTH_$(tenant_id)s'), true);
    assert.equal(validEndpointUrl('http://h/$(user_id)s/x'), true);
    assert.equal(validEndpointUrl('http://h/plain'), true);
    assert.equal(validEndpointUrl('http://h/$(project)s'), false);
    assert.equal(validEndpointUrl('http://h/%20'), false);
    assert.equal(validEndpointUrl('http://h/$(project_id'), false);
  });
});
