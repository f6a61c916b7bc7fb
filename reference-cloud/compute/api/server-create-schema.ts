/**
 * The request schema of POST /servers per microversion (nova/api/openstack/compute/schemas/servers.py),
 * and the checks Nova's schema formats make (uuid, base64, ip addresses, names).
 */
import { isIP } from 'node:net';
import type { Microversion } from '../../core/microversion';
import { badRequest, pyStr } from '../common';

export const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

const nonNegInt = { type: ['integer', 'string'], pattern: '^[0-9]+$' };
const positiveInt = { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 1, minLength: 1 };
const metadata = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};
const tag = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' };

export function serverCreateSchema(mv: Microversion): object {
  const network: Record<string, unknown> = {
    fixed_ip: { type: 'string' },
    port: { type: ['string', 'null'] },
    uuid: { type: 'string' },
  };
  if (mv.atLeast('2.32')) network.tag = tag;
  const bdm: Record<string, unknown> = {
    virtual_name: { type: 'string', maxLength: 255 },
    volume_id: { type: 'string' },
    snapshot_id: { type: 'string' },
    volume_size: nonNegInt,
    device_name: { type: 'string', maxLength: 255 },
    delete_on_termination: { type: ['boolean', 'string'] },
    no_device: {},
    connection_info: { type: 'string', maxLength: 16777215 },
    source_type: { type: 'string', enum: ['volume', 'image', 'snapshot', 'blank'] },
    uuid: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-]*$' },
    image_id: { type: 'string' },
    destination_type: { type: 'string', enum: ['local', 'volume'] },
    guest_format: { type: 'string', maxLength: 255 },
    device_type: { type: 'string', maxLength: 255 },
    disk_bus: { type: 'string', maxLength: 255 },
    boot_index: { type: ['integer', 'string', 'null'], pattern: '^-?[0-9]+$' },
  };
  if (mv.atLeast('2.32')) bdm.tag = tag;
  if (mv.atLeast('2.67')) bdm.volume_type = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
  const server: Record<string, unknown> = {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    imageRef: { type: 'string' },
    flavorRef: { type: ['string', 'integer'], minLength: 1 },
    adminPass: { type: 'string' },
    metadata,
    networks: {},
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: { type: 'string' },
    accessIPv6: { type: 'string' },
    availability_zone: { type: 'string', minLength: 1, maxLength: 255 },
    block_device_mapping: { type: 'array' },
    block_device_mapping_v2: { type: 'array', items: { type: 'object', properties: bdm, additionalProperties: false } },
    config_drive: { type: ['boolean', 'string', 'null'] },
    key_name: { type: 'string', minLength: 1, maxLength: 255 },
    min_count: positiveInt,
    max_count: positiveInt,
    return_reservation_id: { type: ['boolean', 'string'] },
    security_groups: { type: 'array', items: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 255 } }, additionalProperties: false } },
    user_data: { type: 'string', maxLength: 65535 },
  };
  if (!mv.atLeast('2.57')) server.personality = { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, contents: { type: 'string' } }, additionalProperties: false } };
  if (mv.atLeast('2.19')) server.description = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
  if (mv.atLeast('2.52')) server.tags = { type: 'array', items: tag, maxItems: 50 };
  if (mv.atLeast('2.63')) server.trusted_image_certificates = { type: ['array', 'null'], minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1 } };
  if (mv.atLeast('2.74')) {
    server.host = { type: 'string', minLength: 1, maxLength: 255 };
    server.hypervisor_hostname = { type: 'string', minLength: 1, maxLength: 255 };
  }
  if (mv.atLeast('2.90')) server.hostname = { type: 'string', minLength: 1, maxLength: 255 };
  const required = ['name', 'flavorRef'];
  if (mv.atLeast('2.37')) required.push('networks');
  const hints = {
    type: 'object',
    properties: {
      group: { type: 'string' },
      different_host: { type: ['string', 'array'], items: { type: 'string' } },
      same_host: { type: ['string', 'array'], items: { type: 'string' } },
      query: { type: ['string', 'object'] },
      target_cell: { type: 'string', minLength: 1, maxLength: 255 },
      different_cell: { type: ['string', 'array'], items: { type: 'string' } },
      build_near_host_ip: { type: 'string' },
      cidr: { type: 'string' },
    },
    additionalProperties: true,
  };
  return {
    type: 'object',
    properties: {
      server: { type: 'object', properties: server, required, additionalProperties: false },
      'os:scheduler_hints': hints,
      'OS-SCH-HNT:scheduler_hints': hints,
    },
    required: ['server'],
    additionalProperties: false,
  };
}

const anyOf = (field: string, v: unknown) => badRequest(`Invalid input for field/attribute ${field}. Value: ${pyStr(v)}. ${pyRepr(v)} is not valid under any of the given schemas`);
const pyRepr = (v: unknown) => (typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v));

