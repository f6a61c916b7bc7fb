/**
 * The volumes API (cinder/api/v3/volumes.py, cinder/volume/api.py, the create flow): create
 * (empty, from a snapshot, another volume or an image) with the quota check and the scheduling
 * in the transaction that records the volume; list/detail with filters, sort and paging;
 * summary; show; update; delete (cascade).
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import type { AuthContext } from '../../core/auth-context';
import { ApiError } from '../../core/errors';
import { badRequest, cannotComply, empty, json, nextLink, routeNotFound, validateBody, volumeNotFound } from '../common';
import type { BlockStorageApi, VolumeRow } from '../context';
import { listParams, metadataFilter, page, sortRows, timeMatches, type ListParams } from '../models/listing';
import { defaultType, extraSpecs, isMultiattach, typeById, typeByNameOrId, type TypeRow } from '../models/types';
import { findSnapshot, findVolume, isAdmin, readKv, writeKv, type SnapshotRow } from '../models/volumes';
import { volumeDetail, volumeSummary } from '../views/volumes';
import { JOBS, newId } from '../volume-manager';
import { BOOLEAN, truthy } from './types';

const GB = 1024 ** 3;
const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
export const METADATA = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. /]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};
// No maxLength: Cinder's format checkers word the length (checkTextLengths).
const NAME = { type: ['string', 'null'], pattern: PRINTABLE };

/**
 * The 255-character limit of names and descriptions, after trimming, worded as Cinder's
 * `*_non_mandatory_remove_white_spaces` format checkers (oslo strutils.check_string_length):
 * "Invalid input received: name has 277 characters, more than 255."
 */
function checkTextLengths(fields: Record<string, unknown> | undefined): void {
  for (const [key, entity] of [['name', 'name'], ['display_name', 'name'], ['description', 'description'], ['display_description', 'description']] as const) {
    const v = fields?.[key];
    if (typeof v === 'string' && v.trim().length > 255) {
      throw badRequest(`Invalid input received: ${entity} has ${v.trim().length} characters, more than 255.`);
    }
  }
}
const OPT_UUID = { anyOf: [{ type: 'null' }, { type: 'string', pattern: UUID }] };

function createSchema(strict: boolean): object {
  return {
    type: 'object',
    properties: {
      volume: {
        type: 'object',
        properties: {
          name: NAME,
          description: NAME,
          display_name: NAME,
          display_description: NAME,
          volume_type: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
          metadata: { ...METADATA, type: ['object', 'null'] },
          snapshot_id: OPT_UUID,
          source_volid: OPT_UUID,
          consistencygroup_id: OPT_UUID,
          size: { type: ['integer', 'string', 'null'], pattern: '^[0-9]+$', minimum: 1, maximum: 0x7fffffff },
          availability_zone: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
          multiattach: { anyOf: [{ type: 'null' }, BOOLEAN] },
          image_id: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
          imageRef: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
          group_id: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
          backup_id: OPT_UUID,
        },
        additionalProperties: !strict,
      },
      'OS-SCH-HNT:scheduler_hints': { type: ['object', 'null'] },
    },
    required: ['volume'],
    additionalProperties: false,
  };
}
const CREATE = createSchema(false);
const CREATE_353 = createSchema(true);

const UPDATE = {
  type: 'object',
  properties: {
    volume: {
      type: 'object',
      properties: { name: NAME, description: NAME, display_name: NAME, display_description: NAME, metadata: METADATA },
      additionalProperties: false,
    },
  },
  required: ['volume'],
  additionalProperties: false,
};

interface CreateBody {
  name?: string | null;
  description?: string | null;
  display_name?: string | null;
  display_description?: string | null;
  volume_type?: string | null;
  metadata?: Record<string, string> | null;
  snapshot_id?: string | null;
  source_volid?: string | null;
  consistencygroup_id?: string | null;
  group_id?: string | null;
  backup_id?: string | null;
  size?: number | string | null;
  availability_zone?: string | null;
  multiattach?: unknown;
  image_id?: string | null;
  imageRef?: string | null;
}

/** Glance's own fields, not copied into volume_image_metadata as properties. */
const IMAGE_CORE = new Set(['id', 'name', 'status', 'visibility', 'protected', 'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size', 'owner',
  'created_at', 'updated_at', 'file', 'schema', 'self', 'tags', 'locations', 'direct_url', 'min_disk', 'min_ram', 'container_format', 'disk_format',
  'stores', 'os_hidden', 'os_glance_importing_to_stores', 'os_glance_failed_import']);

