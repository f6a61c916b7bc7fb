/**
 * POST /volumes/{id}/action: one action key per body, looked up in `api.actions` (the attach
 * actions are registered by api/attach-actions.ts), and this module's actions: os-extend,
 * os-set_bootable, os-reset_status and os-force_delete (admin), os-retype, the image metadata
 * ones, os-volume_upload_image and os-update_readonly_flag (cinder/api/contrib/volume_actions.py,
 * admin_actions.py, volume_image_metadata.py; cinder/volume/api.py).
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { ApiError } from '../../core/errors';
import { badRequest, cinderTime, empty, json, notFound, policyDenied, validateBody } from '../common';
import type { BlockStorageApi, VolumeAction, VolumeRow } from '../context';
import { checkOver } from '../quota';
import { extraSpecs, isMultiattach, typeById, typeByNameOrId } from '../models/types';
import { findVolume, glanceMetadata, isAdmin, setGlanceMetadata, snapshotCount, writeKv } from '../models/volumes';
import { JOBS } from '../volume-manager';
import { BOOLEAN, DESCRIPTION, truthy } from './types';
import { CANNOT_DELETE, markDeleting } from './volumes';
import { satisfies } from '../scheduler';

const VOLUME_STATUSES = ['creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', 'managing', 'attaching', 'in-use', 'detaching',
  'maintenance', 'restoring-backup', 'error_restoring', 'reserved', 'awaiting-transfer', 'backing-up', 'error_backing-up', 'error_extending', 'downloading',
  'uploading', 'retyping', 'extending'];
const MIGRATION_STATUSES = ['migrating', 'error', 'success', 'completing', 'none', 'starting'];
const pyTuple = (xs: string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;
const pyList = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

const schemaOf = (key: string, inner: object) => ({ type: 'object', properties: { [key]: inner }, required: [key], additionalProperties: false });
const SIZE = { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 1, maximum: 0x7fffffff };

const EXTEND = schemaOf('os-extend', { type: 'object', properties: { new_size: SIZE }, required: ['new_size'], additionalProperties: false });
const BOOTABLE = schemaOf('os-set_bootable', { type: 'object', properties: { bootable: BOOLEAN }, required: ['bootable'], additionalProperties: false });
const READONLY = schemaOf('os-update_readonly_flag', { type: 'object', properties: { readonly: BOOLEAN }, required: ['readonly'], additionalProperties: false });
const RETYPE = schemaOf('os-retype', {
  type: 'object',
  properties: { new_type: { type: 'string' }, migration_policy: { type: ['string', 'null'], enum: ['on-demand', 'never', null] } },
  required: ['new_type'],
  additionalProperties: false,
});
const RESET = schemaOf('os-reset_status', {
  type: 'object',
  properties: { status: { type: ['string', 'null'] }, attach_status: { type: ['string', 'null'] }, migration_status: { type: ['string', 'null'] } },
  additionalProperties: false,
});
const IMAGE_META = schemaOf('os-set_image_metadata', {
  type: 'object',
  properties: { metadata: { type: 'object', patternProperties: { '^[a-zA-Z0-9-_:. /]{1,255}$': { type: 'string', maxLength: 255 } }, additionalProperties: false } },
  required: ['metadata'],
  additionalProperties: false,
});
const UNSET_IMAGE_META = schemaOf('os-unset_image_metadata', {
  type: 'object',
  properties: { key: { type: 'string', minLength: 1, maxLength: 255 } },
  required: ['key'],
  additionalProperties: false,
});
function uploadSchema(v31: boolean): object {
  return schemaOf('os-volume_upload_image', {
    type: 'object',
    properties: {
      image_name: { type: 'string', minLength: 1, maxLength: 255 },
      force: BOOLEAN,
      disk_format: { type: 'string', enum: ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop'] },
      container_format: DESCRIPTION,
      ...(v31 ? { visibility: { type: 'string', enum: ['community', 'public', 'private', 'shared'] }, protected: BOOLEAN } : {}),
    },
    required: ['image_name'],
    additionalProperties: false,
  });
}
const UPLOAD = uploadSchema(false);
const UPLOAD_31 = uploadSchema(true);

const fresh = (api: BlockStorageApi, id: string): VolumeRow => api.store.db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow;
const adminAction = (req: ApiRequest, name: string) => {
  if (!isAdmin(req.auth)) throw policyDenied(`volume_extension:volume_admin_actions:${name}`);
};

// ---------------------------------------------------------------------------------------------

function extend(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(EXTEND, body);
  const newSize = Number((body as { 'os-extend': { new_size: number | string } })['os-extend'].new_size);
  api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    const attached = req.microversion!.atLeast('3.42') && v.status === 'in-use';
    const expected = attached ? 'in-use' : 'available';
    if (v.status !== expected) throw badRequest(`Invalid volume: Volume ${v.id} status must be '{'status': '${expected}'}' to extend, currently ${v.status}.`);
    if (newSize <= v.size) throw badRequest(`Invalid input received: New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`);
    const delta = newSize - v.size;
    const type = typeById(api.store.db, v.volume_type_id);
    const limits = api.store.db.prepare("SELECT hard_limit FROM quotas WHERE project_id = ? AND resource = 'per_volume_gigabytes'").get(v.project_id) as { hard_limit: number } | undefined;
    if (limits && limits.hard_limit >= 0 && newSize > limits.hard_limit) {
      throw new ApiError(413, `VolumeSizeExceedsLimit: Requested volume size ${newSize}G is larger than maximum allowed limit ${limits.hard_limit}G.`, { headers: { 'Retry-After': '0' } });
    }
    checkOver(api.store.db, v.project_id, { gigabytes: delta, ...(type ? { [`gigabytes_${type.name}`]: delta } : {}) }, 'volumes');
    // The backend must hold the growth; otherwise the extend fails in the volume service.
    const room = v.host ? (api.store.db.prepare('SELECT total_capacity_gb - allocated_gb AS free FROM backends WHERE host = ?').get(v.host) as { free: number } | undefined)?.free ?? 0 : 0;
    const fits = room >= delta;
    api.store.db.prepare("UPDATE volumes SET status = 'extending', size = ?, updated_at = ? WHERE id = ?").run(fits ? newSize : v.size, api.now(), v.id);
    api.queue.enqueue(JOBS.extend, v.id, { attached, fits });
  });
  return empty(202);
}

function setBootable(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(BOOTABLE, body);
  const on = truthy((body as { 'os-set_bootable': { bootable: unknown } })['os-set_bootable'].bootable);
  api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    api.store.db.prepare('UPDATE volumes SET bootable = ?, updated_at = ? WHERE id = ?').run(on ? 1 : 0, api.now(), v.id);
  });
  return empty(200);
}

function resetStatus(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(RESET, body);
  const b = (body as { 'os-reset_status': { status?: string | null; attach_status?: string | null; migration_status?: string | null } })['os-reset_status'];
  if (!b.status && !b.attach_status && !b.migration_status) throw badRequest("Must specify 'status', 'attach_status' or 'migration_status' for update.");
  if (b.status && !VOLUME_STATUSES.includes(b.status.toLowerCase())) throw badRequest(`Volume status: ${b.status} is invalid, valid statuses are: ${pyTuple(VOLUME_STATUSES)}.`);
  if (b.attach_status && !['attached', 'detached'].includes(b.attach_status.toLowerCase())) throw badRequest(`Volume attach status: ${b.attach_status} is invalid, valid statuses are: ${pyList(['attached', 'detached'])}.`);
  if (b.migration_status && !MIGRATION_STATUSES.includes(b.migration_status.toLowerCase())) throw badRequest(`Volume migration status: ${b.migration_status} is invalid, valid statuses are: ${pyTuple(MIGRATION_STATUSES)}.`);
  api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    adminAction(req, 'reset_status');
    const status = b.status?.toLowerCase();
    if (status === 'deleting') throw badRequest(`Cannot reset-state to ${status}`);
    const db = api.store.db;
    if (status === 'in-use' && !db.prepare('SELECT 1 FROM volume_attachment WHERE volume_id = ?').get(v.id)) {
      throw badRequest('Cannot reset-state to in-use because volume does not have any attachments.');
    }
    const attach = b.attach_status?.toLowerCase();
    const migration = b.migration_status ? (b.migration_status.toLowerCase() === 'none' ? null : b.migration_status.toLowerCase()) : undefined;
    db.prepare('UPDATE volumes SET status = ?, attach_status = ?, migration_status = ?, updated_at = ? WHERE id = ?').run(
      status ?? v.status, attach ?? v.attach_status, migration === undefined ? v.migration_status : migration, api.now(), v.id);
    if (attach === 'detached') {
      // _clean_volume_attachment: every attachment is marked detached, attached_mode goes.
      db.prepare("UPDATE volume_attachment SET attach_status = 'detached', detach_time = ?, updated_at = ? WHERE volume_id = ?").run(api.now(), api.now(), v.id);
      db.prepare("DELETE FROM volume_admin_metadata WHERE volume_id = ? AND key = 'attached_mode'").run(v.id);
    }
  });
  return empty(202);
}

function forceDelete(api: BlockStorageApi, req: ApiRequest): ApiReply {
  api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    adminAction(req, 'force_delete');
    const attached = v.attach_status === 'attached' || !!api.store.db.prepare("SELECT 1 FROM volume_attachment WHERE volume_id = ? AND attach_status = 'attached'").get(v.id);
    if (attached || snapshotCount(api.store.db, v.id) > 0) throw badRequest(CANNOT_DELETE);
    markDeleting(api, v.id, []);
  });
  return empty(202);
}

const RETYPE_INVALID = 'Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change.';

function retype(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(RETYPE, body);
  const b = (body as { 'os-retype': { new_type: string; migration_policy?: string | null } })['os-retype'];
  api.store.tx(() => {
    const db = api.store.db;
    const v = findVolume(db, req.auth, req.params.volume_id);
    const type = typeByNameOrId(db, req.auth, b.new_type);
    const migrating = v.migration_status !== null && !['success', 'error', 'none'].includes(v.migration_status);
    if (!['available', 'in-use'].includes(v.status) || migrating || type.id === v.volume_type_id) throw badRequest(RETYPE_INVALID);
    const specs = extraSpecs(db, type.id);
    const multi = isMultiattach(specs);
    if (v.status === 'in-use' && multi !== !!v.multiattach) throw badRequest('Invalid volume: Retyping to or from a multiattach type is not allowed for an in-use volume.');
    checkOver(db, v.project_id, { [`volumes_${type.name}`]: 1, [`gigabytes_${type.name}`]: v.size }, 'volumes');
    // The current backend keeps the volume when it satisfies the new type; otherwise it
    // migrates (on-demand) to one that does, or the retype fails (never).
    const backend = v.host ? (db.prepare('SELECT capabilities FROM backends WHERE host = ?').get(v.host) as { capabilities: string } | undefined) : undefined;
    let host: string | null | undefined = backend && satisfies(JSON.parse(backend.capabilities) as Record<string, unknown>, specs) ? v.host : undefined;
    if (host === undefined && b.migration_policy === 'on-demand' && v.status === 'available') host = api.scheduler.pick(v.size, v.availability_zone, specs);
    if (host !== undefined) {
      db.prepare("UPDATE volumes SET status = 'retyping', volume_type_id = ?, host = ?, multiattach = ?, updated_at = ? WHERE id = ?").run(type.id, host, multi ? 1 : 0, api.now(), v.id);
    } else {
      db.prepare("UPDATE volumes SET status = 'retyping', updated_at = ? WHERE id = ?").run(api.now(), v.id);
    }
    api.queue.enqueue(JOBS.retype, v.id, { typeId: type.id, host: host ?? null });
  });
  return empty(202);
}

function setImageMetadata(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(IMAGE_META, body);
  const meta = (body as { 'os-set_image_metadata': { metadata: Record<string, string> } })['os-set_image_metadata'].metadata;
  const out = api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    checkImageMetadataStatus(v);
    setGlanceMetadata(api.store.db, { volumeId: v.id }, meta);
    return glanceMetadata(api.store.db, v.id);
  });
  return json(200, { metadata: out });
}

function checkImageMetadataStatus(v: VolumeRow): void {
  if (!['available', 'in-use'].includes(v.status)) throw badRequest(`Invalid volume: Volume ${v.id} status must be available or in-use, but current status is: ${v.status}.`);
}

function unsetImageMetadata(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(UNSET_IMAGE_META, body);
  const key = (body as { 'os-unset_image_metadata': { key: string } })['os-unset_image_metadata'].key;
  api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    checkImageMetadataStatus(v);
    const gone = api.store.db.prepare('DELETE FROM volume_glance_metadata WHERE volume_id = ? AND key = ?').run(v.id, key).changes;
    if (!gone) throw notFound(`Glance metadata for volume/snapshot ${v.id} cannot be found.`);
  });
  return empty(200, 'webob');
}

function showImageMetadata(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const v = findVolume(api.store.db, req.auth, req.params.volume_id);
  return json(200, { metadata: glanceMetadata(api.store.db, v.id) });
}

function updateReadonly(api: BlockStorageApi, req: ApiRequest, body: unknown): ApiReply {
  validateBody(READONLY, body);
  const on = truthy((body as { 'os-update_readonly_flag': { readonly: unknown } })['os-update_readonly_flag'].readonly);
  api.store.tx(() => {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    if (v.status !== 'available') throw badRequest(`Invalid volume: Volume ${v.id} status must be available to update readonly flag, but current status is: ${v.status}.`);
    writeKv(api.store.db, 'volume_admin_metadata', v.id, { readonly: on ? 'True' : 'False' }, false);
  });
  return empty(202);
}

/** Image properties Cinder does not pass on from volume_image_metadata to the new image. */
const NOT_INHERITED = new Set(['image_id', 'image_name', 'checksum', 'container_format', 'disk_format', 'min_disk', 'min_ram', 'size', 'signature_verified', 'image_location']);

