/**
 * Neutron's attribute maps (neutron_lib/api/definitions): each resource is a map of attributes
 * with a type, whether POST/PUT may set it, a default, validators, and who may see or set it.
 * parseBody() turns a request body into checked values exactly as Neutron's API layer does,
 * with its messages.
 */
import type { AuthContext } from '../core/auth-context';
import { isAdmin } from '../core/auth-context';
import { badRequest, invalidAttr, invalidInput, policyDenied } from './errors';

export type AttrType = 'string' | 'boolean' | 'integer' | 'uuid' | 'list' | 'dict' | 'any';

export interface AttrSpec {
  type: AttrType;
  /** Settable on create (allow_post) and update (allow_put). */
  post?: boolean;
  put?: boolean;
  /** Create fails without it. */
  required?: boolean;
  /** Value when absent on create: a constant or computed. */
  default?: unknown | ((auth: AuthContext) => unknown);
  nullable?: boolean;
  maxLen?: number;
  values?: readonly (string | null)[];
  min?: number;
  max?: number;
  /** Hidden from non-admins (provider:*, binding:*). */
  adminOnly?: boolean;
  /** Shown only when the row satisfies it (is_default: external networks only). */
  shownWhen?: (row: Record<string, unknown>) => boolean;
  /** Only admins may set it: the policy rule's suffix, e.g. create_network:shared. */
  adminSet?: boolean;
  /** The error for a value that is not a list, where Neutron words it its own way (fixed_ips). */
  notList?: (value: unknown) => Error;
  /** Extra validation/conversion after the type check; throws an ApiError. */
  check?: (value: unknown, name: string) => unknown;
}

export type AttrMap = Record<string, AttrSpec>;

/** The standard attributes every resource carries (standard-attr-*, project-id). */
export const STANDARD: AttrMap = {
  id: { type: 'uuid' },
  tenant_id: { type: 'string', post: true, maxLen: 255 },
  project_id: { type: 'string', post: true, maxLen: 255 },
  description: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
  tags: { type: 'list' },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
  revision_number: { type: 'integer' },
};

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const repr = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : v === null ? 'None' : JSON.stringify(v));

export function toBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  throw invalidInput(`'${String(v)}' cannot be converted to boolean`);
}

export function toInteger(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*[-+]?\d{1,15}\s*$/.test(v)) return Number(v);
  throw invalidInput(`'${String(v)}' is not an integer`);
}

/** Converts and validates one attribute value. */
export function convert(name: string, spec: AttrSpec, raw: unknown): unknown {
  if (raw === null && spec.nullable) return null;
  let v: unknown = raw;
  switch (spec.type) {
    case 'boolean':
      v = toBoolean(raw);
      break;
    case 'integer':
      v = toInteger(raw);
      if (spec.min !== undefined && (v as number) < spec.min) throw invalidAttr(name, `'${v}' is too small - must be at least '${spec.min}'`);
      if (spec.max !== undefined && (v as number) > spec.max) throw invalidAttr(name, `'${v}' is too large - must be no larger than '${spec.max}'`);
      break;
    case 'string':
      if (typeof raw !== 'string') {
        if (spec.values) throw invalidAttr(name, `${raw === null ? 'None' : String(raw)} is not in valid_values.`);
        throw invalidAttr(name, `'${String(raw)}' is not a valid string.`);
      }
      if (spec.maxLen !== undefined && raw.length > spec.maxLen) throw invalidAttr(name, `'${raw}' exceeds maximum length of ${spec.maxLen}.`);
      break;
    case 'uuid':
      if (typeof raw !== 'string' || !UUID_RE.test(raw)) throw invalidAttr(name, `'${String(raw)}' is not a valid UUID.`);
      v = raw.toLowerCase();
      break;
    case 'list':
      if (!Array.isArray(raw)) throw spec.notList ? spec.notList(raw) : invalidAttr(name, `${repr(raw)} is not a list.`);
      break;
    case 'dict':
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidAttr(name, `${repr(raw)} is not a dictionary.`);
      break;
    default:
      break;
  }
  if (spec.values && !spec.values.includes(v as string)) throw invalidAttr(name, `${v === null ? 'None' : String(v)} is not in valid_values.`);
  return spec.check ? spec.check(v, name) : v;
}

/**
 * Reads `{"<member>": {...}}`: unknown attributes, read-only attributes, required ones, types,
 * admin-only settings and the owner, in Neutron's order and words.
 */
export function parseBody(
  member: string, attrs: AttrMap, body: unknown, op: 'create' | 'update', auth: AuthContext,
): Record<string, unknown> {
  if (body === null) throw badRequest('Resource body required');
  if (body === undefined) throw badRequest(`Unable to find '${member}' in request body`);
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('Body contains invalid data');
  const inner = (body as Record<string, unknown>)[member];
  if (inner === undefined) throw badRequest(`Unable to find '${member}' in request body`);
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
    throw badRequest(`Object '${member}' contains invalid data`);
  }
  const input = inner as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(k in attrs));
  if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(input)) {
    const spec = attrs[k];
    if (op === 'create' && !spec.post) throw badRequest(`Attribute '${k}' not allowed in POST`);
    if (op === 'update' && !spec.put) throw badRequest(`Cannot update read-only attribute ${k}`);
  }
  if (op === 'create') {
    for (const [k, spec] of Object.entries(attrs)) {
      if (spec.required && !(k in input)) throw badRequest(`Failed to parse request. Required attribute '${k}' not specified`);
    }
  }
  for (const [k, raw] of Object.entries(input)) out[k] = convert(k, attrs[k], raw);
  const admin = isAdmin(auth);
  for (const k of Object.keys(out)) {
    if (attrs[k].adminSet && !admin) throw policyDenied(`(rule:${op}_${member} and rule:${op}_${member}:${k})`);
  }
  if (op === 'create') {
    const owner = (out.project_id ?? out.tenant_id) as string | undefined;
    if (out.project_id !== undefined && out.tenant_id !== undefined && out.project_id !== out.tenant_id) {
      throw badRequest("'project_id' and 'tenant_id' do not match");
    }
    if (owner !== undefined && owner !== auth.projectId && !admin) {
      throw badRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges");
    }
    const project = owner ?? auth.projectId ?? '';
    out.project_id = project;
    out.tenant_id = project;
    for (const [k, spec] of Object.entries(attrs)) {
      if (k in out || spec.default === undefined) continue;
      out[k] = typeof spec.default === 'function' ? (spec.default as (a: AuthContext) => unknown)(auth) : structuredClone(spec.default);
    }
  }
  return out;
}