interface ImageInfo { id: string; meta: Record<string, string>; size: number | null; minDisk: number; status: string }

/** The image by id with the caller's token, as Cinder's glance client reads it. */
async function lookupImage(api: BlockStorageApi, auth: AuthContext, ref: string): Promise<ImageInfo> {
  const id = ref.split('/').pop() ?? '';
  if (!id || !/^[0-9a-zA-Z-]{1,64}$/.test(id)) throw badRequest('Invalid image identifier or unable to access requested image.');
  const r = await api.peers.call<Record<string, unknown>>('image', 'GET', `/v2/images/${encodeURIComponent(id)}`, { token: auth.token });
  if (r.status !== 200 || typeof r.body !== 'object' || r.body === null) throw badRequest('Invalid image identifier or unable to access requested image.');
  const img = r.body;
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(img)) {
    if (IMAGE_CORE.has(k) || k.startsWith('owner_specified.')) continue;
    if (typeof v === 'string') meta[k] = v;
  }
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const recorded: Record<string, string> = {
    ...meta,
    image_id: String(img.id),
    image_name: s(img.name),
    checksum: s(img.checksum),
    container_format: s(img.container_format),
    disk_format: s(img.disk_format),
    min_disk: s(img.min_disk ?? 0),
    min_ram: s(img.min_ram ?? 0),
    size: s(img.size),
  };
  return { id: String(img.id), meta: recorded, size: typeof img.size === 'number' ? img.size : null, minDisk: typeof img.min_disk === 'number' ? img.min_disk : 0, status: String(img.status) };
}

const invalidInput = (reason: string) => badRequest(`Invalid input received: ${reason}`);

async function create(api: BlockStorageApi, req: ApiRequest): Promise<ApiReply> {
  const mv = req.microversion!;
  validateBody(mv.atLeast('3.53') ? CREATE_353 : CREATE, req.body);
  checkTextLengths((req.body as { volume?: Record<string, unknown> }).volume);
  const b = (req.body as { volume: CreateBody }).volume;
  const auth = req.auth!;
  const db = api.store.db;
  if (b.multiattach !== undefined && b.multiattach !== null && truthy(b.multiattach)) {
    throw badRequest('multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.');
  }
  const name = trimmed(b.name !== undefined ? b.name : b.display_name);
  const description = trimmed(b.description !== undefined ? b.description : b.display_description);
  let type: TypeRow | undefined = b.volume_type ? typeByNameOrId(db, auth, b.volume_type) : undefined;
  const snapshot = b.snapshot_id ? findSnapshot(db, auth, b.snapshot_id) : undefined;
  const source = b.source_volid ? findVolume(db, auth, b.source_volid) : undefined;
  if (b.consistencygroup_id || b.group_id) throw notFoundGroup(b.consistencygroup_id ?? b.group_id!);
  if (b.backup_id) throw new ApiError(404, `Backup ${b.backup_id} could not be found.`);
  const imageRef = b.imageRef ?? b.image_id;
  const image = imageRef ? await lookupImage(api, auth, imageRef) : undefined;

  let size = b.size === undefined || b.size === null ? undefined : Number(b.size);
  if (size === undefined) size = snapshot?.size ?? source?.size;
  if (size === undefined) throw cannotComply();
  if (snapshot) {
    if (snapshot.status !== 'available') throw badRequest("Invalid snapshot: Originating snapshot status must be one of 'available' values");
    if (size < snapshot.size) throw invalidInput(`Volume size '${size}'GB cannot be smaller than the snapshot size ${snapshot.size}GB. They must be >= original snapshot size.`);
  }
  if (source) {
    if (!['available', 'in-use'].includes(source.status)) throw badRequest("Invalid volume: Originating source volume status must be one of 'available, in-use' values");
    if (size < source.size) throw invalidInput(`Volume size '${size}'GB cannot be smaller than original volume size  ${source.size}GB. They must be >= original volume size.`);
  }
  if (image) {
    if (image.status !== 'active') throw invalidInput(`Image ${image.id} is not active.`);
    const imageGb = Math.ceil((image.size ?? 0) / GB);
    if (imageGb > size) throw invalidInput(`Size of specified image ${imageGb}GB is larger than volume size ${size}GB.`);
    if (size < image.minDisk) throw invalidInput(`Volume size ${size}GB cannot be smaller than the image minDisk size ${image.minDisk}GB.`);
  }
  const origin = snapshot ? snapshotVolume(api, snapshot) : source;
  if (!type && origin) type = typeById(db, origin.volume_type_id);
  if (!type && snapshot?.volume_type_id) type = typeById(db, snapshot.volume_type_id);
  if (!type) type = defaultType(db, api.topology);
  let zone = b.availability_zone ?? undefined;
  if (zone !== undefined && !api.topology.zones.includes(zone)) throw badRequest(`Availability zone '${zone}' is invalid.`);
  if (origin) {
    if (zone !== undefined && zone !== origin.availability_zone) {
      throw invalidInput(`Volume must be in the same availability zone as the ${snapshot ? 'snapshot' : 'source volume'}`);
    }
    zone = origin.availability_zone;
  }
  zone ??= api.topology.zones[0];
  const chosenType = type;
  const chosenZone = zone;
  const volumeSize = size;

  const row = api.store.tx(() => {
    // Sources may have changed while the image was read.
    if (snapshot) findSnapshot(db, auth, snapshot.id);
    if (source) findVolume(db, auth, source.id);
    api.quotas.check(auth.projectId!, { volumes: 1, gigabytes: volumeSize }, chosenType.name);
    const specs = extraSpecs(db, chosenType.id);
    const host = api.scheduler.pick(volumeSize, chosenZone, specs) ?? null;
    const id = newId();
    const now = api.now();
    db.prepare(`INSERT INTO volumes (id, project_id, user_id, name, description, size, status, availability_zone, volume_type_id, host,
      snapshot_id, source_volid, image_id, bootable, multiattach, created_at) VALUES (?, ?, ?, ?, ?, ?, 'creating', ?, ?, ?, ?, ?, ?, 0, ?, ?)`).run(
      id, auth.projectId, auth.userId, name, description, volumeSize, chosenZone, chosenType.id, host,
      snapshot?.id ?? null, source?.id ?? null, image?.id ?? null, isMultiattach(specs) ? 1 : 0, now);
    if (b.metadata) writeKv(db, 'volume_metadata', id, b.metadata, false);
    api.queue.enqueue(JOBS.create, id, image ? { image: image.meta } : {});
    return db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow;
  });
  return json(202, { volume: volumeDetail(db, req, row, false) });
}

