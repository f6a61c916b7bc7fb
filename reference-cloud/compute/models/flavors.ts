/**
 * Flavors in the API database, and the copy of a flavor an instance embeds (Nova keeps the
 * flavor in the instance so that later flavor changes or deletes do not change servers).
 */
import type { AuthContext } from '../../core/auth-context';
import type { Db } from '../../core/store';

export interface FlavorRow {
  id: number;
  flavorid: string;
  name: string;
  memory_mb: number;
  vcpus: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  rxtx_factor: number;
  is_public: number;
  disabled: number;
  description: string | null;
  created_at: string;
  updated_at: string | null;
}

/** The flavor as an instance carries it (instances.flavor, old_flavor, new_flavor). */
export interface InstanceFlavor {
  flavorid: string;
  name: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  rxtx_factor: number;
  is_public: boolean;
  description: string | null;
  extra_specs: Record<string, string>;
}

export function flavorByFlavorId(db: Db, flavorid: string): FlavorRow | undefined {
  return db.prepare('SELECT * FROM flavors WHERE flavorid = ?').get(flavorid) as FlavorRow | undefined;
}

export function extraSpecs(db: Db, flavorId: number): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM flavor_extra_specs WHERE flavor_id = ? ORDER BY key').all(flavorId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Whether a project may see and use a flavor: public, given access, or the caller is an admin. */
export function flavorVisible(db: Db, f: FlavorRow, auth: AuthContext): boolean {
  if (f.is_public || auth.roles.includes('admin')) return true;
  if (!auth.projectId) return false;
  return !!db.prepare('SELECT 1 FROM flavor_projects WHERE flavor_id = ? AND project_id = ?').get(f.id, auth.projectId);
}

/** A flavor by its API id as this caller may see it, or undefined (404 / 400 for the caller). */
export function visibleFlavor(db: Db, flavorid: string, auth: AuthContext): FlavorRow | undefined {
  const f = flavorByFlavorId(db, flavorid);
  return f && flavorVisible(db, f, auth) ? f : undefined;
}

export function embedFlavor(db: Db, f: FlavorRow): InstanceFlavor {
  return {
    flavorid: f.flavorid,
    name: f.name,
    vcpus: f.vcpus,
    memory_mb: f.memory_mb,
    root_gb: f.root_gb,
    ephemeral_gb: f.ephemeral_gb,
    swap: f.swap,
    rxtx_factor: f.rxtx_factor,
    is_public: f.is_public === 1,
    description: f.description,
    extra_specs: extraSpecs(db, f.id),
  };
}

/** DevStack's public flavors, created at bootstrap with its ids. */
export const BOOTSTRAP_FLAVORS: { flavorid: string; name: string; memory_mb: number; vcpus: number; root_gb: number }[] = [
  { flavorid: '1', name: 'm1.tiny', memory_mb: 512, vcpus: 1, root_gb: 1 },
  { flavorid: '2', name: 'm1.small', memory_mb: 2048, vcpus: 1, root_gb: 20 },
  { flavorid: '3', name: 'm1.medium', memory_mb: 4096, vcpus: 2, root_gb: 40 },
  { flavorid: '4', name: 'm1.large', memory_mb: 8192, vcpus: 4, root_gb: 80 },
  { flavorid: '5', name: 'm1.xlarge', memory_mb: 16384, vcpus: 8, root_gb: 160 },
  { flavorid: '42', name: 'm1.nano', memory_mb: 64, vcpus: 1, root_gb: 1 },
  { flavorid: '84', name: 'm1.micro', memory_mb: 128, vcpus: 1, root_gb: 1 },
];

/** Nova's flavor sort keys (flavors index query schema). */
export const FLAVOR_SORT_KEYS = [
  'created_at', 'description', 'disabled', 'ephemeral_gb', 'flavorid', 'id', 'is_public', 'memory_mb', 'name',
  'root_gb', 'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus',
] as const;

export interface FlavorQuery {
  /** true: public (plus those the project was given), false: private only, null: all. */
  isPublic: boolean | null;
  /** Hide disabled flavors (non-admin callers). */
  enabledOnly: boolean;
  /** The caller's project, which sees the private flavors it was given with isPublic true. */
  projectId?: string;
  minRam?: number;
  minDisk?: number;
  sortKey: string;
  sortDir: 'asc' | 'desc';
  limit: number;
  /** The flavor to start after (its row), already looked up among the visible ones. */
  marker?: FlavorRow;
}

/** The WHERE clause of what a caller may see and asked for (Nova's flavor_get_all filters). */
function flavorFilter(q: Pick<FlavorQuery, 'isPublic' | 'enabledOnly' | 'projectId' | 'minRam' | 'minDisk'>): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.isPublic === true && q.projectId) {
    where.push('(is_public = 1 OR id IN (SELECT flavor_id FROM flavor_projects WHERE project_id = ?))');
    params.push(q.projectId);
  } else if (q.isPublic !== null) {
    where.push('is_public = ?');
    params.push(q.isPublic ? 1 : 0);
  }
  if (q.enabledOnly) where.push('disabled = 0');
  if (q.minRam !== undefined) { where.push('memory_mb >= ?'); params.push(q.minRam); }
  if (q.minDisk !== undefined) { where.push('root_gb >= ?'); params.push(q.minDisk); }
  return { where, params };
}

