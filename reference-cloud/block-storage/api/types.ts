/**
 * Volume types (cinder/api/v3/types.py, contrib/types_manage.py, types_extra_specs.py and
 * volume_type_access.py): list and show for everyone (private types only to admins and the
 * projects on their access list; extra specs trimmed to the user-visible ones for non-admins),
 * create/update/delete, extra specs and access for admins.
 */
import type { AuthContext } from '../../core/auth-context';
import type { ApiReply, ApiRequest, Policy, Route } from '../../core/service';
import { badRequest, conflict, empty, json, nextLink, notFound, policyDenied, qstr, typeNotFound, validateBody } from '../common';
import { listParams, metadataFilter, page, sortRows } from '../models/listing';
import type { BlockStorageApi } from '../context';
import { allTypes, canSee, defaultType, extraSpecs, insertType, typeById, typeByName, visibleType, type TypeRow } from '../models/types';
import { manageView, typeView, USER_VISIBLE_EXTRA_SPECS, visibleSpecs } from '../views/types';

const isAdmin = (auth: AuthContext | undefined) => !!auth?.roles.includes('admin');
const adminOnly = (rule: string): Policy => ({ rule, check: (auth) => isAdmin(auth) });

const BOOL_ENUM = [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't',
  false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];
export const BOOLEAN = { type: ['boolean', 'string'], enum: BOOL_ENUM };
/** The printable-characters pattern of Cinder's description (no control characters). */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
export const DESCRIPTION = { type: ['string', 'null'], minLength: 0, maxLength: 255, pattern: PRINTABLE };
const SPEC_KEY = '^[a-zA-Z0-9-_:. /]{1,255}$';
const SPEC_KEY_NO_SPACE = '^[a-zA-Z0-9-_:.]{1,255}$';

const createSchema = {
  type: 'object',
  properties: {
    volume_type: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 255 },
        description: DESCRIPTION,
        extra_specs: { type: 'object', patternProperties: { [SPEC_KEY]: { type: ['string', 'null'], maxLength: 255 } }, additionalProperties: false },
        'os-volume-type-access:is_public': BOOLEAN,
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['volume_type'],
  additionalProperties: false,
};

const updateSchema = {
  type: 'object',
  properties: {
    volume_type: {
      type: 'object',
      properties: {
        name: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
        description: DESCRIPTION,
        is_public: BOOLEAN,
      },
      additionalProperties: false,
    },
  },
  required: ['volume_type'],
  additionalProperties: false,
};

const specsCreateSchema = {
  type: 'object',
  properties: { extra_specs: { type: 'object', patternProperties: { [SPEC_KEY_NO_SPACE]: { type: ['string', 'null'], minLength: 0, maxLength: 255 } }, additionalProperties: false } },
  required: ['extra_specs'],
  additionalProperties: false,
};
const specUpdateSchema = {
  type: 'object',
  patternProperties: { [SPEC_KEY_NO_SPACE]: { type: ['string', 'null'], minLength: 0, maxLength: 255 } },
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
};
const accessSchema = (action: string) => ({
  type: 'object',
  properties: {
    [action]: {
      type: 'object',
      properties: { project: { type: 'string', minLength: 1, maxLength: 255 } },
      required: ['project'],
      additionalProperties: false,
    },
  },
  required: [action],
  additionalProperties: false,
});

/** oslo's bool_from_string(strict=True) over the schema's accepted values. */
export const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && ['true', '1', 'on', 'yes', 'y', 't'].includes(v.toLowerCase()));

function inUse(api: BlockStorageApi, typeId: string): boolean {
  return !!api.store.db.prepare('SELECT 1 FROM volumes WHERE volume_type_id = ? LIMIT 1').get(typeId);
}

