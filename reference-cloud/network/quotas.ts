/** Neutron's DbQuotaDriver: per-project limits over defaults, usage counted from the store. */
import type { Db } from '../core/store';
import { overQuota } from './errors';

/** neutron/conf/quota.py defaults. */
export const QUOTA_DEFAULTS: Record<string, number> = {
  network: 100, subnet: 100, subnetpool: -1, port: 500, router: 10, floatingip: 50,
  rbac_policy: 10, security_group: 10, security_group_rule: 100,
};

export class Quotas {
  private readonly db: Db;
  private readonly used: (resource: string, project: string) => number;

  constructor(db: Db, used: (resource: string, project: string) => number) {
    this.db = db;
    this.used = used;
  }

  limits(project: string): Record<string, number> {
    const out = { ...QUOTA_DEFAULTS };
    for (const r of this.db.prepare('SELECT resource, hard_limit FROM quotas WHERE project_id = ?').all(project) as { resource: string; hard_limit: number }[]) {
      if (r.resource in out) out[r.resource] = r.hard_limit;
    }
    return out;
  }

  details(project: string): Record<string, { limit: number; used: number; reserved: number }> {
    const limits = this.limits(project);
    return Object.fromEntries(Object.entries(limits).map(([r, limit]) => [r, { limit, used: this.used(r, project), reserved: 0 }]));
  }

  /** Projects with a quota of their own. */
  projects(): string[] {
    return (this.db.prepare('SELECT DISTINCT project_id FROM quotas ORDER BY project_id').all() as { project_id: string }[]).map((r) => r.project_id);
  }

  set(project: string, values: Record<string, number>): void {
    const put = this.db.prepare('INSERT INTO quotas (project_id, resource, hard_limit) VALUES (?, ?, ?) ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit');
    for (const [r, v] of Object.entries(values)) put.run(project, r, v);
  }

  reset(project: string): void {
    this.db.prepare('DELETE FROM quotas WHERE project_id = ?').run(project);
  }

  /** Call inside the transaction that inserts: refuses with 409 OverQuota past a limit. */
  check(project: string, deltas: Record<string, number>): void {
    if (!project) return;
    const limits = this.limits(project);
    const over = Object.entries(deltas).filter(([r, d]) => limits[r] >= 0 && this.used(r, project) + d > limits[r]).map(([r]) => r);
    if (over.length) throw overQuota(over);
  }
}
