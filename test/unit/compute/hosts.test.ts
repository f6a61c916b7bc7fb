/**
 * registerHosts: services, compute nodes, resource providers, host mappings and zone aggregates
 * for the topology, idempotently; an operator's later changes survive a restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { registerHosts } from '../../../reference-cloud/compute/hosts';
import { openCompute, removeDir, type TestCompute } from './infra-helpers';

const count = (t: TestCompute, sql: string): number => (t.api.store.db.prepare(sql).get() as { n: number }).n;

describe('registerHosts', () => {
  let t: TestCompute;
  before(() => { t = openCompute({ cells: 2, zones: ['nova', 'az2', 'az3'], host_count: 6, reserved_host_memory_mb: 256, allocation_ratios: { cpu: 16 } }); });
  after(() => { t.close(); removeDir(t.dir); });

  it('registers every host in its cell: service, compute node, provider, mapping', () => {
    for (const h of t.api.topology.hosts) {
      const cell = t.api.cells.named(h.cell)!;
      assert.equal(t.api.cells.ofHost(h.name)?.name, h.cell);
      const svc = cell.db.prepare("SELECT * FROM services WHERE host = ? AND binary = 'nova-compute'").get(h.name) as Record<string, unknown>;
      assert.equal(svc.topic, 'compute');
      const node = cell.db.prepare('SELECT * FROM compute_nodes WHERE host = ?').get(h.name) as Record<string, unknown>;
      assert.equal(node.service_id, svc.id);
      assert.equal(node.hypervisor_type, 'fake');
      assert.equal(JSON.parse(String(node.cpu_info)).arch, 'x86_64');
      const rp = t.api.store.db.prepare('SELECT * FROM resource_providers WHERE host = ?').get(h.name) as Record<string, unknown>;
      assert.equal(rp.uuid, node.uuid);
      assert.equal(rp.vcpus, h.vcpus);
      assert.equal(rp.cpu_allocation_ratio, 16);
      assert.equal(rp.reserved_memory_mb, 256);
    }
  });

  it('puts the scheduler and super conductor in cell0 and a conductor in each cell', () => {
    const binaries = (name: string) => (t.api.cells.named(name)!.db.prepare('SELECT binary FROM services WHERE host = ? ORDER BY id').all('controller') as { binary: string }[]).map((r) => r.binary);
    assert.deepEqual(binaries('cell0'), ['nova-conductor', 'nova-scheduler']);
    assert.deepEqual(binaries('cell1'), ['nova-conductor']);
    assert.deepEqual(binaries('cell2'), ['nova-conductor']);
  });

  it('makes an aggregate per non-default zone holding its hosts', () => {
    for (const zone of ['az2', 'az3']) {
      const agg = t.api.store.db.prepare('SELECT id FROM aggregates WHERE name = ?').get(zone) as { id: number };
      const meta = t.api.store.db.prepare("SELECT value FROM aggregate_metadata WHERE aggregate_id = ? AND key = 'availability_zone'").get(agg.id) as { value: string };
      assert.equal(meta.value, zone);
      const hosts = (t.api.store.db.prepare('SELECT host FROM aggregate_hosts WHERE aggregate_id = ? ORDER BY host').all(agg.id) as { host: string }[]).map((r) => r.host);
      assert.deepEqual(hosts, t.api.topology.hosts.filter((h) => h.zone === zone).map((h) => h.name).sort());
    }
    assert.equal(t.api.store.db.prepare("SELECT 1 FROM aggregates WHERE name = 'nova'").get(), undefined);
  });

  it('is idempotent and keeps what an operator changed', () => {
    const cell = t.api.cells.named(t.api.topology.hosts[0].cell)!;
    cell.db.prepare("UPDATE services SET disabled = 1, disabled_reason = 'maintenance' WHERE host = ?").run(t.api.topology.hosts[0].name);
    const agg = t.api.store.db.prepare("SELECT id FROM aggregates WHERE name = 'az2'").get() as { id: number };
    const moved = t.api.topology.hosts.find((h) => h.zone === 'az2')!.name;
    t.api.store.db.prepare('DELETE FROM aggregate_hosts WHERE aggregate_id = ? AND host = ?').run(agg.id, moved);
    const before = {
      aggs: count(t, 'SELECT COUNT(*) AS n FROM aggregates'), rps: count(t, 'SELECT COUNT(*) AS n FROM resource_providers'),
      maps: count(t, 'SELECT COUNT(*) AS n FROM host_mappings'), members: count(t, 'SELECT COUNT(*) AS n FROM aggregate_hosts'),
    };
    registerHosts(t.api);
    registerHosts(t.api);
    assert.deepEqual({
      aggs: count(t, 'SELECT COUNT(*) AS n FROM aggregates'), rps: count(t, 'SELECT COUNT(*) AS n FROM resource_providers'),
      maps: count(t, 'SELECT COUNT(*) AS n FROM host_mappings'), members: count(t, 'SELECT COUNT(*) AS n FROM aggregate_hosts'),
    }, before);
    for (const c of t.api.cells.all()) {
      const dup = c.db.prepare('SELECT COUNT(*) AS n FROM services GROUP BY host, binary HAVING n > 1').get();
      assert.equal(dup, undefined);
    }
    const svc = cell.db.prepare('SELECT disabled, disabled_reason FROM services WHERE host = ?').get(t.api.topology.hosts[0].name) as Record<string, unknown>;
    assert.deepEqual({ ...svc }, { disabled: 1, disabled_reason: 'maintenance' });
  });

  it('takes a new host size from the configuration at the next start, keeping ids', () => {
    const dir = t.dir;
    const uuidBefore = (t.api.store.db.prepare("SELECT uuid FROM resource_providers WHERE host = 'compute-1'").get() as { uuid: string }).uuid;
    t.close();
    t = openCompute({ cells: 2, zones: ['nova', 'az2', 'az3'], host_count: 6, host_size: { vcpus: 32 }, reserved_host_memory_mb: 256, allocation_ratios: { cpu: 16 } }, dir);
    const rp = t.api.store.db.prepare("SELECT uuid, vcpus FROM resource_providers WHERE host = 'compute-1'").get() as { uuid: string; vcpus: number };
    assert.deepEqual({ ...rp }, { uuid: uuidBefore, vcpus: 32 });
    const node = t.api.cells.ofHost('compute-1')!.db.prepare("SELECT vcpus FROM compute_nodes WHERE host = 'compute-1'").get() as { vcpus: number };
    assert.equal(node.vcpus, 32);
  });

  it('starts with a cell down: its hosts wait, the others register', () => {
    const dir = t.dir;
    t.api.cells.setDown(t.api.cells.named('cell2')!, true);
    t.close();
    t = openCompute({ cells: 2, zones: ['nova', 'az2', 'az3'], host_count: 10, reserved_host_memory_mb: 256, allocation_ratios: { cpu: 16 } }, dir);
    const newHosts = t.api.topology.hosts.slice(6);
    assert.ok(newHosts.some((h) => h.cell === 'cell2') && newHosts.some((h) => h.cell === 'cell1'));
    const registered = (h: string) => !!t.api.store.db.prepare('SELECT 1 FROM resource_providers WHERE host = ?').get(h);
    for (const h of newHosts) assert.equal(registered(h.name), h.cell !== 'cell2', h.name);
    t.api.cells.setDown(t.api.cells.named('cell2')!, false);
    registerHosts(t.api);
    for (const h of newHosts) assert.equal(registered(h.name), true, h.name);
  });
});