function list(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const db = api.store.db;
  const auth = req.auth;
  const hasAccess = (t: TypeRow) => !!db.prepare('SELECT 1 FROM volume_type_projects WHERE volume_type_id = ? AND project_id = ?').get(t.id, auth?.projectId ?? '');
  let types = allTypes(db).filter((t) => canSee(db, auth, t));
  if (isAdmin(auth)) {
    // _parse_is_public: None = all; true (the default) = public ones and those shared with the
    // caller's project; false = private ones.
    const raw = qstr(req, 'is_public');
    if (raw === undefined || raw.toLowerCase() !== 'none') {
      const pub = raw === undefined ? true : truthy(raw);
      types = types.filter((t) => (pub ? !!t.is_public || hasAccess(t) : !t.is_public));
    }
  }
  const p = listParams(req, 'volume_type', TYPE_SORT_KEYS);
  const specsFilter = qstr(req, 'extra_specs');
  if (specsFilter !== undefined) {
    const want = metadataFilter(specsFilter);
    // A non-admin filtering on specs it may not read gets an empty list (as Cinder answers).
    if (!isAdmin(auth) && Object.keys(want).some((k) => !USER_VISIBLE_EXTRA_SPECS.includes(k))) types = [];
    types = types.filter((t) => {
      const have = extraSpecs(db, t.id);
      return Object.entries(want).every(([k, v]) => have[k] === v);
    });
  }
  const sorted = sortRows(types as unknown as Record<string, unknown>[], p.sort) as unknown as TypeRow[];
  const shown = page(sorted, p, (id) => typeNotFound(id));
  const out: Record<string, unknown> = { volume_types: shown.map((t) => typeView(db, auth, t)) };
  const next = nextLink(req, '/types', shown.length, p.limit, shown[shown.length - 1]?.id);
  if (next) out.volume_type_links = next;
  return json(200, out);
}

const TYPE_SORT_KEYS = ['id', 'name', 'description', 'is_public', 'created_at', 'updated_at'];

function show(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const db = api.store.db;
  if (req.params.type_id === 'default') return json(200, { volume_type: typeView(db, req.auth, defaultType(db, api.topology), false) });
  return json(200, { volume_type: typeView(db, req.auth, visibleType(db, req.auth, req.params.type_id)) });
}

function create(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(createSchema, req.body);
  const b = (req.body as { volume_type: { name: string; description?: string | null; extra_specs?: Record<string, string | null>; 'os-volume-type-access:is_public'?: unknown } }).volume_type;
  // The schema's 'name' format (InvalidName, its message as the whole answer).
  if (b.name.trim() === '') throw badRequest("An invalid 'name' value was provided. The 'name' can not be empty.");
  const t = api.store.tx(() => {
    if (typeByName(api.store.db, b.name)) throw conflict(`Volume Type ${b.name} already exists.`);
    const isPublic = b['os-volume-type-access:is_public'] === undefined ? true : truthy(b['os-volume-type-access:is_public']);
    return insertType(api.store.db, { name: b.name, description: b.description ?? null, isPublic, extraSpecs: b.extra_specs ?? {} }, api.now());
  });
  return json(200, { volume_type: manageView(api.store.db, t, true) });
}

function update(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(updateSchema, req.body);
  const b = (req.body as { volume_type: { name?: string | null; description?: string | null; is_public?: unknown } }).volume_type;
  if (typeof b.name === 'string' && b.name.trim() === '') throw badRequest('Volume type name can not be empty.');
  if (b.name == null && b.description == null && b.is_public == null) {
    throw badRequest('Specify volume type name, description, is_public or a combination thereof.');
  }
  const t = api.store.tx(() => {
    const db = api.store.db;
    const t = visibleType(db, req.auth, req.params.type_id);
    if (b.name != null && b.name !== t.name) {
      if (typeByName(db, b.name)) throw conflict(`Volume Type ${b.name} already exists.`);
      // update_quota_resource: the per-type quota rows follow the new name.
      for (const r of ['volumes', 'gigabytes', 'snapshots']) db.prepare('UPDATE quotas SET resource = ? WHERE resource = ?').run(`${r}_${b.name}`, `${r}_${t.name}`);
    }
    db.prepare('UPDATE volume_types SET name = ?, description = ?, is_public = ?, updated_at = ? WHERE id = ?').run(
      // None means no change (db _type_update).
      b.name ?? t.name, b.description ?? t.description, b.is_public == null ? t.is_public : truthy(b.is_public) ? 1 : 0, api.now(), t.id);
    return typeById(db, t.id)!;
  });
  return json(200, { volume_type: manageView(api.store.db, t, false) });
}