async function uploadImage(api: BlockStorageApi, req: ApiRequest, body: unknown): Promise<ApiReply> {
  const v31 = req.microversion!.atLeast('3.1');
  validateBody(v31 ? UPLOAD_31 : UPLOAD, body);
  const b = (body as { 'os-volume_upload_image': { image_name: string; force?: unknown; disk_format?: string; container_format?: string | null; visibility?: string; protected?: unknown } })['os-volume_upload_image'];
  const force = b.force !== undefined && truthy(b.force);
  const auth = req.auth!;
  const db = api.store.db;
  const check = (v: VolumeRow) => {
    const valid = force ? ['available', 'in-use'] : ['available'];
    if (!valid.includes(v.status)) throw badRequest(`Invalid volume: Volume ${v.id} status must be ${valid.join(' or ')}`);
  };
  const before = findVolume(db, auth, req.params.volume_id);
  check(before);
  if (b.visibility === 'public' && !isAdmin(auth)) throw policyDenied('volume_extension:volume_actions:upload_public');
  const diskFormat = b.disk_format ?? 'raw';
  const containerFormat = b.container_format ?? 'bare';
  const visibility = v31 ? (b.visibility ?? 'private') : 'shared';
  const isProtected = v31 && b.protected !== undefined ? truthy(b.protected) : false;
  const inherited = Object.fromEntries(Object.entries(glanceMetadata(db, before.id)).filter(([k]) => !NOT_INHERITED.has(k)));
  const created = await api.peers.call<Record<string, unknown>>('image', 'POST', '/v2/images', {
    token: auth.token,
    body: { ...inherited, name: b.image_name, container_format: containerFormat, disk_format: diskFormat, visibility, protected: isProtected },
  });
  if (created.status === 413) throw new ApiError(413, 'ImageLimitExceeded: Image quota exceeded', { headers: { 'Retry-After': '0' } });
  if (created.status >= 400 || typeof created.body !== 'object' || created.body === null || typeof created.body.id !== 'string') {
    const raw: unknown = created.body;
    const detail = typeof raw === 'string' ? raw.split('\n').filter((l: string) => l.trim()).pop() : JSON.stringify(raw);
    throw badRequest(`HTTPBadRequest: ${detail ?? `status ${created.status}`}`);
  }
  const image = created.body as { id: string; name?: string; container_format: string; disk_format: string; protected?: boolean; visibility?: string };
  let row: VolumeRow;
  try {
    row = api.store.tx(() => {
      const v = findVolume(db, auth, before.id);
      check(v);
      db.prepare("UPDATE volumes SET status = 'uploading', updated_at = ? WHERE id = ?").run(api.now(), v.id);
      api.queue.enqueue(JOBS.upload, v.id, { imageId: image.id, diskFormat: image.disk_format, status: v.status });
      return fresh(api, v.id);
    });
  } catch (err) {
    await api.peers.call('image', 'DELETE', `/v2/images/${image.id}`, { token: auth.token }).catch(() => undefined);
    throw err;
  }
  const t = typeById(db, row.volume_type_id);
  return json(202, {
    'os-volume_upload_image': {
      id: row.id,
      updated_at: cinderTime(row.updated_at),
      status: 'uploading',
      display_description: row.description,
      size: row.size,
      volume_type: t ? {
        id: t.id, name: t.name, description: t.description, is_public: !!t.is_public, extra_specs: {}, qos_specs_id: t.qos_specs_id,
        created_at: cinderTime(t.created_at), updated_at: cinderTime(t.updated_at), deleted_at: null, deleted: false,
      } : null,
      image_id: image.id,
      container_format: image.container_format,
      disk_format: image.disk_format,
      image_name: image.name ?? null,
      protected: image.protected ?? false,
      visibility: image.visibility ?? visibility,
    },
  });
}

