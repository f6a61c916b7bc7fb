/** Image rows, their members and import jobs: the SQL behind the image API. */
import type { ServiceStore } from '../../core/store';

export type ImageStatus =
  | 'queued' | 'saving' | 'active' | 'killed' | 'deleted' | 'uploading' | 'importing' | 'pending_delete' | 'deactivated';
export type Visibility = 'public' | 'private' | 'shared' | 'community';
export type MemberStatus = 'pending' | 'accepted' | 'rejected';

export interface ImageRow {
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: Visibility;
  protected: number;
  os_hidden: number;
  owner: string | null;
  container_format: string | null;
  disk_format: string | null;
  min_disk: number;
  min_ram: number;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  /** 1 when the data file is in the store. */
  stored: number;
  /** Bytes in the staging area (interoperable import), null when nothing is staged. */
  staged_size: number | null;
  /** JSON object of custom properties. */
  properties: string;
  /** JSON array of tags. */
  tags: string;
  created_at: string;
  updated_at: string;
  deleted: number;
  deleted_at: string | null;
}

export interface MemberRow {
  image_id: string;
  member_id: string;
  status: MemberStatus;
  created_at: string;
  updated_at: string;
}

/** Base columns a caller may set; everything else is a custom property. */
export const COLUMNS = [
  'name', 'status', 'visibility', 'protected', 'os_hidden', 'owner', 'container_format', 'disk_format', 'min_disk',
  'min_ram', 'size', 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'stored', 'staged_size',
  'properties', 'tags', 'updated_at', 'deleted', 'deleted_at',
] as const;
export type Column = (typeof COLUMNS)[number];

export interface ListQuery {
  /** SQL condition over the images table (aliased i) and its parameters. */
  where: string[];
  params: unknown[];
  order: { key: string; dir: 'asc' | 'desc' }[];
}

export class ImageRepo {
  readonly store: ServiceStore;

  constructor(store: ServiceStore) {
    this.store = store;
  }

  get db() {
    return this.store.db;
  }

  /** A live (not deleted) image. */
  find(id: string): ImageRow | undefined {
    return this.db.prepare('SELECT * FROM images WHERE id = ? AND deleted = 0').get(id) as ImageRow | undefined;
  }

  exists(id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM images WHERE id = ?').get(id);
  }

  insert(row: ImageRow): void {
    const cols = Object.keys(row);
    this.db.prepare(`INSERT INTO images (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  update(id: string, changes: Partial<Pick<ImageRow, Column>>): void {
    const cols = Object.keys(changes).filter((c) => (COLUMNS as readonly string[]).includes(c));
    if (!cols.length) return;
    this.db.prepare(`UPDATE images SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...changes, id });
  }

  /** Conditional state change: true when the image was in one of `from`. */
  transition(id: string, from: ImageStatus[], changes: Partial<Pick<ImageRow, Column>>): boolean {
    const cols = Object.keys(changes);
    const r = this.db.prepare(
      `UPDATE images SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND deleted = 0 AND status IN (${from.map((_, i) => `@f${i}`).join(', ')})`,
    ).run({ ...changes, id, ...Object.fromEntries(from.map((f, i) => [`f${i}`, f])) });
    return r.changes === 1;
  }

  /** Ids of the images matching the query, in order (the caller pages through them). */
  listIds(q: ListQuery): string[] {
    const where = q.where.length ? `WHERE ${q.where.join(' AND ')}` : '';
    const order = q.order.map((o) => `i.${o.key} ${o.dir.toUpperCase()}`).join(', ');
    return (this.db.prepare(`SELECT i.id FROM images i ${where} ORDER BY ${order}`).pluck().all(...q.params)) as string[];
  }

  many(ids: string[]): ImageRow[] {
    if (!ids.length) return [];
    const rows = this.db.prepare(`SELECT * FROM images WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as ImageRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!).filter(Boolean);
  }

  // Members -----------------------------------------------------------------------------------

  member(imageId: string, memberId: string): MemberRow | undefined {
    return this.db.prepare('SELECT * FROM image_members WHERE image_id = ? AND member_id = ?').get(imageId, memberId) as MemberRow | undefined;
  }

  members(imageId: string): MemberRow[] {
    return this.db.prepare('SELECT * FROM image_members WHERE image_id = ? ORDER BY created_at, member_id').all(imageId) as MemberRow[];
  }

  addMember(m: MemberRow): void {
    this.db.prepare('INSERT INTO image_members (image_id, member_id, status, created_at, updated_at) VALUES (@image_id, @member_id, @status, @created_at, @updated_at)').run(m);
  }

  setMemberStatus(imageId: string, memberId: string, status: MemberStatus, at: string): void {
    this.db.prepare('UPDATE image_members SET status = ?, updated_at = ? WHERE image_id = ? AND member_id = ?').run(status, at, imageId, memberId);
  }

  removeMember(imageId: string, memberId: string): boolean {
    return this.db.prepare('DELETE FROM image_members WHERE image_id = ? AND member_id = ?').run(imageId, memberId).changes === 1;
  }

  // Usage (quota) -----------------------------------------------------------------------------

  usage(owner: string): { count: number; bytes: number; staged: number; uploading: number } {
    return this.db.prepare(`SELECT COUNT(*) AS count,
        COALESCE(SUM(CASE WHEN stored = 1 THEN size ELSE 0 END), 0) AS bytes,
        COALESCE(SUM(staged_size), 0) AS staged,
        COALESCE(SUM(CASE WHEN status IN ('saving', 'uploading', 'importing') THEN 1 ELSE 0 END), 0) AS uploading
      FROM images WHERE owner = ? AND deleted = 0`).get(owner) as { count: number; bytes: number; staged: number; uploading: number };
  }

  /**
   * After a restart no upload is in flight: an image left "saving", or "uploading" without staged
   * data, goes back to "queued" as a failed upload leaves it (its temporary file is already gone).
   */
  recoverInterrupted(at: string): number {
    return this.db.prepare(`UPDATE images SET status = 'queued', size = NULL, staged_size = NULL, updated_at = ?
      WHERE deleted = 0 AND (status = 'saving' OR (status = 'uploading' AND staged_size IS NULL))`).run(at).changes;
  }
}

export const props = (r: ImageRow): Record<string, string> => JSON.parse(r.properties) as Record<string, string>;
export const tagsOf = (r: ImageRow): string[] => JSON.parse(r.tags) as string[];
