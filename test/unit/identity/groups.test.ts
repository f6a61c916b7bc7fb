import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { World, useTestCloud, assertError, assertSchema, auth, call, denied, login, unique } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;

useTestCloud((c) => ({ cloud, admin, w } = c));

async function group(name = unique('grp'), extra: Record<string, unknown> = {}): Promise<any> {
  const r = await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name, ...extra } } });
  assert.equal(r.status, 201, r.text);
  return r.body.group;
}

describe('groups', () => {
  test('create: defaults to the token\'s domain and an empty description', async () => {
    const name = unique('team');
    const r = await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name } } });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/group', r.body);
    assert.deepEqual(Object.keys(r.body.group), ['id', 'name', 'domain_id', 'description', 'links']);
    assert.equal(r.body.group.domain_id, 'default');
    assert.equal(r.body.group.description, '');
    assertError(await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name } } }), 409,
      `Conflict occurred attempting to store group - Duplicate entry found with name ${name} at domain ID default.`);
  });

  test('create: bad input', async () => {
    assertError(await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: {} } }), 400, "'name' is a required property");
    assertError(await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name: ['x'] } } }), 400,
      "Invalid input for field 'name': ['x'] is not of type 'string'");
    assertError(await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name: 'x', domain_id: 'nope' } } }), 404,
      'Could not find domain: nope.');
  });

  test('show, list with filters, update, delete', async () => {
    const d = await w.domain();
    const g = await group(unique('g'), { domain_id: d.id, description: 'first' });
    let r = await call(cloud, 'GET', `/v3/groups/${g.id}`, { token: admin });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.group, g);
    r = await call(cloud, 'GET', `/v3/groups?domain_id=${d.id}`, { token: admin });
    assertSchema('identity/group-list', r.body);
    assert.deepEqual(r.body.groups.map((x: any) => x.id), [g.id]);
    r = await call(cloud, 'GET', `/v3/groups?name=${g.name}`, { token: admin });
    assert.deepEqual(r.body.groups.map((x: any) => x.id), [g.id]);
    r = await call(cloud, 'PATCH', `/v3/groups/${g.id}`, { token: admin, body: { group: { description: 'updated' } } });
    assert.equal(r.status, 200);
    assert.equal(r.body.group.description, 'updated');
    assertError(await call(cloud, 'PATCH', `/v3/groups/${g.id}`, { token: admin, body: { group: { id: 'x' } } }), 400, 'Cannot change ID');
    assertError(await call(cloud, 'PATCH', `/v3/groups/${g.id}`, { token: admin, body: { group: { domain_id: 'default' } } }), 400, 'Cannot change Domain ID');
    assertError(await call(cloud, 'PATCH', '/v3/groups/nonexistent', { token: admin, body: { group: { name: 'x' } } }), 404, 'Could not find group: nonexistent.');
    r = await call(cloud, 'DELETE', `/v3/groups/${g.id}`, { token: admin });
    assert.equal(r.status, 204);
    assertError(await call(cloud, 'GET', `/v3/groups/${g.id}`, { token: admin }), 404, `Could not find group: ${g.id}.`);
  });

  test('membership: PUT, HEAD/GET check, list, DELETE, with Keystone\'s 404s', async () => {
    const g = await group();
    const u = await w.user();
    let r = await call(cloud, 'PUT', `/v3/groups/${g.id}/users/${u.id}`, { token: admin });
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    r = await call(cloud, 'PUT', `/v3/groups/${g.id}/users/${u.id}`, { token: admin });
    assert.equal(r.status, 204, 'adding twice is fine');
    assert.equal((await call(cloud, 'HEAD', `/v3/groups/${g.id}/users/${u.id}`, { token: admin })).status, 204);
    assert.equal((await call(cloud, 'GET', `/v3/groups/${g.id}/users/${u.id}`, { token: admin })).status, 204);
    r = await call(cloud, 'GET', `/v3/groups/${g.id}/users`, { token: admin });
    assertSchema('identity/user-list', r.body);
    assert.deepEqual(r.body.users.map((x: any) => x.id), [u.id]);
    r = await call(cloud, 'DELETE', `/v3/groups/${g.id}/users/${u.id}`, { token: admin });
    assert.equal(r.status, 204);
    r = await call(cloud, 'HEAD', `/v3/groups/${g.id}/users/${u.id}`, { token: admin });
    assert.equal(r.status, 404);
    assert.equal(r.text, '');
    assertError(await call(cloud, 'GET', `/v3/groups/${g.id}/users/${u.id}`, { token: admin }), 404, `User '${u.id}' not found in group '${g.id}'`);
    assertError(await call(cloud, 'DELETE', `/v3/groups/${g.id}/users/${u.id}`, { token: admin }), 404, `User '${u.id}' not found in group '${g.id}'`);
    assertError(await call(cloud, 'PUT', `/v3/groups/nonexistent/users/${u.id}`, { token: admin }), 404, 'Could not find group: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/groups/${g.id}/users/nonexistent`, { token: admin }), 404, 'Could not find user: nonexistent.');
    assertError(await call(cloud, 'GET', `/v3/groups/nonexistent/users`, { token: admin }), 404, 'Could not find group: nonexistent.');
  });

  test('a role granted to a group reaches its members, and leaves with them', async () => {
    const g = await group();
    const u = await w.user();
    const p = await w.project();
    await w.grant(`/v3/projects/${p.id}/groups/${g.id}/roles/${await w.roleId('member')}`);
    assertError(await auth(cloud, u.id, u.password, { project: p.id }), 401, 'The request you have made requires authentication.');
    await w.grant(`/v3/groups/${g.id}/users/${u.id}`);
    const token = await login(cloud, u.id, u.password, { project: p.id });
    const v = await call(cloud, 'GET', '/v3/auth/tokens', { token, headers: { 'X-Subject-Token': token } });
    assert.deepEqual(v.body.token.roles.map((r: any) => r.name).sort(), ['member', 'reader']);
    assert.equal((await call(cloud, 'DELETE', `/v3/groups/${g.id}/users/${u.id}`, { token: admin })).status, 204);
    const after = await call(cloud, 'GET', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } });
    assert.equal(after.status, 404, 'the token lost its only roles');
  });

  test('deleting a group removes its role assignments', async () => {
    const g = await group();
    const p = await w.project();
    await w.grant(`/v3/projects/${p.id}/groups/${g.id}/roles/${await w.roleId('reader')}`);
    assert.equal((await call(cloud, 'DELETE', `/v3/groups/${g.id}`, { token: admin })).status, 204);
    const r = await call(cloud, 'GET', `/v3/role_assignments?group.id=${g.id}`, { token: admin });
    assert.deepEqual(r.body.role_assignments, []);
  });

  test('policy: members and readers cannot manage or list groups', async () => {
    const g = await group();
    for (const role of ['member', 'reader']) {
      const m = await w.member(role);
      assertError(await call(cloud, 'GET', '/v3/groups', { token: m.token }), 403, denied('identity:list_groups'));
      assertError(await call(cloud, 'GET', `/v3/groups/${g.id}`, { token: m.token }), 403, denied('identity:get_group'));
      assertError(await call(cloud, 'GET', `/v3/groups/${g.id}/users`, { token: m.token }), 403, denied('identity:list_users_in_group'));
      assert.equal((await call(cloud, 'HEAD', `/v3/groups/${g.id}/users/${m.id}`, { token: m.token })).status, 403);
      assertError(await call(cloud, 'GET', `/v3/groups/${g.id}/users/${m.id}`, { token: m.token }), 403, denied('identity:check_user_in_group'));
      assertError(await call(cloud, 'POST', '/v3/groups', { token: m.token, body: { group: { name: 'x' } } }), 403, denied('identity:create_group'));
      assertError(await call(cloud, 'PUT', `/v3/groups/${g.id}/users/${m.id}`, { token: m.token }), 403, denied('identity:add_user_to_group'));
      assertError(await call(cloud, 'DELETE', `/v3/groups/${g.id}`, { token: m.token }), 403, denied('identity:delete_group'));
    }
  });
});
