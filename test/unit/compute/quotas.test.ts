/**
 * Quotas: the engine's counts and Nova's refusal sentences (several resources over quota are
 * reported sorted, as OverQuota reports them), metadata and group member limits; over HTTP the
 * key sets per microversion, reading another project's quotas, updates below usage, limits.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ComputeQuotas, projectUsage, tooManyMessage } from '../../../reference-cloud/compute/quota';
import { openCompute, removeDir, type TestCompute } from './infra-helpers';
import { member, nova, useCatalogCloud, type Catalog } from './catalog-helpers';

function thrown(fn: () => void): { status: number; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { status: number; message: string };
  }
  throw new Error('expected a refusal');
}

describe('quotas: the engine', () => {
  let t: TestCompute;
  let q: ComputeQuotas;
  before(() => {
    t = openCompute({}, undefined, false);
    q = new ComputeQuotas(t.api);
  });
  after(() => { t.close(); removeDir(t.dir); });
  const db = () => t.api.store.db;
  const boot = (project: string, vcpus: number, ram: number, deleting = false): string => {
    const id = randomUUID();
    db().prepare('INSERT INTO instance_mappings (instance_uuid, project_id, user_id, vcpus, memory_mb, queued_for_delete, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, project, 'u', vcpus, ram, deleting ? 1 : 0, new Date().toISOString());
    return id;
  };
  const limit = (project: string, resource: string, value: number) =>
    db().prepare('INSERT INTO quotas (project_id, resource, hard_limit) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET hard_limit = excluded.hard_limit').run(project, resource, value);

  it('counts instances, cores and ram not queued for delete, and server groups', () => {
    boot('p1', 2, 512);
    boot('p1', 4, 1024);
    boot('p1', 8, 4096, true);
    boot('p2', 1, 64);
    db().prepare("INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, created_at) VALUES (?, 'g', 'p1', 'u', 'affinity', '')").run(randomUUID());
    assert.deepEqual(projectUsage(db(), 'p1'), { instances: 2, cores: 6, ram: 1536, server_groups: 1 });
    assert.equal(q.limit('p1', 'instances'), 10);
    limit('p1', 'instances', 3);
    assert.equal(q.limit('p1', 'instances'), 3);
    assert.equal(q.limit('p2', 'instances'), 10);
  });

  it('refuses with Nova\'s sentence, resources sorted, counting what is asked against what is used', () => {
    limit('p1', 'instances', 2);
    assert.equal(thrown(() => q.check('p1', { instances: 1, cores: 1, ram: 64 })).message,
      'Quota exceeded for instances: Requested 1, but already used 2 of 2 instances');
    limit('p1', 'cores', 6);
    const both = thrown(() => q.check('p1', { instances: 1, cores: 2, ram: 64 }));
    assert.equal(both.status, 403);
    assert.equal(both.message, 'Quota exceeded for cores, instances: Requested 2, 1, but already used 6, 2 of 6, 2 cores, instances');
    limit('p1', 'instances', -1);
    limit('p1', 'cores', -1);
    q.check('p1', { instances: 100, cores: 100, ram: 64 });
    limit('p1', 'ram', 1536);
    assert.equal(thrown(() => q.check('p1', { ram: 1 })).message, 'Quota exceeded for ram: Requested 1, but already used 1536 of 1536 ram');
    q.check('p1', { ram: 0 });
    limit('p1', 'server_groups', 1);
    assert.equal(thrown(() => q.check('p1', { server_groups: 1 })).message, 'Quota exceeded, too many server groups.');
    assert.equal(tooManyMessage(['instances'], { instances: 1 }, { instances: 7 }, { instances: 1 }), 'Quota exceeded for instances: Requested 1, but already used 7 of 1 instances');
  });

  it('limits metadata items and group members', () => {
    q.checkMetadata('p3', 128);
    assert.equal(thrown(() => q.checkMetadata('p3', 129)).message, 'Maximum number of metadata items exceeds 128');
    const group = randomUUID();
    const gid = db().prepare("INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, created_at) VALUES (?, 'g', 'p3', 'u', 'affinity', '')").run(group).lastInsertRowid;
    limit('p3', 'server_group_members', 2);
    const live = boot('p3', 1, 1);
    const dying = boot('p3', 1, 1, true);
    for (const id of [live, dying]) db().prepare('INSERT INTO instance_group_members (group_id, instance_uuid) VALUES (?, ?)').run(gid, id);
    q.checkGroupMembers('p3', group, 1);
    assert.equal(thrown(() => q.checkGroupMembers('p3', group, 2)).message, 'Quota exceeded, too many servers in group');
  });
});

describe('quotas over HTTP', () => {
  let c: Catalog;
  useCatalogCloud((x) => { c = x; });

  it('shows keys per microversion, in Nova\'s order', async () => {
    const m = await member(c);
    const v21 = await nova(c, 'GET', `/os-quota-sets/${m.projectId}`, m.token);
    assert.deepEqual(Object.keys(v21.body.quota_set), ['id', 'cores', 'fixed_ips', 'floating_ips', 'injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files', 'instances', 'key_pairs', 'metadata_items', 'ram', 'security_group_rules', 'security_groups', 'server_group_members', 'server_groups']);
    const v236 = await nova(c, 'GET', `/os-quota-sets/${m.projectId}`, m.token, { mv: '2.36' });
    assert.ok(!('floating_ips' in v236.body.quota_set) && 'injected_files' in v236.body.quota_set);
    const detail = await nova(c, 'GET', `/os-quota-sets/${m.projectId}/detail`, m.token, { mv: '2.57' });
    assert.deepEqual(detail.body.quota_set.instances, { limit: 10, in_use: 0, reserved: 0 });
    assert.deepEqual(Object.keys(detail.body.quota_set), ['id', 'cores', 'instances', 'key_pairs', 'metadata_items', 'ram', 'server_group_members', 'server_groups']);
    const reader = await member(c, ['reader']);
    assert.equal((await nova(c, 'GET', `/os-quota-sets/${reader.projectId}`, reader.token)).status, 200);
    const other = await nova(c, 'GET', `/os-quota-sets/${c.adminProjectId}/detail`, m.token);
    assert.equal(other.body.forbidden.message, "Policy doesn't allow os_compute_api:os-quota-sets:detail to be performed.");
    assert.equal((await nova(c, 'GET', `/os-quota-sets/${c.adminProjectId}/defaults`, m.token)).status, 200);
    const strict = await nova(c, 'GET', `/os-quota-sets/${m.projectId}?bogus=1`, m.token, { mv: '2.75' });
    assert.equal(strict.body.badRequest.message, "Additional properties are not allowed ('bogus' was unexpected)");
    assert.equal((await nova(c, 'GET', `/os-quota-sets/${m.projectId}?bogus=1`, m.token, { mv: '2.74' })).status, 200);
  });

  it('updates (admin), refuses a limit below usage unless forced, and deletes back to defaults', async () => {
    const m = await member(c);
    const group = await nova(c, 'POST', '/os-server-groups', m.token, { body: { server_group: { name: 'g', policies: ['affinity'] } } });
    const below = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { body: { quota_set: { server_groups: 0 } } });
    assert.equal(group.status, 200, group.text);
    assert.equal(below.body.badRequest.message, 'Quota limit 0 for server_groups must be greater than or equal to already used and reserved 1.');
    assert.equal((await nova(c, 'GET', `/os-quota-sets/${m.projectId}`, m.token)).body.quota_set.server_groups, 10, 'nothing changed');
    const forced = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { body: { quota_set: { server_groups: 0, force: 'true' } } });
    assert.equal(forced.body.quota_set.server_groups, 0);
    const over = await nova(c, 'POST', '/os-server-groups', m.token, { body: { server_group: { name: 'g2', policies: ['affinity'] } } });
    assert.equal(over.status, 403);
    const set = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { mv: '2.57', body: { quota_set: { instances: '3', cores: -1 } } });
    assert.equal(set.status, 200, set.text);
    assert.ok(!('id' in set.body.quota_set));
    assert.equal(set.body.quota_set.instances, 3);
    assert.equal(set.body.quota_set.cores, -1);
    const bad = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { body: { quota_set: { instances: -2 } } });
    assert.equal(bad.body.badRequest.message, 'Invalid input for field/attribute instances. Value: -2. -2 is less than the minimum of -1');
    const networks = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { body: { quota_set: { networks: 1 } } });
    assert.equal(networks.body.badRequest.message, 'The networks quota has been removed');
    const files = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { mv: '2.57', body: { quota_set: { injected_files: 1 } } });
    assert.match(files.body.badRequest.message, /Additional properties are not allowed \('injected_files' was unexpected\)$/);
    const limits = await nova(c, 'GET', '/limits', m.token);
    assert.equal(limits.body.limits.absolute.maxTotalInstances, 3);
    assert.equal((await nova(c, 'DELETE', `/os-quota-sets/${m.projectId}`, m.token)).status, 403);
    assert.equal((await nova(c, 'DELETE', `/os-quota-sets/${m.projectId}`, c.admin)).status, 202);
    assert.equal((await nova(c, 'GET', `/os-quota-sets/${m.projectId}`, m.token)).body.quota_set.instances, 10);
  });

  it('answers /limits per microversion, and another project\'s to admins only', async () => {
    const m = await member(c);
    const v21 = await nova(c, 'GET', '/limits', m.token);
    assert.deepEqual(Object.keys(v21.body.limits.absolute), [
      'maxTotalInstances', 'maxTotalCores', 'maxTotalRAMSize', 'maxServerMeta', 'maxImageMeta', 'maxPersonality', 'maxPersonalitySize',
      'maxTotalKeypairs', 'maxServerGroups', 'maxServerGroupMembers', 'maxTotalFloatingIps', 'maxSecurityGroups', 'maxSecurityGroupRules',
      'totalRAMUsed', 'totalCoresUsed', 'totalInstancesUsed', 'totalFloatingIpsUsed', 'totalSecurityGroupsUsed', 'totalServerGroupsUsed',
    ]);
    assert.deepEqual(v21.body.limits.rate, []);
    const v236 = await nova(c, 'GET', '/limits', m.token, { mv: '2.36' });
    assert.ok('maxImageMeta' in v236.body.limits.absolute && 'maxPersonality' in v236.body.limits.absolute && !('maxSecurityGroups' in v236.body.limits.absolute));
    const v239 = await nova(c, 'GET', '/limits', m.token, { mv: '2.39' });
    assert.ok(!('maxImageMeta' in v239.body.limits.absolute) && 'maxPersonality' in v239.body.limits.absolute);
    const v257 = await nova(c, 'GET', '/limits', m.token, { mv: '2.57' });
    assert.equal(Object.keys(v257.body.limits.absolute).length, 11);
    const denied = await nova(c, 'GET', `/limits?tenant_id=${c.adminProjectId}`, m.token);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow os_compute_api:limits:other_project to be performed.");
    await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { body: { quota_set: { ram: 1000 } } });
    const asAdmin = await nova(c, 'GET', `/limits?tenant_id=${m.projectId}`, c.admin);
    assert.equal(asAdmin.body.limits.absolute.maxTotalRAMSize, 1000);
  });
});
