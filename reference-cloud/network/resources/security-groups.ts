/** Security groups and rules: the per-project `default` group made on first use, rule validation
 * (protocols, port ranges, ethertype against the prefix, one remote) and duplicate detection. */
import type { AuthContext } from '../../core/auth-context';
import { isAdmin } from '../../core/auth-context';
import { uuid } from '../../core/ids';
import { neutronError } from '../errors';
import { formatCidr, parseCidr } from '../ip';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';

const PROTOCOLS: Record<string, number> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, hopopt: 0, icmp: 1, igmp: 2, ip: 0, ipip: 4, 'ipv6-encap': 41,
  'ipv6-frag': 44, 'ipv6-icmp': 58, icmpv6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89,
  pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17, udplite: 136, vrrp: 112,
};
const PORT_PROTOCOLS = new Set([6, 17, 132, 33, 136]);
const ICMP_PROTOCOLS = new Set([1, 58]);
const PROTOCOL_LIST = `[None, ${Object.keys(PROTOCOLS).map((p) => `'${p}'`).join(', ')}]`;

export function securityGroupType(b: NetworkBackend): ResourceType {
  return {
    collection: 'security_groups',
    member: 'security_group',
    path: 'security-groups',
    quota: 'security_group',
    initialRevision: 1,
    notFound: (id) => neutronError(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`),
    attrs: {
      name: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      stateful: { type: 'boolean', post: true, put: true, default: true },
      shared: { type: 'boolean' },
      security_group_rules: { type: 'list' },
    },
    touch: (auth) => ensureDefaultGroup(b, auth.projectId),
    create(row) {
      row.shared = false;
      if (row.name === 'default' && b.store.db.prepare('SELECT 1 FROM default_security_groups WHERE project_id = ?').get(row.project_id)) {
        throw neutronError(409, 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
      }
    },
    created(row) {
      ensureDefaultGroup(b, row.project_id);
      for (const ethertype of ['IPv4', 'IPv6']) insertRule(b, row, { direction: 'egress', ethertype, description: null });
    },
    expand(row) {
      const rules = b.coll('security_group_rules').where('security_group_id', row.id);
      // Embedded rules carry tags; a rule on its own does not (as Zed writes them).
      return { ...row, security_group_rules: rules.map((r) => ({ ...r, tags: [] })) };
    },
    update(row, changes) {
      if (row.name === 'default' && changes.name !== undefined && changes.name !== 'default') {
        throw neutronError(409, 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
      }
    },
    remove(row, auth) {
      const users = b.store.db.prepare(`SELECT id FROM resources WHERE kind = 'ports' AND EXISTS (SELECT 1 FROM json_each(body, '$.security_groups') e WHERE e.value = ?) LIMIT 1`).get(row.id);
      if (users) throw neutronError(409, 'SecurityGroupInUse', `Security Group ${row.id} in use.`);
      const isDefault = b.store.db.prepare('SELECT 1 FROM default_security_groups WHERE security_group_id = ?').get(row.id);
      if (isDefault && !isAdmin(auth)) throw neutronError(409, 'SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.');
      b.store.db.prepare(`DELETE FROM resources WHERE kind = 'security_group_rules' AND (json_extract(body, '$.security_group_id') = ? OR json_extract(body, '$.remote_group_id') = ?)`).run(row.id, row.id);
      b.store.db.prepare('DELETE FROM default_security_groups WHERE security_group_id = ?').run(row.id);
    },
  };
}

export function securityGroupRuleType(b: NetworkBackend): ResourceType {
  return {
    collection: 'security_group_rules',
    member: 'security_group_rule',
    path: 'security-group-rules',
    quota: 'security_group_rule',
    initialRevision: 0,
    notFound: (id) => neutronError(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`),
    attrs: {
      security_group_id: { type: 'uuid', post: true, required: true },
      direction: { type: 'string', post: true, required: true, values: ['ingress', 'egress'] },
      ethertype: {
        type: 'string', post: true, default: 'IPv4',
        check: (v) => {
          if (v !== 'IPv4' && v !== 'IPv6') throw neutronError(400, 'SecurityGroupRuleInvalidEtherType', `Security group rule for ethertype '${String(v)}' not supported. Allowed values are ['IPv4', 'IPv6'].`);
          return v;
        },
      },
      protocol: { type: 'any', post: true, nullable: true, default: null },
      port_range_min: { type: 'integer', post: true, nullable: true, default: null },
      port_range_max: { type: 'integer', post: true, nullable: true, default: null },
      remote_ip_prefix: { type: 'string', post: true, nullable: true, default: null },
      remote_group_id: { type: 'uuid', post: true, nullable: true, default: null },
      remote_address_group_id: { type: 'uuid' },
      normalized_cidr: { type: 'string' },
    },
    touch: (auth) => ensureDefaultGroup(b, auth.projectId),
    create(row, auth) {
      const group = b.coll('security_groups').get(row.security_group_id as string, b.visibility(b.type('security_groups'), auth));
      if (!isAdmin(auth) && group.project_id !== auth.projectId) throw neutronError(404, 'SecurityGroupNotFound', `Security group ${group.id} does not exist`);
      row.project_id = group.project_id;
      row.tenant_id = group.project_id;
      if (row.remote_group_id) b.coll('security_groups').get(row.remote_group_id as string, b.visibility(b.type('security_groups'), auth));
      checkRule(row);
      const dup = findDuplicate(b, row);
      if (dup) throw neutronError(409, 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${dup}.`);
      shapeRule(row);
      delete row.tags;
    },
    created(row) {
      bumpGroup(b, row.security_group_id as string);
    },
    remove(row) {
      b.coll('security_group_rules').delete(row.id);
      bumpGroup(b, row.security_group_id as string);
    },
  };
}

function bumpGroup(b: NetworkBackend, id: string): void {
  const g = b.coll('security_groups').find(id);
  if (g) b.bump(b.type('security_groups'), g);
}

/** Number of a protocol (name or number), or undefined for "any". */
function protocolNumber(p: unknown): number | undefined {
  if (p === null || p === undefined || p === 'any') return undefined;
  const s = String(p).toLowerCase();
  if (s in PROTOCOLS) return PROTOCOLS[s];
  if (/^\d{1,3}$/.test(s) && Number(s) <= 255) return Number(s);
  return NaN;
}

export function checkRule(row: Row): void {
  // An ICMP rule for IPv6 is stored as ipv6-icmp, as Neutron normalises it.
  if (row.ethertype === 'IPv6' && (row.protocol === 'icmp' || row.protocol === 'icmpv6')) row.protocol = 'ipv6-icmp';
  const proto = row.protocol;
  if (proto !== null && typeof proto !== 'string' && typeof proto !== 'number') throw invalidProtocol(proto);
  const n = protocolNumber(proto);
  if (Number.isNaN(n)) throw invalidProtocol(proto);
  const min = row.port_range_min as number | null, max = row.port_range_max as number | null;
  if ((min !== null || max !== null) && n === undefined) {
    throw neutronError(400, 'SecurityGroupProtocolRequiredWithPorts', 'Must also specify protocol if port range is given.');
  }
  if (n !== undefined && PORT_PROTOCOLS.has(n)) {
    if ((min === null) !== (max === null) || (min !== null && max !== null && min > max)) {
      throw neutronError(400, 'SecurityGroupInvalidPortRange', 'For TCP/UDP protocols, port_range_min must be <= port_range_max');
    }
    for (const p of [min, max]) {
      if (p !== null && (p < 1 || p > 65535)) throw neutronError(400, 'SecurityGroupInvalidPortValue', `Invalid value for port ${p}`);
    }
  } else if (n !== undefined && ICMP_PROTOCOLS.has(n)) {
    if (min !== null && (min < 0 || min > 255)) throw neutronError(400, 'SecurityGroupInvalidIcmpValue', `Invalid value for ICMP type (port_range_min) ${min}. It must be 0 to 255.`);
    if (max !== null && (max < 0 || max > 255)) throw neutronError(400, 'SecurityGroupInvalidIcmpValue', `Invalid value for ICMP code (port_range_max) ${max}. It must be 0 to 255.`);
    if (min === null && max !== null) throw neutronError(400, 'SecurityGroupMissingIcmpType', `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`);
  } else if (min !== null || max !== null) {
    throw neutronError(400, 'SecurityGroupInvalidProtocolForPort', `Ports cannot be specified for protocol ${n}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.`);
  }
  if (row.remote_ip_prefix !== null && row.remote_group_id !== null) {
    throw neutronError(400, 'SecurityGroupMultipleRemoteEntites', 'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.');
  }
  if (row.remote_ip_prefix !== null) {
    const c = parseCidr(row.remote_ip_prefix);
    if (!c) throw neutronError(400, 'InvalidCIDR', `Invalid CIDR ${String(row.remote_ip_prefix)} given as IP prefix.`);
    if (`IPv${c.version}` !== row.ethertype) {
      throw neutronError(400, 'SecurityGroupRuleParameterConflict', `Conflicting value ethertype ${String(row.ethertype)} for CIDR ${String(row.remote_ip_prefix)}`);
    }
  }
}

const invalidProtocol = (p: unknown) => neutronError(400, 'SecurityGroupRuleInvalidProtocol',
  `Security group rule protocol ${String(p)} not supported. Only protocol values ${PROTOCOL_LIST} and integer representations [0 to 255] are supported.`);

/** Fills normalized_cidr and the read-only remote_address_group_id. */
function shapeRule(row: Row): void {
  const c = row.remote_ip_prefix === null ? undefined : parseCidr(row.remote_ip_prefix)!;
  if (c && !String(row.remote_ip_prefix).includes('/')) row.remote_ip_prefix = formatCidr({ ...c, network: c.network });
  if (typeof row.protocol === 'number') row.protocol = String(row.protocol);
  row.remote_address_group_id = null;
  row.normalized_cidr = c ? formatCidr(c) : null;
}

/** The id of an existing rule of the group that means the same thing, if any. */
function findDuplicate(b: NetworkBackend, row: Row): string | undefined {
  const key = (r: Row) => {
    const c = r.remote_ip_prefix === null ? null : parseCidr(r.remote_ip_prefix);
    const anyNet = c && c.prefix === 0;
    return JSON.stringify([
      r.direction, r.ethertype, protocolNumber(r.protocol) ?? null, r.port_range_min ?? null, r.port_range_max ?? null,
      c && !anyNet ? formatCidr(c) : null, r.remote_group_id ?? null,
    ]);
  };
  const k = key(row);
  return b.coll('security_group_rules').where('security_group_id', row.security_group_id).find((r) => key(r) === k)?.id;
}

function insertRule(b: NetworkBackend, group: Row, r: { direction: string; ethertype: string; remote_group_id?: string; description: string | null }): void {
  const now = b.now();
  const rule: Row = {
    id: uuid(), tenant_id: group.project_id, security_group_id: group.id, ethertype: r.ethertype, direction: r.direction,
    protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_address_group_id: null,
    normalized_cidr: null, remote_group_id: r.remote_group_id ?? null, description: r.description,
    created_at: now, updated_at: now, revision_number: 0, project_id: group.project_id,
  };
  b.coll('security_group_rules').insert(rule);
}

/** The project's `default` group, made with its four rules the first time the project needs it. */
export function ensureDefaultGroup(b: NetworkBackend, projectId: string | undefined): string | undefined {
  if (!projectId) return undefined;
  const existing = b.store.db.prepare('SELECT security_group_id AS id FROM default_security_groups WHERE project_id = ?').get(projectId) as { id: string } | undefined;
  if (existing) return existing.id;
  const make = () => {
    const again = b.store.db.prepare('SELECT security_group_id AS id FROM default_security_groups WHERE project_id = ?').get(projectId) as { id: string } | undefined;
    if (again) return again.id;
    const now = b.now();
    const group: Row = {
      id: uuid(), name: 'default', stateful: true, tenant_id: projectId, description: 'Default security group', shared: false,
      tags: [], created_at: now, updated_at: now, revision_number: 1, project_id: projectId,
    };
    b.coll('security_groups').insert(group);
    b.store.db.prepare('INSERT INTO default_security_groups (project_id, security_group_id) VALUES (?, ?)').run(projectId, group.id);
    for (const ethertype of ['IPv4', 'IPv6']) {
      insertRule(b, group, { direction: 'egress', ethertype, description: null });
      insertRule(b, group, { direction: 'ingress', ethertype, remote_group_id: group.id, description: null });
    }
    return group.id;
  };
  return b.store.db.inTransaction ? make() : b.tx(make);
}

export type { AuthContext };
