/** Ports: fixed IPs from the subnets' pools or as asked, MAC addresses unique per network,
 * security groups (the project's default unless told), bindings visible to admins only. */
import type { AuthContext } from '../../core/auth-context';
import { isAdmin } from '../../core/auth-context';
import { invalidAttr, invalidInput, neutronError, policyDenied } from '../errors';
import { contains, formatIp, parseCidr, parseIp } from '../ip';
import { ipGenerationFailure, type FixedIp } from '../ipam';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';
import { ensureDefaultGroup } from './security-groups';
import { pyRepr } from '../../core/validation';

const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const VNIC_TYPES = ['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'vdpa', 'remote-managed', 'accelerator-direct', 'accelerator-direct-physical'];

export function portType(b: NetworkBackend): ResourceType {
  return {
    collection: 'ports',
    member: 'port',
    path: 'ports',
    quota: 'port',
    initialRevision: 1,
    notFound: (id) => neutronError(404, 'PortNotFound', `Port ${id} could not be found.`),
    attrs: {
      name: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      network_id: { type: 'uuid', post: true, required: true },
      admin_state_up: { type: 'boolean', post: true, put: true, default: true },
      mac_address: { type: 'string', post: true, put: true, check: (v, n) => checkMac(v as string, n) },
      fixed_ips: { type: 'list', post: true, put: true, notList: (v) => invalidAttr('fixed_ips', `Invalid data format for fixed IP: ${pyRepr(v)}.`) },
      device_id: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      device_owner: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      status: { type: 'string' },
      security_groups: { type: 'list', post: true, put: true },
      port_security_enabled: { type: 'boolean', post: true, put: true },
      allowed_address_pairs: { type: 'list', post: true, put: true, default: [] },
      extra_dhcp_opts: { type: 'list', post: true, put: true, default: [] },
      'binding:vnic_type': { type: 'string', post: true, put: true, values: VNIC_TYPES, default: 'normal' },
      'binding:host_id': { type: 'string', post: true, put: true, adminOnly: true, adminSet: true, maxLen: 255, default: '' },
      'binding:profile': { type: 'dict', post: true, put: true, adminOnly: true, adminSet: true, default: {} },
      'binding:vif_type': { type: 'string', adminOnly: true },
      'binding:vif_details': { type: 'dict', adminOnly: true },
    },
    touch: (auth) => { ensureDefaultGroup(b, auth.projectId); },
    create(row, auth) {
      const net = b.coll('networks').get(row.network_id as string, b.visibility(b.type('networks'), auth));
      if (!isAdmin(auth) && net.project_id !== auth.projectId && !net.shared) {
        throw neutronError(403, 'HTTPForbidden', `Tenant ${auth.projectId} not allowed to create port on this network`);
      }
      row.port_security_enabled ??= net.port_security_enabled;
      row.mac_address = row.mac_address === undefined ? b.ipam.generateMac(net.id, row.id) : (b.ipam.takeMac(net.id, row.mac_address as string, row.id), row.mac_address);
      row.fixed_ips = assignFixedIps(b, net, row, row.fixed_ips as unknown[] | undefined);
      row.security_groups = securityGroupsFor(b, row, auth, row.security_groups as unknown[] | undefined);
      row.allowed_address_pairs = checkPairs(row, row.allowed_address_pairs as unknown[]);
      bindingState(row);
      orderKeys(row);
    },
    update(row, changes, auth) {
      if ('mac_address' in changes && changes.mac_address !== row.mac_address) {
        if (!isAdmin(auth)) throw policyDenied('(rule:update_port and rule:update_port:mac_address)');
        b.ipam.releaseMac(row.id);
        b.ipam.takeMac(row.network_id as string, changes.mac_address as string, row.id);
      }
      if ('fixed_ips' in changes) {
        const net = b.coll('networks').find(row.network_id as string)!;
        b.ipam.releasePort(row.id);
        changes.fixed_ips = assignFixedIps(b, net, row, changes.fixed_ips as unknown[]);
      }
      const next = { ...row, ...changes } as Row;
      if (changes.port_security_enabled === false && !('security_groups' in changes) && (row.security_groups as unknown[]).length) {
        throw neutronError(409, 'PortSecurityPortHasSecurityGroup', 'Port has security group associated. Cannot disable port security or IP address until security group is removed.');
      }
      if ('security_groups' in changes || 'port_security_enabled' in changes) {
        const requested = 'security_groups' in changes ? (changes.security_groups as unknown[]) : (row.security_groups as unknown[]);
        changes.security_groups = securityGroupsFor(b, next, auth, requested);
      }
      if ('allowed_address_pairs' in changes || 'port_security_enabled' in changes) {
        changes.allowed_address_pairs = checkPairs(next, next.allowed_address_pairs as unknown[]);
      }
      if ('binding:host_id' in changes) { Object.assign(next, changes); bindingState(next); Object.assign(changes, pickBinding(next)); }
    },
    remove(row) {
      const owner = String(row.device_owner);
      if (owner === 'network:router_interface' || owner === 'network:router_gateway' || owner === 'network:floatingip') {
        throw neutronError(409, 'L3PortInUse', `Port ${row.id} has owner ${owner} and therefore cannot be deleted directly via the port API.`);
      }
      detachFloatingIps(b, row.id);
      b.ipam.releasePort(row.id);
      b.ipam.releaseMac(row.id);
    },
  };
}

function checkMac(v: string, name: string): string {
  if (!MAC_RE.test(v) || v === '00:00:00:00:00:00' || (parseInt(v.slice(0, 2), 16) & 1) === 1) {
    throw invalidAttr(name, `'${v}' is not a valid MAC address.`);
  }
  return v.toLowerCase();
}

/** Addresses for a port: one from the network's IPv4 subnets and one per IPv6 subnet, or as asked. */
export function assignFixedIps(b: NetworkBackend, net: Row, port: Row, requested: unknown[] | undefined): FixedIp[] {
  // In the order they were added to the network, which is the order Neutron tries them in.
  const order = net.subnets as string[];
  const subnets = b.coll('subnets').where('network_id', net.id).sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
  if (requested === undefined) {
    const out: FixedIp[] = [];
    const v4 = subnets.filter((s) => s.ip_version === 4);
    if (v4.length) {
      const s = v4.find((x) => b.ipam.firstFree(x) !== undefined);
      if (!s) throw ipGenerationFailure(net.id);
      out.push(b.ipam.allocate(net.id, s, port.id));
    }
    for (const s of subnets.filter((x) => x.ip_version === 6)) {
      if (isAutoAddress(s)) {
        const ip = eui64(s, String(port.mac_address));
        b.ipam.take(net.id, s.id, ip, port.id);
        out.push({ subnet_id: s.id, ip_address: ip });
        continue;
      }
      if (!b.ipam.firstFree(s)) throw ipGenerationFailure(net.id);
      out.push(b.ipam.allocate(net.id, s, port.id));
    }
    return out;
  }
  const out: FixedIp[] = [];
  for (const entry of requested) {
    const e = entry as Record<string, unknown>;
    if (!e || typeof e !== 'object' || Array.isArray(e)) throw invalidAttr('fixed_ips', `Invalid data format for fixed IP: ${pyRepr(entry)}.`);
    let subnet: Row | undefined;
    if (e.subnet_id !== undefined) {
      if (typeof e.subnet_id !== 'string') throw invalidAttr('fixed_ips', `'${String(e.subnet_id)}' is not a valid UUID.`);
      subnet = b.coll('subnets').find(e.subnet_id);
      if (!subnet) throw neutronError(404, 'SubnetNotFound', `Subnet ${e.subnet_id} could not be found.`);
      if (subnet.network_id !== net.id) {
        throw invalidInput(`Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${subnet.id}`);
      }
    }
    if (e.ip_address !== undefined) {
      const ip = typeof e.ip_address === 'string' ? parseIp(e.ip_address) : undefined;
      if (!ip) throw invalidAttr('fixed_ips', `'${String(e.ip_address)}' is not a valid IP address.`);
      if (!subnet) {
        subnet = subnets.find((s) => contains(parseCidr(s.cidr)!, ip));
        if (!subnet) throw neutronError(400, 'InvalidIpForNetwork', `IP address ${String(e.ip_address)} is not a valid IP for any of the subnets on the specified network.`);
      }
      const text = b.ipam.checkInSubnet(subnet, e.ip_address as string);
      if (isAutoAddress(subnet) && !String(port.device_owner ?? '').startsWith('network:router')) {
        throw neutronError(400, 'AllocationOnAutoAddressSubnet', `IPv6 address ${text} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses`);
      }
      b.ipam.take(net.id, subnet.id, text, port.id);
      out.push({ subnet_id: subnet.id, ip_address: text });
    } else if (subnet && isAutoAddress(subnet)) {
      const ip = eui64(subnet, String(port.mac_address));
      b.ipam.take(net.id, subnet.id, ip, port.id);
      out.push({ subnet_id: subnet.id, ip_address: ip });
    } else if (subnet) {
      out.push(b.ipam.allocate(net.id, subnet, port.id));
    } else {
      throw invalidInput('IP allocation requires subnet_id or ip_address');
    }
  }
  return out;
}

/** SLAAC and DHCPv6-stateless subnets: the address derives from the MAC (EUI-64), no pool. */
const isAutoAddress = (s: Row) => s.ip_version === 6 && (s.ipv6_address_mode === 'slaac' || s.ipv6_address_mode === 'dhcpv6-stateless');

export function eui64(subnet: Row, mac: string): string {
  const cidr = parseCidr(subnet.cidr)!;
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const iid = [b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]].reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  return formatIp(6, cidr.network | iid);
}

