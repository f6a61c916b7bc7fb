/**
 * Volume types as Cinder's volume_types module finds them: by id (or by name where the API
 * accepts either), private types visible to admins and to the projects on their access list,
 * extra specs, and the types made at first start.
 */
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../core/auth-context';
import type { Db } from '../../core/store';
import { notFound, typeNotFound } from '../common';
import type { Topology } from '../topology';

export interface TypeRow {
  id: string;
  name: string;
  description: string | null;
  is_public: number;
  qos_specs_id: string | null;
  created_at: string;
  updated_at: string | null;
}

export const DEFAULT_TYPE_NAME = '__DEFAULT__';
const isAdmin = (auth: AuthContext | undefined) => !!auth?.roles.includes('admin');

/** Whether the caller may see the type (public, admin, or on its access list). */
export function canSee(db: Db, auth: AuthContext | undefined, t: TypeRow): boolean {
  if (t.is_public || isAdmin(auth)) return true;
  return !!db.prepare('SELECT 1 FROM volume_type_projects WHERE volume_type_id = ? AND project_id = ?').get(t.id, auth?.projectId ?? '');
}

export function typeById(db: Db, id: string): TypeRow | undefined {
  return db.prepare('SELECT * FROM volume_types WHERE id = ?').get(id) as TypeRow | undefined;
}

export function typeByName(db: Db, name: string): TypeRow | undefined {
  return db.prepare('SELECT * FROM volume_types WHERE name = ?').get(name) as TypeRow | undefined;
}

/** get_volume_type: 404 "Volume type <id> could not be found." when absent or not visible. */
export function visibleType(db: Db, auth: AuthContext | undefined, id: string): TypeRow {
  const t = typeById(db, id);
  if (!t || !canSee(db, auth, t)) throw typeNotFound(id);
  return t;
}

/** get_by_name_or_id (volume create, retype): an id first, then a name. */
export function typeByNameOrId(db: Db, auth: AuthContext | undefined, ref: string): TypeRow {
  const byId = typeById(db, ref);
  if (byId) {
    if (!canSee(db, auth, byId)) throw typeNotFound(ref);
    return byId;
  }
  const byName = typeByName(db, ref);
  if (!byName || !canSee(db, auth, byName)) throw notFound(`Volume type with name ${ref} could not be found.`);
  return byName;
}

export function extraSpecs(db: Db, typeId: string): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM volume_type_extra_specs WHERE volume_type_id = ? ORDER BY rowid').all(typeId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** The default type (default_volume_type), falling back to __DEFAULT__. */
export function defaultType(db: Db, topology: Topology): TypeRow {
  return typeByName(db, topology.defaultType) ?? typeByName(db, DEFAULT_TYPE_NAME)!;
}

/** Every type, newest first (Cinder lists by created_at descending). */
export function allTypes(db: Db): TypeRow[] {
  return db.prepare('SELECT * FROM volume_types ORDER BY created_at DESC, rowid DESC').all() as TypeRow[];
}

/** Whether a type's extra specs make its volumes multiattach (`multiattach: "<is> True"`). */
export function isMultiattach(specs: Record<string, string>): boolean {
  return /^\s*<is>\s+true\s*$/i.test(specs.multiattach ?? '');
}

export function insertType(db: Db, t: { name: string; description: string | null; isPublic: boolean; extraSpecs: Record<string, string | null> }, now: string): TypeRow {
  const id = randomUUID();
  db.prepare('INSERT INTO volume_types (id, name, description, is_public, created_at) VALUES (?, ?, ?, ?, ?)').run(id, t.name, t.description, t.isPublic ? 1 : 0, now);
  const put = db.prepare('INSERT INTO volume_type_extra_specs (volume_type_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(t.extraSpecs)) if (v !== null) put.run(id, k, v);
  return typeById(db, id)!;
}

/**
 * First start: the backends of the topology (capacity and capabilities follow the configuration
 * on every start) and the types (__DEFAULT__ as Cinder's db sync makes it, then the configured
 * ones) when they do not exist yet. Idempotent.
 */
export function bootstrap(db: Db, topology: Topology, now: () => string): void {
  const upsert = db.prepare(`INSERT INTO backends (host, backend_name, availability_zone, total_capacity_gb, capabilities) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (host) DO UPDATE SET backend_name = excluded.backend_name, availability_zone = excluded.availability_zone,
      total_capacity_gb = excluded.total_capacity_gb, capabilities = excluded.capabilities, disabled = 0`);
  const hosts = new Set(topology.backends.map((b) => b.host));
  for (const b of topology.backends) upsert.run(b.host, b.backendName, b.zone, b.capacityGb, JSON.stringify(b.capabilities));
  for (const r of db.prepare('SELECT host FROM backends').all() as { host: string }[]) {
    if (!hosts.has(r.host)) db.prepare('UPDATE backends SET disabled = 1 WHERE host = ?').run(r.host);
  }
  // One millisecond apart, so that lists (newest first) keep the creation order.
  const start = Date.parse(now());
  let n = 0;
  const stamp = () => new Date(start + n++).toISOString();
  if (!typeByName(db, DEFAULT_TYPE_NAME)) insertType(db, { name: DEFAULT_TYPE_NAME, description: 'Default Volume Type', isPublic: true, extraSpecs: {} }, stamp());
  for (const t of topology.types) {
    if (!typeByName(db, t.name)) insertType(db, { name: t.name, description: t.description, isPublic: true, extraSpecs: t.extraSpecs }, stamp());
  }
}
