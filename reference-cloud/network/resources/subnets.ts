/** Subnets: CIDR validation and normalisation, gateway, allocation pools, DNS, host routes,
 * no overlap on one network, allocation from a subnet pool. */
import type { AuthContext } from '../../core/auth-context';
import { isAdmin } from '../../core/auth-context';
import { badRequest, invalidAttr, invalidInput, neutronError } from '../errors';
import { contains, defaultPools, formatCidr, formatIp, last, overlaps, parseCidr, parseIp, type Cidr, type Range } from '../ip';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';
import { pyRepr } from '../../core/validation';
import { allocateFromPool } from './subnetpools';

const IPV6_MODES = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac', null] as const;

export function subnetType(b: NetworkBackend): ResourceType {
  const t: ResourceType = {
    collection: 'subnets',
    member: 'subnet',
    path: 'subnets',
    quota: 'subnet',
    initialRevision: 0,
    notFound: (id) => neutronError(404, 'SubnetNotFound', `Subnet ${id} could not be found.`),
    // Subnets of shared networks are visible to all; those of external networks are not.
    sharedSql: () => ({ sql: `json_extract(body, '$.network_id') IN (SELECT id FROM resources WHERE kind = 'networks' AND json_extract(body, '$.shared') = 1)`, params: [] }),
    attrs: {
      name: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      network_id: { type: 'uuid', post: true, required: true },
      ip_version: { type: 'integer', post: true, required: true, check: (v, n) => { if (v !== 4 && v !== 6) throw invalidAttr(n, `${String(v)} is not in [4, 6].`); return v; } },
      cidr: { type: 'string', post: true, maxLen: 64 },
      prefixlen: { type: 'integer', post: true, min: 0, max: 128 },
      subnetpool_id: { type: 'uuid', post: true, nullable: true, default: null },
      use_default_subnetpool: { type: 'boolean', post: true },
      gateway_ip: { type: 'string', post: true, put: true, nullable: true },
      allocation_pools: { type: 'list', post: true, put: true },
      dns_nameservers: { type: 'list', post: true, put: true, default: [] },
      host_routes: { type: 'list', post: true, put: true, default: [] },
      enable_dhcp: { type: 'boolean', post: true, put: true, default: true },
      ipv6_ra_mode: { type: 'string', post: true, nullable: true, values: IPV6_MODES, default: null },
      ipv6_address_mode: { type: 'string', post: true, nullable: true, values: IPV6_MODES, default: null },
      service_types: { type: 'list', post: true, put: true, default: [] },
    },
    create(row, auth) {
      const net = networkFor(b, row.network_id as string, auth);
      const version = row.ip_version as 4 | 6;
      let cidr: Cidr;
      const pool = poolFor(b, row, version, auth);
      delete row.use_default_subnetpool;
      if (pool) {
        cidr = allocateFromPool(b, pool, row.cidr as string | undefined, row.prefixlen as number | undefined);
        row.subnetpool_id = pool.id;
      } else {
        if (row.cidr === undefined) throw neutronError(400, 'BadRequest', 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.');
        cidr = checkCidr(row.cidr as string, version);
      }
      delete row.prefixlen;
      for (const mode of ['ipv6_ra_mode', 'ipv6_address_mode']) {
        if (version === 4 && row[mode]) throw invalidInput(`${mode} is not valid when ip_version is 4`);
      }
      const bits = version === 4 ? 32 : 128;
      if (row.enable_dhcp && (cidr.prefix === bits || (version === 4 && cidr.prefix === 31))) {
        throw invalidInput('Subnet has a prefix length that is incompatible with DHCP service enabled');
      }
      for (const other of b.coll('subnets').where('network_id', net.id)) {
        if (other.ip_version === version && (other.subnetpool_id ?? null) !== (row.subnetpool_id ?? null)) {
          throw neutronError(400, 'NetworkSubnetPoolAffinityError', 'Subnets hosted on the same network must be allocated from the same subnet pool.');
        }
        if (overlaps(cidr, parseCidr(other.cidr)!)) {
          throw invalidInput(`Requested subnet with cidr: ${formatCidr(cidr)} for network: ${net.id} overlaps with another subnet`);
        }
      }
      row.cidr = formatCidr(cidr);
      applyAddressing(row, cidr, row.gateway_ip === undefined ? 'auto' : (row.gateway_ip as string | null), row.allocation_pools as unknown[] | undefined);
      row.dns_nameservers = checkNameservers(row.dns_nameservers as unknown[]);
      row.host_routes = checkRoutes(row.host_routes as unknown[], version);
      orderKeys(row);
    },
    created(row) {
      const net = b.coll('networks').find(row.network_id as string)!;
      (net.subnets as string[]).push(row.id);
      b.bump(b.type('networks'), net);
    },
    update(row, changes) {
      const cidr = parseCidr(row.cidr)!;
      if ('gateway_ip' in changes && changes.gateway_ip !== row.gateway_ip && row.gateway_ip) {
        const holder = b.ipam.holder(row.id, String(row.gateway_ip));
        if (holder) throw neutronError(409, 'GatewayIpInUse', `Current gateway ip ${String(row.gateway_ip)} already in use by port ${holder}. Unable to update.`);
      }
      if ('gateway_ip' in changes || 'allocation_pools' in changes) {
        const gateway = 'gateway_ip' in changes ? (changes.gateway_ip as string | null) : (row.gateway_ip as string | null);
        const pools = 'allocation_pools' in changes ? (changes.allocation_pools as unknown[]) : (row.allocation_pools as unknown[]);
        const probe = { ...row };
        applyAddressing(probe, cidr, gateway, pools);
        changes.gateway_ip = probe.gateway_ip;
        changes.allocation_pools = probe.allocation_pools;
      }
      if ('dns_nameservers' in changes) changes.dns_nameservers = checkNameservers(changes.dns_nameservers as unknown[]);
      if ('host_routes' in changes) changes.host_routes = checkRoutes(changes.host_routes as unknown[], row.ip_version as 4 | 6);
    },
    remove(row) {
      const ports = b.ipam.portsOnSubnet(row.id).map((id) => b.coll('ports').find(id)).filter((p): p is Row => !!p);
      const blocking = ports.filter((p) => p.device_owner !== 'network:dhcp');
      if (blocking.length) {
        throw neutronError(409, 'SubnetInUse', `Unable to complete operation on subnet ${row.id}: One or more ports have an IP allocation from this subnet.`);
      }
      const net = b.coll('networks').find(row.network_id as string);
      if (net) {
        net.subnets = (net.subnets as string[]).filter((s) => s !== row.id);
        b.bump(b.type('networks'), net);
      }
    },
  };
  return t;
}

/** The network a subnet is created on: visible, and owned or shared unless the caller is admin. */
function networkFor(b: NetworkBackend, id: string, auth: AuthContext): Row {
  const net = b.coll('networks').get(id, b.visibility(b.type('networks'), auth));
  if (!isAdmin(auth) && net.project_id !== auth.projectId && !net.shared) {
    throw neutronError(403, 'HTTPForbidden', `Tenant ${auth.projectId} not allowed to create subnet on this network`);
  }
  return net;
}

function poolFor(b: NetworkBackend, row: Row, version: 4 | 6, auth: AuthContext): Row | undefined {
  const pools = b.coll('subnetpools');
  if (row.subnetpool_id) return pools.get(row.subnetpool_id as string, b.visibility(b.type('subnetpools'), auth));
  if (row.use_default_subnetpool) {
    const p = pools.where('is_default', true).find((x) => x.ip_version === version);
    if (!p) throw badRequest(`No default subnetpool found for IPv${version}`);
    return p;
  }
  return undefined;
}

export function checkCidr(text: string, version: 4 | 6): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw invalidInput(`${text} is not in a CIDR format`);
  if (cidr.version !== version) throw invalidInput(`cidr '${text}' does not match the ip_version '${version}'`);
  if (version === 4 && cidr.prefix > 30 && cidr.prefix !== 32) {
    // Neutron accepts /31 and /32 only without DHCP-style pools; keep it simple and faithful to the error.
  }
  return cidr;
}