const trimmed = (v: string | null | undefined): string | null => (typeof v === 'string' ? v.trim() : null);
const notFoundGroup = (id: string) => new ApiError(404, `Group ${id} could not be found.`);

function snapshotVolume(api: BlockStorageApi, s: SnapshotRow): VolumeRow | undefined {
  return api.store.db.prepare('SELECT * FROM volumes WHERE id = ?').get(s.volume_id) as VolumeRow | undefined;
}

// ---------------------------------------------------------------------------------------------
// Lists

const SORT_KEYS = ['id', 'name', 'display_name', 'description', 'display_description', 'size', 'status', 'created_at', 'updated_at', 'availability_zone',
  'bootable', 'project_id', 'user_id', 'volume_type_id', 'host', 'attach_status', 'migration_status', 'multiattach', 'launched_at', 'terminated_at', 'snapshot_id', 'source_volid'];
const COLUMN: Record<string, string> = { display_name: 'name', display_description: 'description' };

/**
 * The volumes the caller may list, with the given columns: an admin's `all_tenants` or
 * `project_id` reaches other projects, everyone else sees their own.
 */
function visibleRows(api: BlockStorageApi, req: ApiRequest, p: ListParams, columns: string): Record<string, unknown>[] {
  const auth = req.auth!;
  const projectFilter = isAdmin(auth) ? p.filters.project_id : undefined;
  if (isAdmin(auth) && p.allTenants && !projectFilter) return api.store.db.prepare(`SELECT ${columns} FROM volumes`).all() as Record<string, unknown>[];
  return api.store.db.prepare(`SELECT ${columns} FROM volumes WHERE project_id = ?`).all(projectFilter ?? auth.projectId) as Record<string, unknown>[];
}

function visibleVolumes(api: BlockStorageApi, req: ApiRequest, p: ListParams): VolumeRow[] {
  return (visibleRows(api, req, p, '*') as unknown as VolumeRow[]).filter((v) => matches(api, v, p.filters));
}

