/**
 * os-server-groups: shapes per microversion, policy validation, rules, project isolation,
 * listing with all_projects and limit/offset, quota counted in the create, live members only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverGroupRoutes } from '../../../reference-cloud/compute/api/server-groups';
import { ApiError } from '../../../reference-cloud/core/errors';
import type { Route } from '../../../reference-cloud/core/service';
import { ADMIN, MEMBER, OTHER, READER, invoke, openCompute, removeDir, type TestCompute } from './infra-helpers';

describe('os-server-groups', () => {
  let t: TestCompute;
  let routes: Route[];
  before(() => {
    t = openCompute();
    routes = serverGroupRoutes(t.api);
  });
  after(() => { t.close(); removeDir(t.dir); });

  const create = (body: unknown, mv = '2.1', auth = MEMBER) => invoke(routes, 'POST', '/os-server-groups', { body, mv, auth });

  it('2.1: policies and metadata; soft policies refused before 2.15', async () => {
    const r = await create({ server_group: { name: 'g1', policies: ['affinity'] } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.server_group), ['id', 'name', 'policies', 'metadata', 'members']);
    assert.deepEqual(r.body.server_group.policies, ['affinity']);
    const soft = await create({ server_group: { name: 'g3', policies: ['soft-anti-affinity'] } });
    assert.equal(soft.message, "Invalid input for field/attribute 0. Value: soft-anti-affinity. 'soft-anti-affinity' is not one of ['anti-affinity', 'affinity']");
    const ok215 = await create({ server_group: { name: 'g2', policies: ['soft-anti-affinity'] } }, '2.15');
    assert.deepEqual(Object.keys(ok215.body.server_group), ['id', 'name', 'policies', 'metadata', 'members', 'project_id', 'user_id']);
    assert.equal(ok215.body.server_group.project_id, 'p1');
    assert.equal((await create({ server_group: { name: 'g', policies: ['affinity', 'anti-affinity'] } })).status, 400);
    assert.equal((await create({ server_group: { name: ' g', policies: ['affinity'] } })).status, 400);
  });

  it('2.64: policy and rules; policies refused; rules only with anti-affinity', async () => {
    const r = await create({ server_group: { name: 'g4', policy: 'anti-affinity', rules: { max_server_per_host: 2 } } }, '2.64');
    assert.deepEqual(Object.keys(r.body.server_group), ['id', 'name', 'policy', 'rules', 'members', 'project_id', 'user_id']);
    assert.deepEqual(r.body.server_group.rules, { max_server_per_host: 2 });
    const old = await create({ server_group: { name: 'g5', policies: ['affinity'] } }, '2.64');
    assert.equal(old.message, "Invalid input for field/attribute server_group. Value: {'name': 'g5', 'policies': ['affinity']}. 'policy' is a required property");
    assert.equal((await create({ server_group: { name: 'g6', policy: 'affinity', rules: { max_server_per_host: 2 } } }, '2.64')).message, 'Only anti-affinity policy supports rules.');
    assert.equal((await create({ server_group: { name: 'g7', policy: 'anti-affinity', rules: { max_server_per_host: 0 } } }, '2.64')).status, 400);
    assert.equal((await create({ server_group: { name: 'g8', policy: 'anti-affinity', rules: { other: 1 } } }, '2.64')).status, 400);
    const asString = await create({ server_group: { name: 'g9', policy: 'anti-affinity', rules: { max_server_per_host: '3' } } }, '2.64');
    assert.deepEqual(asString.body.server_group.rules, { max_server_per_host: 3 });
    const shown = await invoke(routes, 'GET', `/os-server-groups/${asString.body.server_group.id}`, { auth: MEMBER });
    assert.deepEqual(shown.body.server_group.policies, ['anti-affinity']);
  });

  it('another project does not see, list or delete the group; readers read but do not write', async () => {
    const r = await create({ server_group: { name: 'mine', policies: ['affinity'] } });
    const id = r.body.server_group.id;
    assert.equal((await invoke(routes, 'GET', `/os-server-groups/${id}`, { auth: OTHER })).message, `Instance group ${id} could not be found.`);
    assert.equal((await invoke(routes, 'DELETE', `/os-server-groups/${id}`, { auth: OTHER })).status, 404);
    const others = await invoke(routes, 'GET', '/os-server-groups', { auth: OTHER });
    assert.deepEqual(others.body.server_groups, []);
    assert.equal((await invoke(routes, 'GET', `/os-server-groups/${id}`, { auth: READER })).status, 200);
    assert.equal((await create({ server_group: { name: 'r', policies: ['affinity'] } }, '2.1', READER)).message,
      "Policy doesn't allow os_compute_api:os-server-groups:create to be performed.");
    assert.equal((await invoke(routes, 'DELETE', `/os-server-groups/${id}`, { auth: READER })).message,
      "Policy doesn't allow os_compute_api:os-server-groups:delete to be performed.");
    assert.equal((await invoke(routes, 'GET', `/os-server-groups/${id}`, { auth: ADMIN })).status, 200);
  });

  it('lists the project, all projects for an admin, with limit and offset', async () => {
    await create({ server_group: { name: 'theirs', policies: ['affinity'] } }, '2.1', OTHER);
    const mine = await invoke(routes, 'GET', '/os-server-groups', { auth: MEMBER });
    assert.ok(mine.body.server_groups.length >= 4);
    assert.ok(mine.body.server_groups.every((g: { name: string }) => g.name !== 'theirs'));
    const all = await invoke(routes, 'GET', '/os-server-groups?all_projects=True', { auth: ADMIN, mv: '2.13' });
    assert.ok(all.body.server_groups.some((g: { project_id: string }) => g.project_id === 'p2'));
    const memberAll = await invoke(routes, 'GET', '/os-server-groups?all_projects=True', { auth: MEMBER, mv: '2.13' });
    assert.ok(memberAll.body.server_groups.every((g: { project_id: string }) => g.project_id === 'p1'));
    const page = await invoke(routes, 'GET', '/os-server-groups?limit=2&offset=1', { auth: MEMBER });
    assert.deepEqual(page.body.server_groups.map((g: { id: string }) => g.id), mine.body.server_groups.slice(1, 3).map((g: { id: string }) => g.id));
    assert.equal((await invoke(routes, 'GET', '/os-server-groups?limit=x', { auth: MEMBER })).status, 400);
    assert.equal((await invoke(routes, 'GET', '/os-server-groups?foo=1', { auth: MEMBER, mv: '2.75' })).status, 400);
    assert.equal((await invoke(routes, 'GET', '/os-server-groups?foo=1', { auth: MEMBER, mv: '2.74' })).status, 200);
  });

  it('members: only instances that still exist', async () => {
    const r = await create({ server_group: { name: 'mem', policies: ['anti-affinity'] } });
    const g = t.api.store.db.prepare('SELECT id FROM instance_groups WHERE uuid = ?').get(r.body.server_group.id) as { id: number };
    const cell = t.api.cells.named('cell1')!;
    const add = (uuid: string, cellId: number | null, deleted: boolean | null) => {
      t.api.store.db.prepare('INSERT INTO instance_group_members (group_id, instance_uuid) VALUES (?, ?)').run(g.id, uuid);
      if (deleted === null) return;
      t.api.store.db.prepare('INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, created_at) VALUES (?, ?, ?, ?, ?)').run(uuid, cellId, 'p1', 'u1', t.api.now());
      if (cellId !== null) {
        cell.db.prepare(`INSERT INTO instances (uuid, project_id, user_id, display_name, hostname, vm_state, flavor, reservation_id, created_at, deleted)
          VALUES (?, 'p1', 'u1', 'm', 'm', 'active', '{}', 'r', ?, ?)`).run(uuid, t.api.now(), deleted ? 1 : 0);
      }
    };
    add('11111111-1111-4111-8111-111111111111', cell.id, false);
    add('22222222-2222-4222-8222-222222222222', cell.id, true);
    add('33333333-3333-4333-8333-333333333333', null, false);
    add('44444444-4444-4444-8444-444444444444', null, null);
    const shown = await invoke(routes, 'GET', `/os-server-groups/${r.body.server_group.id}`, { auth: MEMBER });
    assert.deepEqual(shown.body.server_group.members, ['11111111-1111-4111-8111-111111111111', '33333333-3333-4333-8333-333333333333']);
  });

  it('delete answers 204, then 404; members go with the group', async () => {
    const r = await create({ server_group: { name: 'del', policies: ['affinity'] } });
    const id = r.body.server_group.id;
    assert.equal((await invoke(routes, 'DELETE', `/os-server-groups/${id}`, { auth: MEMBER })).status, 204);
    assert.equal((await invoke(routes, 'DELETE', `/os-server-groups/${id}`, { auth: MEMBER })).message, `Instance group ${id} could not be found.`);
  });

  it('counts the quota inside the create transaction and creates nothing when refused', async () => {
    const before = (t.api.store.db.prepare('SELECT COUNT(*) AS n FROM instance_groups').get() as { n: number }).n;
    const saved = t.api.quotas.check;
    t.api.quotas.check = (_p, deltas) => {
      assert.ok(t.api.store.db.inTransaction);
      assert.deepEqual(deltas, { server_groups: 1 });
      throw new ApiError(403, 'Quota exceeded, too many server groups.');
    };
    try {
      const r = await create({ server_group: { name: 'over', policies: ['affinity'] } });
      assert.deepEqual(r, { status: 403, body: undefined, message: 'Quota exceeded, too many server groups.' });
    } finally {
      t.api.quotas.check = saved;
    }
    assert.equal((t.api.store.db.prepare('SELECT COUNT(*) AS n FROM instance_groups').get() as { n: number }).n, before);
  });
});