const fmtRange = (v: 4 | 6, r: Range) => `${formatIp(v, r.start)}-${formatIp(v, r.end)}`;

/** Sets gateway_ip and allocation_pools from what was asked (or Neutron's defaults) and checks them. */
export function applyAddressing(row: Row, cidr: Cidr, gatewayIn: string | null, poolsIn: unknown[] | undefined): void {
  const v = cidr.version;
  let gateway: bigint | undefined;
  if (gatewayIn === 'auto') gateway = v === 4 ? (cidr.prefix >= 31 ? undefined : cidr.network + 1n) : cidr.network;
  else if (gatewayIn !== null) {
    const ip = parseIp(gatewayIn);
    if (!ip) throw invalidAttr('gateway_ip', `'${gatewayIn}' is not a valid IP address.`);
    if (ip.version !== v) throw invalidInput(`Gateway IP version inconsistent with allocation pool version`);
    gateway = ip.value;
    if (v === 4 && contains(cidr, ip) && (ip.value === cidr.network || ip.value === last(cidr)) && cidr.prefix < 31) {
      throw invalidInput(`Gateway is not valid on subnet`);
    }
  }
  let pools: Range[];
  if (poolsIn === undefined || poolsIn === null) pools = defaultPools(cidr, gateway);
  else {
    pools = poolsIn.map((p) => {
      const o = p as Record<string, unknown>;
      if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.start !== 'string' || typeof o.end !== 'string') {
        throw invalidAttr('allocation_pools', `${JSON.stringify(p)} is not a valid allocation pool.`);
      }
      const s = parseIp(o.start), e = parseIp(o.end);
      if (!s || !e || s.version !== v || e.version !== v || s.value > e.value) {
        throw neutronError(400, 'InvalidAllocationPool', `The allocation pool ${pyRepr(o)} is not valid.`);
      }
      if (!contains(cidr, s) || !contains(cidr, e)) {
        throw neutronError(400, 'OutOfBoundsAllocationPool', `The allocation pool ${o.start}-${o.end} spans beyond the subnet cidr ${formatCidr(cidr)}.`);
      }
      return { start: s.value, end: e.value };
    });
    const sorted = [...pools].sort((a, b) => (a.start < b.start ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].start <= sorted[i - 1].end) {
        throw neutronError(409, 'OverlappingAllocationPools', `Found overlapping allocation pools: ${fmtRange(v, sorted[i - 1])} ${fmtRange(v, sorted[i])} for subnet ${formatCidr(cidr)}.`);
      }
    }
    if (gateway !== undefined) {
      const hit = pools.find((r) => gateway! >= r.start && gateway! <= r.end);
      if (hit) {
        throw neutronError(409, 'GatewayConflictWithAllocationPools', `Gateway ip ${formatIp(v, gateway)} conflicts with allocation pool ${fmtRange(v, hit)}.`);
      }
    }
  }
  row.gateway_ip = gateway === undefined ? null : formatIp(v, gateway);
  row.allocation_pools = pools.map((r) => ({ start: formatIp(v, r.start), end: formatIp(v, r.end) }));
}