// ---------------------------------------------------------------------------------------------

/** Adds this module's actions to `api.actions`. */
export function registerVolumeActions(api: BlockStorageApi): void {
  const add = (name: string, fn: (req: ApiRequest, arg: unknown, body: unknown) => ApiReply | Promise<ApiReply>) => {
    // The volume the dispatcher found is the one acted on (re-read inside each transaction).
    const action: VolumeAction = (req, volume, arg) => fn({ ...req, params: { ...req.params, volume_id: volume.id } }, arg, { [name]: arg });
    api.actions.set(name, action);
  };
  add('os-extend', (req, _a, body) => extend(api, req, body));
  add('os-set_bootable', (req, _a, body) => setBootable(api, req, body));
  add('os-reset_status', (req, _a, body) => resetStatus(api, req, body));
  add('os-force_delete', (req) => forceDelete(api, req));
  add('os-retype', (req, _a, body) => retype(api, req, body));
  add('os-set_image_metadata', (req, _a, body) => setImageMetadata(api, req, body));
  add('os-unset_image_metadata', (req, _a, body) => unsetImageMetadata(api, req, body));
  add('os-show_image_metadata', (req) => showImageMetadata(api, req));
  add('os-volume_upload_image', (req, _a, body) => uploadImage(api, req, body));
  add('os-update_readonly_flag', (req, _a, body) => updateReadonly(api, req, body));
}

/** The dispatcher: one action per body, the volume looked up with the caller's isolation. */
async function dispatch(api: BlockStorageApi, req: ApiRequest): Promise<ApiReply> {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('Malformed request body');
  const keys = Object.keys(body);
  if (keys.length !== 1) throw badRequest('Malformed request body');
  const name = keys[0];
  const action = api.actions.get(name);
  if (!action) throw badRequest(`There is no such action: ${name}. Verify the request body and Content-Type header and try again.`);
  const volume = findVolume(api.store.db, req.auth, req.params.volume_id);
  return action(req, volume, (body as Record<string, unknown>)[name]);
}

export function volumeActionRoutes(api: BlockStorageApi): Route[] {
  return [{ method: 'POST', path: '/volumes/:volume_id/action', handler: (req) => dispatch(api, req) }];
}
