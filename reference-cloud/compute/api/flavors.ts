/**
 * Flavors (os-flavors, os-flavor-manage, os-flavor-extra-specs, os-flavor-access), as Nova's
 * flavors controllers answer them: bodies are validated before the policy check, as Nova's
 * schema decorators run before the controller; private flavors are invisible (404) to projects
 * without access; the fields follow the microversion (description 2.55, extra_specs 2.61, swap
 * an integer from 2.75).
 */
import { randomUUID } from 'node:crypto';
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import {
  badRequest, bodyOf, boolParam, conflict, empty, flavorNotFound, json, links, nextLink, notFound, paging,
  policyDenied, pyStr, qstr, routeNotFound, validateBody,
} from '../common';
import type { ComputeApi } from '../context';
import { extraSpecProblem } from '../models/extra-specs';
import {
  extraSpecs, FLAVOR_SORT_KEYS, flavorByFlavorId, flavorProjects, insertFlavor, listFlavors, markerFlavor,
  setExtraSpecs, visibleFlavor, bootstrapFlavorRows, type FlavorRow,
} from '../models/flavors';
import { pyRepr } from '../../core/validation';
import { PyFloat, pyJson } from '../models/py-json';

const MAX_INT = 0x7fffffff;

const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');

function requireAdmin(req: ApiRequest, rule: string): void {
  if (!isAdmin(req)) throw policyDenied(rule);
}

/** Creates DevStack's flavors when missing; called once at service start. */
export function bootstrapFlavors(api: ComputeApi): void {
  api.store.tx(() => bootstrapFlavorRows(api.store.db, api.now()));
}

// ---------------------------------------------------------------------------------------------
// Views (nova/api/openstack/compute/views/flavors.py)

function flavorSummary(req: ApiRequest, f: FlavorRow): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.flavorid, name: f.name, links: links(req, 'flavors', f.flavorid) };
  if (req.microversion!.atLeast('2.55')) out.description = f.description;
  return out;
}

function flavorDetail(api: ComputeApi, req: ApiRequest, f: FlavorRow): Record<string, unknown> {
  const mv = req.microversion!;
  const out: Record<string, unknown> = {
    id: f.flavorid,
    name: f.name,
    ram: f.memory_mb,
    disk: f.root_gb,
    swap: mv.atLeast('2.75') ? f.swap : (f.swap || ''),
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral_gb,
    'OS-FLV-DISABLED:disabled': f.disabled === 1,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.is_public === 1,
    rxtx_factor: new PyFloat(f.rxtx_factor),
    links: links(req, 'flavors', f.flavorid),
  };
  if (mv.atLeast('2.55')) out.description = f.description;
  if (mv.atLeast('2.61')) out.extra_specs = extraSpecs(api.store.db, f.id);
  return out;
}

/** The flavor as the caller may see it, or Nova's 404. */
function getFlavor(api: ComputeApi, req: ApiRequest, id: string): FlavorRow {
  const f = visibleFlavor(api.store.db, id, req.auth!);
  if (!f) throw flavorNotFound(id);
  return f;
}

// ---------------------------------------------------------------------------------------------
// List

/** A query parameter checked against an enum, worded as Nova's query schema validation. */
function enumParam(req: ApiRequest, key: string, allowed: readonly string[]): string | undefined {
  const v = qstr(req, key);
  if (v !== undefined && !allowed.includes(v)) {
    throw badRequest(`Invalid input for query parameters ${key}. Value: ${v}. ${pyRepr(v)} is not one of ${pyRepr([...allowed])}`);
  }
  return v;
}

/** Python's int() of a query string, or undefined. */
function pyInt(v: string): number | undefined {
  return /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : undefined;
}

const LIST_PARAMS = ['limit', 'marker', 'is_public', 'minRam', 'minDisk', 'sort_key', 'sort_dir'];

