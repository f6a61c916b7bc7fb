/**
 * Snapshots (cinder/api/v3/snapshots.py, cinder/volume/api.py): create (force for in-use
 * volumes) with the snapshot quotas, list/detail with filters and paging, show, update, delete.
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { badRequest, empty, json, nextLink, snapshotNotFound, validateBody } from '../common';
import type { BlockStorageApi } from '../context';
import { listParams, metadataFilter, page, sortRows, timeMatches } from '../models/listing';
import { typeById } from '../models/types';
import { findSnapshot, findVolume, isAdmin, readKv, writeKv, type SnapshotRow } from '../models/volumes';
import { snapshotView } from '../views/snapshots';
import { JOBS, newId } from '../volume-manager';
import { BOOLEAN, DESCRIPTION, truthy } from './types';
import { METADATA } from './volumes';

const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
const NAME = { type: ['string', 'null'], minLength: 0, maxLength: 255 };

const CREATE = {
  type: 'object',
  properties: {
    snapshot: {
      type: 'object',
      properties: {
        name: NAME,
        display_name: NAME,
        description: DESCRIPTION,
        volume_id: { anyOf: [{ type: 'string', pattern: UUID }, { type: 'null' }] },
        force: BOOLEAN,
        metadata: { ...METADATA, type: ['object', 'null'] },
      },
      required: ['volume_id'],
      additionalProperties: false,
    },
  },
  required: ['snapshot'],
  additionalProperties: false,
};

const UPDATE = {
  type: 'object',
  properties: {
    snapshot: {
      type: 'object',
      properties: { name: NAME, description: DESCRIPTION, display_name: NAME, display_description: DESCRIPTION },
      additionalProperties: false,
    },
  },
  required: ['snapshot'],
  additionalProperties: false,
};

const SNAPSHOT_IN_USE_FLAG_MSG = "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

interface CreateBody { name?: string | null; display_name?: string | null; description?: string | null; volume_id: string | null; force?: unknown; metadata?: Record<string, string> | null }

function create(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(CREATE, req.body);
  const b = (req.body as { snapshot: CreateBody }).snapshot;
  const auth = req.auth!;
  const db = api.store.db;
  const force = b.force !== undefined && b.force !== null && truthy(b.force);
  // From 3.66 an in-use volume needs no force; an explicit false is refused (cinder/api/v3/snapshots.py).
  const inUseAllowed = req.microversion!.atLeast('3.66');
  const row = api.store.tx(() => {
    const v = findVolume(db, auth, b.volume_id ?? 'None');
    if (inUseAllowed && b.force !== undefined && b.force !== null && !force) throw badRequest(SNAPSHOT_IN_USE_FLAG_MSG);
    const valid = force || inUseAllowed ? ['available', 'in-use'] : ['available'];
    if (!valid.includes(v.status)) {
      throw badRequest(`Invalid volume: Volume ${v.id} status must be ${valid.join(', ')}, but current status is: ${v.status}.`);
    }
    if (v.migration_status && !['success', 'error', 'none'].includes(v.migration_status)) throw badRequest('Invalid volume: Snapshot of volume not supported in state: migrating.');
    const type = typeById(db, v.volume_type_id);
    api.quotas.check(v.project_id, { snapshots: 1, gigabytes: v.size }, type?.name);
    const id = newId();
    db.prepare(`INSERT INTO snapshots (id, volume_id, project_id, user_id, name, description, size, status, progress, volume_type_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'creating', '0%', ?, ?)`).run(id, v.id, v.project_id, auth.userId, b.name ?? b.display_name ?? null, b.description ?? null, v.size, v.volume_type_id, api.now());
    if (b.metadata) writeKv(db, 'snapshot_metadata', id, b.metadata, false);
    api.queue.enqueue(JOBS.snapshotCreate, id);
    return db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow;
  });
  return json(202, { snapshot: snapshotView(db, req, row, 'detail') });
}

const SORT_KEYS = ['id', 'name', 'display_name', 'description', 'display_description', 'size', 'status', 'created_at', 'updated_at', 'volume_id', 'project_id', 'user_id', 'progress'];

function list(api: BlockStorageApi, req: ApiRequest, detail: boolean): ApiReply {
  const p = listParams(req, 'snapshot', SORT_KEYS);
  const db = api.store.db;
  const auth = req.auth!;
  const projectFilter = isAdmin(auth) ? p.filters.project_id : undefined;
  let rows = (isAdmin(auth) && (p.allTenants || projectFilter)
    ? db.prepare('SELECT * FROM snapshots').all()
    : db.prepare('SELECT * FROM snapshots WHERE project_id = ?').all(auth.projectId)) as SnapshotRow[];
  if (projectFilter) rows = rows.filter((s) => s.project_id === projectFilter);
  rows = rows.filter((s) => matches(api, s, p.filters));
  const sorted = sortRows(rows as unknown as Record<string, unknown>[], p.sort, (k) => (k === 'display_name' ? 'name' : k === 'display_description' ? 'description' : k)) as unknown as SnapshotRow[];
  const shown = page(sorted, p, snapshotNotFound);
  const out: Record<string, unknown> = { snapshots: shown.map((s) => snapshotView(db, req, s, detail ? 'extended' : 'summary')) };
  const next = nextLink(req, detail ? '/snapshots/detail' : '/snapshots', shown.length, p.limit, shown[shown.length - 1]?.id);
  if (next) out.snapshots_links = next;
  if (p.withCount) out.count = sorted.length;
  return json(200, out);
}

function matches(api: BlockStorageApi, s: SnapshotRow, filters: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(filters)) {
    const like = key.endsWith('~');
    const k = like ? key.slice(0, -1) : key;
    switch (k) {
      case 'project_id':
        break;
      case 'name':
      case 'display_name':
        if (like ? !(s.name ?? '').includes(value) : s.name !== value) return false;
        break;
      case 'status':
      case 'volume_id':
      case 'id':
        if (like ? !String(s[k]).includes(value) : String(s[k]) !== value) return false;
        break;
      case 'availability_zone': {
        const v = api.store.db.prepare('SELECT availability_zone FROM volumes WHERE id = ?').get(s.volume_id) as { availability_zone: string } | undefined;
        if (v?.availability_zone !== value) return false;
        break;
      }
      case 'consumes_quota':
      case 'use_quota':
        if (!!s.consumes_quota !== /^(1|t|true|on|y|yes)$/i.test(value)) return false;
        break;
      case 'metadata': {
        const have = readKv(api.store.db, 'snapshot_metadata', s.id);
        for (const [mk, mv] of Object.entries(metadataFilter(value))) if (have[mk] !== mv) return false;
        break;
      }
      case 'created_at':
      case 'updated_at':
        if (!timeMatches(s[k], value)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function show(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const s = findSnapshot(api.store.db, req.auth, req.params.snapshot_id);
  return json(200, { snapshot: snapshotView(api.store.db, req, s, 'extended') });
}

function update(api: BlockStorageApi, req: ApiRequest): ApiReply {
  validateBody(UPDATE, req.body);
  const b = (req.body as { snapshot: { name?: string | null; description?: string | null; display_name?: string | null; display_description?: string | null } }).snapshot;
  // The schema's anyOf of the four names.
  if (Object.keys(b).length === 0) throw badRequest('Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas');
  const db = api.store.db;
  const row = api.store.tx(() => {
    const s = findSnapshot(db, req.auth, req.params.snapshot_id);
    const name = b.name !== undefined ? b.name : b.display_name !== undefined ? b.display_name : s.name;
    const description = b.description !== undefined ? b.description : b.display_description !== undefined ? b.display_description : s.description;
    db.prepare('UPDATE snapshots SET name = ?, description = ?, updated_at = ? WHERE id = ?').run(name, description, api.now(), s.id);
    return db.prepare('SELECT * FROM snapshots WHERE id = ?').get(s.id) as SnapshotRow;
  });
  return json(200, { snapshot: snapshotView(db, req, row, 'detail') });
}

function remove(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const db = api.store.db;
  api.store.tx(() => {
    const s = findSnapshot(db, req.auth, req.params.snapshot_id);
    if (!['available', 'error'].includes(s.status)) throw badRequest('Invalid snapshot: Snapshot status must be available or error and must not be part of a group.');
    db.prepare("UPDATE snapshots SET status = 'deleting', updated_at = ? WHERE id = ?").run(api.now(), s.id);
    api.queue.enqueue(JOBS.snapshotDelete, s.id);
  });
  return empty(202, 'webob');
}

export function snapshotRoutes(api: BlockStorageApi): Route[] {
  return [
    { method: 'POST', path: '/snapshots', handler: (req) => create(api, req) },
    { method: 'GET', path: '/snapshots', handler: (req) => list(api, req, false) },
    { method: 'GET', path: '/snapshots/detail', handler: (req) => list(api, req, true) },
    { method: 'GET', path: '/snapshots/:snapshot_id', handler: (req) => show(api, req) },
    { method: 'PUT', path: '/snapshots/:snapshot_id', handler: (req) => update(api, req) },
    { method: 'DELETE', path: '/snapshots/:snapshot_id', handler: (req) => remove(api, req) },
  ];
}
