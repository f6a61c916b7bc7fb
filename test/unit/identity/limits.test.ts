import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { World, adminToken, assertError, assertSchema, call, denied, login, startTestCloud, unique } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;
let serviceId: string;

before(async () => {
  cloud = await startTestCloud();
  admin = await adminToken(cloud);
  w = new World(cloud, admin);
  const s = await call(cloud, 'POST', '/v3/services', { token: admin, body: { service: { type: 'compute', name: 'nova' } } });
  serviceId = s.body.service.id;
});
after(async () => {
  await cloud?.close();
});

async function registered(items: Record<string, unknown>[]) {
  return call(cloud, 'POST', '/v3/registered_limits', { token: admin, body: { registered_limits: items } });
}
async function limits(items: Record<string, unknown>[], token = admin) {
  return call(cloud, 'POST', '/v3/limits', { token, body: { limits: items } });
}

describe('limits model', () => {
  test('flat, readable by any token', async () => {
    const m = await w.member('reader');
    const r = await call(cloud, 'GET', '/v3/limits/model', { token: m.token });
    assert.equal(r.status, 200);
    assertSchema('identity/limit-model', r.body);
    assert.deepEqual(r.body, {
      model: { name: 'flat', description: 'Limit enforcement and validation does not take project hierarchy into consideration.' },
    });
  });
});