function remove(api: BlockStorageApi, req: ApiRequest): ApiReply {
  api.store.tx(() => {
    const db = api.store.db;
    const t = visibleType(db, req.auth, req.params.type_id);
    if (inUse(api, t.id) || db.prepare('SELECT 1 FROM snapshots WHERE volume_type_id = ? LIMIT 1').get(t.id)) throw badRequest('Target volume type is still in use.');
    if (t.id === defaultType(db, api.topology).id) throw badRequest(`The volume type ${t.id} is a default volume type and cannot be deleted.`);
    db.prepare('DELETE FROM volume_types WHERE id = ?').run(t.id);
    db.prepare('DELETE FROM quotas WHERE resource IN (?, ?, ?)').run(`volumes_${t.name}`, `gigabytes_${t.name}`, `snapshots_${t.name}`);
  });
  return empty(202, 'webob');
}

// ---------------------------------------------------------------------------------------------
// Extra specs

function specsOf(api: BlockStorageApi, req: ApiRequest): TypeRow {
  return visibleType(api.store.db, req.auth, req.params.type_id);
}

function specsList(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const t = specsOf(api, req);
  return json(200, { extra_specs: visibleSpecs(api.store.db, req.auth, t.id) });
}

function specsCreate(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(specsCreateSchema, req.body);
  const specs = (req.body as { extra_specs: Record<string, string | null> }).extra_specs;
  api.store.tx(() => {
    const t = specsOf(api, req);
    if (inUse(api, t.id)) throw badRequest('Volume Type is currently in use.');
    checkCacheable(api, t.id, specs);
    writeSpecs(api, t.id, specs);
  });
  return json(200, { extra_specs: specs });
}

function specShow(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const t = specsOf(api, req);
  const key = req.params.key;
  const specs = visibleSpecs(api.store.db, req.auth, t.id);
  if (!(key in specs)) throw notFound(`Volume Type ${t.id} has no extra specs with key ${key}.`);
  return json(200, { [key]: specs[key] });
}

function specUpdate(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(specUpdateSchema, req.body);
  const body = req.body as Record<string, string | null>;
  api.store.tx(() => {
    const t = specsOf(api, req);
    if (inUse(api, t.id)) throw badRequest('Volume Type is currently in use.');
    if (!(req.params.key in body)) throw badRequest('Request body and URI mismatch');
    checkCacheable(api, t.id, body);
    writeSpecs(api, t.id, body);
  });
  return json(200, body);
}

function specDelete(api: BlockStorageApi, req: ApiRequest): ApiReply {
  api.store.tx(() => {
    const t = specsOf(api, req);
    if (!isAdmin(req.auth)) throw policyDenied('volume_extension:types_extra_specs:delete');
    if (inUse(api, t.id)) throw badRequest('Volume Type is currently in use.');
    const gone = api.store.db.prepare('DELETE FROM volume_type_extra_specs WHERE volume_type_id = ? AND key = ?').run(t.id, req.params.key).changes;
    if (!gone) throw notFound(`Volume Type ${t.id} has no extra specs with key ${req.params.key}.`);
  });
  return empty(202);
}