/** vcpu_weight is not a column here (always null in Nova's API database): it sorts as id. */
const sortColumn = (key: string): string => (key === 'vcpu_weight' ? 'id' : key);

/** One page of flavors, sorted by (sort key, id) and starting after the marker, as paginate_query does. */
export function listFlavors(db: Db, q: FlavorQuery): FlavorRow[] {
  const { where, params } = flavorFilter(q);
  const col = sortColumn(q.sortKey);
  const op = q.sortDir === 'asc' ? '>' : '<';
  if (q.marker) {
    const m = q.marker as unknown as Record<string, unknown>;
    // NULL sorts first in SQLite ascending; a NULL marker value only ties with NULLs.
    if (m[col] === null) {
      where.push(q.sortDir === 'asc'
        ? `((${col} IS NULL AND id ${op} ?) OR ${col} IS NOT NULL)`
        : `(${col} IS NULL AND id ${op} ?)`);
      params.push(m.id);
    } else {
      where.push(q.sortDir === 'asc'
        ? `(${col} ${op} ? OR (${col} = ? AND id ${op} ?))`
        : `(${col} ${op} ? OR ${col} IS NULL OR (${col} = ? AND id ${op} ?))`);
      params.push(m[col], m[col], m.id);
    }
  }
  const sql = `SELECT * FROM flavors ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${col} ${q.sortDir.toUpperCase()}, id ${q.sortDir.toUpperCase()} LIMIT ?`;
  return db.prepare(sql).all(...params, q.limit) as FlavorRow[];
}

/** The marker flavor as the caller may see it (Nova looks it up with the caller's visibility). */
export function markerFlavor(db: Db, flavorid: string, q: Pick<FlavorQuery, 'projectId'> & { admin: boolean }): FlavorRow | undefined {
  const f = flavorByFlavorId(db, flavorid);
  if (!f || q.admin || f.is_public) return f;
  if (!q.projectId) return undefined;
  return db.prepare('SELECT 1 FROM flavor_projects WHERE flavor_id = ? AND project_id = ?').get(f.id, q.projectId) ? f : undefined;
}

/** A flavor to create: the row's own columns, with is_public as a boolean. */
export type NewFlavor = Pick<FlavorRow, 'flavorid' | 'name' | 'memory_mb' | 'vcpus' | 'root_gb' | 'ephemeral_gb' | 'swap' | 'rxtx_factor' | 'description'> & {
  is_public: boolean;
};

/** Inserts a flavor; 'name' or 'flavorid' when one is taken (Nova: FlavorExists / FlavorIdExists). */
export function insertFlavor(db: Db, f: NewFlavor, now: string): FlavorRow | 'name' | 'flavorid' {
  if (db.prepare('SELECT 1 FROM flavors WHERE name = ?').get(f.name)) return 'name';
  if (db.prepare('SELECT 1 FROM flavors WHERE flavorid = ?').get(f.flavorid)) return 'flavorid';
  const id = db.prepare(
    `INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap, rxtx_factor, is_public, description, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(f.flavorid, f.name, f.memory_mb, f.vcpus, f.root_gb, f.ephemeral_gb, f.swap, f.rxtx_factor, f.is_public ? 1 : 0, f.description, now).lastInsertRowid;
  return db.prepare('SELECT * FROM flavors WHERE id = ?').get(id) as FlavorRow;
}

/** The projects given a private flavor, in the order they were given it. */
export function flavorProjects(db: Db, flavorId: number): string[] {
  return (db.prepare('SELECT project_id FROM flavor_projects WHERE flavor_id = ? ORDER BY rowid').all(flavorId) as { project_id: string }[])
    .map((r) => r.project_id);
}

/** Sets (adds or replaces) extra specs of a flavor. */
export function setExtraSpecs(db: Db, flavorId: number, specs: Record<string, string>, now: string): void {
  const put = db.prepare('INSERT INTO flavor_extra_specs (flavor_id, key, value) VALUES (?, ?, ?) ON CONFLICT (flavor_id, key) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(specs)) put.run(flavorId, k, v);
  db.prepare('UPDATE flavors SET updated_at = ? WHERE id = ?').run(now, flavorId);
}

/**
 * DevStack's flavors, created when missing (by id and by name) at every start, as the network
 * service's bootstrap keeps what exists by name.
 */
export function bootstrapFlavorRows(db: Db, now: string): void {
  for (const f of BOOTSTRAP_FLAVORS) {
    if (db.prepare('SELECT 1 FROM flavors WHERE flavorid = ? OR name = ?').get(f.flavorid, f.name)) continue;
    insertFlavor(db, { ...f, ephemeral_gb: 0, swap: 0, rxtx_factor: 1.0, is_public: true, description: null }, now);
  }
}