function securityGroupsFor(b: NetworkBackend, port: Row, auth: AuthContext, requested: unknown[] | undefined): string[] {
  const owner = String(port.device_owner ?? '');
  if (requested === undefined) {
    if (!port.port_security_enabled || owner.startsWith('network:')) return [];
    return [ensureDefaultGroup(b, port.project_id)!].filter(Boolean);
  }
  const ids = [...new Set(requested)];
  if (ids.length && !port.port_security_enabled) {
    throw neutronError(400, 'PortSecurityAndIPRequiredForSecurityGroups', 'Port security must be enabled and port must have an IP address in order to use security groups.');
  }
  for (const id of ids) {
    const g = typeof id === 'string' ? b.coll('security_groups').find(id) : undefined;
    if (!g || (!isAdmin(auth) && g.project_id !== port.project_id)) {
      throw neutronError(404, 'SecurityGroupNotFound', `Security group ${String(id)} does not exist`);
    }
  }
  return ids as string[];
}

function checkPairs(port: Row, pairs: unknown[]): unknown[] {
  if (pairs.length && port.port_security_enabled === false) {
    throw neutronError(409, 'AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.');
  }
  return pairs.map((p) => {
    const o = p as Record<string, unknown>;
    if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.ip_address !== 'string') {
      throw neutronError(400, 'AllowedAddressPairsMissingIP', 'AllowedAddressPair must contain ip_address');
    }
    const c = parseCidr(o.ip_address);
    if (!c) throw invalidAttr('allowed_address_pairs', `'${o.ip_address}' is not a valid IP address.`);
    const mac = o.mac_address === undefined || o.mac_address === null ? port.mac_address : checkMac(String(o.mac_address), 'allowed_address_pairs');
    return { ip_address: o.ip_address.includes('/') ? o.ip_address : formatIp(c.version, c.network), mac_address: mac };
  });
}

