import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import {
  World, useTestCloud, assertError, assertSchema, auth, call, denied, login, tokenValid, unique,
} from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;

useTestCloud((c) => ({ cloud, admin, w } = c));

describe('users: create, read, update, delete', () => {
  test('create returns the user without the password, Keystone fields in order', async () => {
    const name = unique('alice');
    const r = await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name, password: 'secret-1', domain_id: 'default' } } });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/user', r.body);
    assert.deepEqual(Object.keys(r.body.user), ['id', 'name', 'domain_id', 'enabled', 'password_expires_at', 'options', 'links']);
    assert.match(r.body.user.id, /^[0-9a-f]{32}$/);
    assert.equal(r.body.user.enabled, true);
    assert.equal(r.body.user.password_expires_at, null);
    assert.equal(r.body.user.links.self, `${cloud.authUrl}/users/${r.body.user.id}`);
    assert.ok(!r.text.includes('secret-1'));
    assert.equal(r.headers.get('location'), null);
    // The password works.
    await login(cloud, r.body.user.id, 'secret-1', 'unscoped');
  });

  test('extras are kept and shown first; default_project_id only when set; disabled honoured', async () => {
    const p = await w.project();
    const r = await call(cloud, 'POST', '/v3/users', {
      token: admin,
      body: { user: { name: unique('extra'), email: 'a@example.org', description: 'd', default_project_id: p.id, enabled: false } },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body.user).slice(0, 2), ['email', 'description']);
    assert.equal(r.body.user.default_project_id, p.id);
    assert.equal(r.body.user.enabled, false);
    assert.equal(r.body.user.domain_id, 'default'); // from the token's (project) scope: the default domain
  });

  test('duplicate name in a domain is a 409 naming the domain', async () => {
    const u = await w.user();
    const r = await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: u.name, domain_id: 'default' } } });
    assertError(r, 409, `Conflict occurred attempting to store user - Duplicate entry found with name ${u.name} at domain ID default.`);
  });

  test('bad input: missing name, wrong types, unknown domain, bad options, not JSON', async () => {
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { description: 'x' } } }), 400, "'name' is a required property");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { name: 'unwrapped' } }), 400, "'name' is a required property");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin }), 400, "'name' is a required property");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: 12 } } }), 400,
      "Invalid input for field 'name': 12 is not of type 'string'");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: 'x', enabled: 'yes' } } }), 400,
      /^Invalid input for field 'enabled': 'yes' is not of type 'boolean'/);
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: 'x', password: 5 } } }), 400,
      "Invalid input for field 'password': 5 is not of type 'string', 'null'");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: 'x', domain_id: 'nosuchdomain' } } }), 404,
      'Could not find domain: nosuchdomain.');
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: 'x', options: { bogus: true } } } }), 400,
      "Invalid input for field 'options': Additional properties are not allowed ('bogus' was unexpected)");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: 'x' } }), 400, "'x' is not of type 'object'");
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, raw: '[1]' }), 400, /^Expecting to find valid JSON in request body\./);
    assertError(await call(cloud, 'POST', '/v3/users', { token: admin, raw: 'name=x', headers: { 'Content-Type': 'text/plain' } }), 400,
      /^Expecting to find application\/json in Content-Type header\./);
  });

  test('list with filters name, domain_id, enabled', async () => {
    const d = await w.domain();
    const u1 = await w.user({ domainId: d.id });
    const off = await call(cloud, 'POST', '/v3/users', { token: admin, body: { user: { name: unique('off'), domain_id: d.id, enabled: false } } });
    let r = await call(cloud, 'GET', `/v3/users?domain_id=${d.id}`, { token: admin });
    assert.equal(r.status, 200);
    assertSchema('identity/user-list', r.body);
    assert.deepEqual(r.body.users.map((u: any) => u.id).sort(), [u1.id, off.body.user.id].sort());
    assert.deepEqual(Object.keys(r.body.links), ['next', 'self', 'previous']);
    assert.equal(r.body.links.self, `${cloud.authUrl}/users?domain_id=${d.id}`);
    r = await call(cloud, 'GET', `/v3/users?domain_id=${d.id}&enabled=false`, { token: admin });
    assert.deepEqual(r.body.users.map((u: any) => u.id), [off.body.user.id]);
    r = await call(cloud, 'GET', `/v3/users?name=${u1.name}`, { token: admin });
    assert.deepEqual(r.body.users.map((u: any) => u.id), [u1.id]);
    r = await call(cloud, 'GET', `/v3/users?name__startswith=${u1.name.slice(0, 4)}&domain_id=${d.id}`, { token: admin });
    assert.deepEqual(r.body.users.map((u: any) => u.id), [u1.id]);
  });

  test('show: unknown is 404 for an admin', async () => {
    assertError(await call(cloud, 'GET', '/v3/users/nonexistent', { token: admin }), 404, 'Could not find user: nonexistent.');
  });

  test('update: extras come back with an "extra" object; id and domain cannot change', async () => {
    const u = await w.user();
    let r = await call(cloud, 'PATCH', `/v3/users/${u.id}`, { token: admin, body: { user: { email: 'o@example.org', description: 'updated' } } });
    assert.equal(r.status, 200, r.text);
    assertSchema('identity/user', r.body);
    assert.deepEqual(r.body.user.extra, { email: 'o@example.org', description: 'updated' });
    assert.deepEqual(Object.keys(r.body.user), ['email', 'description', 'id', 'name', 'domain_id', 'enabled', 'password_expires_at', 'extra', 'options', 'links']);
    r = await call(cloud, 'GET', `/v3/users/${u.id}`, { token: admin });
    assert.equal(r.body.user.email, 'o@example.org');
    assert.equal(r.body.user.extra, undefined);
    assertError(await call(cloud, 'PATCH', `/v3/users/${u.id}`, { token: admin, body: { user: { id: 'other' } } }), 400, 'Cannot change ID');
    assertError(await call(cloud, 'PATCH', `/v3/users/${u.id}`, { token: admin, body: { user: { domain_id: 'elsewhere' } } }), 400, 'Cannot change Domain ID');
    assertError(await call(cloud, 'PATCH', `/v3/users/${u.id}`, { token: admin, body: { user: {} } }), 400, '{} does not have enough properties');
    assertError(await call(cloud, 'PATCH', '/v3/users/nonexistent', { token: admin, body: { user: { name: 'x' } } }), 404, 'Could not find user: nonexistent.');
    // Options: set, then remove with null.
    r = await call(cloud, 'PATCH', `/v3/users/${u.id}`, { token: admin, body: { user: { options: { ignore_password_expiry: true } } } });
    assert.deepEqual(r.body.user.options, { ignore_password_expiry: true });
    r = await call(cloud, 'PATCH', `/v3/users/${u.id}`, { token: admin, body: { user: { options: { ignore_password_expiry: null } } } });
    assert.deepEqual(r.body.user.options, {});
  });

  test('delete: 204, then 404; removes assignments and group memberships', async () => {
    const m = await w.member('member');
    const g = await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name: unique('g') } } });
    await w.grant(`/v3/groups/${g.body.group.id}/users/${m.id}`);
    const del = await call(cloud, 'DELETE', `/v3/users/${m.id}`, { token: admin });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.equal(del.headers.get('content-type'), null);
    assertError(await call(cloud, 'GET', `/v3/users/${m.id}`, { token: admin }), 404, `Could not find user: ${m.id}.`);
    assertError(await call(cloud, 'DELETE', `/v3/users/${m.id}`, { token: admin }), 404, `Could not find user: ${m.id}.`);
    const ra = await call(cloud, 'GET', `/v3/role_assignments?user.id=${m.id}`, { token: admin });
    assert.deepEqual(ra.body.role_assignments, []);
    const members = await call(cloud, 'GET', `/v3/groups/${g.body.group.id}/users`, { token: admin });
    assert.deepEqual(members.body.users, []);
    assert.equal(await tokenValid(cloud, m.token), false);
  });
});