function matches(api: BlockStorageApi, v: VolumeRow, filters: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(filters)) {
    const like = key.endsWith('~');
    const k = like ? key.slice(0, -1) : key;
    switch (k) {
      case 'project_id':
        break;
      case 'name':
      case 'display_name':
        if (like ? !(v.name ?? '').includes(value) : v.name !== value) return false;
        break;
      case 'description':
      case 'display_description':
        if (like ? !(v.description ?? '').includes(value) : v.description !== value) return false;
        break;
      case 'status':
      case 'availability_zone':
      case 'migration_status':
      case 'host':
      case 'user_id':
      case 'id':
        if (like ? !String(v[k] ?? '').includes(value) : String(v[k] ?? '') !== value) return false;
        break;
      case 'size':
        if (String(v.size) !== value) return false;
        break;
      case 'bootable': {
        const want = /^(1|t|true|on|y|yes)$/i.test(value);
        if (!!v.bootable !== want) return false;
        break;
      }
      case 'consumes_quota':
      case 'use_quota': {
        const want = /^(1|t|true|on|y|yes)$/i.test(value);
        if (!!v.consumes_quota !== want) return false;
        break;
      }
      case 'group_id':
        return false;
      case 'volume_type':
      case 'volume_type_id': {
        const t = typeById(api.store.db, v.volume_type_id);
        if (value !== v.volume_type_id && value !== t?.name) return false;
        break;
      }
      case 'metadata': {
        const want = metadataFilter(value);
        const have = readKv(api.store.db, 'volume_metadata', v.id);
        for (const [mk, mv] of Object.entries(want)) if (have[mk] !== mv) return false;
        break;
      }
      case 'created_at':
      case 'updated_at':
        if (!timeMatches(v[k], value)) return false;
        break;
      default:
        // An admin's filter on something volumes do not have matches nothing (Cinder's
        // is_valid_model_filters).
        return false;
    }
  }
  return true;
}

/**
 * The visible volumes' ids and sort columns only, when no filter needs the whole row: reading
 * every column of thousands of rows was most of a list's time. Undefined when filters apply.
 */
function visibleKeys(api: BlockStorageApi, req: ApiRequest, p: ListParams): Record<string, unknown>[] | undefined {
  if (Object.keys(p.filters).some((k) => k !== 'project_id')) return undefined;
  const cols = [...new Set(['id', ...p.sort.map((s) => COLUMN[s.key] ?? s.key)])];
  if (!cols.every((c) => SORT_COLUMNS.has(c))) return undefined;
  return visibleRows(api, req, p, cols.join(', '));
}

const SORT_COLUMNS = new Set(SORT_KEYS.map((k) => COLUMN[k] ?? k));

function list(api: BlockStorageApi, req: ApiRequest, detail: boolean): ApiReply {
  const p = listParams(req, 'volume', SORT_KEYS);
  const db = api.store.db;
  const keys = visibleKeys(api, req, p);
  const all = sortRows((keys ?? visibleVolumes(api, req, p)) as unknown as Record<string, unknown>[], p.sort, (k) => COLUMN[k] ?? k) as unknown as VolumeRow[];
  let rows = page(all, p, volumeNotFound);
  if (keys) {
    // Whole rows for the page only, in the page's order.
    const full = new Map((db.prepare(`SELECT * FROM volumes WHERE id IN (${rows.map(() => '?').join(', ')})`).all(...rows.map((r) => r.id)) as VolumeRow[]).map((r) => [r.id, r]));
    rows = rows.map((r) => full.get(r.id)!).filter(Boolean);
  }
  const out: Record<string, unknown> = { volumes: rows.map((v) => (detail ? volumeDetail(db, req, v) : volumeSummary(req, v))) };
  const next = nextLink(req, detail ? '/volumes/detail' : '/volumes', rows.length, p.limit, rows[rows.length - 1]?.id);
  if (next) out.volumes_links = next;
  if (p.withCount) out.count = all.length;
  return json(200, out);
}

function summary(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const mv = req.microversion!;
  if (!mv.atLeast('3.12')) throw routeNotFound();
  const auth = req.auth!;
  const admin = isAdmin(auth);
  const allTenants = admin && req.query.all_tenants !== undefined;
  const db = api.store.db;
  const rows = (allTenants ? db.prepare('SELECT id, size FROM volumes').all() : db.prepare('SELECT id, size FROM volumes WHERE project_id = ?').all(auth.projectId)) as { id: string; size: number }[];
  const out: Record<string, unknown> = { total_count: rows.length, total_size: rows.reduce((s, r) => s + r.size, 0) };
  if (mv.atLeast('3.36')) {
    const meta: Record<string, string[]> = {};
    for (const r of rows) {
      for (const [k, v] of Object.entries(readKv(db, 'volume_metadata', r.id))) {
        meta[k] ??= [];
        if (!meta[k].includes(v)) meta[k].push(v);
      }
    }
    out.metadata = meta;
  }
  return json(200, { 'volume-summary': out });
}

