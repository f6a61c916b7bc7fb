/**
 * Volume attachments as Cinder's volume API, volume manager and database keep them (cinder/volume/
 * api.py attachment_*, reserve_volume..., volume/manager.py attachment_update, db volume_attached /
 * volume_detached). Every change of a volume's status through attaching and detaching happens
 * here, each in one store transaction: a check and its write cannot interleave with another's.
 *
 * The attachment's life: reserved (attachment create: volume `reserved`) → attaching (update with
 * a connector: connection_info, mode, attach time; volume `attaching`) → attached (complete:
 * volume `in-use`/`attached`) → gone (delete: the volume's status follows what is left, Cinder's
 * _get_statuses_from_attachments: attached > attaching > detaching > reserved, else available).
 */
import { uuid as newUuid } from '../core/ids';
import type { AuthContext } from '../core/auth-context';
import type { ApiRequest } from '../core/service';
import type { Db } from '../core/store';
import { ApiError } from '../core/errors';
import { badRequest, conflict, notFound, volumeNotFound } from './common';
import type { BlockStorageApi, VolumeRow } from './context';

export interface AttachmentRow {
  id: string;
  volume_id: string;
  project_id: string;
  instance_uuid: string | null;
  attached_host: string | null;
  mountpoint: string | null;
  attach_status: string;
  attach_mode: string | null;
  connector: string | null;
  connection_info: string | null;
  service_owned: number;
  attach_time: string | null;
  detach_time: string | null;
  created_at: string;
  updated_at: string | null;
}

/** InvalidVolume's 400: "Invalid volume: <reason>". */
export const invalidVolume = (reason: string): ApiError => badRequest(`Invalid volume: ${reason}`);

export const attachmentNotFound = (id: string): ApiError =>
  notFound(`Volume attachment could not be found with filter: attachment_id = ${id}.`);

/** Cinder's utils.build_or_str: "a or b or c". */
export const orStr = (xs: readonly string[]): string => xs.join(' or ');

const isUuidLike = (s: string): boolean => /^[0-9a-f]{32}$/i.test(s.replace(/^urn:uuid:/i, '').replace(/[{}-]/g, ''));

/** jsonschema's uuid format as Cinder's validator words it. */
export function checkUuid(field: string, value: unknown): void {
  if (typeof value === 'string' && !isUuidLike(value)) {
    throw badRequest(`Invalid input for field/attribute ${field}. Value: ${value}. '${value}' is not a 'uuid'`);
  }
}

export const isAdminAuth = (auth: AuthContext | undefined): boolean => !!auth?.roles.includes('admin');

export function getVolume(db: Db, id: string): VolumeRow | undefined {
  return db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow | undefined;
}

/** The volume as the caller may see it (admins: any project's), else Cinder's 404. */
export function visibleVolume(api: BlockStorageApi, req: ApiRequest, id: string): VolumeRow {
  const v = getVolume(api.store.db, id);
  if (!v || (!isAdminAuth(req.auth) && v.project_id !== req.auth?.projectId)) throw volumeNotFound(id);
  return v;
}

export function getAttachment(db: Db, id: string): AttachmentRow | undefined {
  return db.prepare('SELECT * FROM volume_attachment WHERE id = ?').get(id) as AttachmentRow | undefined;
}

/** The attachment as the caller may see it (its project's; admins any), else Cinder's 404. */
export function visibleAttachment(api: BlockStorageApi, req: ApiRequest, id: string): AttachmentRow {
  const a = getAttachment(api.store.db, id);
  if (!a || (!isAdminAuth(req.auth) && a.project_id !== req.auth?.projectId)) throw attachmentNotFound(id);
  return a;
}

export function volumeAttachments(db: Db, volumeId: string): AttachmentRow[] {
  return db.prepare('SELECT * FROM volume_attachment WHERE volume_id = ? ORDER BY created_at, rowid').all(volumeId) as AttachmentRow[];
}

export function updateVolume(api: BlockStorageApi, id: string, changes: Partial<VolumeRow>): void {
  const keys = Object.keys(changes);
  const sets = [...keys.map((k) => `${k} = ?`), 'updated_at = ?'];
  api.store.db.prepare(`UPDATE volumes SET ${sets.join(', ')} WHERE id = ?`).run(...keys.map((k) => (changes as Record<string, unknown>)[k]), api.now(), id);
}

function updateAttachment(api: BlockStorageApi, id: string, changes: Partial<AttachmentRow>): void {
  const keys = Object.keys(changes);
  const sets = [...keys.map((k) => `${k} = ?`), 'updated_at = ?'];
  api.store.db.prepare(`UPDATE volume_attachment SET ${sets.join(', ')} WHERE id = ?`).run(...keys.map((k) => (changes as Record<string, unknown>)[k]), api.now(), id);
}