describe('users: passwords and token revocation', () => {
  test('self-service password change: 204, old tokens and old password stop working', async () => {
    const m = await w.member('member');
    const r = await call(cloud, 'POST', `/v3/users/${m.id}/password`, {
      token: m.token, body: { user: { original_password: m.password, password: 'new-pw-1' } },
    });
    assert.equal(r.status, 204, r.text);
    assert.equal(await tokenValid(cloud, m.token), false);
    const check = await call(cloud, 'GET', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': m.token } });
    assert.equal(check.status, 404);
    assertError(await auth(cloud, m.id, m.password, { project: m.projectId }), 401, 'The request you have made requires authentication.');
    await login(cloud, m.id, 'new-pw-1', { project: m.projectId });
  });

  test('self-service password change works without a token; a wrong original password is a generic 401', async () => {
    const u = await w.user();
    let r = await call(cloud, 'POST', `/v3/users/${u.id}/password`, { body: { user: { original_password: 'wrong', password: 'x2' } } });
    assertError(r, 401, 'The request you have made requires authentication.');
    assert.match(r.headers.get('www-authenticate') ?? '', /^Keystone uri="http:\/\/.*\/v3"$/);
    r = await call(cloud, 'POST', '/v3/users/nonexistent/password', { body: { user: { original_password: 'wrong', password: 'x2' } } });
    assertError(r, 401, 'The request you have made requires authentication.');
    r = await call(cloud, 'POST', `/v3/users/${u.id}/password`, { body: { user: { original_password: u.password, password: 'x2' } } });
    assert.equal(r.status, 204, r.text);
    await login(cloud, u.id, 'x2', 'unscoped');
  });

  test('password change: bad bodies are 400, GET is 405', async () => {
    const u = await w.user();
    assertError(await call(cloud, 'POST', `/v3/users/${u.id}/password`, { body: { user: { password: 'x' } } }), 400,
      "'original_password' is a required property");
    assertError(await call(cloud, 'POST', `/v3/users/${u.id}/password`, { body: {} }), 400, "'original_password' is a required property");
    assertError(await call(cloud, 'POST', `/v3/users/${u.id}/password`, { body: { user: { original_password: 1, password: 'x' } } }), 400,
      "Invalid input for field 'original_password': 1 is not of type 'string'");
    assertError(await call(cloud, 'POST', `/v3/users/${u.id}/password`, { body: { user: { original_password: 'a', password: 'b', x: 1 } } }), 400,
      "Additional properties are not allowed ('x' was unexpected)");
    const r = await call(cloud, 'GET', `/v3/users/${u.id}/password`, { token: admin });
    assert.equal(r.status, 405);
  });

  test('an admin password reset (PATCH) revokes the user\'s tokens', async () => {
    const m = await w.member('member');
    const r = await call(cloud, 'PATCH', `/v3/users/${m.id}`, { token: admin, body: { user: { password: 'reset-pw' } } });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes('reset-pw'));
    assert.equal(await tokenValid(cloud, m.token), false);
    await login(cloud, m.id, 'reset-pw', { project: m.projectId });
  });

  test('disabling a user revokes its tokens and refuses authentication; a name change does not revoke', async () => {
    const m = await w.member('member');
    let r = await call(cloud, 'PATCH', `/v3/users/${m.id}`, { token: admin, body: { user: { name: unique('renamed') } } });
    assert.equal(r.status, 200);
    assert.equal(await tokenValid(cloud, m.token), true);
    r = await call(cloud, 'PATCH', `/v3/users/${m.id}`, { token: admin, body: { user: { enabled: false } } });
    assert.equal(r.status, 200);
    assert.equal(r.body.user.enabled, false);
    assert.equal(await tokenValid(cloud, m.token), false);
    assertError(await auth(cloud, m.id, m.password, { project: m.projectId }), 401, 'The request you have made requires authentication.');
    r = await call(cloud, 'PATCH', `/v3/users/${m.id}`, { token: admin, body: { user: { enabled: true } } });
    await login(cloud, m.id, m.password, { project: m.projectId });
  });
});

