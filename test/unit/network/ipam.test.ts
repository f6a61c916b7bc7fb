/** IP allocation: first free address, explicit addresses, duplicates, exhaustion, MACs, release. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import { eui64 } from '../../../reference-cloud/network/resources/ports';
import { ALICE, create, thrown, useBackend } from './helpers';

describe('IPAM', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  const net = (name: string, cidr: string, extra: Record<string, unknown> = {}) => {
    const n = create(b, 'networks', ALICE, { name });
    const s = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: cidr.includes(':') ? 6 : 4, cidr, ...extra });
    return { n, s };
  };

  it('allocates the first free address of the pools, then fails with IpAddressGenerationFailure', () => {
    const { n } = net('tiny', '10.1.0.0/30'); // pool: 10.1.0.2 only
    const p1 = create(b, 'ports', ALICE, { network_id: n.id });
    assert.deepEqual((p1.fixed_ips as { ip_address: string }[]).map((f) => f.ip_address), ['10.1.0.2']);
    const e = thrown(() => create(b, 'ports', ALICE, { network_id: n.id }));
    assert.equal(e.status, 409);
    assert.equal(e.type, 'IpAddressGenerationFailure');
    assert.equal(e.message, `No more IP addresses available on network ${n.id}.`);
    assert.equal(b.coll('ports').where('network_id', n.id).length, 1, 'the failed create left nothing behind');
    b.delete(b.type('ports'), ALICE, p1.id);
    const p2 = create(b, 'ports', ALICE, { network_id: n.id });
    assert.equal((p2.fixed_ips as { ip_address: string }[])[0].ip_address, '10.1.0.2', 'a released address is reused');
  });

  it('takes explicit addresses, refuses a duplicate and one outside the subnet', () => {
    const { n, s } = net('explicit', '10.2.0.0/24');
    const p = create(b, 'ports', ALICE, { network_id: n.id, fixed_ips: [{ subnet_id: s.id, ip_address: '10.2.0.50' }] });
    assert.equal((p.fixed_ips as { ip_address: string }[])[0].ip_address, '10.2.0.50');
    const dup = thrown(() => create(b, 'ports', ALICE, { network_id: n.id, fixed_ips: [{ ip_address: '10.2.0.50' }] }));
    assert.equal(dup.status, 409);
    assert.equal(dup.type, 'IpAddressAlreadyAllocated');
    assert.equal(dup.message, `IP address 10.2.0.50 already allocated in subnet ${s.id}`);
    const outside = thrown(() => create(b, 'ports', ALICE, { network_id: n.id, fixed_ips: [{ subnet_id: s.id, ip_address: '10.3.0.5' }] }));
    assert.equal(outside.type, 'InvalidIpForSubnet');
    const next = create(b, 'ports', ALICE, { network_id: n.id });
    assert.equal((next.fixed_ips as { ip_address: string }[])[0].ip_address, '10.2.0.2');
  });

  it('gives one IPv4 and one address per IPv6 subnet, and MACs in fa:16:3e unique per network', () => {
    const { n } = net('dual', '10.4.0.0/24');
    create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 6, cidr: 'fd00:4::/64' });
    const p = create(b, 'ports', ALICE, { network_id: n.id });
    assert.deepEqual((p.fixed_ips as { ip_address: string }[]).map((f) => f.ip_address), ['10.4.0.2', 'fd00:4::1']);
    assert.match(String(p.mac_address), /^fa:16:3e(:[0-9a-f]{2}){3}$/);
    const dupMac = thrown(() => create(b, 'ports', ALICE, { network_id: n.id, mac_address: p.mac_address }));
    assert.equal(dupMac.type, 'MacAddressInUse');
    const other = net('other', '10.5.0.0/24');
    const same = create(b, 'ports', ALICE, { network_id: other.n.id, mac_address: p.mac_address });
    assert.equal(same.mac_address, p.mac_address, 'the same MAC is fine on another network');
  });

  it('refuses to delete a network with ports (NetworkInUse) or a subnet with allocations (SubnetInUse)', () => {
    const { n, s } = net('busy', '10.6.0.0/24');
    const p = create(b, 'ports', ALICE, { network_id: n.id });
    const e = thrown(() => b.delete(b.type('networks'), ALICE, n.id));
    assert.equal(e.type, 'NetworkInUse');
    assert.match(e.message, new RegExp(p.id));
    assert.equal(thrown(() => b.delete(b.type('subnets'), ALICE, s.id)).type, 'SubnetInUse');
    b.delete(b.type('ports'), ALICE, p.id);
    b.delete(b.type('networks'), ALICE, n.id);
    assert.equal(b.coll('subnets').find(s.id), undefined, 'the network\'s subnets go with it');
  });
});

describe('SLAAC addresses', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  it('derives the address from the MAC (EUI-64) and refuses an explicit one', () => {
    const n = create(b, 'networks', ALICE, { name: 'slaac' });
    const s = create(b, 'subnets', ALICE, { network_id: n.id, ip_version: 6, cidr: 'fd00:77::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    assert.equal(eui64(s, 'fa:16:3e:00:11:22'), 'fd00:77::f816:3eff:fe00:1122');
    const p = create(b, 'ports', ALICE, { network_id: n.id, mac_address: 'fa:16:3e:00:11:22' });
    assert.deepEqual(p.fixed_ips, [{ subnet_id: s.id, ip_address: 'fd00:77::f816:3eff:fe00:1122' }]);
    assert.equal(thrown(() => create(b, 'ports', ALICE, { network_id: n.id, fixed_ips: [{ subnet_id: s.id, ip_address: 'fd00:77::5' }] })).type, 'AllocationOnAutoAddressSubnet');
  });
});
