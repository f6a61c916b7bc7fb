/**
 * Cinder's quotas: limits per project (set rows over the defaults), usage counted from the
 * volumes, snapshots and backups rows themselves (so a check made in the transaction that
 * inserts the row is exact under concurrency: better-sqlite3 transactions are serial), per
 * volume type too (`volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>`), and the 413s in
 * Cinder's words (cinder/quota_utils.py process_reserve_over_quota).
 */
import type { Db, ServiceStore } from '../core/store';
import { overLimit } from './common';
import type { VolumeQuotaEngine } from './context';
import { allTypes } from './models/types';

/** Cinder's quota defaults (cinder.conf [DEFAULT] quota_*). */
export const QUOTA_DEFAULTS: Record<string, number> = {
  volumes: 10,
  per_volume_gigabytes: -1,
  snapshots: 10,
  gigabytes: 1000,
  backups: 10,
  backup_gigabytes: 1000,
  groups: 10,
};

const TYPE_RESOURCES = ['volumes', 'gigabytes', 'snapshots'] as const;

/** Every quota key in Cinder's order: the base ones, then three per type (newest type first), then groups. */
export function quotaKeys(db: Db): string[] {
  const keys = ['volumes', 'per_volume_gigabytes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes'];
  for (const t of allTypes(db)) for (const r of TYPE_RESOURCES) keys.push(`${r}_${t.name}`);
  keys.push('groups');
  return keys;
}

/** The default of a key (-1 for the per-type ones). */
export function defaultLimit(key: string): number {
  return QUOTA_DEFAULTS[key] ?? -1;
}

/** The project's limits for every key (its own rows over the defaults). */
export function projectLimits(db: Db, projectId: string): Record<string, number> {
  const set = new Map((db.prepare('SELECT resource, hard_limit FROM quotas WHERE project_id = ?').all(projectId) as { resource: string; hard_limit: number }[]).map((r) => [r.resource, r.hard_limit]));
  return Object.fromEntries(quotaKeys(db).map((k) => [k, set.get(k) ?? defaultLimit(k)]));
}

/** What the project uses, for every key, counted from the rows. */
export function projectUsage(db: Db, projectId: string): Record<string, number> {
  const vol = db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS gb FROM volumes WHERE project_id = ? AND consumes_quota = 1').get(projectId) as { n: number; gb: number };
  const snap = db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS gb FROM snapshots WHERE project_id = ? AND consumes_quota = 1').get(projectId) as { n: number; gb: number };
  const bak = db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS gb FROM backups WHERE project_id = ?').get(projectId) as { n: number; gb: number };
  const out: Record<string, number> = {
    volumes: vol.n, per_volume_gigabytes: 0, snapshots: snap.n, gigabytes: vol.gb + snap.gb, backups: bak.n, backup_gigabytes: bak.gb, groups: 0,
  };
  const perTypeVol = db.prepare(`SELECT t.name AS name, count(v.id) AS n, coalesce(sum(v.size), 0) AS gb FROM volume_types t
    LEFT JOIN volumes v ON v.volume_type_id = t.id AND v.project_id = ? AND v.consumes_quota = 1 GROUP BY t.id`).all(projectId) as { name: string; n: number; gb: number }[];
  const perTypeSnap = db.prepare(`SELECT t.name AS name, count(s.id) AS n, coalesce(sum(s.size), 0) AS gb FROM volume_types t
    LEFT JOIN snapshots s ON s.volume_type_id = t.id AND s.project_id = ? AND s.consumes_quota = 1 GROUP BY t.id`).all(projectId) as { name: string; n: number; gb: number }[];
  for (const r of perTypeVol) {
    out[`volumes_${r.name}`] = r.n;
    out[`gigabytes_${r.name}`] = r.gb;
    out[`snapshots_${r.name}`] = 0;
  }
  for (const r of perTypeSnap) {
    out[`snapshots_${r.name}`] = r.n;
    out[`gigabytes_${r.name}`] = (out[`gigabytes_${r.name}`] ?? 0) + r.gb;
  }
  return out;
}

type Delta = Partial<Record<'volumes' | 'gigabytes' | 'snapshots' | 'backups' | 'backup_gigabytes', number>>;

export function createQuotaEngine(store: ServiceStore): VolumeQuotaEngine {
  return {
    check(projectId: string, deltas: Delta, volumeTypeName?: string): void {
      const db = store.db;
      const limits = projectLimits(db, projectId);
      const all: Record<string, number> = {};
      for (const [k, d] of Object.entries(deltas)) {
        if (d === undefined) continue;
        all[k] = d;
        if (volumeTypeName !== undefined && (TYPE_RESOURCES as readonly string[]).includes(k)) all[`${k}_${volumeTypeName}`] = d;
      }
      // A volume larger than per_volume_gigabytes (limit_check, before the reservation).
      const perVolume = limits.per_volume_gigabytes;
      if (deltas.volumes !== undefined && deltas.gigabytes !== undefined && perVolume >= 0 && deltas.gigabytes > perVolume) {
        throw overLimit(`VolumeSizeExceedsLimit: Requested volume size ${deltas.gigabytes}G is larger than maximum allowed limit ${perVolume}G.`);
      }
      const resource = deltas.backups !== undefined || deltas.backup_gigabytes !== undefined ? 'backups' : deltas.snapshots !== undefined ? 'snapshots' : 'volumes';
      checkOver(db, projectId, all, resource);
    },
  };
}

/**
 * Refuses with the 413 of the first key (sorted, as Cinder's OverQuota lists them) whose usage
 * plus its delta exceeds its limit. `resource` words the error (volumes, snapshots, backups).
 */
export function checkOver(db: Db, projectId: string, all: Record<string, number>, resource: 'volumes' | 'snapshots' | 'backups'): void {
      const limits = projectLimits(db, projectId);
      const used = projectUsage(db, projectId);
      const overs = Object.keys(all)
        .filter((k) => all[k] > 0 && (limits[k] ?? -1) >= 0 && (used[k] ?? 0) + all[k] > limits[k])
        .sort();
      for (const over of overs) {
        if (over.includes('gigabytes')) {
          if (resource === 'backups') {
            throw overLimit(`VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested ${all[over]}G, quota is ${limits[over]}G and ${used[over] ?? 0}G has been consumed.`);
          }
          throw overLimit(`VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed ${over} quota. Requested ${all[over]}G, quota is ${limits[over]}G and ${used[over] ?? 0}G has been consumed.`);
        }
        if (resource === 'volumes' && over.startsWith('volumes')) {
          throw overLimit(`VolumeLimitExceeded: Maximum number of volumes allowed (${limits[over]}) exceeded for quota '${over}'.`);
        }
        if (resource === 'snapshots' && over.startsWith('snapshots')) {
          throw overLimit(`SnapshotLimitExceeded: Maximum number of snapshots allowed (${limits[over]}) exceeded`);
        }
        if (resource === 'backups' && over.startsWith('backups')) {
          throw overLimit(`BackupLimitExceeded: Maximum number of backups allowed (${limits[over]}) exceeded`);
        }
      }
      if (overs.length) throw overLimit(`UnexpectedOverQuota: Unexpected over quota on ${overs.join(', ')}.`);
}