function setAdminMetadata(db: Db, volumeId: string, key: string, value: string | null, onlyIfMissing = false): void {
  if (value === null) {
    db.prepare('DELETE FROM volume_admin_metadata WHERE volume_id = ? AND key = ?').run(volumeId, key);
  } else {
    db.prepare(`INSERT INTO volume_admin_metadata (volume_id, key, value) VALUES (?, ?, ?) ON CONFLICT (volume_id, key) DO ${onlyIfMissing ? 'NOTHING' : 'UPDATE SET value = excluded.value'}`)
      .run(volumeId, key, value);
  }
}

function adminMetadata(db: Db, volumeId: string, key: string): string | undefined {
  return (db.prepare('SELECT value FROM volume_admin_metadata WHERE volume_id = ? AND key = ?').get(volumeId, key) as { value: string } | undefined)?.value;
}

// ---------------------------------------------------------------------------------------------
// Service requests (Cinder's is_service_request) and who may delete an attachment

/**
 * Whether the request carries a valid X-Service-Token of a user with one of Cinder's
 * `service_token_roles` (default: `service`), as keystonemiddleware sets service_roles. An
 * invalid service token is a 401, as keystonemiddleware answers.
 */
export async function isServiceRequest(api: BlockStorageApi, req: ApiRequest): Promise<boolean> {
  const raw = req.headers['x-service-token'];
  const token = Array.isArray(raw) ? raw[0] : raw;
  if (!token) return false;
  const ctx = await api.validateToken(token);
  return ctx.roles.includes('service');
}

/**
 * Cinder's attachment_deletion_allowed (the CVE-2023-2088 fix of Zed 21.3.1): a user may not
 * remove an attachment that connects a volume to a server Nova manages: only Nova (a service
 * request) may. Cinder asks Nova whether the server's BDM holds this attachment; here the
 * attachment remembers that it was made by a service (Nova) and is connected (connection_info).
 * `attachment` undefined: the volume's only attachment is checked; with several, none can be
 * chosen and the call is refused (server "").
 */
export function checkDeletionAllowed(db: Db, service: boolean, attachment: AttachmentRow | undefined | 'unknown', volume?: VolumeRow): void {
  if (service) return;
  let a = attachment === 'unknown' ? undefined : attachment;
  if (attachment === undefined && volume) {
    const all = volumeAttachments(db, volume.id);
    if (all.length === 0) return;
    if (all.length === 1) a = all[0];
  }
  if (a) {
    if (volume && volume.id !== a.volume_id) throw badRequest('Invalid input received: Mismatched volume and attachment');
    if (!a.instance_uuid || !connected(a)) return;
    if (!a.service_owned) return; // Nova does not know it: deleted locally
    throw conflictNova(a.instance_uuid);
  }
  throw conflictNova('');
}

const conflictNova = (server: string): ApiError => conflict(`ConflictNovaUsingAttachment: Detach volume from instance ${server} using the Compute API`);

const connected = (a: AttachmentRow): boolean => {
  if (!a.connection_info) return false;
  try {
    const ci = JSON.parse(a.connection_info) as unknown;
    return !!ci && typeof ci === 'object' && Object.keys(ci).length > 0;
  } catch {
    return false;
  }
};

// ---------------------------------------------------------------------------------------------
// The attachment flow

/** _attachment_reserve: a reserved attachment; the volume `reserved` (multiattach: also from in-use). */
export function reserveAttachment(api: BlockStorageApi, volumeId: string, instanceUuid: string | null, opts: { serviceOwned: boolean; mode?: string }): AttachmentRow {
  return api.store.tx(() => {
    const db = api.store.db;
    const v = getVolume(db, volumeId);
    if (!v) throw volumeNotFound(volumeId);
    if (v.status.includes('error')) {
      throw invalidVolume(`Volume attachments can not be created if the volume is in an error state. The Volume ${v.id} currently has a status of: ${v.status} `);
    }
    const statuses = v.multiattach ? ['available', 'in-use', 'downloading'] : ['available', 'downloading'];
    if (statuses.includes(v.status)) {
      updateVolume(api, v.id, { status: 'reserved' });
    } else {
      // The same server again (a move): allowed (LP 1694530).
      const same = instanceUuid && ['in-use', 'reserved'].includes(v.status) && volumeAttachments(db, v.id).some((a) => a.instance_uuid === instanceUuid);
      if (!same) throw invalidVolume(`Volume ${v.id} status must be ${orStr(statuses)} to reserve, but the current status is ${v.status}.`);
    }
    const now = api.now();
    const id = newUuid();
    db.prepare(
      `INSERT INTO volume_attachment (id, volume_id, project_id, instance_uuid, attach_status, attach_mode, connection_info, service_owned, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'reserved', ?, '{}', ?, ?, NULL)`,
    ).run(id, v.id, v.project_id, instanceUuid, adminMetadata(db, v.id, 'readonly') === 'True' ? 'ro' : (opts.mode ?? 'null'), opts.serviceOwned ? 1 : 0, now);
    return getAttachment(db, id)!;
  });
}

