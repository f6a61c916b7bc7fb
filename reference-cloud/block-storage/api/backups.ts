/**
 * The backups API (cinder/api/contrib/backups.py, cinder/api/v3/backups.py, cinder/backup/api.py):
 * create (202, the volume `backing-up` until the backup service is done, quotas backups and
 * backup_gigabytes), list, detail, show, update (3.9), restore (to a new volume made through
 * this API, or an existing available one), delete, and the admin actions os-reset_status and
 * os-force_delete. The work is backup-manager.ts's.
 */
import { uuid as newUuid } from '../../core/ids';
import type { ApiRequest, Route } from '../../core/service';
import { checkUuid, isAdminAuth, visibleVolume } from '../attachment-model';
import { backupDriver, defaultContainer } from '../backup-driver';
import { getBackup, updateBackup, type BackupRow } from '../backup-manager';
import {
  apiRoot, backupNotFound, badRequest, boolParam, cinderTime, empty, json, links, MAX_LIMIT, notFound, overLimit, policyDenied, pyStr, qstr, routeNotFound, validateBody,
} from '../common';
import type { BlockStorageApi } from '../context';

const MV = { update: '3.9', project: '3.18', filters: '3.34', metadata: '3.43', count: '3.45', az: '3.51', userId: '3.56' } as const;

const str255 = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
const BOOLEAN = { type: ['boolean', 'string'], enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'] };
const METADATA = { type: ['object', 'null'], patternProperties: { '^[a-zA-Z0-9-_:. /]{1,255}$': { type: 'string', maxLength: 255 } }, additionalProperties: false };

const schemaCache = new Map<string, object>();
function createSchema(req: ApiRequest): object {
  const mv = req.microversion!;
  const key = mv.atLeast(MV.az) ? 'az' : mv.atLeast(MV.metadata) ? 'md' : 'base';
  let s = schemaCache.get(key);
  if (!s) {
    const props: Record<string, unknown> = {
      volume_id: { type: 'string' }, container: str255, description: str255, incremental: BOOLEAN, force: BOOLEAN, name: str255,
      snapshot_id: { type: ['string', 'null'] },
    };
    if (key !== 'base') props.metadata = METADATA;
    if (key === 'az') props.availability_zone = str255;
    s = { type: 'object', properties: { backup: { type: 'object', properties: props, required: ['volume_id'], additionalProperties: false } }, required: ['backup'], additionalProperties: false };
    schemaCache.set(key, s);
  }
  return s;
}

const RESTORE = {
  type: 'object',
  properties: { restore: { type: ['object', 'null'], properties: { name: str255, volume_id: { type: ['string', 'null'] } }, additionalProperties: false } },
  required: ['restore'],
  additionalProperties: false,
};
const updateSchema = (md: boolean) => ({
  type: 'object',
  properties: {
    backup: {
      type: ['object', 'null'],
      properties: { name: str255, description: str255, ...(md ? { metadata: { ...METADATA, type: 'object' } } : {}) },
      additionalProperties: false,
    },
  },
  required: ['backup'],
  additionalProperties: false,
});
const UPDATE = updateSchema(false);
const UPDATE_343 = updateSchema(true);

const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && boolParam(v) === true);
const invalidBackup = (reason: string) => badRequest(`Invalid backup: ${reason}`);
const invalidVolume = (reason: string) => badRequest(`Invalid volume: ${reason}`);

