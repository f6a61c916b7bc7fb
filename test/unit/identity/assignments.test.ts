import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import {
  World, adminToken, assertError, assertSchema, auth, call, denied, login, startTestCloud, tokenValid, unique,
} from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;
let roles: Record<'admin' | 'member' | 'reader', string>;

before(async () => {
  cloud = await startTestCloud();
  admin = await adminToken(cloud);
  w = new World(cloud, admin);
  roles = { admin: await w.roleId('admin'), member: await w.roleId('member'), reader: await w.roleId('reader') };
});
after(async () => {
  await cloud?.close();
});

const tokenRoles = async (t: string) => {
  const v = await call(cloud, 'GET', '/v3/auth/tokens', { token: t, headers: { 'X-Subject-Token': t } });
  assert.equal(v.status, 200, v.text);
  return (v.body.token.roles as { name: string }[]).map((r) => r.name).sort();
};
async function group(): Promise<string> {
  const r = await call(cloud, 'POST', '/v3/groups', { token: admin, body: { group: { name: unique('g') } } });
  assert.equal(r.status, 201, r.text);
  return r.body.group.id;
}
const missing = (r: string, a: string, t: string) =>
  `Could not find role assignment with role: ${r}, user or group: ${a}, project, domain, or system: ${t}.`;

