/**
 * The scheduler: each filter and weigher alone, the claim it writes, and selectAndClaim over a
 * registered topology (zones, disabled and forced-down hosts, cells down, aggregates, server
 * groups, forced and ignored hosts, volume-backed servers, NoValidHost writing nothing).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NoValidHost } from '../../../reference-cloud/compute/context';
import { setMetadata, ensureAggregate } from '../../../reference-cloud/compute/models/aggregates';
import { matchExtraSpec } from '../../../reference-cloud/compute/scheduler/extra-specs-ops';
import type { FilterContext, GroupContext } from '../../../reference-cloud/compute/scheduler/filter';
import { requestedResources } from '../../../reference-cloud/compute/scheduler/filter';
import { aggregateExtraSpecsFilter } from '../../../reference-cloud/compute/scheduler/filters/aggregate-extra-specs';
import { availabilityZoneFilter } from '../../../reference-cloud/compute/scheduler/filters/availability-zone';
import { computeFilter } from '../../../reference-cloud/compute/scheduler/filters/compute';
import { imagePropertiesFilter } from '../../../reference-cloud/compute/scheduler/filters/image-properties';
import { resourcesFilter } from '../../../reference-cloud/compute/scheduler/filters/resources';
import { affinityFilter, antiAffinityFilter } from '../../../reference-cloud/compute/scheduler/filters/server-group';
import type { HostState } from '../../../reference-cloud/compute/scheduler/host-state';
import { filterHosts, forcedHost, weighHosts } from '../../../reference-cloud/compute/scheduler';
import { normalize, ramWeigher, softAffinityWeigher, softAntiAffinityWeigher } from '../../../reference-cloud/compute/scheduler/weighers';
import { addMember, flavor, group, openCompute, removeDir, spec, thrown, used, type TestCompute } from './infra-helpers';

function hostState(name: string, over: Partial<HostState> = {}): HostState {
  return {
    host: name, node: name, cell: undefined as never, zone: 'nova', enabled: true, up: true,
    total: { vcpus: 16, memory_mb: 65536, disk_gb: 1000 },
    capacity: { vcpus: 64, memory_mb: 65024, disk_gb: 1000 },
    used: { vcpus: 0, memory_mb: 0, disk_gb: 0 },
    freeRamMb: 65024, aggregates: [], supportedInstances: [['x86_64', 'fake', 'hvm']], hypervisorVersion: 1000,
    ...over,
  };
}

function ctx(over: Partial<ReturnType<typeof spec>> = {}, groupCtx: GroupContext | null = null): FilterContext {
  const s = spec(over);
  return { spec: s, want: requestedResources(s), group: groupCtx };
}

const groupCtx = (policy: GroupContext['policy'], counts: Record<string, number>, rules: Record<string, number> = {}): GroupContext =>
  ({ uuid: 'g', policy, rules, memberCounts: new Map(Object.entries(counts)) });

describe('scheduler filters', () => {
  it('resources: fits within (total - reserved) * ratio - used, and never beyond max_unit', () => {
    const c = ctx({ flavor: flavor({ vcpus: 4, memory_mb: 2048, root_gb: 10, ephemeral_gb: 5, swap: 1536 }) });
    assert.deepEqual(c.want, { vcpus: 4, memory_mb: 2048, disk_gb: 17 });
    assert.equal(resourcesFilter.passes(hostState('a'), c), true);
    assert.equal(resourcesFilter.passes(hostState('a', { used: { vcpus: 61, memory_mb: 0, disk_gb: 0 } }), c), false);
    assert.equal(resourcesFilter.passes(hostState('a', { used: { vcpus: 0, memory_mb: 63000, disk_gb: 0 } }), c), false);
    assert.equal(resourcesFilter.passes(hostState('a', { used: { vcpus: 0, memory_mb: 0, disk_gb: 990 } }), c), false);
    // 32 vCPUs fit in 64 allocatable but exceed the host's 16 physical (max_unit).
    assert.equal(resourcesFilter.passes(hostState('a'), ctx({ flavor: flavor({ vcpus: 32 }) })), false);
  });

  it('resources: a volume-backed server asks for no root disk', () => {
    const c = ctx({ image: null, flavor: flavor({ root_gb: 5000 }) });
    assert.equal(c.want.disk_gb, 0);
    assert.equal(resourcesFilter.passes(hostState('a'), c), true);
  });

  it('compute: enabled and up only', () => {
    assert.equal(computeFilter.passes(hostState('a'), ctx()), true);
    assert.equal(computeFilter.passes(hostState('a', { enabled: false }), ctx()), false);
    assert.equal(computeFilter.passes(hostState('a', { up: false }), ctx()), false);
  });

  it('availability zone: only the zone asked for', () => {
    assert.equal(availabilityZoneFilter.passes(hostState('a', { zone: 'az2' }), ctx()), true);
    assert.equal(availabilityZoneFilter.passes(hostState('a', { zone: 'az2' }), ctx({ availability_zone: 'az2' })), true);
    assert.equal(availabilityZoneFilter.passes(hostState('a', { zone: 'nova' }), ctx({ availability_zone: 'az2' })), false);
  });

  it('aggregate instance extra specs: scoped and unscoped keys against aggregate metadata', () => {
    const ssd = hostState('a', { aggregates: [{ ssd: 'true', cpus: '8' }, { availability_zone: 'az2' }] });
    const plain = hostState('b');
    const want = (extra_specs: Record<string, string>) => ctx({ flavor: flavor({ extra_specs }) });
    assert.equal(aggregateExtraSpecsFilter.passes(plain, want({})), true);
    assert.equal(aggregateExtraSpecsFilter.passes(ssd, want({ 'aggregate_instance_extra_specs:ssd': 'true' })), true);
    assert.equal(aggregateExtraSpecsFilter.passes(plain, want({ 'aggregate_instance_extra_specs:ssd': 'true' })), false);
    assert.equal(aggregateExtraSpecsFilter.passes(ssd, want({ ssd: 'false' })), false);
    assert.equal(aggregateExtraSpecsFilter.passes(ssd, want({ 'aggregate_instance_extra_specs:cpus': '>= 4' })), true);
    assert.equal(aggregateExtraSpecsFilter.passes(ssd, want({ 'aggregate_instance_extra_specs:cpus': '>= 16' })), false);
    // Other scopes belong to other filters.
    assert.equal(aggregateExtraSpecsFilter.passes(plain, want({ 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '10' })), true);
  });

  it('extra specs operators match as Nova does', () => {
    assert.equal(matchExtraSpec('4', '= 2'), true);
    assert.equal(matchExtraSpec('1', '= 2'), false);
    assert.equal(matchExtraSpec('fast ssd', '<in> ssd'), true);
    assert.equal(matchExtraSpec('fast ssd', '<all-in> ssd fast'), true);
    assert.equal(matchExtraSpec('fast', '<all-in> ssd fast'), false);
    assert.equal(matchExtraSpec('b', '<or> a <or> b'), true);
    assert.equal(matchExtraSpec('c', '<or> a <or> b'), false);
    assert.equal(matchExtraSpec('abc', 's== abc'), true);
    assert.equal(matchExtraSpec('abc', 's!= abc'), false);
    assert.equal(matchExtraSpec('b', 's> a'), true);
    assert.equal(matchExtraSpec('x', '>= 2'), false);
    assert.equal(matchExtraSpec('true', 'true'), true);
    assert.equal(matchExtraSpec(undefined, '>= 1'), false);
  });

  it('image properties: architecture, hypervisor type, vm mode and version against the fake driver', () => {
    const props = (properties: Record<string, string>) => ctx({ image: { id: 'i', name: 'i', properties, min_disk: 0, min_ram: 0, size: 1 } });
    const h = hostState('a');
    assert.equal(imagePropertiesFilter.passes(h, props({})), true);
    assert.equal(imagePropertiesFilter.passes(h, props({ hw_architecture: 'x86_64' })), true);
    assert.equal(imagePropertiesFilter.passes(h, props({ architecture: 'amd64' })), true);
    assert.equal(imagePropertiesFilter.passes(h, props({ hw_architecture: 'aarch64' })), false);
    assert.equal(imagePropertiesFilter.passes(h, props({ img_hv_type: 'fake', hw_vm_mode: 'hvm' })), true);
    assert.equal(imagePropertiesFilter.passes(h, props({ hypervisor_type: 'qemu' })), false);
    assert.equal(imagePropertiesFilter.passes(h, props({ hw_vm_mode: 'xen' })), false);
    assert.equal(imagePropertiesFilter.passes(h, props({ img_hv_type: 'fake', img_hv_requested_version: '>= 0.9' })), true);
    assert.equal(imagePropertiesFilter.passes(h, props({ img_hv_type: 'fake', img_hv_requested_version: '>= 2.0' })), false);
    assert.equal(imagePropertiesFilter.passes(h, ctx({ image: null })), true);
  });

  it('server group affinity: where the members are, anywhere while there are none', () => {
    assert.equal(affinityFilter.passes(hostState('a'), ctx({}, groupCtx('affinity', {}))), true);
    assert.equal(affinityFilter.passes(hostState('a'), ctx({}, groupCtx('affinity', { a: 1 }))), true);
    assert.equal(affinityFilter.passes(hostState('b'), ctx({}, groupCtx('affinity', { a: 1 }))), false);
    assert.equal(affinityFilter.passes(hostState('b'), ctx({}, groupCtx('anti-affinity', { a: 1 }))), true);
  });

  it('server group anti-affinity: fewer than max_server_per_host members (1 by default)', () => {
    assert.equal(antiAffinityFilter.passes(hostState('a'), ctx({}, groupCtx('anti-affinity', { a: 1 }))), false);
    assert.equal(antiAffinityFilter.passes(hostState('b'), ctx({}, groupCtx('anti-affinity', { a: 1 }))), true);
    assert.equal(antiAffinityFilter.passes(hostState('a'), ctx({}, groupCtx('anti-affinity', { a: 1 }, { max_server_per_host: 2 }))), true);
    assert.equal(antiAffinityFilter.passes(hostState('a'), ctx({}, groupCtx('anti-affinity', { a: 2 }, { max_server_per_host: 2 }))), false);
    assert.equal(antiAffinityFilter.passes(hostState('a'), ctx({}, groupCtx('soft-anti-affinity', { a: 5 }))), true);
  });

  it('filterHosts names the filter that left no host', () => {
    const r = filterHosts([hostState('a', { enabled: false })], ctx());
    assert.equal(r.passed.length, 0);
    assert.equal(r.eliminatedBy, 'ComputeFilter');
  });

  it('forcedHost reads zone:host[:node]', () => {
    assert.equal(forcedHost('nova:compute-1'), 'compute-1');
    assert.equal(forcedHost('nova:compute-1:compute-1'), 'compute-1');
    assert.equal(forcedHost('nova'), null);
    assert.equal(forcedHost('nova:'), null);
    assert.equal(forcedHost(null), null);
  });
});

describe('scheduler weighers', () => {
  it('normalize maps to [0, 1], all 0 when equal', () => {
    assert.deepEqual(normalize([5, 10, 15]), [0, 0.5, 1]);
    assert.deepEqual(normalize([3, 3]), [0, 0]);
  });

  it('RAM weigher: most free RAM first, ties by host name', () => {
    const hosts = [hostState('c', { freeRamMb: 100 }), hostState('b', { freeRamMb: 500 }), hostState('a', { freeRamMb: 100 })];
    assert.equal(ramWeigher.weigh(hosts[1], ctx()), 500);
    assert.deepEqual(weighHosts(hosts, ctx()).map((h) => h.host), ['b', 'a', 'c']);
  });

  it('soft affinity weigher favours hosts with members; soft anti-affinity disfavours them', () => {
    const hosts = [hostState('a'), hostState('b')];
    const aff = ctx({}, groupCtx('soft-affinity', { b: 2 }));
    assert.equal(softAffinityWeigher.weigh(hosts[1], aff), 2);
    assert.deepEqual(weighHosts(hosts, aff).map((h) => h.host), ['b', 'a']);
    const anti = ctx({}, groupCtx('soft-anti-affinity', { a: 1 }));
    assert.equal(softAntiAffinityWeigher.weigh(hosts[0], anti), -1);
    assert.deepEqual(weighHosts(hosts, anti).map((h) => h.host), ['b', 'a']);
    // Without a group, neither weighs anything.
    assert.equal(softAffinityWeigher.weigh(hosts[0], ctx()), 0);
    assert.equal(softAntiAffinityWeigher.weigh(hosts[0], ctx()), 0);
  });

  it('normalised weights add up: RAM and soft anti-affinity together', () => {
    const hosts = [hostState('a', { freeRamMb: 1000 }), hostState('b', { freeRamMb: 950 }), hostState('c', { freeRamMb: 900 })];
    // RAM: a 1, b 0.5, c 0; anti-affinity: a 0, b 1, c 1.
    assert.deepEqual(weighHosts(hosts, ctx({}, groupCtx('soft-anti-affinity', { a: 1 }))).map((h) => h.host), ['b', 'a', 'c']);
  });
});

describe('selectAndClaim over a registered topology', () => {
  let t: TestCompute;
  before(() => { t = openCompute(); });
  after(() => { t.close(); removeDir(t.dir); });

  it('claims the flavor on the host with most free RAM and spreads the next one', () => {
    const s1 = spec({ flavor: flavor({ vcpus: 2, memory_mb: 4096, root_gb: 20, swap: 512 }) });
    const first = t.api.scheduler.selectAndClaim(s1);
    assert.equal(first.host, 'compute-1');
    assert.equal(first.node, 'compute-1');
    assert.equal(first.cell.name, 'cell1');
    assert.equal(first.zone, 'nova');
    const row = t.api.store.db.prepare('SELECT * FROM allocations WHERE consumer_uuid = ?').get(s1.instance_uuid) as Record<string, unknown>;
    assert.deepEqual({ ...row }, { consumer_uuid: s1.instance_uuid, host: 'compute-1', vcpus: 2, memory_mb: 4096, disk_gb: 21, project_id: 'p1', user_id: 'u1' });
    const s2 = spec();
    const second = t.api.scheduler.selectAndClaim(s2);
    assert.notEqual(second.host, 'compute-1');
    t.api.scheduler.release(s1.instance_uuid);
    t.api.scheduler.release(s2.instance_uuid);
  });

  it('a claim again for the same consumer replaces its allocation (placement PUT semantics)', () => {
    const s = spec({ flavor: flavor({ memory_mb: 30000 }) });
    const a = t.api.scheduler.selectAndClaim(s);
    const b = t.api.scheduler.selectAndClaim({ ...s, ignore_hosts: [a.host] });
    assert.notEqual(a.host, b.host);
    const rows = t.api.store.db.prepare('SELECT host FROM allocations WHERE consumer_uuid = ?').all(s.instance_uuid) as { host: string }[];
    assert.deepEqual(rows.map((r) => r.host), [b.host]);
    t.api.scheduler.release(s.instance_uuid);
    assert.equal((t.api.store.db.prepare('SELECT COUNT(*) AS n FROM allocations WHERE consumer_uuid = ?').get(s.instance_uuid) as { n: number }).n, 0);
  });

  it('NoValidHost (empty reason) when nothing fits, and nothing is written', () => {
    const before = (t.api.store.db.prepare('SELECT COUNT(*) AS n FROM allocations').get() as { n: number }).n;
    const e = thrown(() => t.api.scheduler.selectAndClaim(spec({ flavor: flavor({ root_gb: 700000 }) })));
    assert.ok(e instanceof NoValidHost);
    assert.equal(e.message, 'No valid host was found. ');
    assert.equal((t.api.store.db.prepare('SELECT COUNT(*) AS n FROM allocations').get() as { n: number }).n, before);
  });

  it('honours the zone asked for', () => {
    for (let i = 0; i < 4; i++) {
      const s = spec({ availability_zone: 'az2' });
      const sel = t.api.scheduler.selectAndClaim(s);
      assert.ok(['compute-2', 'compute-4'].includes(sel.host));
      assert.equal(sel.zone, 'az2');
      t.api.scheduler.release(s.instance_uuid);
    }
    assert.ok(thrown(() => t.api.scheduler.selectAndClaim(spec({ availability_zone: 'nowhere' }))) instanceof NoValidHost);
  });

  it('skips disabled and forced-down compute services and cells that are down', () => {
    const cell1 = t.api.cells.named('cell1')!;
    cell1.db.prepare("UPDATE services SET disabled = 1 WHERE host = 'compute-1'").run();
    cell1.db.prepare("UPDATE services SET forced_down = 1 WHERE host = 'compute-2'").run();
    const hosts = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const s = spec();
      hosts.add(t.api.scheduler.selectAndClaim(s).host);
      t.api.scheduler.release(s.instance_uuid);
    }
    assert.ok(hosts.size > 0 && [...hosts].every((h) => h === 'compute-3' || h === 'compute-4'), [...hosts].join());
    const cell2 = t.api.cells.named('cell2')!;
    t.api.cells.setDown(cell2, true);
    try {
      assert.ok(thrown(() => t.api.scheduler.selectAndClaim(spec())) instanceof NoValidHost);
    } finally {
      t.api.cells.setDown(cell2, false);
      cell1.db.prepare("UPDATE services SET disabled = 0, forced_down = 0 WHERE host IN ('compute-1', 'compute-2')").run();
    }
  });

  it('forces a host for an admin spec, but not onto a host where the flavor does not fit', () => {
    const s = spec({ force_host: 'nova:compute-3' });
    assert.equal(t.api.scheduler.selectAndClaim(s).host, 'compute-3');
    t.api.scheduler.release(s.instance_uuid);
    // A forced host skips the zone filter (Nova skips the filters for forced hosts).
    const z = spec({ force_host: 'az2:compute-3', availability_zone: 'az2' });
    assert.equal(t.api.scheduler.selectAndClaim(z).host, 'compute-3');
    t.api.scheduler.release(z.instance_uuid);
    assert.ok(thrown(() => t.api.scheduler.selectAndClaim(spec({ force_host: 'nova:nohost' }))) instanceof NoValidHost);
    assert.ok(thrown(() => t.api.scheduler.selectAndClaim(spec({ force_host: 'nova:compute-3', flavor: flavor({ memory_mb: 70000 }) }))) instanceof NoValidHost);
  });

  it('ignores the hosts it is told to ignore', () => {
    const s = spec({ ignore_hosts: ['compute-1', 'compute-2', 'compute-3'] });
    assert.equal(t.api.scheduler.selectAndClaim(s).host, 'compute-4');
    t.api.scheduler.release(s.instance_uuid);
  });

  it('matches flavor extra specs against aggregate metadata', () => {
    const agg = ensureAggregate(t.api.store.db, 'fast', {}, t.api.now());
    setMetadata(t.api.store.db, agg.id, { ssd: 'true' });
    t.api.store.db.prepare("INSERT INTO aggregate_hosts (aggregate_id, host) VALUES (?, 'compute-3')").run(agg.id);
    for (let i = 0; i < 3; i++) {
      const s = spec({ flavor: flavor({ extra_specs: { 'aggregate_instance_extra_specs:ssd': 'true' } }) });
      assert.equal(t.api.scheduler.selectAndClaim(s).host, 'compute-3');
      t.api.scheduler.release(s.instance_uuid);
    }
  });

  it('refuses an image the fake driver cannot run', () => {
    const s = spec({ image: { id: 'i', name: 'arm', properties: { hw_architecture: 'aarch64' }, min_disk: 0, min_ram: 0, size: 1 } });
    assert.ok(thrown(() => t.api.scheduler.selectAndClaim(s)) instanceof NoValidHost);
  });

  it('places an affinity group together and an anti-affinity group apart (members found by their allocations)', () => {
    const aff = group(t.api, 'affinity');
    const hosts = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const s = spec({ group_uuid: aff.uuid });
      addMember(t.api, aff.id, s.instance_uuid);
      hosts.add(t.api.scheduler.selectAndClaim(s).host);
    }
    assert.equal(hosts.size, 1);

    const anti = group(t.api, 'anti-affinity');
    const apart = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const s = spec({ group_uuid: anti.uuid });
      addMember(t.api, anti.id, s.instance_uuid);
      apart.add(t.api.scheduler.selectAndClaim(s).host);
    }
    assert.equal(apart.size, 4);
    const fifth = spec({ group_uuid: anti.uuid });
    addMember(t.api, anti.id, fifth.instance_uuid);
    assert.ok(thrown(() => t.api.scheduler.selectAndClaim(fifth)) instanceof NoValidHost);

    const two = group(t.api, 'anti-affinity', { max_server_per_host: 2 });
    let placed = 0;
    for (let i = 0; i < 9; i++) {
      const s = spec({ group_uuid: two.uuid });
      addMember(t.api, two.id, s.instance_uuid);
      try {
        t.api.scheduler.selectAndClaim(s);
        placed++;
      } catch (e) {
        assert.ok(e instanceof NoValidHost);
      }
    }
    assert.equal(placed, 8);
  });

  it('finds a group member on its instance host when it holds no allocation', () => {
    const aff = group(t.api, 'affinity');
    const member = 'aaaaaaaa-0000-4000-8000-000000000001';
    addMember(t.api, aff.id, member);
    const cell2 = t.api.cells.named('cell2')!;
    t.api.store.db.prepare('INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(member, cell2.id, 'p1', 'u1', t.api.now());
    cell2.db.prepare(`INSERT INTO instances (uuid, project_id, user_id, display_name, hostname, host, node, vm_state, flavor, reservation_id, created_at)
      VALUES (?, 'p1', 'u1', 'm', 'm', 'compute-4', 'compute-4', 'active', '{}', 'r-1', ?)`).run(member, t.api.now());
    const s = spec({ group_uuid: aff.uuid });
    assert.equal(t.api.scheduler.selectAndClaim(s).host, 'compute-4');
  });

  it('soft anti-affinity spreads a group while hosts are free', () => {
    const soft = group(t.api, 'soft-anti-affinity');
    const hosts = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const s = spec({ group_uuid: soft.uuid, flavor: flavor({ memory_mb: 64 }) });
      addMember(t.api, soft.id, s.instance_uuid);
      hosts.add(t.api.scheduler.selectAndClaim(s).host);
    }
    assert.equal(hosts.size, 4);
  });

  it('a volume-backed server claims no disk', () => {
    const s = spec({ image: null, flavor: flavor({ root_gb: 5000 }) });
    const sel = t.api.scheduler.selectAndClaim(s);
    const row = t.api.store.db.prepare('SELECT disk_gb FROM allocations WHERE consumer_uuid = ?').get(s.instance_uuid) as { disk_gb: number };
    assert.equal(row.disk_gb, 0);
    assert.ok(used(t.api, sel.host).n >= 1);
  });

  it('keeps provider_usages equal to the sum of allocations through claims, replacements, moves and releases', () => {
    const specs = Array.from({ length: 12 }, () => spec({ flavor: flavor({ vcpus: 1, memory_mb: 128, root_gb: 1 }) }));
    for (const s of specs) t.api.scheduler.selectAndClaim(s);
    t.api.scheduler.selectAndClaim({ ...specs[0], flavor: flavor({ vcpus: 3 }) });
    t.api.store.db.prepare("UPDATE allocations SET host = 'compute-4' WHERE consumer_uuid = ?").run(specs[1].instance_uuid);
    for (const s of specs.slice(2, 6)) t.api.scheduler.release(s.instance_uuid);
    const summed = t.api.store.db.prepare('SELECT host, SUM(vcpus) AS vcpus, SUM(memory_mb) AS memory_mb, SUM(disk_gb) AS disk_gb FROM allocations GROUP BY host ORDER BY host').all();
    const kept = t.api.store.db.prepare('SELECT host, vcpus, memory_mb, disk_gb FROM provider_usages WHERE vcpus != 0 OR memory_mb != 0 OR disk_gb != 0 ORDER BY host').all();
    assert.deepEqual(kept, summed);
  });
});
