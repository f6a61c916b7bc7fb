/** Subnet pools: prefixes, default/min/max prefix lengths, allocation of the next free prefix. */
import { badRequest, invalidInput, neutronError } from '../errors';
import { formatCidr, last, overlaps, parseCidr, size, type Cidr } from '../ip';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';

export function subnetpoolType(b: NetworkBackend): ResourceType {
  return {
    collection: 'subnetpools',
    member: 'subnetpool',
    path: 'subnetpools',
    quota: 'subnetpool',
    initialRevision: 0,
    notFound: (id) => neutronError(404, 'SubnetPoolNotFound', `Subnet pool ${id} could not be found.`),
    sharedSql: () => ({ sql: `json_extract(body, '$.shared') = 1`, params: [] }),
    attrs: {
      name: { type: 'string', post: true, put: true, maxLen: 255, required: true },
      prefixes: { type: 'list', post: true, put: true, required: true },
      default_prefixlen: { type: 'integer', post: true, put: true, min: 0, max: 128 },
      min_prefixlen: { type: 'integer', post: true, put: true, min: 0, max: 128 },
      max_prefixlen: { type: 'integer', post: true, put: true, min: 0, max: 128 },
      default_quota: { type: 'integer', post: true, put: true, nullable: true, default: null },
      ip_version: { type: 'integer' },
      shared: { type: 'boolean', post: true, default: false, adminSet: true },
      is_default: { type: 'boolean', post: true, put: true, default: false, adminSet: true },
      address_scope_id: { type: 'uuid', post: true, put: true, nullable: true, default: null },
    },
    create(row) {
      shapePool(row, row);
    },
    update(row, changes) {
      const probe = { ...row, ...changes } as Row;
      for (const k of ['min_prefixlen', 'max_prefixlen', 'default_prefixlen']) if (probe[k] !== undefined) probe[k] = Number(probe[k]);
      shapePool(probe, changes);
      const old = (row.prefixes as string[]).map((p) => parseCidr(p)!);
      const now = (changes.prefixes as string[]).map((p) => parseCidr(p)!);
      if (!old.every((o) => now.some((n) => o.network >= n.network && last(o) <= last(n)))) {
        throw neutronError(400, 'IllegalSubnetPoolPrefixUpdate', 'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.');
      }
    },
    remove(row) {
      if (b.coll('subnets').where('subnetpool_id', row.id).length) {
        throw neutronError(409, 'SubnetPoolInUse', `Unable to complete operation on subnet pool ${row.id}. Subnets are still allocated from it.`);
      }
    },
  };
}

/** Validates prefixes and lengths; fills ip_version and the defaults. */
function shapePool(row: Row, target: Record<string, unknown>): void {
  const list = row.prefixes as unknown[];
  if (!list.length) throw badRequest('Invalid input for prefixes. Reason: Empty subnet pool prefix list.');
  const cidrs = list.map((p) => {
    const c = parseCidr(p);
    if (!c || !String(p).includes('/')) throw invalidInput(`${String(p)} is not in a CIDR format`);
    return c;
  });
  const version = cidrs[0].version;
  if (cidrs.some((c) => c.version !== version)) throw neutronError(400, 'PrefixVersionMismatch', 'Cannot mix IPv4 and IPv6 prefixes in a subnet pool.');
  const bits = version === 4 ? 32 : 128;
  const min = (row.min_prefixlen as number | undefined) ?? (version === 4 ? 8 : 64);
  const max = (row.max_prefixlen as number | undefined) ?? bits;
  const def = (row.default_prefixlen as number | undefined) ?? min;
  const bounds = (a: string, x: number, b: string, y: number) => neutronError(400, 'IllegalSubnetPoolPrefixBounds', `Illegal prefix bounds: ${a}=${x}, ${b}=${y}.`);
  if (max > bits) throw bounds('prefix_type', version, 'max_prefixlen', max);
  if (min > max) throw bounds('min_prefixlen', min, 'max_prefixlen', max);
  if (def < min) throw bounds('default_prefixlen', def, 'min_prefixlen', min);
  if (def > max) throw bounds('default_prefixlen', def, 'max_prefixlen', max);
  // Zed answers the prefix lengths as strings ("24"); integers in, strings out.
  Object.assign(target, {
    prefixes: collapse(cidrs).map(formatCidr), ip_version: version, min_prefixlen: String(min), max_prefixlen: String(max), default_prefixlen: String(def),
  });
}

/** Removes prefixes contained in others (netaddr.cidr_merge, simplified to containment). */
function collapse(cidrs: Cidr[]): Cidr[] {
  const sorted = [...cidrs].sort((a, b) => (a.network === b.network ? a.prefix - b.prefix : a.network < b.network ? -1 : 1));
  const out: Cidr[] = [];
  for (const c of sorted) if (!out.some((o) => overlaps(o, c) && o.prefix <= c.prefix)) out.push(c);
  return out;
}

/** The prefix for a new subnet: a requested CIDR inside the pool, or the first free block of prefixlen. */
export function allocateFromPool(b: NetworkBackend, pool: Row, cidrText: string | undefined, prefixlen: number | undefined): Cidr {
  const prefixes = (pool.prefixes as string[]).map((p) => parseCidr(p)!);
  const used = b.coll('subnets').where('subnetpool_id', pool.id).map((s) => parseCidr(s.cidr)!);
  if (cidrText !== undefined) {
    const c = parseCidr(cidrText);
    if (!c || !cidrText.includes('/')) throw invalidInput(`${cidrText} is not in a CIDR format`);
    // Real Neutron answers 500 here (SubnetAllocationError is not in its fault map); we answer 409.
    if (!prefixes.some((p) => p.version === c.version && c.network >= p.network && last(c) <= last(p)) || used.some((u) => overlaps(u, c))) {
      throw neutronError(409, 'SubnetAllocationError', 'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.');
    }
    return c;
  }
  const len = prefixlen ?? Number(pool.default_prefixlen);
  if (len < Number(pool.min_prefixlen) || len > Number(pool.max_prefixlen)) {
    if (len < (pool.min_prefixlen as number)) throw neutronError(400, 'MinPrefixSubnetAllocationError', `Unable to allocate subnet with prefix length ${len}, minimum allowed prefix is ${pool.min_prefixlen}.`);
    throw neutronError(400, 'MaxPrefixSubnetAllocationError', `Unable to allocate subnet with prefix length ${len}, maximum allowed prefix is ${pool.max_prefixlen}.`);
  }
  for (const p of prefixes) {
    if (len < p.prefix) continue;
    const step = size({ version: p.version, network: 0n, prefix: len });
    for (let n = p.network; n + step - 1n <= last(p);) {
      const cand: Cidr = { version: p.version, network: n, prefix: len };
      const hit = used.find((u) => overlaps(u, cand));
      if (!hit) return cand;
      // Jump past the overlapping allocation, staying aligned.
      const next = last(hit) + 1n;
      n = next > n ? ((next + step - 1n) / step) * step : n + step;
    }
  }
  throw neutronError(409, 'SubnetAllocationError', `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${len}.`);
}
