/**
 * Hostile input against every identity module added here: wrong JSON shapes, every field of
 * every body given values of the wrong type, odd query strings and ids. Each must answer a
 * typed 4xx (or succeed), never a 5xx.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCloud, call, adminToken, World } from './helpers';

test('no request to users, groups, roles, grants, catalog, app creds or limits answers 5xx', { timeout: 120_000 }, async () => {
  const cloud = await startTestCloud();
  try {
    const t = await adminToken(cloud);
    const w = new World(cloud, t);
    const m = await w.member('member');
    const p = await w.project();
    const u = await w.user();
    const g = (await call(cloud, 'POST', '/v3/groups', { token: t, body: { group: { name: 'fz' } } })).body.group.id;
    const r = (await call(cloud, 'POST', '/v3/roles', { token: t, body: { role: { name: 'fzr' } } })).body.role.id;
    const s = (await call(cloud, 'POST', '/v3/services', { token: t, body: { service: { type: 'fz' } } })).body.service.id;
    const e = (await call(cloud, 'POST', '/v3/endpoints', { token: t, body: { endpoint: { service_id: s, interface: 'public', url: 'http://x' } } })).body.endpoint.id;
    const rl = (await call(cloud, 'POST', '/v3/registered_limits', { token: t, body: { registered_limits: [{ service_id: s, resource_name: 'fz', default_limit: 1 }] } })).body.registered_limits[0].id;
    const l = (await call(cloud, 'POST', '/v3/limits', { token: t, body: { limits: [{ service_id: s, project_id: p.id, resource_name: 'fz', resource_limit: 1 }] } })).body.limits[0].id;
    await call(cloud, 'POST', `/v3/users/${m.id}/application_credentials`, { token: m.token, body: { application_credential: { name: 'fz' } } });
    const routes: [string, string, string, string[]][] = [
      ['POST', '/v3/users', 'user', ['name', 'domain_id', 'password', 'enabled', 'default_project_id', 'options', 'description', 'federated']],
      ['PATCH', `/v3/users/${u.id}`, 'user', ['name', 'domain_id', 'password', 'enabled', 'default_project_id', 'options', 'description', 'id']],
      ['POST', `/v3/users/${u.id}/password`, 'user', ['original_password', 'password']],
      ['POST', '/v3/groups', 'group', ['name', 'domain_id', 'description']],
      ['PATCH', `/v3/groups/${g}`, 'group', ['name', 'description', 'id', 'domain_id']],
      ['POST', '/v3/roles', 'role', ['name', 'domain_id', 'description', 'options']],
      ['PATCH', `/v3/roles/${r}`, 'role', ['name', 'domain_id', 'description', 'options', 'id']],
      ['POST', '/v3/regions', 'region', ['id', 'description', 'parent_region_id']],
      ['PUT', '/v3/regions/fzreg', 'region', ['id', 'description', 'parent_region_id']],
      ['PATCH', '/v3/regions/RegionOne', 'region', ['description', 'parent_region_id', 'id']],
      ['POST', '/v3/services', 'service', ['type', 'name', 'enabled', 'description']],
      ['PATCH', `/v3/services/${s}`, 'service', ['type', 'name', 'enabled', 'id']],
      ['POST', '/v3/endpoints', 'endpoint', ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled']],
      ['PATCH', `/v3/endpoints/${e}`, 'endpoint', ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled', 'id']],
      ['POST', `/v3/users/${m.id}/application_credentials`, 'application_credential', ['name', 'secret', 'expires_at', 'roles', 'unrestricted', 'access_rules', 'description']],
      ['PATCH', `/v3/registered_limits/${rl}`, 'registered_limit', ['service_id', 'region_id', 'resource_name', 'default_limit', 'description', 'id']],
      ['PATCH', `/v3/limits/${l}`, 'limit', ['resource_limit', 'description', 'id']],
    ];
    const values: unknown[] = [null, true, 0, -1, 1.5, 1e300, '', ' ', 'x'.repeat(300), [], [{}], [{ id: 'x' }], {}, { a: 1 }, 'RegionOne', '2099-01-01', '$(x)s', '%(', 'http://%zz'];
    let n = 0;
    const bad: string[] = [];
    const tokenFor = (path: string) => (path.includes('application_credentials') ? m.token : t);
    for (const [method, path, wrapper, fields] of routes) {
      for (const raw of ['null', '"s"', '[]', '{}', `{"${wrapper}": null}`, `{"${wrapper}": []}`, `{"${wrapper}": "s"}`, `{"${wrapper}": {}}`, '{"a":', '']) {
        const res = await call(cloud, method, path, { token: tokenFor(path), raw });
        n++;
        if (res.status >= 500) bad.push(`${method} ${path} ${raw} -> ${res.status} ${res.text}`);
      }
      for (const f of fields) for (const v of values) {
        const body = { [wrapper]: { name: 'fz' + n, type: 'fzt', service_id: s, interface: 'public', url: 'http://y', original_password: 'x', password: 'y', [f]: v } };
        const res = await call(cloud, method, path, { token: tokenFor(path), body });
        n++;
        if (res.status >= 500) bad.push(`${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${res.text}`);
      }
    }
    for (const [method, path, body] of [
      ['POST', '/v3/registered_limits', { registered_limits: [{ service_id: s, resource_name: 'q', default_limit: 1, region_id: null }, null] }],
      ['POST', '/v3/registered_limits', { registered_limits: [1, 'x'] }],
      ['POST', '/v3/limits', { limits: [{ service_id: s, project_id: null, domain_id: null, resource_name: 'fz', resource_limit: 1 }] }],
      ['POST', '/v3/limits', { limits: [{ service_id: 7 }] }],
      ['POST', '/v3/limits', { limits: [null] }],
    ] as [string, string, unknown][]) {
      const res = await call(cloud, method, path, { token: t, body });
      n++;
      if (res.status >= 500) bad.push(`${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${res.text}`);
    }
    const qs = ['effective', 'include_names', 'include_subtree', 'scope.project.id=x', 'scope.domain.id=', 'user.id=&group.id=', 'scope.system=foo', 'scope.OS-INHERIT:inherited_to=x', 'effective&scope.project.id=nope', 'role.id=x&effective&include_names', 'user.id=a&user.id=b'];
    for (const q of qs) {
      const res = await call(cloud, 'GET', `/v3/role_assignments?${q}`, { token: t });
      n++;
      if (res.status >= 500) bad.push(`role_assignments?${q} -> ${res.status} ${res.text}`);
    }
    for (const path of ['/v3/users?enabled', '/v3/users?name__icontains=', '/v3/users/x/projects?enabled=banana', `/v3/projects/${p.id}/users/${u.id}/roles/%20`, '/v3/roles/%00', `/v3/OS-INHERIT/projects/${p.id}/users/${u.id}/roles/${r}/inherited_to_projects`, '/v3/limits?project_id=x', `/v3/users/${m.id}/application_credentials/x`, '/v3/endpoints?interface=bogus']) {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'POST']) {
        const res = await call(cloud, method, path, { token: t });
        n++;
        if (res.status >= 500) bad.push(`${method} ${path} -> ${res.status} ${res.text}`);
      }
    }
    assert.ok(n > 1500, `${n} requests`);
    assert.deepEqual(bad, []);
  } finally { await cloud.close(); }
});