function checkNameservers(list: unknown[]): string[] {
  if (list.length > 5) throw neutronError(400, 'DNSNameServersExhausted', `Unable to complete operation for ${'subnet'}. The number of DNS nameservers exceeds the limit 5.`);
  const seen = new Set<string>();
  for (const ns of list) {
    if (typeof ns !== 'string' || !parseIp(ns)) throw invalidAttr('dns_nameservers', `'${String(ns)}' is not a valid nameserver. '${String(ns)}' is not a valid IP address.`);
    if (seen.has(ns)) throw invalidAttr('dns_nameservers', `Duplicate nameserver '${ns}'.`);
    seen.add(ns);
  }
  return list as string[];
}

function checkRoutes(list: unknown[], version: 4 | 6): { destination: string; nexthop: string }[] {
  return list.map((r) => {
    const o = r as Record<string, unknown>;
    if (!o || typeof o !== 'object' || Array.isArray(o) || Object.keys(o).sort().join() !== 'destination,nexthop') {
      throw invalidAttr('host_routes', `Validation of dictionary's keys failed. Expected keys: {'nexthop', 'destination'} Provided keys: {${Object.keys(o ?? {}).map((k) => `'${k}'`).join(', ')}}.`);
    }
    const d = parseCidr(o.destination), n = parseIp(o.nexthop);
    if (!d || !String(o.destination).includes('/')) throw invalidAttr('host_routes', `'${String(o.destination)}' is not a valid IP subnet.`);
    if (!n) throw invalidAttr('host_routes', `'${String(o.nexthop)}' is not a valid IP address.`);
    if (d.version !== version || n.version !== version) throw invalidInput(`Host route ${String(o.destination)} does not match the subnet's IP version`);
    return { destination: formatCidr(d), nexthop: formatIp(n.version, n.value) };
  });
}

/** Puts the attributes in the order Neutron writes them (clients do not care; readers do). */
function orderKeys(row: Row): void {
  const order = ['id', 'name', 'tenant_id', 'network_id', 'ip_version', 'subnetpool_id', 'enable_dhcp', 'ipv6_ra_mode', 'ipv6_address_mode', 'gateway_ip', 'cidr', 'allocation_pools', 'host_routes', 'dns_nameservers', 'description', 'service_types', 'tags', 'created_at', 'updated_at', 'revision_number', 'project_id'];
  const copy = { ...row };
  for (const k of Object.keys(row)) delete row[k];
  for (const k of order) if (k in copy) row[k] = copy[k];
  for (const k of Object.keys(copy)) if (!(k in row)) row[k] = copy[k];
}