/** What the (simulated iSCSI) driver answers for a connection, as the lab's recorded it. */
export function connectionInfo(attachmentId: string, mode: string): Record<string, unknown> {
  return { access_mode: mode, qos_specs: null, encrypted: false, cacheable: false, driver_volume_type: 'iscsi', attachment_id: attachmentId };
}

/**
 * attachment_update: the connector's connection made; the attachment `attaching` with its mode,
 * mount point, host and attach time; the volume `attaching`. Answers the connection_info.
 */
export function connectAttachment(api: BlockStorageApi, attachmentId: string, connector: Record<string, unknown>): Record<string, unknown> {
  return api.store.tx(() => {
    const db = api.store.db;
    const a = getAttachment(db, attachmentId);
    if (!a) throw attachmentNotFound(attachmentId);
    const v = getVolume(db, a.volume_id)!;
    if (v.status.includes('error')) {
      throw invalidVolume(`Volume attachments can not be updated if the volume is in an error state. The Volume ${v.id} currently has a status of: ${v.status} `);
    }
    const others = volumeAttachments(db, v.id);
    if (others.length > 1 && !v.multiattach) {
      const hosts = new Set(others.filter((o) => connected(o)).map((o) => (o.connector ? (JSON.parse(o.connector) as { host?: string }).host : undefined)));
      if (hosts.size > 0) {
        // Cinder answers this with a 500 ("Unable to update attachment.(Invalid volume: ...)"); a
        // client's second connector is the client's error, so it is a 400 here.
        throw new ApiError(400, `Unable to update attachment.(Invalid volume: duplicate connectors detected on volume ${v.id}).`);
      }
    }
    const mode = a.attach_mode && a.attach_mode !== 'null' ? a.attach_mode : typeof connector.mode === 'string' ? connector.mode : 'rw';
    const info = connectionInfo(a.id, mode);
    updateAttachment(api, a.id, {
      attach_status: 'attaching', attach_mode: mode, connector: JSON.stringify({ ...connector, mode }), connection_info: JSON.stringify(info),
      attached_host: typeof connector.host === 'string' ? connector.host : '', mountpoint: typeof connector.mountpoint === 'string' ? connector.mountpoint : 'na',
      attach_time: api.now(),
    });
    updateVolume(api, v.id, { status: 'attaching', attach_status: 'attaching' });
    return info;
  });
}

/** os-complete: the attachment `attached`, the volume `in-use`. */
export function completeAttachment(api: BlockStorageApi, attachmentId: string): void {
  api.store.tx(() => {
    const a = getAttachment(api.store.db, attachmentId);
    if (!a) throw attachmentNotFound(attachmentId);
    updateAttachment(api, a.id, { attach_status: 'attached' });
    updateVolume(api, a.volume_id, { status: 'in-use', attach_status: 'attached' });
  });
}

const ATTACH_STATUS_MAP: Record<string, string> = { attached: 'in-use', detached: 'available' };

/**
 * db.volume_detached (finish_detach): the attachment removed, the volume's status and
 * attach_status from what remains (error_* attachments ignored). A volume being migrated or
 * uploaded keeps its status when nothing is left.
 */
export function finishDetach(api: BlockStorageApi, volumeId: string, attachmentId: string | null): void {
  api.store.tx(() => {
    const db = api.store.db;
    const v = getVolume(db, volumeId);
    if (!v) return;
    if (attachmentId) db.prepare('DELETE FROM volume_attachment WHERE id = ?').run(attachmentId);
    const first = db.prepare(
      "SELECT attach_status FROM volume_attachment WHERE volume_id = ? AND attach_status NOT LIKE 'error_%' ORDER BY attach_status ASC LIMIT 1",
    ).get(volumeId) as { attach_status: string } | undefined;
    const attachStatus = first?.attach_status ?? 'detached';
    const status = ATTACH_STATUS_MAP[attachStatus] ?? attachStatus;
    const changes: Partial<VolumeRow> = { attach_status: attachStatus };
    if (attachStatus !== 'detached' || (!v.migration_status && v.status !== 'uploading') || ['success', 'error'].includes(v.migration_status ?? '')) {
      changes.status = status;
    }
    updateVolume(api, volumeId, changes);
    setAdminMetadata(db, volumeId, 'attached_mode', null);
  });
}

// ---------------------------------------------------------------------------------------------
// The legacy flow (os-reserve, os-attach, os-begin_detaching...)