describe('grants', () => {
  test('revoking a grant ends the tokens scoped where no role is left, and only those (as Keystone)', async () => {
    const u = await w.user();
    const p1 = await w.project();
    const p2 = await w.project();
    for (const p of [p1, p2]) {
      const r = await call(cloud, 'PUT', `/v3/projects/${p.id}/users/${u.id}/roles/${roles.member}`, { token: admin });
      assert.equal(r.status, 204, r.text);
    }
    const t1 = await login(cloud, u.id, u.password, { project: p1.id });
    const t2 = await login(cloud, u.id, u.password, { project: p2.id });
    const unscoped = await login(cloud, u.id, u.password, 'unscoped');
    assert.equal(await tokenValid(cloud, t1), true);
    const r = await call(cloud, 'DELETE', `/v3/projects/${p1.id}/users/${u.id}/roles/${roles.member}`, { token: admin });
    assert.equal(r.status, 204, r.text);
    assert.equal(await tokenValid(cloud, t1), false, 'the token scoped to the project that lost the role');
    assert.equal(await tokenValid(cloud, t2), true, 'a token scoped to another project');
    assert.equal(await tokenValid(cloud, unscoped), true, 'an unscoped token');
    assert.equal(await tokenValid(cloud, admin), true, 'the admin who revoked');
  });

  test('project/user: PUT 204, GET/HEAD 204, list, DELETE 204, then 404', async () => {
    const u = await w.user();
    const p = await w.project();
    const path = `/v3/projects/${p.id}/users/${u.id}/roles/${roles.member}`;
    let r = await call(cloud, 'HEAD', path, { token: admin });
    assert.equal(r.status, 404);
    assertError(await call(cloud, 'GET', path, { token: admin }), 404, missing(roles.member, u.id, p.id));
    r = await call(cloud, 'PUT', path, { token: admin });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assert.equal((await call(cloud, 'PUT', path, { token: admin })).status, 204, 'granting twice is fine');
    assert.equal((await call(cloud, 'GET', path, { token: admin })).status, 204);
    assert.equal((await call(cloud, 'HEAD', path, { token: admin })).status, 204);
    r = await call(cloud, 'GET', `/v3/projects/${p.id}/users/${u.id}/roles`, { token: admin });
    assertSchema('identity/role-list', r.body);
    assert.deepEqual(r.body.roles.map((x: any) => x.name), ['member']);
    assert.deepEqual(Object.keys(r.body.roles[0]), ['id', 'name', 'domain_id', 'description', 'options', 'links']);
    assert.equal(r.body.links.self, `${cloud.authUrl}/projects/${p.id}/users/${u.id}/roles`);
    assert.equal((await call(cloud, 'DELETE', path, { token: admin })).status, 204);
    assertError(await call(cloud, 'DELETE', path, { token: admin }), 404, missing(roles.member, u.id, p.id));
  });

  test('unknown role, user, group, project, domain: 404 in Keystone\'s words, role first', async () => {
    const u = await w.user();
    const p = await w.project();
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/users/${u.id}/roles/nonexistent`, { token: admin }), 404, 'Could not find role: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/projects/nonexistent/users/nonexistent/roles/nonexistent`, { token: admin }), 404, 'Could not find role: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/users/nonexistent/roles/${roles.member}`, { token: admin }), 404, 'Could not find user: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/projects/nonexistent/users/${u.id}/roles/${roles.member}`, { token: admin }), 404, 'Could not find project: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/groups/nonexistent/roles/${roles.member}`, { token: admin }), 404, 'Could not find group: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/domains/nonexistent/users/${u.id}/roles/${roles.member}`, { token: admin }), 404, 'Could not find domain: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/system/users/nonexistent/roles/${roles.reader}`, { token: admin }), 404, 'Could not find user: nonexistent.');
    assertError(await call(cloud, 'GET', `/v3/projects/${p.id}/users/nonexistent/roles`, { token: admin }), 404, 'Could not find user: nonexistent.');
    // Unknown ids are found out before policy.
    const m = await w.member('member');
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/users/${u.id}/roles/nonexistent`, { token: m.token }), 404, 'Could not find role: nonexistent.');
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/users/${u.id}/roles/${roles.member}`, { token: m.token }), 403, denied('identity:create_grant'));
    assertError(await call(cloud, 'GET', `/v3/projects/${m.projectId}/users/${m.id}/roles`, { token: m.token }), 403, denied('identity:list_grants'));
    assertError(await call(cloud, 'GET', `/v3/projects/${m.projectId}/users/${m.id}/roles/${roles.member}`, { token: m.token }), 403, denied('identity:check_grant'));
    assertError(await call(cloud, 'DELETE', `/v3/projects/${m.projectId}/users/${m.id}/roles/${roles.member}`, { token: m.token }), 403, denied('identity:revoke_grant'));
    assertError(await call(cloud, 'GET', `/v3/system/users/${m.id}/roles`, { token: m.token }), 403, denied('identity:list_system_grants_for_user'));
  });

  test('revoking a grant that does not exist is a 404 naming the ids, even for an unknown user', async () => {
    const p = await w.project();
    assertError(await call(cloud, 'DELETE', `/v3/projects/${p.id}/users/gone/roles/${roles.member}`, { token: admin }), 404, missing(roles.member, 'gone', p.id));
  });

  test('domain, system and group grants, and the tokens they give', async () => {
    const d = await w.domain();
    const u = await w.user({ domainId: d.id });
    const g = await group();
    await w.grant(`/v3/groups/${g}/users/${u.id}`);
    await w.grant(`/v3/domains/${d.id}/users/${u.id}/roles/${roles.reader}`);
    await w.grant(`/v3/domains/${d.id}/groups/${g}/roles/${roles.member}`);
    assert.deepEqual(await tokenRoles(await login(cloud, u.id, u.password, { domain: d.id })), ['member', 'reader']);
    let r = await call(cloud, 'GET', `/v3/domains/${d.id}/groups/${g}/roles`, { token: admin });
    assert.deepEqual(r.body.roles.map((x: any) => x.name), ['member']);

    assertError(await auth(cloud, u.id, u.password, { system: true }), 401, 'The request you have made requires authentication.');
    await w.grant(`/v3/system/groups/${g}/roles/${roles.reader}`);
    assert.deepEqual(await tokenRoles(await login(cloud, u.id, u.password, { system: true })), ['reader']);
    assert.equal((await call(cloud, 'HEAD', `/v3/system/groups/${g}/roles/${roles.reader}`, { token: admin })).status, 204);
    r = await call(cloud, 'GET', `/v3/system/groups/${g}/roles`, { token: admin });
    assert.deepEqual(r.body.roles.map((x: any) => x.name), ['reader']);
    await w.grant(`/v3/system/users/${u.id}/roles/${roles.member}`);
    r = await call(cloud, 'GET', `/v3/system/users/${u.id}/roles`, { token: admin });
    assert.deepEqual(r.body.roles.map((x: any) => x.name), ['member']);
    assert.equal((await call(cloud, 'DELETE', `/v3/system/users/${u.id}/roles/${roles.member}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'DELETE', `/v3/system/users/${u.id}/roles/${roles.member}`, { token: admin }), 404, missing(roles.member, u.id, 'system'));
  });

  test('OS-INHERIT: a domain grant inherited to projects, and a project grant inherited to its subtree', async () => {
    const d = await w.domain();
    const p1 = await w.project(unique('p1'), d.id);
    const u = await w.user({ domainId: d.id });
    const inh = `/v3/OS-INHERIT/domains/${d.id}/users/${u.id}/roles/${roles.member}/inherited_to_projects`;
    await w.grant(inh);
    assert.equal((await call(cloud, 'HEAD', inh, { token: admin })).status, 204);
    assert.equal((await call(cloud, 'GET', `/v3/domains/${d.id}/users/${u.id}/roles/${roles.member}`, { token: admin })).status, 404,
      'the inherited grant is not a grant on the domain itself');
    let r = await call(cloud, 'GET', `/v3/OS-INHERIT/domains/${d.id}/users/${u.id}/roles/inherited_to_projects`, { token: admin });
    assert.deepEqual(r.body.roles.map((x: any) => x.name), ['member']);
    assert.deepEqual(await tokenRoles(await login(cloud, u.id, u.password, { project: p1.id })), ['member', 'reader']);
    assertError(await auth(cloud, u.id, u.password, { domain: d.id }), 401, 'The request you have made requires authentication.');

    const parent = await w.project(unique('parent'));
    const child = (await call(cloud, 'POST', '/v3/projects', { token: admin, body: { project: { name: unique('child'), parent_id: parent.id } } })).body.project;
    const v = await w.user();
    await w.grant(`/v3/OS-INHERIT/projects/${parent.id}/users/${v.id}/roles/${roles.reader}/inherited_to_projects`);
    assert.deepEqual(await tokenRoles(await login(cloud, v.id, v.password, { project: child.id })), ['reader']);
    assertError(await auth(cloud, v.id, v.password, { project: parent.id }), 401, 'The request you have made requires authentication.');
    r = await call(cloud, 'GET', `/v3/role_assignments?user.id=${v.id}&effective`, { token: admin });
    assert.deepEqual(r.body.role_assignments.map((a: any) => a.scope.project.id), [child.id]);
    assert.equal(r.body.role_assignments[0].scope['OS-INHERIT:inherited_to'], 'projects');
    assert.equal(r.body.role_assignments[0].links.assignment,
      `${cloud.authUrl}/OS-INHERIT/projects/${parent.id}/users/${v.id}/roles/${roles.reader}/inherited_to_projects`);
  });

  test('domain-specific roles: project must be in the role\'s domain; not on the system', async () => {
    const d = await w.domain();
    const dr = (await call(cloud, 'POST', '/v3/roles', { token: admin, body: { role: { name: unique('dr'), domain_id: d.id } } })).body.role;
    const u = await w.user();
    const p = await w.project();
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/users/${u.id}/roles/${dr.id}`, { token: admin }), 403,
      `Project ${p.id} must be in the same domain as the role ${dr.id} being assigned.`);
    assertError(await call(cloud, 'PUT', `/v3/system/users/${u.id}/roles/${dr.id}`, { token: admin }), 400,
      `Role ${dr.id} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`);
    const pd = await w.project(unique('pd'), d.id);
    await w.grant(`/v3/projects/${pd.id}/users/${u.id}/roles/${dr.id}`);
    // A domain-specific role only implies: on its own it gives no access.
    assertError(await auth(cloud, u.id, u.password, { project: pd.id }), 401, 'The request you have made requires authentication.');
    await call(cloud, 'PUT', `/v3/roles/${dr.id}/implies/${roles.reader}`, { token: admin });
    assert.deepEqual(await tokenRoles(await login(cloud, u.id, u.password, { project: pd.id })), ['reader']);
  });

  test('revoking one of a user\'s roles leaves the token valid with the roles left (Keystone only drops its caches)', async () => {
    const m = await w.member('member');
    await w.grant(`/v3/projects/${m.projectId}/users/${m.id}/roles/${roles.reader}`);
    const other = await login(cloud, m.id, m.password, 'unscoped');
    assert.equal(await tokenValid(cloud, m.token), true);
    assert.equal((await call(cloud, 'DELETE', `/v3/projects/${m.projectId}/users/${m.id}/roles/${roles.member}`, { token: admin })).status, 204);
    assert.deepEqual(await tokenRoles(m.token), ['reader'], 'the same token now carries only what is left');
    assert.equal(await tokenValid(cloud, other), true, 'the user\'s other tokens');
  });
});

describe('GET /v3/role_assignments', () => {
  test('plain list: Keystone\'s entry shape and links, system grants included', async () => {
    const r = await call(cloud, 'GET', '/v3/role_assignments', { token: admin });
    assert.equal(r.status, 200, r.text);
    assertSchema('identity/role-assignment-list', r.body);
    const adminId = (await call(cloud, 'GET', '/v3/users?name=admin', { token: admin })).body.users[0].id;
    const sys = r.body.role_assignments.find((a: any) => a.scope.system && a.user?.id === adminId);
    assert.deepEqual(sys, {
      links: { assignment: `${cloud.authUrl}/system/users/${adminId}/roles/${roles.admin}` },
      scope: { system: { all: true } }, user: { id: adminId }, role: { id: roles.admin },
    });
    const proj = r.body.role_assignments.find((a: any) => a.scope.project && a.user?.id === adminId);
    assert.deepEqual(Object.keys(proj), ['links', 'scope', 'user', 'role']);
    assert.match(proj.links.assignment, new RegExp(`/projects/${proj.scope.project.id}/users/${adminId}/roles/${roles.admin}$`));
  });

  test('filters: user.id, group.id, role.id, scope.project.id, scope.domain.id, scope.system, inherited_to', async () => {
    const d = await w.domain();
    const p = await w.project(unique('p'), d.id);
    const u = await w.user({ domainId: d.id });
    const g = await group();
    await w.grant(`/v3/projects/${p.id}/users/${u.id}/roles/${roles.member}`);
    await w.grant(`/v3/domains/${d.id}/users/${u.id}/roles/${roles.reader}`);
    await w.grant(`/v3/OS-INHERIT/domains/${d.id}/groups/${g}/roles/${roles.reader}/inherited_to_projects`);
    await w.grant(`/v3/system/users/${u.id}/roles/${roles.reader}`);
    const list = async (q: string) => {
      const r = await call(cloud, 'GET', `/v3/role_assignments?${q}`, { token: admin });
      assert.equal(r.status, 200, r.text);
      assertSchema('identity/role-assignment-list', r.body);
      return r.body.role_assignments as any[];
    };
    const scopeOf = (a: any) => (a.scope.project ? `p:${a.scope.project.id}` : a.scope.domain ? `d:${a.scope.domain.id}` : 'system');
    assert.deepEqual((await list(`user.id=${u.id}`)).map(scopeOf).sort(), [`d:${d.id}`, `p:${p.id}`, 'system'].sort());
    assert.deepEqual((await list(`user.id=${u.id}&scope.project.id=${p.id}`)).map(scopeOf), [`p:${p.id}`]);
    assert.deepEqual((await list(`user.id=${u.id}&scope.domain.id=${d.id}`)).map(scopeOf), [`d:${d.id}`]);
    assert.deepEqual((await list(`user.id=${u.id}&scope.system=all`)).map(scopeOf), ['system']);
    assert.deepEqual((await list(`user.id=${u.id}&role.id=${roles.member}`)).map(scopeOf), [`p:${p.id}`]);
    const inherited = await list(`group.id=${g}`);
    assert.equal(inherited.length, 1);
    assert.equal(inherited[0].scope['OS-INHERIT:inherited_to'], 'projects');
    assert.equal(inherited[0].links.assignment, `${cloud.authUrl}/OS-INHERIT/domains/${d.id}/groups/${g}/roles/${roles.reader}/inherited_to_projects`);
    assert.equal((await list(`scope.domain.id=${d.id}&scope.OS-INHERIT:inherited_to=projects`)).length, 1);
    assert.deepEqual((await list(`scope.domain.id=${d.id}`)).map((a) => a.user?.id ?? a.group?.id).sort(), [u.id, g].sort());
  });

  test('effective: groups expand to members, inheritance to projects, implied roles added; no system grants', async () => {
    const d = await w.domain();
    const p = await w.project(unique('p'), d.id);
    const u = await w.user({ domainId: d.id });
    const g = await group();
    await w.grant(`/v3/groups/${g}/users/${u.id}`);
    await w.grant(`/v3/projects/${p.id}/groups/${g}/roles/${roles.member}`);
    await w.grant(`/v3/OS-INHERIT/domains/${d.id}/users/${u.id}/roles/${roles.admin}/inherited_to_projects`);
    await w.grant(`/v3/system/users/${u.id}/roles/${roles.reader}`);
    const r = await call(cloud, 'GET', `/v3/role_assignments?user.id=${u.id}&effective`, { token: admin });
    assert.equal(r.status, 200, r.text);
    assertSchema('identity/role-assignment-list', r.body);
    const entries = r.body.role_assignments as any[];
    assert.ok(entries.every((a) => a.user?.id === u.id && a.scope.project?.id === p.id), JSON.stringify(entries));
    const viaGroup = entries.find((a) => a.role.id === roles.member && a.links.membership);
    assert.deepEqual(viaGroup, {
      links: {
        membership: `${cloud.authUrl}/groups/${g}/users/${u.id}`,
        assignment: `${cloud.authUrl}/projects/${p.id}/groups/${g}/roles/${roles.member}`,
      },
      scope: { project: { id: p.id } }, user: { id: u.id }, role: { id: roles.member },
    });
    const impliedReader = entries.find((a) => a.role.id === roles.reader && a.links.membership);
    assert.deepEqual(impliedReader.links, {
      membership: `${cloud.authUrl}/groups/${g}/users/${u.id}`,
      assignment: `${cloud.authUrl}/projects/${p.id}/groups/${g}/roles/${roles.member}`,
      prior_role: `${cloud.authUrl}/prior_role/${roles.reader}/implies/${roles.member}`,
    });
    const inheritedAdmin = entries.find((a) => a.role.id === roles.admin);
    assert.equal(inheritedAdmin.scope['OS-INHERIT:inherited_to'], 'projects');
    assert.equal(inheritedAdmin.links.assignment, `${cloud.authUrl}/OS-INHERIT/domains/${d.id}/users/${u.id}/roles/${roles.admin}/inherited_to_projects`);
    // admin implies member (through manager) and reader: each reachable role appears.
    const roleIds = new Set(entries.map((a) => a.role.id));
    for (const id of Object.values(roles)) assert.ok(roleIds.has(id));

    const onlyMember = await call(cloud, 'GET', `/v3/role_assignments?user.id=${u.id}&effective&role.id=${roles.member}`, { token: admin });
    assert.ok(onlyMember.body.role_assignments.length >= 2);
    assert.ok(onlyMember.body.role_assignments.every((a: any) => a.role.id === roles.member));
    const scoped = await call(cloud, 'GET', `/v3/role_assignments?scope.project.id=${p.id}&effective`, { token: admin });
    assert.ok(scoped.body.role_assignments.every((a: any) => a.user && a.scope.project.id === p.id));
  });

  test('include_names adds names and domains', async () => {
    const d = await w.domain();
    const p = await w.project(unique('named'), d.id);
    const u = await w.user({ domainId: d.id });
    await w.grant(`/v3/projects/${p.id}/users/${u.id}/roles/${roles.member}`);
    const r = await call(cloud, 'GET', `/v3/role_assignments?user.id=${u.id}&include_names`, { token: admin });
    assertSchema('identity/role-assignment-list', r.body);
    assert.deepEqual(r.body.role_assignments, [{
      links: { assignment: `${cloud.authUrl}/projects/${p.id}/users/${u.id}/roles/${roles.member}` },
      scope: { project: { id: p.id, name: p.name, domain: { id: d.id, name: d.name } } },
      user: { id: u.id, name: u.name, domain: { id: d.id, name: d.name } },
      role: { id: roles.member, name: 'member' },
    }]);
  });

  test('include_subtree: needs a project and an admin', async () => {
    const parent = await w.project(unique('root'));
    const child = (await call(cloud, 'POST', '/v3/projects', { token: admin, body: { project: { name: unique('leaf'), parent_id: parent.id } } })).body.project;
    const u = await w.user();
    await w.grant(`/v3/projects/${child.id}/users/${u.id}/roles/${roles.reader}`);
    let r = await call(cloud, 'GET', `/v3/role_assignments?scope.project.id=${parent.id}&include_subtree=true`, { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.role_assignments.map((a: any) => a.scope.project.id), [child.id]);
    r = await call(cloud, 'GET', `/v3/role_assignments?scope.project.id=${parent.id}`, { token: admin });
    assert.deepEqual(r.body.role_assignments, []);
    assertError(await call(cloud, 'GET', '/v3/role_assignments?include_subtree', { token: admin }), 400,
      'scope.project.id must be specified if include_subtree is also specified');
    assertError(await call(cloud, 'GET', '/v3/role_assignments?include_subtree&scope.project.id=nonexistent', { token: admin }), 404,
      'Could not find project: nonexistent.');
    const m = await w.member('member');
    assertError(await call(cloud, 'GET', `/v3/role_assignments?include_subtree&scope.project.id=${m.projectId}`, { token: m.token }), 403,
      denied('identity:list_role_assignments_for_tree'));
    r = await call(cloud, 'GET', `/v3/role_assignments?scope.project.id=${parent.id}&include_subtree=0`, { token: admin });
    assert.deepEqual(r.body.role_assignments, [], 'include_subtree=0 is false');
  });

  test('conflicting filters are 400s in Keystone\'s words', async () => {
    const cases: [string, string][] = [
      ['scope.domain.id=a&scope.project.id=b', 'Specify a domain or project, not both'],
      ['scope.domain.id=a&scope.system=all', 'Specify system or domain, not both'],
      ['scope.project.id=a&scope.system=all', 'Specify system or project, not both'],
      ['user.id=a&group.id=b', 'Specify a user or group, not both'],
      ['effective&group.id=b', 'Combining effective and group filter will always result in an empty list.'],
      ['effective&scope.domain.id=a&scope.OS-INHERIT:inherited_to=projects', 'Combining effective, domain and inherited filters will always result in an empty list.'],
    ];
    for (const [q, msg] of cases) assertError(await call(cloud, 'GET', `/v3/role_assignments?${q}`, { token: admin }), 400, msg);
  });

  test('policy: members and readers are refused; a domain reader sees its own domain only', async () => {
    for (const role of ['member', 'reader']) {
      const m = await w.member(role);
      assertError(await call(cloud, 'GET', '/v3/role_assignments', { token: m.token }), 403, denied('identity:list_role_assignments'));
      assertError(await call(cloud, 'GET', `/v3/role_assignments?scope.project.id=${m.projectId}`, { token: m.token }), 403,
        denied('identity:list_role_assignments'));
    }
    const d = await w.domain();
    const p = await w.project(unique('dp'), d.id);
    const dr = await w.user({ domainId: d.id });
    await w.grant(`/v3/domains/${d.id}/users/${dr.id}/roles/${roles.reader}`);
    await w.grant(`/v3/projects/${p.id}/users/${dr.id}/roles/${roles.member}`);
    const t = await login(cloud, dr.id, dr.password, { domain: d.id });
    const r = await call(cloud, 'GET', '/v3/role_assignments', { token: t });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.role_assignments.length, 2);
    assert.ok(r.body.role_assignments.every((a: any) => a.scope.domain?.id === d.id || a.scope.project?.id === p.id));
    // The domain reader can check grants within its domain.
    assert.equal((await call(cloud, 'GET', `/v3/projects/${p.id}/users/${dr.id}/roles/${roles.member}`, { token: t })).status, 204);
    assert.equal((await call(cloud, 'GET', `/v3/projects/${p.id}/users/${dr.id}/roles`, { token: t })).status, 200);
    assertError(await call(cloud, 'PUT', `/v3/projects/${p.id}/users/${dr.id}/roles/${roles.reader}`, { token: t }), 403, denied('identity:create_grant'));
  });
});
