/**
 * Volumes and snapshots as the API finds them: by id within the caller's project (an admin sees
 * every project's), with their metadata, image metadata and attachments.
 */
import type { AuthContext } from '../../core/auth-context';
import type { Db } from '../../core/store';
import { snapshotNotFound, volumeNotFound } from '../common';
import type { VolumeRow } from '../context';

export interface SnapshotRow {
  id: string;
  volume_id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  size: number;
  status: string;
  progress: string;
  volume_type_id: string | null;
  consumes_quota: number;
  created_at: string;
  updated_at: string | null;
}

export interface AttachmentRow {
  id: string;
  volume_id: string;
  instance_uuid: string | null;
  attached_host: string | null;
  mountpoint: string | null;
  attach_status: string;
  attach_time: string | null;
}

export const isAdmin = (auth: AuthContext | undefined): boolean => !!auth?.roles.includes('admin');

/** The volume, or 404 "Volume <id> could not be found." (other projects' too, unless admin). */
export function findVolume(db: Db, auth: AuthContext | undefined, id: string): VolumeRow {
  const v = db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow | undefined;
  if (!v || (!isAdmin(auth) && v.project_id !== auth?.projectId)) throw volumeNotFound(id);
  return v;
}

export function findSnapshot(db: Db, auth: AuthContext | undefined, id: string): SnapshotRow {
  const s = db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
  if (!s || (!isAdmin(auth) && s.project_id !== auth?.projectId)) throw snapshotNotFound(id);
  return s;
}

export type KvTable = 'volume_metadata' | 'volume_admin_metadata' | 'snapshot_metadata';
const OWNER: Record<KvTable, string> = { volume_metadata: 'volume_id', volume_admin_metadata: 'volume_id', snapshot_metadata: 'snapshot_id' };

export function readKv(db: Db, table: KvTable, ownerId: string): Record<string, string> {
  const rows = db.prepare(`SELECT key, value FROM ${table} WHERE ${OWNER[table]} = ? ORDER BY rowid`).all(ownerId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Replaces (delete=true) or merges key/values. */
export function writeKv(db: Db, table: KvTable, ownerId: string, values: Record<string, string>, replace: boolean): void {
  if (replace) db.prepare(`DELETE FROM ${table} WHERE ${OWNER[table]} = ?`).run(ownerId);
  const put = db.prepare(`INSERT INTO ${table} (${OWNER[table]}, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value`);
  for (const [k, v] of Object.entries(values)) put.run(ownerId, k, v);
}

export function deleteKv(db: Db, table: KvTable, ownerId: string, key: string): boolean {
  return db.prepare(`DELETE FROM ${table} WHERE ${OWNER[table]} = ? AND key = ?`).run(ownerId, key).changes > 0;
}

/** volume_image_metadata (volume_glance_metadata rows of the volume). */
export function glanceMetadata(db: Db, volumeId: string): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM volume_glance_metadata WHERE volume_id = ? ORDER BY rowid').all(volumeId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function snapshotGlanceMetadata(db: Db, snapshotId: string): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM volume_glance_metadata WHERE snapshot_id = ? ORDER BY rowid').all(snapshotId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function setGlanceMetadata(db: Db, owner: { volumeId?: string; snapshotId?: string }, values: Record<string, string>): void {
  const upd = db.prepare('UPDATE volume_glance_metadata SET value = ? WHERE ifnull(volume_id, \'\') = ? AND ifnull(snapshot_id, \'\') = ? AND key = ?');
  const ins = db.prepare('INSERT INTO volume_glance_metadata (volume_id, snapshot_id, key, value) VALUES (?, ?, ?, ?)');
  for (const [k, v] of Object.entries(values)) {
    if (upd.run(v, owner.volumeId ?? '', owner.snapshotId ?? '', k).changes === 0) ins.run(owner.volumeId ?? null, owner.snapshotId ?? null, k, v);
  }
}

/** The attachments a volume shows: only those attached (docs/cinder-wire-notes.md §4). */
export function attachedAttachments(db: Db, volumeId: string): AttachmentRow[] {
  return db.prepare("SELECT * FROM volume_attachment WHERE volume_id = ? AND attach_status = 'attached' ORDER BY created_at, rowid").all(volumeId) as AttachmentRow[];
}

export function snapshotCount(db: Db, volumeId: string): number {
  return (db.prepare('SELECT count(*) AS n FROM snapshots WHERE volume_id = ?').get(volumeId) as { n: number }).n;
}
