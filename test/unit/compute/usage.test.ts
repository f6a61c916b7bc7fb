/**
 * os-simple-tenant-usage: which instances count in a period (deleted ones included, across
 * cells, a down cell left out), the hours charged, the per-project sums, Nova's date formats;
 * over HTTP the policies, bad dates and paging.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../reference-cloud/core/store';
import { hoursFor, instancesInWindow, parseUsageTime, tenantUsages } from '../../../reference-cloud/compute/models/usage';
import { openCompute, removeDir, type TestCompute } from './infra-helpers';
import { member, nova, useCatalogCloud, type Catalog } from './catalog-helpers';

const T = (s: string) => new Date(`${s}Z`);
const FLAVOR = JSON.stringify({ flavorid: '1', name: 'tiny', vcpus: 2, memory_mb: 512, root_gb: 1, ephemeral_gb: 1, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {} });

function instance(db: Db, project: string, launched: string | null, terminated: string | null, uuid = randomUUID()): string {
  db.prepare(
    `INSERT INTO instances (uuid, project_id, user_id, display_name, hostname, vm_state, flavor, reservation_id, created_at, launched_at, terminated_at, deleted)
     VALUES (?, ?, 'u', ?, 'h', ?, ?, 'r', ?, ?, ?, ?)`,
  ).run(uuid, project, `n-${uuid.slice(0, 4)}`, terminated ? 'deleted' : 'active', FLAVOR, launched ?? '2020-01-01T00:00:00.000Z',
    launched ? `${launched}.000Z` : null, terminated ? `${terminated}.000Z` : null, terminated ? 1 : 0);
  return uuid;
}

describe('usage: the model', () => {
  let t: TestCompute;
  before(() => { t = openCompute({ cells: 2 }, undefined, false); });
  after(() => { t.close(); removeDir(t.dir); });

  it('charges the hours run inside the period', () => {
    const start = T('2026-01-01T00:00:00');
    const stop = T('2026-01-02T00:00:00');
    const at = (l: string | null, e: string | null) => ({ launched_at: l && `${l}Z`, terminated_at: e && `${e}Z` });
    assert.equal(hoursFor(at('2025-12-31T12:00:00', null), start, stop), 24);
    assert.equal(hoursFor(at('2026-01-01T06:00:00', '2026-01-01T07:30:00'), start, stop), 1.5);
    assert.equal(hoursFor(at('2025-12-30T00:00:00', '2025-12-31T00:00:00'), start, stop), 0);
    assert.equal(hoursFor(at('2026-01-03T00:00:00', null), start, stop), 0);
    assert.equal(hoursFor(at(null, null), start, stop), 0);
  });

  it('reads every cell that answers, deleted instances included, sorted by project and uuid', () => {
    const [c1, c2] = [t.api.cells.named('cell1')!, t.api.cells.named('cell2')!];
    const a = instance(c1.db, 'pB', '2026-01-01T01:00:00', null, 'bbbb0000-0000-0000-0000-000000000000');
    const b = instance(c2.db, 'pB', '2026-01-01T02:00:00', '2026-01-01T03:00:00', 'aaaa0000-0000-0000-0000-000000000000');
    const c = instance(c2.db, 'pA', '2026-01-01T00:30:00', null);
    instance(c1.db, 'pA', null, null);
    instance(c1.db, 'pA', '2025-01-01T00:00:00', '2025-06-01T00:00:00');
    const start = T('2026-01-01T00:00:00');
    const stop = T('2026-01-01T04:00:00');
    assert.deepEqual(instancesInWindow(t.api.cells.all(), start, stop).map((i) => i.uuid), [c, b, a]);
    assert.deepEqual(instancesInWindow(t.api.cells.all(), start, stop, 'pB').map((i) => i.uuid), [b, a]);
    const { usages, servers } = tenantUsages(instancesInWindow(t.api.cells.all(), start, stop), start, stop, stop, true);
    assert.deepEqual(usages.map((u) => u.tenant_id), ['pA', 'pB']);
    const pB = usages[1];
    assert.deepEqual(Object.keys(pB), ['tenant_id', 'server_usages', 'total_local_gb_usage', 'total_vcpus_usage', 'total_memory_mb_usage', 'total_hours', 'start', 'stop']);
    assert.equal(pB.total_hours, 4);
    assert.equal(pB.total_vcpus_usage, 8);
    assert.equal(pB.total_memory_mb_usage, 2048);
    assert.equal(pB.total_local_gb_usage, 8);
    assert.equal(pB.start, '2026-01-01T00:00:00.000000');
    const ended = servers.find((s) => s.instance_id === b)!;
    assert.deepEqual({ state: ended.state, uptime: ended.uptime, ended_at: ended.ended_at, local_gb: ended.local_gb, flavor: ended.flavor },
      { state: 'terminated', uptime: 3600, ended_at: '2026-01-01T03:00:00.000000', local_gb: 2, flavor: 'tiny' });
    assert.equal(servers.find((s) => s.instance_id === a)!.state, 'active');
    t.api.cells.setDown(c2, true);
    try {
      assert.deepEqual(instancesInWindow(t.api.cells.all(), start, stop).map((i) => i.uuid), [a]);
    } finally {
      t.api.cells.setDown(c2, false);
    }
  });

  it('parses the period formats Nova accepts, and nothing else', () => {
    assert.equal(parseUsageTime('2020-01-01T00:00:00')!.toISOString(), '2020-01-01T00:00:00.000Z');
    assert.equal(parseUsageTime('2020-01-01T10:20:30.123456')!.toISOString(), '2020-01-01T10:20:30.123Z');
    assert.equal(parseUsageTime('2020-01-01 10:20:30.5')!.toISOString(), '2020-01-01T10:20:30.500Z');
    assert.equal(parseUsageTime('2020-1-2T3:4:5')!.toISOString(), '2020-01-02T03:04:05.000Z');
    for (const bad of ['yesterday', '2020-01-01', '2020-01-01 10:20:30', '2020-02-30T00:00:00', '2020-13-01T00:00:00', '2020-01-01T24:00:00', '2020-01-01T00:00:00Z']) {
      assert.equal(parseUsageTime(bad), undefined, bad);
    }
  });
});

describe('usage over HTTP', () => {
  let c: Catalog;
  useCatalogCloud((x) => { c = x; });

  it('lists for admins, shows a project to its members, and refuses bad periods', async () => {
    const m = await member(c);
    const list = await nova(c, 'GET', '/os-simple-tenant-usage', m.token);
    assert.equal(list.body.forbidden.message, "Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed.");
    const other = await nova(c, 'GET', `/os-simple-tenant-usage/${c.adminProjectId}`, m.token);
    assert.equal(other.body.forbidden.message, "Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed.");
    assert.deepEqual((await nova(c, 'GET', `/os-simple-tenant-usage/${m.projectId}`, m.token)).body, { tenant_usage: {} });
    const bad = await nova(c, 'GET', `/os-simple-tenant-usage/${m.projectId}?start=yesterday`, m.token);
    assert.equal(bad.body.badRequest.message, 'Invalid datetime string: Datetime is in invalid format');
    const backwards = await nova(c, 'GET', '/os-simple-tenant-usage?start=2030-01-01T00:00:00&end=2020-01-01T00:00:00', c.admin);
    assert.equal(backwards.body.badRequest.message, 'Invalid start time. The start time cannot occur after the end time.');
    const marker = await nova(c, 'GET', '/os-simple-tenant-usage?start=2020-01-01T00:00:00&marker=nope', c.admin, { mv: '2.40' });
    assert.equal(marker.body.badRequest.message, 'Marker nope could not be found.');
    assert.equal((await nova(c, 'GET', '/os-simple-tenant-usage?start=2020-01-01T00:00:00&bogus=1', c.admin, { mv: '2.75' })).status, 400);
    assert.equal((await nova(c, 'GET', '/os-simple-tenant-usage?start=2020-01-01T00:00:00&limit=x', c.admin, { mv: '2.40' })).status, 400);
    assert.deepEqual((await nova(c, 'GET', '/os-simple-tenant-usage?start=2020-01-01T00:00:00', c.admin)).body, { tenant_usages: [] });
  });

  it('reports a running server with its hours as Python floats, and pages by instance from 2.40', async () => {
    const m = await member(c);
    const images = await fetch(`${c.cloud.endpoints.find((e) => e.service === 'image')!.url}/v2/images`, { headers: { 'X-Auth-Token': m.token } });
    const imageId = ((await images.json()) as { images: { id: string }[] }).images[0].id;
    const ids: string[] = [];
    for (const name of ['u1', 'u2']) {
      const r = await nova(c, 'POST', '/servers', m.token, { mv: '2.37', body: { server: { name, imageRef: imageId, flavorRef: '42', networks: 'none' } } });
      assert.equal(r.status, 202, r.text);
      ids.push(r.body.server.id);
    }
    for (const id of ids) {
      for (let i = 0; i < 100; i++) {
        const s = await nova(c, 'GET', `/servers/${id}`, m.token);
        if (s.body.server.status !== 'BUILD') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const shown = await nova(c, 'GET', `/os-simple-tenant-usage/${m.projectId}?start=2020-01-01T00:00:00`, m.token);
    const usage = shown.body.tenant_usage;
    assert.deepEqual(usage.server_usages.map((s: { instance_id: string }) => s.instance_id), [...ids].sort());
    assert.deepEqual(usage.server_usages.map((s: { flavor: string; vcpus: number; state: string }) => [s.flavor, s.vcpus, s.state]), [['m1.nano', 1, 'active'], ['m1.nano', 1, 'active']]);
    assert.match(shown.text, /"total_hours": ?\d+\.\d+|"total_hours": ?\d+(\.\d+)?e-\d\d/);
    assert.match(usage.start, /^2020-01-01T00:00:00\.000000$/);
    const page = await nova(c, 'GET', '/os-simple-tenant-usage?start=2020-01-01T00:00:00&detailed=1&limit=1', c.admin, { mv: '2.40' });
    const mine = page.body.tenant_usages;
    assert.equal(mine.reduce((n: number, u: { server_usages: unknown[] }) => n + u.server_usages.length, 0), 1);
    assert.match(page.body.tenant_usages_links[0].href, /limit=1/);
    const marker = new URL(page.body.tenant_usages_links[0].href).searchParams.get('marker');
    const next = await nova(c, 'GET', `/os-simple-tenant-usage?start=2020-01-01T00:00:00&detailed=1&limit=1&marker=${marker}`, c.admin, { mv: '2.40' });
    assert.notEqual(next.body.tenant_usages[0].server_usages[0].instance_id, marker);
    const summary = await nova(c, 'GET', '/os-simple-tenant-usage?start=2020-01-01T00:00:00', c.admin);
    const ours = summary.body.tenant_usages.find((u: { tenant_id: string }) => u.tenant_id === m.projectId);
    assert.ok(ours && !('server_usages' in ours) && ours.total_hours > 0);
  });
});
