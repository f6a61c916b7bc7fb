/**
 * os-services and os-hypervisors: admin only, ids by microversion, filters, updates for
 * nova-compute only (by action before 2.53, by uuid after), cells down (partial services at
 * 2.69), deletes, and hypervisor figures from the allocations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hypervisorRoutes } from '../../../reference-cloud/compute/api/hypervisors';
import { serviceRoutes } from '../../../reference-cloud/compute/api/services';
import type { Route } from '../../../reference-cloud/core/service';
import { MEMBER, flavor, invoke, openCompute, removeDir, spec, type TestCompute } from './infra-helpers';

describe('os-services and os-hypervisors', () => {
  let t: TestCompute;
  let routes: Route[];
  before(() => {
    t = openCompute();
    routes = [...serviceRoutes(t.api), ...hypervisorRoutes(t.api)];
  });
  after(() => { t.close(); removeDir(t.dir); });

  const compute1Uuid = async () => (await invoke(routes, 'GET', '/os-services?host=compute-1&binary=nova-compute', { mv: '2.53' })).body.services[0].id as string;

  it('lists every cell\'s services with Nova\'s fields per microversion', async () => {
    const r = await invoke(routes, 'GET', '/os-services');
    assert.deepEqual(Object.keys(r.body.services[0]), ['binary', 'host', 'id', 'zone', 'status', 'state', 'updated_at', 'disabled_reason']);
    assert.equal(typeof r.body.services[0].id, 'number');
    assert.equal(r.body.services.filter((s: { binary: string }) => s.binary === 'nova-compute').length, 4);
    assert.ok(r.body.services.some((s: { binary: string; zone: string }) => s.binary === 'nova-scheduler' && s.zone === 'internal'));
    assert.match(r.body.services[0].updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const v253 = await invoke(routes, 'GET', '/os-services?binary=nova-compute', { mv: '2.53' });
    assert.ok(v253.body.services.every((s: { binary: string; id: string; forced_down: boolean }) => s.binary === 'nova-compute' && /^[0-9a-f-]{36}$/.test(s.id) && s.forced_down === false));
    assert.equal((await invoke(routes, 'GET', '/os-services?host=compute-2', { mv: '2.53' })).body.services[0].zone, 'az2');
    assert.equal((await invoke(routes, 'GET', '/os-services', { auth: MEMBER })).message, "Policy doesn't allow os_compute_api:os-services:list to be performed.");
    assert.equal((await invoke(routes, 'GET', '/os-services?bogus=1', { mv: '2.75' })).status, 400);
  });

  it('updates by action before 2.53, nova-compute only', async () => {
    const dis = await invoke(routes, 'PUT', '/os-services/disable-log-reason', { body: { host: 'compute-1', binary: 'nova-compute', disabled_reason: 'maint' } });
    assert.deepEqual(dis.body, { service: { host: 'compute-1', binary: 'nova-compute', status: 'disabled', disabled_reason: 'maint' } });
    const listed = await invoke(routes, 'GET', '/os-services?host=compute-1');
    assert.equal(listed.body.services[0].status, 'disabled');
    assert.equal(listed.body.services[0].disabled_reason, 'maint');
    const en = await invoke(routes, 'PUT', '/os-services/enable', { body: { host: 'compute-1', binary: 'nova-compute' } });
    assert.deepEqual(en.body, { service: { host: 'compute-1', binary: 'nova-compute', status: 'enabled' } });
    assert.equal((await invoke(routes, 'PUT', '/os-services/enable', { body: { host: 'controller', binary: 'nova-scheduler' } })).message,
      'Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.');
    assert.equal((await invoke(routes, 'PUT', '/os-services/force-down', { body: { host: 'compute-1', binary: 'nova-compute', forced_down: true } })).message,
      "Additional properties are not allowed ('forced_down' was unexpected)");
    assert.equal((await invoke(routes, 'PUT', '/os-services/force-down', { body: { host: 'compute-1', binary: 'nova-compute' } })).message, 'Unknown action');
    const fd = await invoke(routes, 'PUT', '/os-services/force-down', { mv: '2.11', body: { host: 'compute-1', binary: 'nova-compute', forced_down: true } });
    assert.deepEqual(fd.body, { service: { host: 'compute-1', binary: 'nova-compute', forced_down: true } });
    const down = await invoke(routes, 'GET', '/os-services?host=compute-1', { mv: '2.11' });
    assert.equal(down.body.services[0].state, 'down');
    assert.equal(down.body.services[0].forced_down, true);
    await invoke(routes, 'PUT', '/os-services/force-down', { mv: '2.11', body: { host: 'compute-1', binary: 'nova-compute', forced_down: 'false' } });
    assert.equal((await invoke(routes, 'PUT', '/os-services/enable', { body: { host: 'nohost', binary: 'nova-compute' } })).status, 404);
  });

  it('updates by uuid from 2.53', async () => {
    const id = await compute1Uuid();
    const r = await invoke(routes, 'PUT', `/os-services/${id}`, { mv: '2.53', body: { status: 'disabled', disabled_reason: 'x', forced_down: true } });
    assert.equal(r.status, 200);
    assert.deepEqual({ status: r.body.service.status, reason: r.body.service.disabled_reason, forced: r.body.service.forced_down, state: r.body.service.state },
      { status: 'disabled', reason: 'x', forced: true, state: 'down' });
    assert.equal((await invoke(routes, 'PUT', `/os-services/${id}`, { mv: '2.53', body: {} })).message,
      "No updates were requested. Fields 'status' or 'forced_down' should be specified.");
    assert.equal((await invoke(routes, 'PUT', `/os-services/${id}`, { mv: '2.53', body: { status: 'enabled', disabled_reason: 'y' } })).message,
      "Specifying 'disabled_reason' with status 'enabled' is invalid.");
    assert.equal((await invoke(routes, 'PUT', '/os-services/not-a-uuid', { mv: '2.53', body: { status: 'enabled' } })).message, 'Invalid uuid not-a-uuid');
    const back = await invoke(routes, 'PUT', `/os-services/${id}`, { mv: '2.53', body: { status: 'enabled', forced_down: false } });
    assert.equal(back.body.service.state, 'up');
    assert.equal(back.body.service.disabled_reason, null);
  });

  it('shows the compute services of a cell that is down as UNKNOWN from 2.69, and leaves them out before', async () => {
    const cell2 = t.api.cells.named('cell2')!;
    t.api.cells.setDown(cell2, true);
    try {
      const old = await invoke(routes, 'GET', '/os-services?binary=nova-compute', { mv: '2.68' });
      assert.deepEqual(old.body.services.map((s: { host: string }) => s.host).sort(), ['compute-1', 'compute-2']);
      const partial = await invoke(routes, 'GET', '/os-services?binary=nova-compute', { mv: '2.69' });
      assert.deepEqual(partial.body.services.filter((s: { status: string }) => s.status === 'UNKNOWN'),
        [{ binary: 'nova-compute', host: 'compute-3', status: 'UNKNOWN' }, { binary: 'nova-compute', host: 'compute-4', status: 'UNKNOWN' }]);
      const hyp = await invoke(routes, 'GET', '/os-hypervisors');
      assert.equal(hyp.body.hypervisors.length, 2);
      const change = await invoke(routes, 'PUT', '/os-services/disable', { body: { host: 'compute-3', binary: 'nova-compute' } });
      assert.equal(change.status, 503);
    } finally {
      t.api.cells.setDown(cell2, false);
    }
  });

  it('hypervisors: integer ids before 2.53, uuids after, figures from the allocations, 2.88 shape', async () => {
    const s = spec({ force_host: 'nova:compute-3', flavor: flavor({ vcpus: 2, memory_mb: 2048, root_gb: 20 }) });
    t.api.scheduler.selectAndClaim(s);
    const list = await invoke(routes, 'GET', '/os-hypervisors');
    assert.deepEqual(Object.keys(list.body.hypervisors[0]), ['id', 'hypervisor_hostname', 'state', 'status']);
    assert.equal(typeof list.body.hypervisors[0].id, 'number');
    const detail = await invoke(routes, 'GET', '/os-hypervisors/detail', { mv: '2.53' });
    const h3 = detail.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'compute-3');
    assert.match(h3.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ vcpus_used: h3.vcpus_used, memory_mb_used: h3.memory_mb_used, local_gb_used: h3.local_gb_used, free_ram_mb: h3.free_ram_mb, free_disk_gb: h3.free_disk_gb },
      { vcpus_used: 2, memory_mb_used: 2048 + 512, local_gb_used: 20, free_ram_mb: 65536 - 2560, free_disk_gb: 980 });
    assert.equal(typeof h3.cpu_info, 'object');
    assert.equal(typeof (await invoke(routes, 'GET', '/os-hypervisors/detail')).body.hypervisors[0].cpu_info, 'string');
    const v288 = await invoke(routes, 'GET', `/os-hypervisors/${h3.id}?with_servers=true`, { mv: '2.88' });
    assert.deepEqual(Object.keys(v288.body.hypervisor), ['id', 'hypervisor_hostname', 'state', 'status', 'hypervisor_type', 'hypervisor_version', 'host_ip', 'service', 'uptime', 'servers']);
    assert.deepEqual(v288.body.hypervisor.servers, []);
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors/statistics', { mv: '2.88' })).message, 'The resource could not be found.');
    const stats = await invoke(routes, 'GET', '/os-hypervisors/statistics');
    assert.equal(stats.body.hypervisor_statistics.count, 4);
    assert.equal(stats.body.hypervisor_statistics.vcpus_used, 2);
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors/not-a-uuid', { mv: '2.53' })).message, 'Invalid uuid not-a-uuid');
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors/abc')).message, "Hypervisor with ID 'abc' could not be found.");
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors', { auth: MEMBER })).message, "Policy doesn't allow os_compute_api:os-hypervisors:list to be performed.");
    t.api.scheduler.release(s.instance_uuid);
  });

  it('hypervisors: hostname pattern, paging with links, search and servers routes before 2.53', async () => {
    const p = await invoke(routes, 'GET', '/os-hypervisors?hypervisor_hostname_pattern=compute-2', { mv: '2.53' });
    assert.deepEqual(p.body.hypervisors.map((h: { hypervisor_hostname: string }) => h.hypervisor_hostname), ['compute-2']);
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors?hypervisor_hostname_pattern=nope', { mv: '2.53' })).message, "No hypervisor matching 'nope' could be found.");
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors?hypervisor_hostname_pattern=c&limit=1', { mv: '2.53' })).status, 400);
    const page = await invoke(routes, 'GET', '/os-hypervisors?limit=2', { mv: '2.53' });
    assert.equal(page.body.hypervisors.length, 2);
    assert.match(page.body.hypervisors_links[0].href, new RegExp(`/os-hypervisors\\?limit=2&marker=${page.body.hypervisors[1].id}$`));
    const next = await invoke(routes, 'GET', `/os-hypervisors?limit=2&marker=${page.body.hypervisors[1].id}`, { mv: '2.53' });
    assert.equal(next.body.hypervisors.length, 2);
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors?marker=nope', { mv: '2.53' })).message, 'marker [nope] not found');
    const search = await invoke(routes, 'GET', '/os-hypervisors/compute/search');
    assert.equal(search.body.hypervisors.length, 4);
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors/compute/search', { mv: '2.53' })).status, 404);
  });

  it('deletes a compute service with nothing on it, and refuses one hosting instances', async () => {
    const s = spec({ force_host: 'nova:compute-1' });
    t.api.scheduler.selectAndClaim(s);
    const id = await compute1Uuid();
    assert.equal((await invoke(routes, 'DELETE', `/os-services/${id}`, { mv: '2.53' })).message,
      'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
    t.api.scheduler.release(s.instance_uuid);
    assert.equal((await invoke(routes, 'DELETE', `/os-services/${id}`, { mv: '2.53' })).status, 204);
    assert.equal(t.api.cells.ofHost('compute-1'), undefined);
    assert.equal(t.api.store.db.prepare("SELECT 1 FROM resource_providers WHERE host = 'compute-1'").get(), undefined);
    assert.equal((await invoke(routes, 'DELETE', `/os-services/${id}`, { mv: '2.53' })).message, `Service ${id} could not be found.`);
    assert.equal((await invoke(routes, 'GET', '/os-hypervisors')).body.hypervisors.length, 3);
  });
});