describe('registered limits', () => {
  test('create a list, 201 without links; read, filter, update, delete', async () => {
    const name = unique('cores');
    let r = await registered([
      { service_id: serviceId, resource_name: name, default_limit: 10, region_id: 'RegionOne', description: 'cores' },
      { service_id: serviceId, resource_name: `${name}-ram`, default_limit: 2048 },
    ]);
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/registered-limit-create', r.body);
    assert.deepEqual(Object.keys(r.body), ['registered_limits']);
    const [a, b] = r.body.registered_limits;
    assert.deepEqual(Object.keys(a), ['id', 'service_id', 'region_id', 'resource_name', 'default_limit', 'description', 'links']);
    assert.equal(b.region_id, null);
    assert.equal(b.description, null);
    r = await call(cloud, 'GET', `/v3/registered_limits?resource_name=${name}`, { token: admin });
    assertSchema('identity/registered-limit-list', r.body);
    assert.deepEqual(r.body.registered_limits.map((x: any) => x.id), [a.id]);
    r = await call(cloud, 'GET', `/v3/registered_limits?service_id=${serviceId}&region_id=RegionOne`, { token: admin });
    assert.ok(r.body.registered_limits.every((x: any) => x.region_id === 'RegionOne'));
    r = await call(cloud, 'GET', `/v3/registered_limits/${a.id}`, { token: admin });
    assertSchema('identity/registered-limit', r.body);
    r = await call(cloud, 'PATCH', `/v3/registered_limits/${a.id}`, { token: admin, body: { registered_limit: { default_limit: 20 } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.registered_limit.default_limit, 20);
    assertError(await call(cloud, 'PATCH', `/v3/registered_limits/${a.id}`, { token: admin, body: { registered_limit: { resource_name: `${name}-ram`, region_id: null } } }), 409,
      'Conflict occurred attempting to store registered_limit - Duplicate entry.');
    assert.equal((await call(cloud, 'DELETE', `/v3/registered_limits/${b.id}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', `/v3/registered_limits/${b.id}`, { token: admin }), 404, `Could not find registered limit for ${b.id}.`);
    assertError(await call(cloud, 'GET', '/v3/registered_limits/nonexistent', { token: admin }), 404, 'Could not find registered limit for nonexistent.');
  });

  test('bad input: not a list, wrong types, unknown service or region, duplicates', async () => {
    assertError(await call(cloud, 'POST', '/v3/registered_limits', { token: admin, body: { registered_limits: { service_id: serviceId, resource_name: 'x', default_limit: 1 } } }), 400,
      `{'service_id': '${serviceId}', 'resource_name': 'x', 'default_limit': 1} is not of type 'array'`);
    assertError(await call(cloud, 'POST', '/v3/registered_limits', { token: admin, body: {} }), 400, "{} is not of type 'array'");
    assertError(await registered([]), 400, '[] is too short');
    assertError(await registered([{ service_id: serviceId, resource_name: 'x', default_limit: 'ten' }]), 400,
      "Invalid input for field '0/default_limit': 'ten' is not of type 'integer'");
    assertError(await registered([{ service_id: serviceId, resource_name: 'x', default_limit: -2 }]), 400,
      "Invalid input for field '0/default_limit': -2 is less than the minimum of -1");
    assertError(await registered([{ service_id: serviceId, resource_name: 'x' }]), 400, "Invalid input for field '0': 'default_limit' is a required property");
    assertError(await registered([{ service_id: serviceId, resource_name: 'x', default_limit: 1, color: 'red' }]), 400,
      "Invalid input for field '0': Additional properties are not allowed ('color' was unexpected)");
    const ex = (attr: string) => `Expecting to find ${attr} in registered_limit. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`;
    assertError(await registered([{ service_id: 'nosuch', resource_name: 'x', default_limit: 1 }]), 400, ex('service_id'));
    assertError(await registered([{ service_id: serviceId, region_id: 'nowhere', resource_name: 'x', default_limit: 1 }]), 400, ex('region_id'));
    const name = unique('dup');
    assert.equal((await registered([{ service_id: serviceId, resource_name: name, default_limit: 1 }])).status, 201);
    assertError(await registered([{ service_id: serviceId, resource_name: name, default_limit: 2 }]), 409,
      'Conflict occurred attempting to store registered_limit - Duplicate entry.');
  });

  test('readable by any token, writable by admins only', async () => {
    const m = await w.member('member');
    assert.equal((await call(cloud, 'GET', '/v3/registered_limits', { token: m.token })).status, 200);
    assertError(await call(cloud, 'POST', '/v3/registered_limits', { token: m.token, body: { registered_limits: [] } }), 403,
      denied('identity:create_registered_limits'));
  });
});

describe('limits', () => {
  test('project and domain limits need a registered limit; duplicates are 409; update and delete', async () => {
    const name = unique('instances');
    const p = await w.project();
    assertError(await limits([{ service_id: serviceId, project_id: p.id, resource_name: name, resource_limit: 5 }]), 403,
      'Unable to create a limit that has no corresponding registered limit.');
    const reg = (await registered([{ service_id: serviceId, resource_name: name, default_limit: 10 }])).body.registered_limits[0];
    let r = await limits([{ service_id: serviceId, project_id: p.id, resource_name: name, resource_limit: 5, description: 'p' }]);
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/limit-create', r.body);
    const l = r.body.limits[0];
    assert.deepEqual(Object.keys(l), ['id', 'project_id', 'domain_id', 'resource_limit', 'description', 'service_id', 'region_id', 'resource_name', 'links']);
    assert.equal(l.domain_id, null);
    r = await limits([{ service_id: serviceId, domain_id: 'default', resource_name: name, resource_limit: 50 }]);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.limits[0].project_id, null);
    assertError(await limits([{ service_id: serviceId, project_id: p.id, resource_name: name, resource_limit: 6 }]), 409,
      'Conflict occurred attempting to store limit - Duplicate entry.');
    assertError(await call(cloud, 'DELETE', `/v3/registered_limits/${reg.id}`, { token: admin }), 403,
      `Unable to update or delete registered limit ${reg.id} because there are project limits associated with it.`);
    assertError(await call(cloud, 'PATCH', `/v3/registered_limits/${reg.id}`, { token: admin, body: { registered_limit: { default_limit: 3 } } }), 403,
      `Unable to update or delete registered limit ${reg.id} because there are project limits associated with it.`);

    r = await call(cloud, 'PATCH', `/v3/limits/${l.id}`, { token: admin, body: { limit: { resource_limit: 7 } } });
    assert.equal(r.status, 200, r.text);
    assertSchema('identity/limit', r.body);
    assert.equal(r.body.limit.resource_limit, 7);
    assert.equal(r.body.limit.description, 'p');
    assertError(await call(cloud, 'PATCH', `/v3/limits/${l.id}`, { token: admin, body: { limit: { project_id: 'x' } } }), 400,
      "Additional properties are not allowed ('project_id' was unexpected)");
    assert.equal((await call(cloud, 'DELETE', `/v3/limits/${l.id}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', `/v3/limits/${l.id}`, { token: admin }), 404, `Could not find limit for ${l.id}.`);
    assertError(await call(cloud, 'GET', '/v3/limits/nonexistent', { token: admin }), 404, 'Could not find limit for nonexistent.');
  });

  test('bad input: project and domain together or neither, unknown project, wrong types', async () => {
    const name = unique('x');
    await registered([{ service_id: serviceId, resource_name: name, default_limit: 1 }]);
    const p = await w.project();
    assertError(await limits([{ service_id: serviceId, resource_name: name, resource_limit: 1 }]), 400,
      /^Invalid input for field '0': .* is not valid under any of the given schemas$/);
    assertError(await limits([{ service_id: serviceId, project_id: p.id, domain_id: 'default', resource_name: name, resource_limit: 1 }]), 400,
      /^Invalid input for field '0': .* is valid under each of the given schemas$/);
    assertError(await limits([{ service_id: serviceId, project_id: 'nosuch', resource_name: name, resource_limit: 1 }]), 400,
      'Expecting to find project_id in limit. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.');
    assertError(await limits([{ service_id: serviceId, project_id: p.id, resource_name: name, resource_limit: 1.5 }]), 400,
      "Invalid input for field '0/resource_limit': 1.5 is not of type 'integer'");
  });

  test('listing is narrowed to the token\'s scope; reads by the project\'s users', async () => {
    const name = unique('vols');
    await registered([{ service_id: serviceId, resource_name: name, default_limit: 1 }]);
    const m = await w.member('member');
    const other = await w.member('reader');
    const mine = (await limits([{ service_id: serviceId, project_id: m.projectId, resource_name: name, resource_limit: 3 }])).body.limits[0];
    const theirs = (await limits([{ service_id: serviceId, project_id: other.projectId, resource_name: name, resource_limit: 4 }])).body.limits[0];
    let r = await call(cloud, 'GET', '/v3/limits', { token: m.token });
    assert.equal(r.status, 200);
    assertSchema('identity/limit-list', r.body);
    assert.deepEqual(r.body.limits.map((x: any) => x.id), [mine.id]);
    r = await call(cloud, 'GET', '/v3/limits', { token: admin });
    assert.ok(!r.body.limits.some((x: any) => x.id === mine.id || x.id === theirs.id), 'admin\'s project token sees its own project only');
    const adminId = (await call(cloud, 'GET', '/v3/users?name=admin', { token: admin })).body.users[0].id;
    const sys = await login(cloud, adminId, cloud.admin.password, { system: true });
    r = await call(cloud, 'GET', `/v3/limits?resource_name=${name}`, { token: sys });
    assert.deepEqual(r.body.limits.map((x: any) => x.id).sort(), [mine.id, theirs.id].sort());
    r = await call(cloud, 'GET', `/v3/limits?resource_name=${name}&project_id=${other.projectId}`, { token: sys });
    assert.deepEqual(r.body.limits.map((x: any) => x.id), [theirs.id]);
    assert.equal((await call(cloud, 'GET', `/v3/limits/${mine.id}`, { token: m.token })).status, 200);
    assertError(await call(cloud, 'GET', `/v3/limits/${theirs.id}`, { token: m.token }), 403, denied('identity:get_limit'));
    assertError(await limits([{ service_id: serviceId, project_id: m.projectId, resource_name: name, resource_limit: 9 }], m.token), 403,
      denied('identity:create_limits'));
    assertError(await call(cloud, 'DELETE', `/v3/limits/${mine.id}`, { token: m.token }), 403, denied('identity:delete_limit'));
  });
});