function listPage(api: ComputeApi, req: ApiRequest): FlavorRow[] {
  if (req.microversion!.atLeast('2.75')) {
    // From 2.75 the list refuses query parameters it does not know.
    const unknown = Object.keys(req.query).find((k) => !LIST_PARAMS.includes(k));
    if (unknown) throw badRequest(`Additional properties are not allowed ('${unknown}' was unexpected)`);
  }
  const sortKey = enumParam(req, 'sort_key', FLAVOR_SORT_KEYS) || 'flavorid';
  const sortDir = (enumParam(req, 'sort_dir', ['asc', 'desc']) || 'asc') as 'asc' | 'desc';
  const { limit, marker } = paging(req);
  const admin = isAdmin(req);
  let isPublic: boolean | null = true;
  if (admin) {
    const raw = qstr(req, 'is_public');
    if (raw !== undefined) {
      if (raw.toLowerCase() === 'none') isPublic = null;
      else {
        const b = boolParam(raw);
        if (b === undefined) throw badRequest(`Invalid is_public filter [${raw}]`);
        isPublic = b;
      }
    }
  }
  const numeric = (key: string, what: string): number | undefined => {
    const raw = qstr(req, key);
    if (raw === undefined) return undefined;
    const n = pyInt(raw);
    if (n === undefined) throw badRequest(`Invalid ${what} filter [${raw}]`);
    return n;
  };
  const minRam = numeric('minRam', 'minRam');
  const minDisk = numeric('minDisk', 'minDisk');
  const db = api.store.db;
  let markerRow: FlavorRow | undefined;
  if (marker !== undefined) {
    markerRow = markerFlavor(db, marker, { admin, projectId: req.auth!.projectId });
    if (!markerRow) throw badRequest(`marker [${marker}] not found`);
  }
  return listFlavors(db, {
    isPublic, enabledOnly: !admin, projectId: req.auth!.projectId, minRam, minDisk, sortKey, sortDir,
    limit: limit ?? 1000, marker: markerRow,
  });
}

function listReply(req: ApiRequest, path: string, rows: FlavorRow[], items: Record<string, unknown>[]): ApiReply {
  const body: Record<string, unknown> = { flavors: items };
  const next = nextLink(req, path, rows.length, paging(req).limit, rows[rows.length - 1]?.flavorid);
  if (next) body.flavors_links = next;
  return pyJson(200, body);
}

// ---------------------------------------------------------------------------------------------
// Create, update, delete (os-flavor-manage)

const nonNegative = (min: number) => ({ type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: min, maximum: MAX_INT });

const nameSchema = { type: 'string', minLength: 1, maxLength: 255 };
const descriptionSchema = { type: ['string', 'null'], minLength: 0, maxLength: 65535 };

const BOOLEAN_VALUES = [
  true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't',
  false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f',
];