/** The checks the schema's formats and oneOfs make, worded as Nova's validator words them. */
export function checkServerFormats(mv: Microversion, server: Record<string, unknown>, hints: Record<string, unknown> | undefined): void {
  const name = server.name as string;
  if (/^\s|\s$/.test(name) || /[\p{Cc}]/u.test(name)) {
    throw badRequest("An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
  }
  if (server.imageRef !== undefined) {
    const ref = server.imageRef as string;
    if (ref !== '' && !UUID_RE.test(ref)) throw anyOf('imageRef', ref);
  }
  const nets = server.networks;
  if (nets !== undefined) {
    const ok = Array.isArray(nets) || (mv.atLeast('2.37') && (nets === 'auto' || nets === 'none'));
    if (!ok) throw anyOf('networks', nets);
    if (Array.isArray(nets)) {
      for (const n of nets) {
        if (!n || typeof n !== 'object' || Array.isArray(n)) throw badRequest(`Invalid input for field/attribute networks. Value: ${pyStr(nets)}. ${pyRepr(n)} is not of type 'object'`);
        const o = n as Record<string, unknown>;
        const allowed = ['fixed_ip', 'port', 'uuid', ...(mv.atLeast('2.32') ? ['tag'] : [])];
        const extra = Object.keys(o).find((k) => !allowed.includes(k));
        if (extra) throw badRequest(`Invalid input for field/attribute networks. Value: ${pyStr(nets)}. Additional properties are not allowed ('${extra}' was unexpected)`);
        if (o.fixed_ip !== undefined && (typeof o.fixed_ip !== 'string' || !isIP(o.fixed_ip))) throw badRequest(`Invalid input for field/attribute fixed_ip. Value: ${pyStr(o.fixed_ip)}. ${pyRepr(o.fixed_ip)} is not a 'ip-address'`);
        if (o.port !== undefined && o.port !== null && (typeof o.port !== 'string' || !UUID_RE.test(o.port))) throw badRequest(`Invalid input for field/attribute port. Value: ${pyStr(o.port)}. ${pyRepr(o.port)} is not a 'uuid'`);
        if (o.uuid !== undefined && typeof o.uuid !== 'string') throw badRequest(`Invalid input for field/attribute uuid. Value: ${pyStr(o.uuid)}. ${pyRepr(o.uuid)} is not of type 'string'`);
        if (o.tag !== undefined && (typeof o.tag !== 'string' || o.tag.length === 0 || o.tag.length > 60 || /[,/]/.test(o.tag))) throw badRequest(`Invalid input for field/attribute tag. Value: ${pyStr(o.tag)}. ${pyRepr(o.tag)} does not match '^[^,/]*$'`);
      }
    }
  }
  if (server.accessIPv4 !== undefined && isIP(server.accessIPv4 as string) !== 4) {
    throw badRequest(`Invalid input for field/attribute accessIPv4. Value: ${server.accessIPv4}. '${server.accessIPv4}' is not a 'ipv4'`);
  }
  if (server.accessIPv6 !== undefined && isIP(server.accessIPv6 as string) !== 6) {
    throw badRequest(`Invalid input for field/attribute accessIPv6. Value: ${server.accessIPv6}. '${server.accessIPv6}' is not a 'ipv6'`);
  }
  if (server.user_data !== undefined) {
    const ud = server.user_data as string;
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(ud) || ud.replace(/\s/g, '').length % 4 !== 0) {
      throw badRequest(`Invalid input for field/attribute user_data. Value: ${ud}. '${ud}' is not a 'base64'`);
    }
  }
  if (hints?.group !== undefined && (typeof hints.group !== 'string' || !UUID_RE.test(hints.group))) {
    throw badRequest(`Invalid input for field/attribute group. Value: ${pyStr(hints.group)}. ${pyRepr(hints.group)} is not a 'uuid'`);
  }
}

/** Python's bool_from_string for the boolean-ish fields (config_drive, return_reservation_id, delete_on_termination). */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return /^(1|t|true|on|y|yes)$/i.test(v.trim());
  return false;
}

/** Nova's utils.sanitize_hostname. */
export function sanitizeHostname(name: string, fallback?: string): string {
  // eslint-disable-next-line no-control-regex
  let h = [...name].filter((c) => c.charCodeAt(0) < 256).join('');
  h = h.slice(0, 63);
  h = h.replace(/[ _.]/g, '-');
  h = h.replace(/[^\p{L}\p{N}_.-]+/gu, '');
  h = h.toLowerCase().replace(/^[.-]+|[.-]+$/g, '');
  if (h === '' && fallback !== undefined) return fallback.slice(0, 63);
  return h;
}