/** A port is ACTIVE once bound to a host, DOWN otherwise (no agents to report otherwise). */
function bindingState(row: Row): void {
  const bound = !!row['binding:host_id'];
  row.status = bound ? 'ACTIVE' : 'DOWN';
  row['binding:vif_type'] = bound ? 'ovs' : 'unbound';
  row['binding:vif_details'] = bound ? { port_filter: true, connectivity: 'l2' } : {};
}

const pickBinding = (row: Row) => ({ status: row.status, 'binding:vif_type': row['binding:vif_type'], 'binding:vif_details': row['binding:vif_details'] });

export function detachFloatingIps(b: NetworkBackend, portId: string): void {
  for (const f of b.coll('floatingips').where('port_id', portId)) {
    Object.assign(f, { port_id: null, fixed_ip_address: null, router_id: null, port_details: null });
    b.bump(b.type('floatingips'), f);
  }
}

function orderKeys(row: Row): void {
  const order = ['id', 'name', 'network_id', 'tenant_id', 'mac_address', 'admin_state_up', 'status', 'device_id', 'device_owner', 'fixed_ips', 'project_id', 'port_security_enabled', 'security_groups', 'binding:vnic_type', 'binding:profile', 'binding:host_id', 'binding:vif_type', 'binding:vif_details', 'allowed_address_pairs', 'extra_dhcp_opts', 'description', 'tags', 'created_at', 'updated_at', 'revision_number'];
  const copy = { ...row };
  for (const k of Object.keys(row)) delete row[k];
  for (const k of order) if (k in copy) row[k] = copy[k];
  for (const k of Object.keys(copy)) if (!(k in row)) row[k] = copy[k];
}