function backupMetadata(api: BlockStorageApi, id: string): Record<string, string> {
  const rows = api.store.db.prepare('SELECT key, value FROM backup_metadata WHERE backup_id = ? ORDER BY key').all(id) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

function setMetadata(api: BlockStorageApi, id: string, md: Record<string, string>): void {
  api.store.db.prepare('DELETE FROM backup_metadata WHERE backup_id = ?').run(id);
  const put = api.store.db.prepare('INSERT INTO backup_metadata (backup_id, key, value) VALUES (?, ?, ?)');
  for (const [k, v] of Object.entries(md)) put.run(id, k, v);
}

const summaryView = (req: ApiRequest, b: BackupRow) => ({ id: b.id, name: b.name, links: links(req, 'backups', b.id) });

function detailView(api: BlockStorageApi, req: ApiRequest, b: BackupRow): Record<string, unknown> {
  const mv = req.microversion!;
  const hasDependents = !!api.store.db.prepare('SELECT 1 FROM backups WHERE parent_id = ?').get(b.id);
  const v: Record<string, unknown> = {
    id: b.id, status: b.status, size: b.size, object_count: b.object_count, availability_zone: b.availability_zone, container: b.container,
    created_at: cinderTime(b.created_at), updated_at: cinderTime(b.updated_at), name: b.name, description: b.description, fail_reason: b.fail_reason,
    volume_id: b.volume_id, links: links(req, 'backups', b.id), is_incremental: b.is_incremental === 1, has_dependent_backups: hasDependents,
    snapshot_id: b.snapshot_id, data_timestamp: cinderTime(b.data_timestamp),
  };
  if (mv.atLeast(MV.metadata)) v.metadata = backupMetadata(api, b.id);
  if (isAdminAuth(req.auth)) {
    if (mv.atLeast(MV.project)) v['os-backup-project-attr:project_id'] = b.project_id;
    if (mv.atLeast(MV.userId)) v.user_id = b.user_id;
  }
  return v;
}

/** The backup as the caller may see it (its project's; admins any), else Cinder's 404. */
function visibleBackup(api: BlockStorageApi, req: ApiRequest, id: string): BackupRow {
  const b = getBackup(api, id);
  if (!b || (!isAdminAuth(req.auth) && b.project_id !== req.auth?.projectId)) throw backupNotFound(id);
  return b;
}

const FILTERS = ['name', 'status', 'volume_id'];
const SORT: Record<string, string> = { created_at: 'created_at', updated_at: 'updated_at', id: 'id', status: 'status', size: 'size', name: 'name', display_name: 'name', volume_id: 'volume_id' };

function listBackups(api: BlockStorageApi, req: ApiRequest, detail: boolean) {
  const mv = req.microversion!;
  const admin = isAdminAuth(req.auth);
  const where: string[] = [];
  const args: unknown[] = [];
  const allTenants = qstr(req, 'all_tenants');
  if (allTenants !== undefined && boolParam(allTenants) === undefined) throw badRequest(`Invalid value '${allTenants}' for all_tenants`);
  if (!(admin && allTenants !== undefined && boolParam(allTenants))) {
    where.push('project_id = ?');
    args.push(req.auth!.projectId);
  }
  const reserved = ['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir', 'with_count', 'all_tenants'];
  for (const key of Object.keys(req.query)) {
    if (reserved.includes(key) || FILTERS.includes(key)) continue;
    if (mv.atLeast(MV.filters)) throw badRequest(`Invalid filters ${key} are found in query options.`);
  }
  for (const f of FILTERS) {
    const v = qstr(req, f);
    if (v === undefined) continue;
    where.push(`${f} = ?`);
    args.push(v);
  }
  const sorts: [string, string][] = [];
  const sort = qstr(req, 'sort');
  if (sort) for (const p of sort.split(',')) { const [k, d = 'desc'] = p.trim().split(':'); sorts.push([k, d]); }
  else if (qstr(req, 'sort_key')) sorts.push([qstr(req, 'sort_key')!, qstr(req, 'sort_dir') ?? 'desc']);
  if (!sorts.length) sorts.push(['created_at', 'desc']);
  const order = sorts.map(([k, d]) => {
    if (!SORT[k]) throw badRequest('Invalid input received: Invalid sort key');
    if (d !== 'asc' && d !== 'desc') throw badRequest('Invalid input received: Unknown sort direction, must be one of: asc, desc');
    return `${SORT[k]} ${d.toUpperCase()}`;
  });
  const limitRaw = qstr(req, 'limit');
  if (limitRaw !== undefined && !/^-?\d+$/.test(limitRaw)) throw badRequest('limit param must be an integer');
  if (limitRaw !== undefined && Number(limitRaw) < 0) throw badRequest('limit param must be positive');
  const limit = limitRaw === undefined ? MAX_LIMIT : Math.min(Number(limitRaw), MAX_LIMIT);
  const sql = `FROM backups ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  let rows = api.store.db.prepare(`SELECT * ${sql} ORDER BY ${order.join(', ')}, rowid DESC`).all(...args) as BackupRow[];
  const total = rows.length;
  const marker = qstr(req, 'marker');
  if (marker !== undefined) {
    const at = rows.findIndex((r) => r.id === marker);
    if (at < 0) throw notFound(`Marker ${marker} could not be found.`);
    rows = rows.slice(at + 1);
  }
  rows = rows.slice(0, limit);
  const out: Record<string, unknown> = { backups: rows.map((b) => (detail ? detailView(api, req, b) : summaryView(req, b))) };
  if (limitRaw !== undefined && rows.length === limit && rows.length > 0) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (k !== 'marker') for (const x of [v].flat()) params.append(k, x);
    params.append('marker', rows[rows.length - 1].id);
    out.backups_links = [{ rel: 'next', href: `${apiRoot(req)}/backups${detail ? '/detail' : ''}?${params.toString()}` }];
  }
  if (mv.atLeast(MV.count) && qstr(req, 'with_count') !== undefined && boolParam(qstr(req, 'with_count')!)) out.count = total;
  return json(200, out);
}

async function createBackup(api: BlockStorageApi, req: ApiRequest) {
  validateBody(createSchema(req), req.body ?? null);
  const b = (req.body as { backup: Record<string, unknown> }).backup;
  checkUuid('volume_id', b.volume_id);
  if (b.snapshot_id !== undefined && b.snapshot_id !== null) checkUuid('snapshot_id', b.snapshot_id);
  const volume = visibleVolume(api, req, String(b.volume_id));
  const incremental = truthy(b.incremental);
  const force = truthy(b.force);
  const driver = await backupDriver(api);
  const id = newUuid();
  const container = (b.container as string | null | undefined) ?? defaultContainer(driver, id);
  const snapshotId = (b.snapshot_id as string | null | undefined) ?? null;
  const row = api.store.tx(() => {
    const db = api.store.db;
    const v = db.prepare('SELECT * FROM volumes WHERE id = ?').get(volume.id) as typeof volume;
    let dataTimestamp: string | null = null;
    if (snapshotId) {
      const snap = db.prepare('SELECT * FROM snapshots WHERE id = ?').get(snapshotId) as { volume_id: string; status: string; created_at: string; project_id: string } | undefined;
      if (!snap || (!isAdminAuth(req.auth) && snap.project_id !== req.auth!.projectId)) throw notFound(`Snapshot ${snapshotId} could not be found.`);
      if (snap.volume_id !== v.id) throw invalidVolume(`Volume ${v.id} does not match with snapshot.volume_id ${snap.volume_id}.`);
      if (snap.status !== 'available') throw badRequest(`Invalid snapshot: Snapshot to be backed up must be available, but the current status is "${snap.status}".`);
      dataTimestamp = snap.created_at;
    } else if (!['available', 'in-use'].includes(v.status)) {
      throw invalidVolume(`Volume to be backed up must be available or in-use, but the current status is "${v.status}".`);
    } else if (v.status === 'in-use' && !force) {
      throw invalidVolume('Backing up an in-use volume must use the force flag.');
    }
    api.quotas.check(req.auth!.projectId!, { backups: 1, backup_gigabytes: v.size });
    let parentId: string | null = null;
    if (incremental) {
      const latest = db.prepare('SELECT * FROM backups WHERE volume_id = ? AND project_id = ? ORDER BY data_timestamp DESC, created_at DESC LIMIT 1').get(v.id, req.auth!.projectId) as BackupRow | undefined;
      if (!latest) throw invalidBackup('No backups available to do an incremental backup.');
      if (latest.status !== 'available') throw invalidBackup('The parent backup must be available for incremental backup.');
      parentId = latest.id;
    }
    const now = api.now();
    const zone = (b.availability_zone as string | null | undefined) ?? v.availability_zone;
    db.prepare(
      `INSERT INTO backups (id, project_id, user_id, volume_id, snapshot_id, parent_id, name, description, size, status, availability_zone, container, object_count, driver, is_incremental, data_timestamp, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'creating', ?, ?, 0, ?, ?, ?, ?)`,
    ).run(id, req.auth!.projectId, req.auth!.userId, v.id, snapshotId, parentId, (b.name as string | null | undefined) ?? null, (b.description as string | null | undefined) ?? null,
      v.size, zone, container, driver, parentId ? 1 : 0, dataTimestamp ?? now, now);
    if (b.metadata) setMetadata(api, id, b.metadata as Record<string, string>);
    if (snapshotId) db.prepare("UPDATE snapshots SET status = 'backing-up', updated_at = ? WHERE id = ?").run(now, snapshotId);
    else db.prepare("UPDATE volumes SET status = 'backing-up', updated_at = ? WHERE id = ?").run(now, v.id);
    api.queue.enqueue('backup-create', id, { token: req.auth!.token, previous_status: v.status });
    return getBackup(api, id)!;
  });
  return json(202, { backup: summaryView(req, row) });
}

/** Polls a volume made for a restore until it leaves `creating` (bounded). */
async function awaitVolume(api: BlockStorageApi, req: ApiRequest, id: string): Promise<{ status: string; name: string | null; size: number }> {
  for (let i = 0; i < 600; i++) {
    const r = await api.peers.call<{ volume?: { status: string; name: string | null; size: number } }>('volume', 'GET', `/volumes/${id}`, { token: req.auth!.token });
    if (r.status !== 200 || !r.body.volume) throw notFound(`Volume ${id} could not be found.`);
    if (r.body.volume.status !== 'creating') return r.body.volume;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw invalidVolume(`Error while creating volume ${id} for restoring backup.`);
}

async function restoreBackup(api: BlockStorageApi, req: ApiRequest) {
  validateBody(RESTORE, req.body ?? null);
  const r = ((req.body as { restore: Record<string, unknown> | null }).restore ?? {}) as { volume_id?: string | null; name?: string | null };
  if (r.volume_id) checkUuid('volume_id', r.volume_id);
  const backup = visibleBackup(api, req, req.params.backup_id);
  if (backup.status !== 'available') throw invalidBackup('Backup status must be available');
  let volumeId = r.volume_id ?? null;
  if (!volumeId) {
    const name = r.name ?? `restore_backup_${backup.id}`;
    const made = await api.peers.call<{ volume?: { id: string }; overLimit?: { message: string } }>('volume', 'POST', '/volumes', {
      token: req.auth!.token, body: { volume: { size: backup.size, name, description: 'auto-created_from_restore_from_backup' } },
    });
    if (made.status === 413) throw overLimit(made.body.overLimit?.message ?? 'Quota exceeded');
    if (made.status !== 202 || !made.body.volume) throw invalidVolume(`Error while creating volume for restoring backup ${backup.id}.`);
    volumeId = made.body.volume.id;
    const v = await awaitVolume(api, req, volumeId);
    if (v.status === 'error') throw invalidVolume(`Error while creating volume ${volumeId} for restoring backup ${backup.id}.`);
  }
  const target = visibleVolume(api, req, volumeId);
  const answer = api.store.tx(() => {
    const b = getBackup(api, backup.id);
    if (!b || b.status !== 'available') throw invalidBackup('Backup status must be available');
    const v = api.store.db.prepare('SELECT * FROM volumes WHERE id = ?').get(target.id) as typeof target;
    if (v.status !== 'available') throw invalidVolume('Volume to be restored to must be available');
    if (b.size > v.size) throw invalidVolume(`volume size ${v.size} is too small to restore backup of size ${b.size}.`);
    updateBackup(api, b.id, { status: 'restoring' });
    api.store.db.prepare("UPDATE volumes SET status = 'restoring-backup', updated_at = ? WHERE id = ?").run(api.now(), v.id);
    api.queue.enqueue('backup-restore', b.id, { token: req.auth!.token, volume_id: v.id });
    return { backup_id: b.id, volume_id: v.id, volume_name: v.name };
  });
  return json(202, { restore: answer });
}

function startDelete(api: BlockStorageApi, req: ApiRequest, force: boolean) {
  const b = visibleBackup(api, req, req.params.backup_id);
  api.store.tx(() => {
    const fresh = getBackup(api, b.id)!;
    if (!force && !['available', 'error'].includes(fresh.status)) throw invalidBackup('Backup status must be available or error');
    if (api.store.db.prepare('SELECT 1 FROM backups WHERE parent_id = ?').get(b.id)) throw invalidBackup('Incremental backups exist for this backup.');
    if (force) api.queue.cancel('backup-create', b.id);
    updateBackup(api, b.id, { status: 'deleting' });
    api.queue.enqueue('backup-delete', b.id, { token: req.auth!.token });
  });
  return empty(202);
}

const RESET_STATUSES = ['available', 'error'];

function backupAction(api: BlockStorageApi, req: ApiRequest) {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) throw badRequest('Malformed request body');
  const [name] = Object.keys(body);
  const arg = (body as Record<string, unknown>)[name];
  if (name === 'os-reset_status') {
    if (!isAdminAuth(req.auth)) throw policyDenied('volume_extension:backup_admin_actions:reset_status');
    validateBody({
      type: 'object',
      properties: { 'os-reset_status': { type: 'object', properties: { status: { type: 'string', enum: RESET_STATUSES } }, required: ['status'], additionalProperties: false } },
      required: ['os-reset_status'], additionalProperties: false,
    }, body);
    const b = visibleBackup(api, req, req.params.backup_id);
    updateBackup(api, b.id, { status: (arg as { status: string }).status });
    return empty(202);
  }
  if (name === 'os-force_delete') {
    if (!isAdminAuth(req.auth)) throw policyDenied('volume_extension:backup_admin_actions:force_delete');
    return startDelete(api, req, true);
  }
  throw badRequest(`There is no such action: ${pyStr(name)}. Verify the request body and Content-Type header and try again.`);
}

function updateBackupRoute(api: BlockStorageApi, req: ApiRequest) {
  const mv = req.microversion!;
  if (!mv.atLeast(MV.update)) throw routeNotFound();
  validateBody(mv.atLeast(MV.metadata) ? UPDATE_343 : UPDATE, req.body ?? null);
  const u = ((req.body as { backup: Record<string, unknown> | null }).backup ?? {}) as { name?: string | null; description?: string | null; metadata?: Record<string, string> };
  const b = visibleBackup(api, req, req.params.backup_id);
  api.store.tx(() => {
    const changes: Partial<BackupRow> = {};
    if ('name' in u) changes.name = u.name ?? null;
    if ('description' in u) changes.description = u.description ?? null;
    updateBackup(api, b.id, changes);
    if (u.metadata) setMetadata(api, b.id, u.metadata);
  });
  return json(200, { backup: summaryView(req, getBackup(api, b.id)!) });
}

export function backupRoutes(api: BlockStorageApi): Route[] {
  return [
    { method: 'GET', path: '/backups', handler: (req) => listBackups(api, req, false) },
    { method: 'GET', path: '/backups/detail', handler: (req) => listBackups(api, req, true) },
    { method: 'GET', path: '/backups/:backup_id', handler: (req) => json(200, { backup: detailView(api, req, visibleBackup(api, req, req.params.backup_id)) }) },
    { method: 'POST', path: '/backups', handler: (req) => createBackup(api, req) },
    { method: 'PUT', path: '/backups/:backup_id', handler: (req) => updateBackupRoute(api, req) },
    { method: 'DELETE', path: '/backups/:backup_id', handler: (req) => startDelete(api, req, false) },
    { method: 'POST', path: '/backups/:backup_id/restore', handler: (req) => restoreBackup(api, req) },
    { method: 'POST', path: '/backups/:backup_id/action', handler: (req) => backupAction(api, req) },
  ];
}
