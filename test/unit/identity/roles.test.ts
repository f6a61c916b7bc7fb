import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { World, useTestCloud, assertError, assertSchema, call, denied, login, unique } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;

useTestCloud((c) => ({ cloud, admin, w } = c));

async function role(name = unique('role'), extra: Record<string, unknown> = {}): Promise<any> {
  const r = await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name, ...extra } } });
  assert.equal(r.status, 201, r.text);
  return r.body.role;
}

describe('roles', () => {
  test('create: global role with null domain and description, in Keystone\'s key order', async () => {
    const r = await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name: unique('auditor') } } });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/role', r.body);
    assert.deepEqual(Object.keys(r.body.role), ['id', 'name', 'domain_id', 'description', 'options', 'links']);
    assert.equal(r.body.role.domain_id, null);
    assert.equal(r.body.role.description, null);
    assert.deepEqual(r.body.role.options, {});
    assertError(await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name: r.body.role.name } } }), 409,
      `Conflict occurred attempting to store role - Duplicate entry found with name ${r.body.role.name}.`);
  });

  test('create: bad input', async () => {
    assertError(await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: {} } }), 400, "'name' is a required property");
    assertError(await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name: '' } } }), 400, "Invalid input for field 'name': '' is too short");
    assertError(await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name: 'x', options: { sticky: true } } } }), 400,
      "Invalid input for field 'options': Additional properties are not allowed ('sticky' was unexpected)");
    assertError(await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name: 'x', domain_id: 7 } } }), 400,
      "Invalid input for field 'domain_id': 7 is not of type 'string', 'null'");
  });

  test('domain-specific roles: listed only with ?domain_id, same name allowed across domains', async () => {
    const d = await w.domain();
    const name = unique('dr');
    const dr = await role(name, { domain_id: d.id });
    assert.equal(dr.domain_id, d.id);
    const global = await role(name);
    assertError(await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name, domain_id: d.id } } }), 409,
      `Conflict occurred attempting to store role - Duplicate entry found with name ${name} at domain ID ${d.id}.`);
    let r = await call(cloud, 'GET', `/v3/roles?domain_id=${d.id}`, { token: admin });
    assertSchema('identity/role-list', r.body);
    assert.deepEqual(r.body.roles.map((x: any) => x.id), [dr.id]);
    r = await call(cloud, 'GET', `/v3/roles?name=${name}`, { token: admin });
    assert.deepEqual(r.body.roles.map((x: any) => x.id), [global.id]);
    r = await call(cloud, 'GET', '/v3/roles', { token: admin });
    assert.ok(r.body.roles.every((x: any) => x.domain_id === null));
    assert.deepEqual(r.body.roles.filter((x: any) => ['admin', 'member', 'reader'].includes(x.name)).map((x: any) => x.options),
      [{ immutable: true }, { immutable: true }, { immutable: true }]);
  });

  test('show, update, delete; unknown ids are 404', async () => {
    const x = await role();
    let r = await call(cloud, 'GET', `/v3/roles/${x.id}`, { token: admin });
    assert.deepEqual(r.body.role, x);
    r = await call(cloud, 'PATCH', `/v3/roles/${x.id}`, { token: admin, body: { role: { description: 'updated' } } });
    assert.equal(r.status, 200);
    assert.equal(r.body.role.description, 'updated');
    assertError(await call(cloud, 'PATCH', `/v3/roles/${x.id}`, { token: admin, body: { role: { domain_id: 'default' } } }), 400,
      'Update of `domain_id` is not allowed.');
    assertError(await call(cloud, 'PATCH', `/v3/roles/${x.id}`, { token: admin, body: { role: { id: 'abc' } } }), 400, 'Cannot change ID');
    assert.equal((await call(cloud, 'DELETE', `/v3/roles/${x.id}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', `/v3/roles/${x.id}`, { token: admin }), 404, `Could not find role: ${x.id}.`);
    assertError(await call(cloud, 'GET', '/v3/roles/nonexistent', { token: admin }), 404, 'Could not find role: nonexistent.');
    assertError(await call(cloud, 'DELETE', '/v3/roles/nonexistent', { token: admin }), 404, 'Could not find role: nonexistent.');
  });

  test('immutable roles refuse changes until the flag is cleared', async () => {
    const adminRole = await w.roleId('admin');
    assertError(await call(cloud, 'PATCH', `/v3/roles/${adminRole}`, { token: admin, body: { role: { description: 'x' } } }), 403,
      `Unable to update immutable role resource: \`${adminRole}. Set resource option "immutable" to false first.`);
    assertError(await call(cloud, 'DELETE', `/v3/roles/${adminRole}`, { token: admin }), 403,
      `Unable to delete immutable role resource: \`${adminRole}. Set resource option "immutable" to false first.`);
    const x = await role(unique('locked'), { options: { immutable: true } });
    assertError(await call(cloud, 'PATCH', `/v3/roles/${x.id}`, { token: admin, body: { role: { name: 'renamed', options: { immutable: false } } } }), 403,
      /^Unable to update immutable role resource/);
    let r = await call(cloud, 'PATCH', `/v3/roles/${x.id}`, { token: admin, body: { role: { options: { immutable: false } } } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.role.options, { immutable: false });
    r = await call(cloud, 'PATCH', `/v3/roles/${x.id}`, { token: admin, body: { role: { options: { immutable: null } } } });
    assert.deepEqual(r.body.role.options, {});
    assert.equal((await call(cloud, 'DELETE', `/v3/roles/${x.id}`, { token: admin })).status, 204);
  });

  test('deleting a role removes its assignments', async () => {
    const x = await role();
    const m = await w.member('member');
    await w.grant(`/v3/projects/${m.projectId}/users/${m.id}/roles/${x.id}`);
    assert.equal((await call(cloud, 'DELETE', `/v3/roles/${x.id}`, { token: admin })).status, 204);
    const r = await call(cloud, 'GET', `/v3/role_assignments?role.id=${x.id}`, { token: admin });
    assert.deepEqual(r.body.role_assignments, []);
  });

  test('policy: members and readers cannot read or write roles', async () => {
    const x = await role();
    for (const r of ['member', 'reader']) {
      const m = await w.member(r);
      assertError(await call(cloud, 'GET', '/v3/roles', { token: m.token }), 403, denied('identity:list_roles'));
      assertError(await call(cloud, 'GET', `/v3/roles/${x.id}`, { token: m.token }), 403, denied('identity:get_role'));
      assertError(await call(cloud, 'GET', '/v3/roles/nonexistent', { token: m.token }), 403, denied('identity:get_role'));
      assertError(await call(cloud, 'POST', '/v3/roles', { token: m.token, body: { role: { name: 'x' } } }), 403, denied('identity:create_role'));
      assertError(await call(cloud, 'DELETE', `/v3/roles/${x.id}`, { token: m.token }), 403, denied('identity:delete_role'));
      assertError(await call(cloud, 'GET', '/v3/role_inferences', { token: m.token }), 403, denied('identity:list_role_inference_rules'));
    }
  });
});

describe('implied roles', () => {
  test('PUT/GET/HEAD/list/DELETE with Keystone\'s bodies', async () => {
    const prior = await role(unique('prior'));
    const implied = await role(unique('implied'));
    const path = `/v3/roles/${prior.id}/implies/${implied.id}`;
    let r = await call(cloud, 'PUT', path, { token: admin });
    assert.equal(r.status, 201, r.text);
    const ref = (x: any) => ({ id: x.id, links: { self: `${cloud.authUrl}/roles/${x.id}` }, name: x.name });
    assert.deepEqual(r.body, { role_inference: { prior_role: ref(prior), implies: ref(implied) }, links: { self: `${cloud.authUrl}${path.slice(3)}` } });
    assert.deepEqual(Object.keys(r.body.role_inference.prior_role), ['id', 'links', 'name']);
    assertError(await call(cloud, 'PUT', path, { token: admin }), 409, 'Conflict occurred attempting to store implied_role - Duplicate entry.');
    r = await call(cloud, 'GET', path, { token: admin });
    assert.equal(r.status, 200);
    assert.equal(r.body.role_inference.implies.id, implied.id);
    r = await call(cloud, 'HEAD', path, { token: admin });
    assert.equal(r.status, 204);
    r = await call(cloud, 'GET', `/v3/roles/${prior.id}/implies`, { token: admin });
    assert.deepEqual(r.body, {
      role_inference: { prior_role: ref(prior), implies: [ref(implied)] },
      links: { self: `${cloud.authUrl}/roles/${prior.id}/implies` },
    });
    r = await call(cloud, 'GET', '/v3/role_inferences', { token: admin });
    assert.deepEqual(Object.keys(r.body), ['role_inferences']);
    assert.deepEqual(r.body.role_inferences.find((x: any) => x.prior_role.id === prior.id), { prior_role: ref(prior), implies: [ref(implied)] });
    assert.ok(r.body.role_inferences.some((x: any) => x.prior_role.name === 'member' && x.implies.some((i: any) => i.name === 'reader')));
    assert.equal((await call(cloud, 'DELETE', path, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', path, { token: admin }), 404, `${prior.id} does not imply ${implied.id}.`);
    assert.equal((await call(cloud, 'HEAD', path, { token: admin })).status, 404);
    assertError(await call(cloud, 'DELETE', path, { token: admin }), 404, `${prior.id} does not imply ${implied.id}.`);
  });

  test('cycles are accepted; admin cannot be implied; a global role cannot imply a domain role', async () => {
    const a = await role();
    const b = await role();
    assert.equal((await call(cloud, 'PUT', `/v3/roles/${a.id}/implies/${b.id}`, { token: admin })).status, 201);
    assert.equal((await call(cloud, 'PUT', `/v3/roles/${b.id}/implies/${a.id}`, { token: admin })).status, 201);
    // A user holding one holds both, and expansion terminates.
    const m = await w.member('reader');
    await w.grant(`/v3/projects/${m.projectId}/users/${m.id}/roles/${a.id}`);
    const t = await login(cloud, m.id, m.password, { project: m.projectId });
    const v = await call(cloud, 'GET', '/v3/auth/tokens', { token: t, headers: { 'X-Subject-Token': t } });
    assert.deepEqual(v.body.token.roles.map((r: any) => r.id).filter((id: string) => id === a.id || id === b.id).sort(), [a.id, b.id].sort());
    const eff = await call(cloud, 'GET', `/v3/role_assignments?user.id=${m.id}&effective`, { token: admin });
    assert.equal(eff.status, 200);

    const adminRole = await w.roleId('admin');
    assertError(await call(cloud, 'PUT', `/v3/roles/${a.id}/implies/${adminRole}`, { token: admin }), 403, `${adminRole} cannot be an implied roles.`);
    const d = await w.domain();
    const dr = await role(unique('dr'), { domain_id: d.id });
    assertError(await call(cloud, 'PUT', `/v3/roles/${a.id}/implies/${dr.id}`, { token: admin }), 403, `${dr.id} cannot be an implied roles.`);
    // A domain role may imply a global one.
    assert.equal((await call(cloud, 'PUT', `/v3/roles/${dr.id}/implies/${a.id}`, { token: admin })).status, 201);
  });

  test('unknown roles are 404 even before policy; members are refused', async () => {
    const a = await role();
    const m = await w.member('member');
    assertError(await call(cloud, 'PUT', `/v3/roles/nonexistent/implies/${a.id}`, { token: admin }), 404, 'Could not find role: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/roles/${a.id}/implies/nonexistent`, { token: m.token }), 404, 'Could not find role: nonexistent.');
    assertError(await call(cloud, 'GET', '/v3/roles/nonexistent/implies', { token: admin }), 404, 'Could not find role: nonexistent.');
    const member = await w.roleId('member');
    assertError(await call(cloud, 'PUT', `/v3/roles/${a.id}/implies/${member}`, { token: m.token }), 403, denied('identity:create_implied_role'));
    assertError(await call(cloud, 'GET', `/v3/roles/${a.id}/implies`, { token: m.token }), 403, denied('identity:list_implied_roles'));
  });

  test('an implied role shows up in tokens', async () => {
    const boss = await role(unique('boss'));
    await call(cloud, 'PUT', `/v3/roles/${boss.id}/implies/${await w.roleId('member')}`, { token: admin });
    const u = await w.user();
    const p = await w.project();
    await w.grant(`/v3/projects/${p.id}/users/${u.id}/roles/${boss.id}`);
    const t = await login(cloud, u.id, u.password, { project: p.id });
    const v = await call(cloud, 'GET', '/v3/auth/tokens', { token: t, headers: { 'X-Subject-Token': t } });
    assert.deepEqual(v.body.token.roles.map((r: any) => r.name).sort(), [boss.name, 'member', 'reader'].sort());
  });
});