describe('users: policy', () => {
  test('a member and a reader see themselves only', async () => {
    const other = await w.user();
    for (const role of ['member', 'reader']) {
      const m = await w.member(role);
      assertError(await call(cloud, 'GET', '/v3/users', { token: m.token }), 403, denied('identity:list_users'));
      let r = await call(cloud, 'GET', `/v3/users/${m.id}`, { token: m.token });
      assert.equal(r.status, 200, r.text);
      assertError(await call(cloud, 'GET', `/v3/users/${other.id}`, { token: m.token }), 403, denied('identity:get_user'));
      // Policy is checked before existence: a non-admin cannot probe ids.
      assertError(await call(cloud, 'GET', '/v3/users/nonexistent', { token: m.token }), 403, denied('identity:get_user'));
      r = await call(cloud, 'GET', `/v3/users/${m.id}/projects`, { token: m.token });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.projects.map((p: any) => p.id), [m.projectId]);
      r = await call(cloud, 'GET', `/v3/users/${m.id}/groups`, { token: m.token });
      assert.equal(r.status, 200);
      assertError(await call(cloud, 'GET', `/v3/users/${other.id}/projects`, { token: m.token }), 403, denied('identity:list_user_projects'));
      assertError(await call(cloud, 'GET', `/v3/users/${other.id}/groups`, { token: m.token }), 403, denied('identity:list_groups_for_user'));
      assertError(await call(cloud, 'POST', '/v3/users', { token: m.token, body: { user: { name: 'x' } } }), 403, denied('identity:create_user'));
      assertError(await call(cloud, 'PATCH', `/v3/users/${m.id}`, { token: m.token, body: { user: { name: 'x' } } }), 403, denied('identity:update_user'));
      assertError(await call(cloud, 'DELETE', `/v3/users/${other.id}`, { token: m.token }), 403, denied('identity:delete_user'));
    }
  });

  test('a system reader reads all users; a domain reader the users of its domain', async () => {
    const sys = await w.user();
    await w.grant(`/v3/system/users/${sys.id}/roles/${await w.roleId('reader')}`);
    const sysToken = await login(cloud, sys.id, sys.password, { system: true });
    let r = await call(cloud, 'GET', '/v3/users', { token: sysToken });
    assert.equal(r.status, 200);
    assert.ok(r.body.users.some((u: any) => u.name === 'admin'));
    assertError(await call(cloud, 'POST', '/v3/users', { token: sysToken, body: { user: { name: 'x' } } }), 403, denied('identity:create_user'));

    const d = await w.domain();
    const inDomain = await w.user({ domainId: d.id });
    const dr = await w.user({ domainId: d.id });
    await w.grant(`/v3/domains/${d.id}/users/${dr.id}/roles/${await w.roleId('reader')}`);
    const drToken = await login(cloud, dr.id, dr.password, { domain: d.id });
    r = await call(cloud, 'GET', '/v3/users', { token: drToken });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.users.map((u: any) => u.id).sort(), [inDomain.id, dr.id].sort());
    assert.equal((await call(cloud, 'GET', `/v3/users/${inDomain.id}`, { token: drToken })).status, 200);
    assertError(await call(cloud, 'GET', `/v3/users/${sys.id}`, { token: drToken }), 403, denied('identity:get_user'));
  });

  test('/v3/users/{id}/projects lists projects reached through groups and inheritance', async () => {
    const u = await w.user();
    const p1 = await w.project();
    const d = await w.domain();
    const p2 = await w.project(unique('p2'), d.id);
    const g = await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name: unique('g') } } });
    await w.grant(`/v3/groups/${g.body.group.id}/users/${u.id}`);
    await w.grant(`/v3/projects/${p1.id}/groups/${g.body.group.id}/roles/${await w.roleId('member')}`);
    await w.grant(`/v3/OS-INHERIT/domains/${d.id}/users/${u.id}/roles/${await w.roleId('reader')}/inherited_to_projects`);
    const r = await call(cloud, 'GET', `/v3/users/${u.id}/projects`, { token: admin });
    assertSchema('identity/project-list', r.body);
    assert.deepEqual(r.body.projects.map((p: any) => p.id).sort(), [p1.id, p2.id].sort());
    const f = await call(cloud, 'GET', `/v3/users/${u.id}/projects?domain_id=${d.id}`, { token: admin });
    assert.deepEqual(f.body.projects.map((p: any) => p.id), [p2.id]);
    const groups = await call(cloud, 'GET', `/v3/users/${u.id}/groups`, { token: admin });
    assertSchema('identity/group-list', groups.body);
    assert.deepEqual(Object.keys(groups.body.groups[0]), ['id', 'name', 'domain_id', 'description', 'membership_expires_at', 'links']);
    assertError(await call(cloud, 'GET', '/v3/users/nonexistent/groups', { token: admin }), 404, 'Could not find user: nonexistent.');
  });
});