function writeSpecs(api: BlockStorageApi, typeId: string, specs: Record<string, string | null>): void {
  const put = api.store.db.prepare('INSERT INTO volume_type_extra_specs (volume_type_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(specs)) put.run(typeId, k, v ?? '');
  api.store.db.prepare('UPDATE volume_types SET updated_at = ? WHERE id = ?').run(api.now(), typeId);
}

/** _check_cacheable: a type cannot be both cacheable and multiattach. */
function checkCacheable(api: BlockStorageApi, typeId: string, specs: Record<string, string | null>): void {
  const all = { ...extraSpecs(api.store.db, typeId), ...specs };
  const on = (v: string | null | undefined) => typeof v === 'string' && /^\s*<is>\s+true\s*$/i.test(v);
  if (on(all.cacheable) && on(all.multiattach)) throw badRequest('cacheable cannot be set with multiattach.');
}

// ---------------------------------------------------------------------------------------------
// Access

function accessList(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const db = api.store.db;
  const t = visibleType(db, req.auth, req.params.type_id);
  if (t.is_public) throw notFound('Access list not available for public volume types.');
  const rows = db.prepare('SELECT volume_type_id, project_id FROM volume_type_projects WHERE volume_type_id = ? ORDER BY rowid').all(t.id);
  return json(200, { volume_type_access: rows });
}

function action(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Malformed request body');
  const keys = Object.keys(body);
  if (keys.length !== 1) throw badRequest('Malformed request body');
  const name = keys[0];
  if (name !== 'addProjectAccess' && name !== 'removeProjectAccess') {
    throw badRequest(`There is no such action: ${name}. Verify the request body and Content-Type header and try again.`);
  }
  if (!isAdmin(req.auth)) throw policyDenied(`volume_extension:volume_type_access:${name}`);
  validateBody(accessSchema(name), body);
  const project = (body as Record<string, { project: string }>)[name].project;
  api.store.tx(() => {
    const db = api.store.db;
    const t = visibleType(db, req.auth, req.params.type_id);
    if (name === 'addProjectAccess') {
      if (t.is_public) throw badRequest('Invalid volume type: Type access modification is not applicable to public volume type.');
      const r = db.prepare('INSERT INTO volume_type_projects (volume_type_id, project_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(t.id, project);
      if (!r.changes) throw conflict(`Volume type access for ${t.id} / ${project} combination already exists.`);
    } else {
      if (t.is_public) throw badRequest('Invalid volume type: Type access modification is not applicable to public volume type.');
      const r = db.prepare('DELETE FROM volume_type_projects WHERE volume_type_id = ? AND project_id = ?').run(t.id, project);
      if (!r.changes) throw notFound(`Volume type access not found for ${t.id} / ${project} combination.`);
    }
  });
  return empty(202, 'webob');
}

export function typeRoutes(api: BlockStorageApi): Route[] {
  return [
    { method: 'GET', path: '/types', handler: (req) => list(api, req) },
    { method: 'GET', path: '/types/:type_id', handler: (req) => show(api, req) },
    { method: 'POST', path: '/types', policy: adminOnly('volume_extension:type_create'), handler: (req) => create(api, req) },
    { method: 'PUT', path: '/types/:type_id', policy: adminOnly('volume_extension:type_update'), handler: (req) => update(api, req) },
    { method: 'DELETE', path: '/types/:type_id', policy: adminOnly('volume_extension:type_delete'), handler: (req) => remove(api, req) },
    { method: 'GET', path: '/types/:type_id/extra_specs', handler: (req) => specsList(api, req) },
    { method: 'POST', path: '/types/:type_id/extra_specs', policy: adminOnly('volume_extension:types_extra_specs:create'), handler: (req) => specsCreate(api, req) },
    { method: 'GET', path: '/types/:type_id/extra_specs/:key', handler: (req) => specShow(api, req) },
    { method: 'PUT', path: '/types/:type_id/extra_specs/:key', policy: adminOnly('volume_extension:types_extra_specs:update'), handler: (req) => specUpdate(api, req) },
    { method: 'DELETE', path: '/types/:type_id/extra_specs/:key', handler: (req) => specDelete(api, req) },
    { method: 'GET', path: '/types/:type_id/os-volume-type-access', policy: adminOnly('volume_extension:volume_type_access:get_all_for_type'), handler: (req) => accessList(api, req) },
    { method: 'POST', path: '/types/:type_id/action', handler: (req) => action(api, req) },
  ];
}
