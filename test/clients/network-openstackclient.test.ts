/**
 * Real-client workflows for the network service: python-openstackclient, unmodified, creates,
 * lists, shows, sets and deletes networks, subnets, ports, routers, floating IPs and security
 * groups on a reference cloud this test starts. Skipped (with the reason) where the `openstack`
 * command is not installed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

type Obj = Record<string, unknown>;
import { OSC_SKIP, useOscCloud } from './osc';

describe('python-openstackclient against the reference network service', { skip: OSC_SKIP }, () => {
  const { os } = useOscCloud();

  it('finds the bootstrap networks and the availability zones', async () => {
    const nets = (await os('network', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(nets.some((n) => n.Name === 'public'), JSON.stringify(nets));
    assert.ok(nets.some((n) => n.Name === 'private'), JSON.stringify(nets));
    const pub = (await os('network', 'show', 'public', '-f', 'json')) as Obj;
    assert.equal(pub['router:external'], true);
    const zones = (await os('availability', 'zone', 'list', '--network', '-f', 'json')) as { 'Zone Name': string }[];
    assert.ok(zones.some((z) => z['Zone Name'] === 'nova'), JSON.stringify(zones));
  });

  it('creates, lists, shows, sets and deletes a network, a subnet and a port', async () => {
    const net = (await os('network', 'create', 'osc-net', '--description', 'made by osc', '-f', 'json')) as Obj;
    assert.equal(net.name, 'osc-net');
    assert.equal(net.mtu, 1500);
    const subnet = (await os('subnet', 'create', 'osc-subnet', '--network', 'osc-net', '--subnet-range', '192.168.77.0/24', '--dns-nameserver', '192.0.2.53', '-f', 'json')) as Obj;
    assert.equal(subnet.cidr, '192.168.77.0/24');
    assert.equal(subnet.gateway_ip, '192.168.77.1');
    const port = (await os('port', 'create', 'osc-port', '--network', 'osc-net', '--fixed-ip', 'subnet=osc-subnet,ip-address=192.168.77.10', '-f', 'json')) as Obj;
    assert.match(String(port.mac_address), /^fa:16:3e(:[0-9a-f]{2}){3}$/);
    assert.match(JSON.stringify(port.fixed_ips), /192\.168\.77\.10/);
    await os('network', 'set', 'osc-net', '--name', 'osc-net-2', '--mtu', '1400');
    const shown = (await os('network', 'show', 'osc-net-2', '-f', 'json')) as Obj;
    assert.equal(shown.mtu, 1400);
    await os('subnet', 'set', 'osc-subnet', '--name', 'osc-subnet-2');
    await os('port', 'set', 'osc-port', '--name', 'osc-port-2', '--tag', 'blue');
    const ports = (await os('port', 'list', '--network', 'osc-net-2', '--tags', 'blue', '-f', 'json')) as { Name: string }[];
    assert.deepEqual(ports.map((p) => p.Name), ['osc-port-2']);
    const subnets = (await os('subnet', 'list', '--network', 'osc-net-2', '-f', 'json')) as { Name: string }[];
    assert.deepEqual(subnets.map((s) => s.Name), ['osc-subnet-2']);
    await os('port', 'delete', 'osc-port-2');
    await os('subnet', 'delete', 'osc-subnet-2');
    await os('network', 'delete', 'osc-net-2');
    const after = (await os('network', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((n) => n.Name.startsWith('osc-net')));
  });

  it('wires a router and a floating IP, and manages a security group with rules', async () => {
    await os('network', 'create', 'osc-inner', '-f', 'json');
    await os('subnet', 'create', 'osc-inner-subnet', '--network', 'osc-inner', '--subnet-range', '10.77.0.0/24', '-f', 'json');
    const router = (await os('router', 'create', 'osc-router', '-f', 'json')) as Obj;
    await os('router', 'set', 'osc-router', '--external-gateway', 'public');
    await os('router', 'add', 'subnet', 'osc-router', 'osc-inner-subnet');
    const port = (await os('port', 'create', 'osc-vm-port', '--network', 'osc-inner', '-f', 'json')) as Obj;
    const fip = (await os('floating', 'ip', 'create', 'public', '-f', 'json')) as Obj;
    assert.match(String(fip.floating_ip_address), /^172\.24\.4\.\d+$/);
    await os('floating', 'ip', 'set', '--port', String(port.id), String(fip.id));
    const shownFip = (await os('floating', 'ip', 'show', String(fip.id), '-f', 'json')) as Obj;
    assert.equal(shownFip.port_id, port.id);
    assert.equal(shownFip.router_id, router.id);
    const fips = (await os('floating', 'ip', 'list', '-f', 'json')) as { ID: string }[];
    assert.ok(fips.some((f) => f.ID === fip.id));
    await os('floating', 'ip', 'unset', '--port', String(fip.id));
    await os('floating', 'ip', 'delete', String(fip.id));
    await os('port', 'delete', 'osc-vm-port');
    await os('router', 'remove', 'subnet', 'osc-router', 'osc-inner-subnet');
    await os('router', 'unset', '--external-gateway', 'osc-router');
    const routers = (await os('router', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(routers.some((r) => r.Name === 'osc-router'));
    await os('router', 'delete', 'osc-router');
    await os('network', 'delete', 'osc-inner');

    const sg = (await os('security', 'group', 'create', 'osc-sg', '--description', 'web', '-f', 'json')) as Obj;
    const rule = (await os('security', 'group', 'rule', 'create', 'osc-sg', '--protocol', 'tcp', '--dst-port', '80:443', '--remote-ip', '192.0.2.0/24', '-f', 'json')) as Obj;
    assert.equal(rule.port_range_min, 80);
    await os('security', 'group', 'set', 'osc-sg', '--name', 'osc-sg-2');
    const rules = (await os('security', 'group', 'rule', 'list', 'osc-sg-2', '-f', 'json')) as { ID: string }[];
    assert.equal(rules.length, 3, JSON.stringify(rules));
    const groups = (await os('security', 'group', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(groups.some((g) => g.Name === 'default'), 'the default group exists after first use');
    await os('security', 'group', 'rule', 'delete', String(rule.id));
    await os('security', 'group', 'delete', String(sg.id));
  });
});
