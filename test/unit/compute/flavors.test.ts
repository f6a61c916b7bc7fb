/**
 * Flavors: visibility of private flavors, listing order and paging (the model), extra spec
 * validation wording, and the API's fields per microversion, Python floats, policy after
 * validation, access and extra spec flows, over HTTP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthContext } from '../../../reference-cloud/core/auth-context';
import { extraSpecProblem } from '../../../reference-cloud/compute/models/extra-specs';
import {
  BOOTSTRAP_FLAVORS, bootstrapFlavorRows, insertFlavor, listFlavors, markerFlavor, visibleFlavor, type FlavorRow,
} from '../../../reference-cloud/compute/models/flavors';
import { pyFloatRepr } from '../../../reference-cloud/compute/models/py-json';
import { openCompute, removeDir, type TestCompute } from './infra-helpers';
import { member, nova, unique, useCatalogCloud, type Catalog } from './catalog-helpers';

function who(projectId: string, roles = ['member', 'reader']): AuthContext {
  return {
    token: 't', userId: `u-${projectId}`, userName: 'u', userDomainId: 'default', userDomainName: 'Default', projectId, roles,
    roleIds: [], methods: ['password'], auditIds: [], issuedAt: new Date(), expiresAt: new Date(Date.now() + 3600_000),
  };
}

describe('flavors: the model', () => {
  let t: TestCompute;
  before(() => { t = openCompute({}, undefined, false); });
  after(() => { t.close(); removeDir(t.dir); });
  const db = () => t.api.store.db;
  const add = (flavorid: string, extra: Partial<{ memory_mb: number; is_public: boolean; description: string | null }> = {}) => {
    const r = insertFlavor(db(), { flavorid, name: `n-${flavorid}`, memory_mb: 64, vcpus: 1, root_gb: 1, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, ...extra }, new Date().toISOString());
    assert.ok(typeof r === 'object');
    return r as FlavorRow;
  };

  it('creates DevStack flavors once, and keeps what exists by id or name', () => {
    bootstrapFlavorRows(db(), new Date().toISOString());
    bootstrapFlavorRows(db(), new Date().toISOString());
    const n = (db().prepare('SELECT COUNT(*) AS n FROM flavors').get() as { n: number }).n;
    assert.equal(n, BOOTSTRAP_FLAVORS.length);
    db().prepare("DELETE FROM flavors WHERE flavorid = '1'").run();
    db().prepare("UPDATE flavors SET name = 'm1.tiny' WHERE flavorid = '2'").run();
    bootstrapFlavorRows(db(), new Date().toISOString());
    assert.equal(db().prepare("SELECT 1 FROM flavors WHERE flavorid = '1'").get(), undefined, 'the name m1.tiny is taken: not recreated');
    db().prepare('DELETE FROM flavors').run();
  });

  it('refuses a second flavor of the same name or id', () => {
    add('dup');
    assert.equal(insertFlavor(db(), { flavorid: 'other', name: 'n-dup', memory_mb: 1, vcpus: 1, root_gb: 0, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null }, ''), 'name');
    assert.equal(insertFlavor(db(), { flavorid: 'dup', name: 'fresh', memory_mb: 1, vcpus: 1, root_gb: 0, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null }, ''), 'flavorid');
  });

  it('shows a private flavor only to admins and projects given access', () => {
    const p = add('priv', { is_public: false });
    assert.equal(visibleFlavor(db(), 'priv', who('alice')), undefined);
    assert.ok(visibleFlavor(db(), 'priv', who('admin', ['admin', 'member', 'reader'])));
    db().prepare('INSERT INTO flavor_projects (flavor_id, project_id) VALUES (?, ?)').run(p.id, 'alice');
    assert.ok(visibleFlavor(db(), 'priv', who('alice')));
    assert.equal(visibleFlavor(db(), 'priv', who('bob')), undefined);
    // Listing: public plus what the project was given; the marker follows the same visibility.
    const ids = (project: string) => listFlavors(db(), { isPublic: true, enabledOnly: true, projectId: project, sortKey: 'flavorid', sortDir: 'asc', limit: 100 }).map((f) => f.flavorid);
    assert.ok(ids('alice').includes('priv'));
    assert.ok(!ids('bob').includes('priv'));
    assert.equal(markerFlavor(db(), 'priv', { admin: false, projectId: 'bob' }), undefined);
    assert.ok(markerFlavor(db(), 'priv', { admin: true, projectId: 'bob' }));
    const privateOnly = listFlavors(db(), { isPublic: false, enabledOnly: false, sortKey: 'flavorid', sortDir: 'asc', limit: 100 }).map((f) => f.flavorid);
    assert.deepEqual(privateOnly, ['priv']);
  });

  it('pages in (sort key, id) order both ways, NULLs included, without skipping or repeating', () => {
    db().prepare('DELETE FROM flavors').run();
    const rows = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => add(id, { memory_mb: [128, 64, 128, 256, 64, 128][i], description: i % 2 ? null : `d${i % 3}` }));
    for (const sortKey of ['memory_mb', 'description', 'flavorid']) {
      for (const sortDir of ['asc', 'desc'] as const) {
        const all = listFlavors(db(), { isPublic: null, enabledOnly: false, sortKey, sortDir, limit: 100 }).map((f) => f.flavorid);
        assert.equal(all.length, rows.length);
        const paged: string[] = [];
        let marker: FlavorRow | undefined;
        for (;;) {
          const page = listFlavors(db(), { isPublic: null, enabledOnly: false, sortKey, sortDir, limit: 2, marker });
          if (!page.length) break;
          paged.push(...page.map((f) => f.flavorid));
          marker = page[page.length - 1];
        }
        assert.deepEqual(paged, all, `${sortKey} ${sortDir}`);
      }
    }
    const byRam = listFlavors(db(), { isPublic: null, enabledOnly: false, sortKey: 'memory_mb', sortDir: 'desc', limit: 100, minRam: 100 }).map((f) => f.memory_mb);
    assert.deepEqual(byRam, [256, 128, 128, 128]);
  });
});

describe('flavors: extra spec validation (2.86)', () => {
  it('words refusals as Nova does', () => {
    assert.equal(extraSpecProblem('hw:cpu_policy', 'sideways'), "Validation failed; 'sideways' is not one of: dedicated, shared, mixed.");
    assert.equal(extraSpecProblem('hw:cpu_policy', 'shared'), undefined);
    assert.equal(extraSpecProblem('hw:numa_nodes', 'x'), "Validation failed; 'x' is not a valid integer value.");
    assert.equal(extraSpecProblem('hw:numa_nodes', '0'), "Validation failed; '0' is less than the minimum allowed value of 1.");
    assert.equal(extraSpecProblem('hw:boot_menu', 'maybe'), "Validation failed; 'maybe' is not a valid boolean-like value.");
    assert.equal(extraSpecProblem('hw:made_up', '1'), "Validation failed; extra spec 'hw:made_up' does not appear to be a valid extra spec.");
    assert.equal(extraSpecProblem('trait:HW_CPU_X86_AVX', 'maybe'), "Validation failed; 'maybe' is not one of: required, forbidden.");
    assert.equal(extraSpecProblem('resources:VCPU', '2'), undefined);
    assert.equal(extraSpecProblem('custom:colour', 'anything'), undefined);
    assert.equal(extraSpecProblem('nonamespace', 'anything'), undefined);
  });

  it('writes floats as Python does', () => {
    assert.equal(pyFloatRepr(1), '1.0');
    assert.equal(pyFloatRepr(2.5), '2.5');
    assert.equal(pyFloatRepr(0.00001), '1e-05');
    assert.equal(pyFloatRepr(1e16), '1e+16');
    assert.equal(pyFloatRepr(0.0005555555555555556), '0.0005555555555555556');
  });
});

describe('flavors over HTTP', () => {
  let c: Catalog;
  useCatalogCloud((x) => { c = x; });

  it('has the DevStack flavors, with fields per microversion and rxtx_factor a float', async () => {
    const m = await member(c);
    const r = await nova(c, 'GET', '/flavors/1', m.token);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.flavor), ['id', 'name', 'ram', 'disk', 'swap', 'OS-FLV-EXT-DATA:ephemeral', 'OS-FLV-DISABLED:disabled', 'vcpus', 'os-flavor-access:is_public', 'rxtx_factor', 'links']);
    assert.equal(r.body.flavor.swap, '');
    assert.match(r.text, /"rxtx_factor":1\.0/);
    const at275 = await nova(c, 'GET', '/flavors/1', m.token, { mv: '2.75' });
    assert.equal(at275.body.flavor.swap, 0);
    assert.equal(at275.body.flavor.description, null);
    assert.deepEqual(at275.body.flavor.extra_specs, {});
    const list = await nova(c, 'GET', '/flavors?limit=2', m.token, { mv: '2.55' });
    assert.deepEqual(list.body.flavors.map((f: { id: string }) => f.id), ['1', '2']);
    assert.deepEqual(Object.keys(list.body.flavors[0]), ['id', 'name', 'links', 'description']);
    assert.match(list.body.flavors_links[0].href, /\/v2\.1\/flavors\?limit=2&marker=2$/);
    const bad = await nova(c, 'GET', '/flavors?sort_key=nope', m.token);
    assert.equal(bad.status, 400);
    assert.match(bad.body.badRequest.message, /^Invalid input for query parameters sort_key\. Value: nope\. 'nope' is not one of \['created_at'/);
    assert.equal((await nova(c, 'GET', '/flavors?minRam=abc', m.token)).body.badRequest.message, 'Invalid minRam filter [abc]');
    assert.equal((await nova(c, 'GET', '/flavors/detail?bogus=1', m.token, { mv: '2.75' })).body.badRequest.message, "Additional properties are not allowed ('bogus' was unexpected)");
    assert.equal((await nova(c, 'GET', '/flavors?bogus=1', m.token, { mv: '2.74' })).status, 200);
  });

  it('validates the body before the policy, and refuses duplicates with 409', async () => {
    const m = await member(c);
    const invalid = await nova(c, 'POST', '/flavors', m.token, { body: { flavor: { name: 'x', ram: 'lots', vcpus: 1, disk: 1 } } });
    assert.equal(invalid.status, 400, 'schema first, as Nova');
    const denied = await nova(c, 'POST', '/flavors', m.token, { body: { flavor: { name: 'x', ram: 1, vcpus: 1, disk: 1 } } });
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.");
    const name = unique('fl');
    const made = await nova(c, 'POST', '/flavors', c.admin, { mv: '2.55', body: { flavor: { name, ram: '128', vcpus: 1, disk: 0, id: name, description: 'd', rxtx_factor: '2.5' } } });
    assert.equal(made.status, 200, made.text);
    assert.equal(made.body.flavor.ram, 128);
    assert.equal(made.body.flavor.rxtx_factor, 2.5);
    const again = await nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name, ram: 1, vcpus: 1, disk: 1 } } });
    assert.equal(again.body.conflictingRequest.message, `Flavor with name ${name} already exists.`);
    const sameId = await nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name: unique('fl'), ram: 1, vcpus: 1, disk: 1, id: name } } });
    assert.equal(sameId.body.conflictingRequest.message, `Flavor with ID ${name} already exists.`);
    const zero = await nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name: unique('fl'), ram: '0', vcpus: 1, disk: 1 } } });
    assert.equal(zero.body.badRequest.message, 'Invalid input received: ram must be >= 1');
    const spaces = await nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name: ' padded', ram: 1, vcpus: 1, disk: 1 } } });
    assert.match(spaces.body.badRequest.message, /Can not start or end with whitespace/);
    const upd = await nova(c, 'PUT', `/flavors/${name}`, c.admin, { mv: '2.55', body: { flavor: { description: 'new' } } });
    assert.equal(upd.body.flavor.description, 'new');
    assert.equal((await nova(c, 'PUT', `/flavors/${name}`, c.admin, { body: { flavor: { description: 'x' } } })).status, 404, 'no update below 2.55');
    assert.equal((await nova(c, 'DELETE', `/flavors/${name}`, c.admin)).status, 202);
    assert.equal((await nova(c, 'DELETE', `/flavors/${name}`, c.admin)).status, 404);
  });

  it('creates one flavor of a name when many ask at once', async () => {
    const name = unique('race');
    const replies = await Promise.all(Array.from({ length: 6 }, () =>
      nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name, ram: 64, vcpus: 1, disk: 0 } } })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409]);
    const all = await nova(c, 'GET', '/flavors?is_public=none', c.admin);
    assert.equal(all.body.flavors.filter((f: { name: string }) => f.name === name).length, 1);
  });

  it('gives and takes access to a private flavor, naming the internal id on conflicts', async () => {
    const m = await member(c);
    const made = await nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name: unique('priv'), ram: 64, vcpus: 1, disk: 0, 'os-flavor-access:is_public': false } } });
    const id = made.body.flavor.id;
    assert.equal((await nova(c, 'GET', `/flavors/${id}`, m.token)).status, 404);
    assert.ok(!(await nova(c, 'GET', '/flavors', m.token)).body.flavors.some((f: { id: string }) => f.id === id));
    const add = await nova(c, 'POST', `/flavors/${id}/action`, c.admin, { body: { addTenantAccess: { tenant: m.projectId } } });
    assert.deepEqual(add.body, { flavor_access: [{ flavor_id: id, tenant_id: m.projectId }] });
    const again = await nova(c, 'POST', `/flavors/${id}/action`, c.admin, { body: { addTenantAccess: { tenant: m.projectId } } });
    assert.match(again.body.conflictingRequest.message, new RegExp(`^Flavor access already exists for flavor \\d+ and project ${m.projectId} combination\\.$`));
    assert.equal((await nova(c, 'GET', `/flavors/${id}`, m.token)).status, 200);
    assert.ok((await nova(c, 'GET', '/flavors', m.token)).body.flavors.some((f: { id: string }) => f.id === id));
    const denied = await nova(c, 'POST', `/flavors/${id}/action`, m.token, { body: { removeTenantAccess: { tenant: m.projectId } } });
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-access:remove_tenant_access to be performed.");
    assert.deepEqual((await nova(c, 'POST', `/flavors/${id}/action`, c.admin, { body: { removeTenantAccess: { tenant: m.projectId } } })).body, { flavor_access: [] });
    assert.equal((await nova(c, 'POST', `/flavors/${id}/action`, c.admin, { body: { removeTenantAccess: { tenant: m.projectId } } })).status, 404);
    assert.equal((await nova(c, 'POST', `/flavors/${id}/action`, c.admin, { body: { explode: {} } })).body.badRequest.message, 'There is no such action: explode');
    assert.equal((await nova(c, 'POST', `/flavors/${id}/action`, c.admin, { body: { a: 1, b: 2 } })).body.badRequest.message, 'Malformed request body');
    assert.equal((await nova(c, 'POST', '/flavors/1/action', c.admin, { mv: '2.7', body: { addTenantAccess: { tenant: m.projectId } } })).status, 409);
    assert.equal((await nova(c, 'GET', '/flavors/1/os-flavor-access', c.admin)).body.itemNotFound.message, 'Access list not available for public flavors.');
  });

  it('sets, reads, validates and deletes extra specs', async () => {
    const id = (await nova(c, 'POST', '/flavors', c.admin, { body: { flavor: { name: unique('spec'), ram: 64, vcpus: 1, disk: 0 } } })).body.flavor.id;
    const set = await nova(c, 'POST', `/flavors/${id}/os-extra_specs`, c.admin, { body: { extra_specs: { 'hw:cpu_policy': 'shared', 'custom:n': 5 } } });
    assert.deepEqual(set.body, { extra_specs: { 'hw:cpu_policy': 'shared', 'custom:n': 5 } });
    assert.deepEqual((await nova(c, 'GET', `/flavors/${id}/os-extra_specs`, c.admin)).body, { extra_specs: { 'custom:n': '5', 'hw:cpu_policy': 'shared' } });
    const badKey = await nova(c, 'POST', `/flavors/${id}/os-extra_specs`, c.admin, { body: { extra_specs: { 'bad/key': 'v' } } });
    assert.match(badKey.body.badRequest.message, /'bad\/key' does not match any of the regexes/);
    const badValue = await nova(c, 'POST', `/flavors/${id}/os-extra_specs`, c.admin, { mv: '2.86', body: { extra_specs: { 'hw:cpu_policy': 'sideways' } } });
    assert.equal(badValue.body.badRequest.message, "Validation failed; 'sideways' is not one of: dedicated, shared, mixed.");
    assert.equal((await nova(c, 'POST', `/flavors/${id}/os-extra_specs`, c.admin, { body: { extra_specs: { 'hw:cpu_policy': 'sideways' } } })).status, 200, 'not validated before 2.86');
    const mismatch = await nova(c, 'PUT', `/flavors/${id}/os-extra_specs/custom:n`, c.admin, { body: { other: 'v' } });
    assert.equal(mismatch.body.badRequest.message, 'Request body and URI mismatch');
    const two = await nova(c, 'PUT', `/flavors/${id}/os-extra_specs/custom:n`, c.admin, { body: { 'custom:n': 'a', x: 'b' } });
    assert.match(two.body.badRequest.message, /has too many properties$/);
    assert.equal((await nova(c, 'DELETE', `/flavors/${id}/os-extra_specs/custom:n`, c.admin)).status, 200);
    const gone = await nova(c, 'GET', `/flavors/${id}/os-extra_specs/custom:n`, c.admin);
    assert.equal(gone.body.itemNotFound.message, `Flavor ${id} has no extra specs with key custom:n.`);
    const m = await member(c);
    assert.equal((await nova(c, 'DELETE', `/flavors/${id}/os-extra_specs/hw:cpu_policy`, m.token)).status, 403);
    assert.equal((await nova(c, 'GET', `/flavors/${id}`, m.token, { mv: '2.61' })).body.flavor.extra_specs['hw:cpu_policy'], 'sideways');
  });
});