function createSchema(withDescription: boolean): object {
  const properties: Record<string, unknown> = {
    name: nameSchema,
    id: { type: ['string', 'number', 'null'], minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' },
    ram: nonNegative(1),
    vcpus: nonNegative(1),
    disk: nonNegative(0),
    'OS-FLV-EXT-DATA:ephemeral': nonNegative(0),
    swap: nonNegative(0),
    rxtx_factor: { type: ['number', 'string'], pattern: '^[0-9]+(\\.[0-9]+)?$', exclusiveMinimum: 0, maximum: 3.40282e38 },
    'os-flavor-access:is_public': { type: ['boolean', 'string'], enum: BOOLEAN_VALUES },
  };
  if (withDescription) properties.description = descriptionSchema;
  return {
    type: 'object',
    properties: {
      flavor: { type: 'object', properties, required: ['name', 'ram', 'vcpus', 'disk'], additionalProperties: false },
    },
    required: ['flavor'],
    additionalProperties: false,
  };
}
const CREATE = createSchema(false);
const CREATE_255 = createSchema(true);
const UPDATE_255 = {
  type: 'object',
  properties: {
    flavor: { type: 'object', properties: { description: descriptionSchema }, required: ['description'], additionalProperties: false },
  },
  required: ['flavor'],
  additionalProperties: false,
};

/** Nova's `name` format: printable, no leading or trailing whitespace. */
function checkName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (/^\s|\s$/.test(name) || /[\u0000-\u001f\u007f]/.test(name)) {
    throw badRequest("An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
  }
}

/** A description must be printable (Nova's valid_description_regex). */
function checkDescription(d: unknown): void {
  // eslint-disable-next-line no-control-regex
  if (typeof d === 'string' && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(d)) {
    throw badRequest(`Invalid input for field/attribute description. Value: ${d}. ${pyRepr(d)} does not match the printable characters pattern`);
  }
}

/** oslo's validate_integer, as nova.compute.flavors.create applies it after the schema. */
function integerIn(value: unknown, name: string, min: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw badRequest(`Invalid input received: ${name} must be an integer`);
  if (n < min) throw badRequest(`Invalid input received: ${name} must be >= ${min}`);
  if (n > MAX_INT) throw badRequest(`Invalid input received: ${name} must be <= ${MAX_INT}`);
  return n;
}

function createFlavor(api: ComputeApi, req: ApiRequest): ApiReply {
  const mv = req.microversion!;
  const body = bodyOf(req);
  validateBody(mv.atLeast('2.55') ? CREATE_255 : CREATE, body);
  const f = (body as { flavor: Record<string, unknown> }).flavor;
  checkName(f.name as string);
  if (mv.atLeast('2.55')) checkDescription(f.description);
  requireAdmin(req, 'os_compute_api:os-flavor-manage:create');
  const rxtx = f.rxtx_factor === undefined ? 1.0 : Number(f.rxtx_factor);
  if (!(rxtx > 0) || rxtx > 3.40282e38) throw badRequest("Invalid input received: 'rxtx_factor' argument must be a positive float");
  const isPublic = f['os-flavor-access:is_public'] === undefined ? true : boolParam(String(f['os-flavor-access:is_public'])) ?? true;
  const flavorid = f.id === undefined || f.id === null || f.id === '' ? randomUUID() : String(f.id);
  const row = {
    flavorid,
    name: f.name as string,
    memory_mb: integerIn(f.ram, 'ram', 1),
    vcpus: integerIn(f.vcpus, 'vcpus', 1),
    root_gb: integerIn(f.disk, 'disk', 0),
    ephemeral_gb: integerIn(f['OS-FLV-EXT-DATA:ephemeral'] ?? 0, 'ephemeral', 0),
    swap: integerIn(f.swap ?? 0, 'swap', 0),
    rxtx_factor: rxtx,
    is_public: isPublic,
    description: (f.description as string | null | undefined) ?? null,
  };
  const created = api.store.tx(() => insertFlavor(api.store.db, row, api.now()));
  if (created === 'name') throw conflict(`Flavor with name ${row.name} already exists.`);
  if (created === 'flavorid') throw conflict(`Flavor with ID ${row.flavorid} already exists.`);
  return pyJson(200, { flavor: flavorDetail(api, req, created) });
}

function updateFlavor(api: ComputeApi, req: ApiRequest): ApiReply {
  if (!req.microversion!.atLeast('2.55')) throw routeNotFound();
  const body = bodyOf(req);
  validateBody(UPDATE_255, body);
  const description = (body as { flavor: { description: string | null } }).flavor.description;
  checkDescription(description);
  requireAdmin(req, 'os_compute_api:os-flavor-manage:update');
  const id = req.params.flavor_id;
  const updated = api.store.tx(() => {
    const f = flavorByFlavorId(api.store.db, id);
    if (!f) return undefined;
    api.store.db.prepare('UPDATE flavors SET description = ?, updated_at = ? WHERE id = ?').run(description, api.now(), f.id);
    return flavorByFlavorId(api.store.db, id)!;
  });
  if (!updated) throw flavorNotFound(id);
  return pyJson(200, { flavor: flavorDetail(api, req, updated) });
}

function deleteFlavor(api: ComputeApi, req: ApiRequest): ApiReply {
  requireAdmin(req, 'os_compute_api:os-flavor-manage:delete');
  const id = req.params.flavor_id;
  const gone = api.store.tx(() => api.store.db.prepare('DELETE FROM flavors WHERE flavorid = ?').run(id).changes);
  if (!gone) throw flavorNotFound(id);
  return empty(202);
}

// ---------------------------------------------------------------------------------------------
// Extra specs (os-flavor-extra-specs)

const SPEC_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;
const SPEC_KEY_TEXT = "'^[a-zA-Z0-9-_:. ]{1,255}$'";

/**
 * Validates a map of extra specs as Nova's schema (keys by pattern, values strings or numbers of
 * at most 255 characters) and, from 2.86, its extra spec validators; answers the values as strings.
 * `field` is where the map sits in the body (null: the body itself).
 */
function checkSpecs(req: ApiRequest, specs: unknown, field: string | null, count?: 'one'): Record<string, string> {
  const fail = (value: unknown, message: string, at: string | null = field) =>
    badRequest(at === null ? message : `Invalid input for field/attribute ${at}. Value: ${pyStr(value)}. ${message}`);
  if (typeof specs !== 'object' || specs === null || Array.isArray(specs)) throw fail(specs, `${pyRepr(specs)} is not of type 'object'`);
  const entries = Object.entries(specs as Record<string, unknown>);
  if (count === 'one' && entries.length < 1) throw fail(specs, `${pyRepr(specs)} does not have enough properties`);
  if (count === 'one' && entries.length > 1) throw fail(specs, `${pyRepr(specs)} has too many properties`);
  const bad = entries.map(([k]) => k).filter((k) => !SPEC_KEY.test(k)).sort();
  if (bad.length) {
    throw fail(specs, `${bad.map((k) => pyRepr(k)).join(', ')} ${bad.length === 1 ? 'does' : 'do'} not match any of the regexes: ${SPEC_KEY_TEXT}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string' && typeof v !== 'number') throw fail(v, `${pyRepr(v)} is not of type 'string', 'number'`, k);
    const s = String(v);
    if (typeof v === 'string' && s.length > 255) throw fail(v, `${pyRepr(v)} is too long`, k);
    if (typeof v === 'number' && s.length > 255) throw badRequest('Invalid input received: extra_specs value has more than 255 characters.');
    out[k] = s;
  }
  if (req.microversion!.atLeast('2.86')) {
    for (const [k, v] of Object.entries(out)) {
      const problem = extraSpecProblem(k, v);
      if (problem) throw badRequest(problem);
    }
  }
  return out;
}

function createSpecs(api: ComputeApi, req: ApiRequest): ApiReply {
  const body = bodyOf(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`${pyRepr(body)} is not of type 'object'`);
  const keys = Object.keys(body);
  if (!keys.includes('extra_specs')) throw badRequest("'extra_specs' is a required property");
  const extra = keys.find((k) => k !== 'extra_specs');
  if (extra) throw badRequest(`Additional properties are not allowed ('${extra}' was unexpected)`);
  const raw = (body as { extra_specs: unknown }).extra_specs;
  const specs = checkSpecs(req, raw, 'extra_specs');
  requireAdmin(req, 'os_compute_api:os-flavor-extra-specs:create');
  const f = getFlavor(api, req, req.params.flavor_id);
  api.store.tx(() => setExtraSpecs(api.store.db, f.id, specs, api.now()));
  return json(200, body);
}

function updateSpec(api: ComputeApi, req: ApiRequest): ApiReply {
  const body = bodyOf(req);
  const specs = checkSpecs(req, body, null, 'one');
  requireAdmin(req, 'os_compute_api:os-flavor-extra-specs:update');
  const key = req.params.key;
  if (!(key in specs)) throw badRequest('Request body and URI mismatch');
  const f = getFlavor(api, req, req.params.flavor_id);
  api.store.tx(() => setExtraSpecs(api.store.db, f.id, specs, api.now()));
  return json(200, body);
}

function showSpec(api: ComputeApi, req: ApiRequest): ApiReply {
  const id = req.params.flavor_id;
  const f = getFlavor(api, req, id);
  const specs = extraSpecs(api.store.db, f.id);
  const key = req.params.key;
  if (!Object.prototype.hasOwnProperty.call(specs, key)) throw notFound(`Flavor ${id} has no extra specs with key ${key}.`);
  return json(200, { [key]: specs[key] });
}

function deleteSpec(api: ComputeApi, req: ApiRequest): ApiReply {
  requireAdmin(req, 'os_compute_api:os-flavor-extra-specs:delete');
  const id = req.params.flavor_id;
  const f = getFlavor(api, req, id);
  const key = req.params.key;
  const gone = api.store.tx(() => api.store.db.prepare('DELETE FROM flavor_extra_specs WHERE flavor_id = ? AND key = ?').run(f.id, key).changes);
  if (!gone) throw notFound(`Flavor ${id} has no extra specs with key ${key}.`);
  return empty(200);
}

// ---------------------------------------------------------------------------------------------
// Access (os-flavor-access)

function accessList(f: FlavorRow, projects: string[]): ApiReply {
  return json(200, { flavor_access: projects.map((p) => ({ flavor_id: f.flavorid, tenant_id: p })) });
}

const tenantSchema = (action: string) => ({
  type: 'object',
  properties: {
    [action]: {
      type: 'object',
      properties: { tenant: { type: 'string', minLength: 1, maxLength: 255 } },
      required: ['tenant'],
      additionalProperties: false,
    },
  },
  required: [action],
  additionalProperties: false,
});
const ADD_TENANT = tenantSchema('addTenantAccess');
const REMOVE_TENANT = tenantSchema('removeTenantAccess');

/**
 * The action named by a body of exactly one key, as Nova's action_peek finds it: anything else
 * is a malformed body, or (a body whose keys cannot be read) a 404.
 */
export function actionName(body: unknown): string {
  if (body === undefined || Buffer.isBuffer(body)) throw badRequest('Malformed request body');
  if (typeof body === 'string') {
    if (body.length !== 1) throw badRequest('Malformed request body');
    throw routeNotFound();
  }
  if (Array.isArray(body)) {
    if (body.length !== 1) throw badRequest('Malformed request body');
    throw routeNotFound();
  }
  if (typeof body !== 'object' || body === null) throw routeNotFound();
  const keys = Object.keys(body);
  if (keys.length !== 1) throw badRequest('Malformed request body');
  return keys[0];
}

function flavorAction(api: ComputeApi, req: ApiRequest): ApiReply {
  const action = actionName(req.body);
  const id = req.params.flavor_id;
  const db = api.store.db;
  if (action === 'addTenantAccess') {
    validateBody(ADD_TENANT, req.body);
    requireAdmin(req, 'os_compute_api:os-flavor-access:add_tenant_access');
    const tenant = (req.body as { addTenantAccess: { tenant: string } }).addTenantAccess.tenant;
    const f = getFlavor(api, req, id);
    if (req.microversion!.atLeast('2.7') && f.is_public) throw conflict('Can not add access to a public flavor.');
    const added = api.store.tx(() =>
      db.prepare('INSERT INTO flavor_projects (flavor_id, project_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(f.id, tenant).changes);
    if (!added) throw conflict(`Flavor access already exists for flavor ${f.id} and project ${tenant} combination.`);
    return accessList(f, flavorProjects(db, f.id));
  }
  if (action === 'removeTenantAccess') {
    validateBody(REMOVE_TENANT, req.body);
    requireAdmin(req, 'os_compute_api:os-flavor-access:remove_tenant_access');
    const tenant = (req.body as { removeTenantAccess: { tenant: string } }).removeTenantAccess.tenant;
    const f = getFlavor(api, req, id);
    const removed = api.store.tx(() =>
      db.prepare('DELETE FROM flavor_projects WHERE flavor_id = ? AND project_id = ?').run(f.id, tenant).changes);
    if (!removed) throw notFound(`Flavor access not found for ${f.id} / ${tenant} combination.`);
    return accessList(f, flavorProjects(db, f.id));
  }
  throw badRequest(`There is no such action: ${action}`);
}

function listAccess(api: ComputeApi, req: ApiRequest): ApiReply {
  const f = getFlavor(api, req, req.params.flavor_id);
  if (f.is_public) throw notFound('Access list not available for public flavors.');
  return accessList(f, flavorProjects(api.store.db, f.id));
}

// ---------------------------------------------------------------------------------------------

export function flavorRoutes(api: ComputeApi): Route[] {
  return [
    {
      method: 'GET', path: '/flavors',
      handler: (req) => {
        const rows = listPage(api, req);
        return listReply(req, '/flavors', rows, rows.map((f) => flavorSummary(req, f)));
      },
    },
    {
      method: 'GET', path: '/flavors/detail',
      handler: (req) => {
        const rows = listPage(api, req);
        return listReply(req, '/flavors/detail', rows, rows.map((f) => flavorDetail(api, req, f)));
      },
    },
    { method: 'POST', path: '/flavors', handler: (req) => createFlavor(api, req) },
    { method: 'GET', path: '/flavors/:flavor_id', handler: (req) => pyJson(200, { flavor: flavorDetail(api, req, getFlavor(api, req, req.params.flavor_id)) }) },
    { method: 'PUT', path: '/flavors/:flavor_id', handler: (req) => updateFlavor(api, req) },
    { method: 'DELETE', path: '/flavors/:flavor_id', handler: (req) => deleteFlavor(api, req) },
    { method: 'POST', path: '/flavors/:flavor_id/action', handler: (req) => flavorAction(api, req) },
    { method: 'GET', path: '/flavors/:flavor_id/os-flavor-access', handler: (req) => listAccess(api, req) },
    {
      method: 'GET', path: '/flavors/:flavor_id/os-extra_specs',
      handler: (req) => json(200, { extra_specs: extraSpecs(api.store.db, getFlavor(api, req, req.params.flavor_id).id) }),
    },
    { method: 'POST', path: '/flavors/:flavor_id/os-extra_specs', handler: (req) => createSpecs(api, req) },
    { method: 'GET', path: '/flavors/:flavor_id/os-extra_specs/:key', handler: (req) => showSpec(api, req) },
    { method: 'PUT', path: '/flavors/:flavor_id/os-extra_specs/:key', handler: (req) => updateSpec(api, req) },
    { method: 'DELETE', path: '/flavors/:flavor_id/os-extra_specs/:key', handler: (req) => deleteSpec(api, req) },
  ];
}