/** reserve_volume: available (multiattach: or in-use) → attaching. */
export function reserveVolume(api: BlockStorageApi, volumeId: string): void {
  api.store.tx(() => {
    const v = getVolume(api.store.db, volumeId)!;
    const statuses = v.multiattach ? ['available', 'in-use'] : ['available'];
    if (!statuses.includes(v.status)) throw invalidVolume(`Volume status must be ${orStr(statuses)} to reserve, but the status is ${v.status}.`);
    updateVolume(api, v.id, { status: 'attaching' });
  });
}

/** unreserve_volume: attaching → in-use when it has attachments, else available; otherwise nothing. */
export function unreserveVolume(api: BlockStorageApi, volumeId: string): void {
  api.store.tx(() => {
    const v = getVolume(api.store.db, volumeId)!;
    if (v.status !== 'attaching') return;
    updateVolume(api, v.id, { status: volumeAttachments(api.store.db, v.id).length ? 'in-use' : 'available' });
  });
}

/** begin_detaching: in-use and attached (not migrating) → detaching. */
export function beginDetaching(api: BlockStorageApi, volumeId: string): void {
  api.store.tx(() => {
    const v = getVolume(api.store.db, volumeId)!;
    if (v.status !== 'in-use' || v.attach_status !== 'attached' || !['success', 'error', null].includes(v.migration_status)) {
      if (v.migration_status && !['success', 'error'].includes(v.migration_status)) return;
      throw invalidVolume("Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.");
    }
    updateVolume(api, v.id, { status: 'detaching' });
  });
}

/** roll_detaching: detaching → in-use; otherwise nothing. */
export function rollDetaching(api: BlockStorageApi, volumeId: string): void {
  api.store.tx(() => {
    const v = getVolume(api.store.db, volumeId)!;
    if (v.status === 'detaching') updateVolume(api, v.id, { status: 'in-use' });
  });
}

/**
 * The volume manager's attach_volume (os-attach): an existing attachment of the same server (or
 * host) makes the volume in-use; otherwise a new attachment attached at once.
 */
export function attachVolume(api: BlockStorageApi, volumeId: string, a: { instanceUuid: string | null; hostName: string | null; mountpoint: string; mode: string }): void {
  api.store.tx(() => {
    const db = api.store.db;
    const v = getVolume(db, volumeId)!;
    if (v.status === 'maintenance') throw invalidVolume('The volume cannot be attached in maintenance mode.');
    setAdminMetadata(db, v.id, 'readonly', 'False', true);
    const readonly = adminMetadata(db, v.id, 'readonly') === 'True';
    if (readonly && a.mode !== 'ro') throw badRequest(`Invalid attaching mode '${a.mode}' for volume ${v.id}.`);
    const attachedMode = adminMetadata(db, v.id, 'attached_mode');
    if (v.status === 'attaching' && attachedMode && attachedMode !== a.mode) {
      throw badRequest('Error attaching volume - InvalidVolume: Invalid volume: being attached by different mode');
    }
    const host = a.hostName ? a.hostName.replace(/[^\w.-]/g, '-') : null;
    const existing = volumeAttachments(db, v.id).find((x) => (a.instanceUuid ? x.instance_uuid === a.instanceUuid : x.attached_host === host));
    if (existing) {
      updateVolume(api, v.id, { status: 'in-use' });
      return;
    }
    if (v.status === 'in-use' && !v.multiattach && !v.migration_status) {
      throw badRequest('Error attaching volume - InvalidVolume: Invalid volume: volume is already attached and multiple attachments are not enabled');
    }
    setAdminMetadata(db, v.id, 'attached_mode', a.mode);
    const now = api.now();
    db.prepare(
      `INSERT INTO volume_attachment (id, volume_id, project_id, instance_uuid, attached_host, mountpoint, attach_status, attach_mode, attach_time, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'attached', ?, ?, ?)`,
    ).run(newUuid(), v.id, v.project_id, a.instanceUuid, host, a.mountpoint, a.mode, now, now);
    updateVolume(api, v.id, { status: 'in-use', attach_status: 'attached' });
  });
}

/**
 * The volume manager's detach_volume (os-detach): the named attachment (or the only one)
 * removed; an unknown attachment id or none at all only settles the volume's status.
 */
export function detachVolume(api: BlockStorageApi, volumeId: string, attachmentId: string | null): void {
  api.store.tx(() => {
    const db = api.store.db;
    if (attachmentId) {
      finishDetach(api, volumeId, getAttachment(db, attachmentId)?.volume_id === volumeId ? attachmentId : null);
      return;
    }
    const all = volumeAttachments(db, volumeId);
    if (all.length > 1) {
      throw badRequest('Error detaching volume - InvalidVolume: Invalid volume: Detach volume failed: More than one attachment, but no attachment_id provided.');
    }
    if (all.length === 0) {
      updateVolume(api, volumeId, { status: 'available', attach_status: 'detached' });
      return;
    }
    finishDetach(api, volumeId, all[0].id);
  });
}
