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
