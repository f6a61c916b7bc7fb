/** Subnets: CIDR checks, overlap on one network, gateway and pools, allocation from subnet pools. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import { ADMIN, ALICE, create, thrown, useBackend } from './helpers';

describe('subnets', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  it('normalises the CIDR, defaults gateway and pools, and refuses overlap with Neutron\'s message', () => {
    const n = create(b, 'networks', ALICE, { name: 'n1' });
    const s = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, cidr: '10.9.7.5/24' });
    assert.equal(s.cidr, '10.9.7.0/24');
    assert.equal(s.gateway_ip, '10.9.7.1');
    assert.deepEqual(s.allocation_pools, [{ start: '10.9.7.2', end: '10.9.7.254' }]);
    const e = thrown(() => create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, cidr: '10.9.7.128/25' }));
    assert.equal(e.status, 400);
    assert.equal(e.message, `Invalid input for operation: Requested subnet with cidr: 10.9.7.128/25 for network: ${n.id} overlaps with another subnet.`);
    assert.deepEqual(b.coll('networks').find(n.id)!.subnets, [s.id]);
    assert.equal(b.coll('networks').find(n.id)!.revision_number, 2, 'adding a subnet bumps the network revision');
  });

  it('checks CIDR text, version, gateway and pools', () => {
    const n = create(b, 'networks', ALICE, { name: 'n2' });
    const bad = (values: Record<string, unknown>) => thrown(() => create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, ...values }));
    assert.equal(bad({ cidr: '10.20.300.0/24' }).message, 'Invalid input for operation: 10.20.300.0/24 is not in a CIDR format.');
    assert.equal(bad({ cidr: '10.23.0.0/24', ip_version: 6 }).message, "Invalid input for operation: cidr '10.23.0.0/24' does not match the ip_version '6'.");
    assert.equal(bad({ cidr: '10.43.0.0/24', gateway_ip: '10.43.0.255' }).message, 'Invalid input for operation: Gateway is not valid on subnet.');
    assert.equal(bad({ cidr: '10.41.0.0/24', gateway_ip: '10.41.0.5', allocation_pools: [{ start: '10.41.0.2', end: '10.41.0.20' }] }).type, 'GatewayConflictWithAllocationPools');
    assert.equal(bad({ cidr: '10.25.0.0/24', allocation_pools: [{ start: '10.26.0.2', end: '10.26.0.9' }] }).message, 'The allocation pool 10.26.0.2-10.26.0.9 spans beyond the subnet cidr 10.25.0.0/24.');
    assert.equal(bad({ cidr: '10.27.0.0/24', ip_version: 5 }).status, 400);
    assert.equal(bad({}).message, 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.');
    const none = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, cidr: '10.28.0.0/29', gateway_ip: null });
    assert.equal(none.gateway_ip, null);
    assert.deepEqual(none.allocation_pools, [{ start: '10.28.0.1', end: '10.28.0.6' }]);
    const v6 = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 6, cidr: 'fd00:1::/64' });
    assert.equal(v6.gateway_ip, 'fd00:1::');
    assert.deepEqual(v6.allocation_pools, [{ start: 'fd00:1::1', end: 'fd00:1::ffff:ffff:ffff:ffff' }]);
  });

  it('allocates prefixes from a subnet pool, in order, and refuses lengths out of bounds', () => {
    const pool = create(b, 'subnetpools', ADMIN, { name: 'p', prefixes: ['10.128.0.0/16'], min_prefixlen: 24, max_prefixlen: 28, default_prefixlen: 26, shared: true });
    const n = create(b, 'networks', ALICE, { name: 'n3' });
    const a = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, subnetpool_id: pool.id, prefixlen: 27 });
    const c = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, subnetpool_id: pool.id });
    assert.equal(a.cidr, '10.128.0.0/27');
    assert.equal(c.cidr, '10.128.0.64/26');
    assert.equal(thrown(() => create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, subnetpool_id: pool.id, prefixlen: 8 })).type, 'MinPrefixSubnetAllocationError');
    assert.equal(thrown(() => create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, subnetpool_id: pool.id, prefixlen: 30 })).type, 'MaxPrefixSubnetAllocationError');
    const full = create(b, 'subnetpools', ADMIN, { name: 'full', prefixes: ['10.200.0.0/25'], min_prefixlen: 25, shared: true });
    assert.equal(thrown(() => create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 4, subnetpool_id: full.id })).type, 'NetworkSubnetPoolAffinityError');
    const n2 = create(b, 'networks', ALICE, { name: 'n4' });
    create(b, 'subnets', ALICE, { network_id: n2.id, ip_version: 4, subnetpool_id: full.id });
    assert.equal(thrown(() => create(b, 'subnets', ALICE, { network_id: n2.id, ip_version: 4, subnetpool_id: full.id })).type, 'SubnetAllocationError');
  });
});