function show(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const v = findVolume(api.store.db, req.auth, req.params.volume_id);
  return json(200, { volume: volumeDetail(api.store.db, req, v) });
}

function update(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(UPDATE, req.body);
  checkTextLengths((req.body as { volume?: Record<string, unknown> }).volume);
  const b = (req.body as { volume: { name?: string | null; description?: string | null; display_name?: string | null; display_description?: string | null; metadata?: Record<string, string> } }).volume;
  if (req.microversion!.atLeast('3.53') && Object.keys(b).length === 0) {
    throw badRequest(`Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas`);
  }
  const db = api.store.db;
  const row = api.store.tx(() => {
    const v = findVolume(db, req.auth, req.params.volume_id);
    if (v.status === 'maintenance') throw badRequest(`Invalid volume: The volume cannot be updated during maintenance.`);
    const name = b.name !== undefined ? b.name : b.display_name;
    const description = b.description !== undefined ? b.description : b.display_description;
    db.prepare('UPDATE volumes SET name = ?, description = ?, updated_at = ? WHERE id = ?').run(
      name !== undefined ? trimmed(name) : v.name, description !== undefined ? trimmed(description) : v.description, api.now(), v.id);
    if (b.metadata !== undefined) writeKv(db, 'volume_metadata', v.id, b.metadata, true);
    return db.prepare('SELECT * FROM volumes WHERE id = ?').get(v.id) as VolumeRow;
  });
  return json(200, { volume: volumeDetail(db, req, row, false) });
}

const DELETABLE = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];
export const CANNOT_DELETE = 'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.';

function remove(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const cascadeRaw = req.query.cascade;
  const cascade = cascadeRaw !== undefined && /^(1|t|true|on|y|yes)$/i.test(Array.isArray(cascadeRaw) ? cascadeRaw[cascadeRaw.length - 1] : cascadeRaw);
  const db = api.store.db;
  api.store.tx(() => {
    const v = findVolume(db, req.auth, req.params.volume_id);
    const snaps = db.prepare('SELECT id, status FROM snapshots WHERE volume_id = ?').all(v.id) as { id: string; status: string }[];
    const attached = !!db.prepare("SELECT 1 FROM volume_attachment WHERE volume_id = ? AND attach_status != 'detached'").get(v.id);
    const migrating = v.migration_status !== null && !['success', 'error', 'none'].includes(v.migration_status);
    const snapsBlock = cascade ? snaps.some((s) => !['available', 'error'].includes(s.status)) : snaps.length > 0;
    if (!DELETABLE.includes(v.status) || v.attach_status === 'attached' || attached || migrating || snapsBlock) throw badRequest(CANNOT_DELETE);
    if (!v.host && snaps.length === 0) {
      // Never scheduled: the API destroys the row itself (volume/api.py delete, "if not volume.host").
      db.prepare('DELETE FROM volumes WHERE id = ?').run(v.id);
      return;
    }
    markDeleting(api, v.id, snaps.map((s) => s.id));
  });
  return empty(202, 'webob');
}

/** Puts the volume (and its snapshots, on a cascade) in `deleting` and queues the deletion. */
export function markDeleting(api: BlockStorageApi, volumeId: string, snapshotIds: string[]): void {
  const now = api.now();
  for (const s of snapshotIds) api.store.db.prepare("UPDATE snapshots SET status = 'deleting', updated_at = ? WHERE id = ?").run(now, s);
  api.store.db.prepare("UPDATE volumes SET status = 'deleting', updated_at = ?, terminated_at = ? WHERE id = ?").run(now, now, volumeId);
  api.queue.enqueue(JOBS.delete, volumeId);
}

export function volumeRoutes(api: BlockStorageApi): Route[] {
  return [
    { method: 'POST', path: '/volumes', handler: (req) => create(api, req) },
    { method: 'GET', path: '/volumes', handler: (req) => list(api, req, false) },
    { method: 'GET', path: '/volumes/detail', handler: (req) => list(api, req, true) },
    { method: 'GET', path: '/volumes/summary', handler: (req) => summary(api, req) },
    { method: 'GET', path: '/volumes/:volume_id', handler: (req) => show(api, req) },
    { method: 'PUT', path: '/volumes/:volume_id', handler: (req) => update(api, req) },
    { method: 'DELETE', path: '/volumes/:volume_id', handler: (req) => remove(api, req) },
  ];
}
