/**
 * Compute quotas as Nova's DbQuotaDriver counts them (quota.driver = nova.quota.DbQuotaDriver,
 * counting usage from the API database): limits are the project's rows in `quotas` over Nova's
 * defaults; instances, cores and ram are counted from the instance mappings not queued for
 * delete, server groups from the project's groups, key pairs per user, server group members per
 * group. Checks run inside the caller's API-database transaction, so a count and the write it
 * guards are one step.
 */
import { ApiError } from '../core/errors';
import type { Db } from '../core/store';
import type { ComputeApi, QuotaEngine, QuotaResource } from './context';

/** Every quota resource Nova has, in its (sorted) order, with its default. */
export const QUOTA_DEFAULTS = {
  cores: 20,
  fixed_ips: -1,
  floating_ips: -1,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  injected_files: 5,
  instances: 10,
  key_pairs: 100,
  metadata_items: 128,
  ram: 51200,
  security_group_rules: -1,
  security_groups: -1,
  server_group_members: 10,
  server_groups: 10,
} as const;

export type AnyQuotaResource = keyof typeof QUOTA_DEFAULTS;
export const QUOTA_RESOURCES = Object.keys(QUOTA_DEFAULTS) as AnyQuotaResource[];

/** The nova-network quotas hidden from 2.36, and the file quotas also hidden from 2.57. */
export const NETWORK_QUOTAS: AnyQuotaResource[] = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];
export const FILE_QUOTAS: AnyQuotaResource[] = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

/** What the project uses of each resource the API reports usage for (0 for the others). */
export interface ProjectUsage {
  instances: number;
  cores: number;
  ram: number;
  server_groups: number;
}

export function projectUsage(db: Db, projectId: string): ProjectUsage {
  const i = db.prepare(
    'SELECT COUNT(*) AS n, COALESCE(SUM(vcpus), 0) AS cores, COALESCE(SUM(memory_mb), 0) AS ram FROM instance_mappings WHERE project_id = ? AND queued_for_delete = 0',
  ).get(projectId) as { n: number; cores: number; ram: number };
  const g = db.prepare('SELECT COUNT(*) AS n FROM instance_groups WHERE project_id = ?').get(projectId) as { n: number };
  return { instances: i.n, cores: i.cores, ram: i.ram, server_groups: g.n };
}

/** The project's limits: its own rows over the defaults. */
export function projectLimits(db: Db, projectId: string): Record<AnyQuotaResource, number> {
  const rows = db.prepare('SELECT resource, hard_limit FROM quotas WHERE project_id = ?').all(projectId) as { resource: string; hard_limit: number }[];
  const out = { ...QUOTA_DEFAULTS } as Record<AnyQuotaResource, number>;
  for (const r of rows) if (r.resource in out) out[r.resource as AnyQuotaResource] = r.hard_limit;
  return out;
}

const over = (limit: number, value: number): boolean => limit >= 0 && limit < value;

/**
 * Nova's TooManyInstances text for the resources over quota (sorted, as OverQuota reports them):
 * "Quota exceeded for cores, instances: Requested 2, 1, but already used 19, 10 of 20, 10 cores, instances".
 */
export function tooManyMessage(overs: string[], requested: Record<string, number>, used: Record<string, number>, limits: Record<string, number>): string {
  const join = (f: (r: string) => number) => overs.map((r) => String(f(r))).join(', ');
  const names = overs.join(', ');
  return `Quota exceeded for ${names}: Requested ${join((r) => requested[r])}, but already used ${join((r) => used[r])} of ${join((r) => limits[r])} ${names}`;
}

export class ComputeQuotas implements QuotaEngine {
  private readonly api: ComputeApi;

  constructor(api: ComputeApi) {
    this.api = api;
  }

  private get db(): Db {
    return this.api.store.db;
  }

  limit(projectId: string, resource: QuotaResource): number {
    return projectLimits(this.db, projectId)[resource];
  }

  check(projectId: string, deltas: Partial<Record<'instances' | 'cores' | 'ram' | 'server_groups', number>>): void {
    const limits = projectLimits(this.db, projectId);
    const usage = projectUsage(this.db, projectId);
    const asked = Object.entries(deltas).filter(([, d]) => d !== undefined) as [keyof ProjectUsage, number][];
    const overs = asked.filter(([r, d]) => over(limits[r], usage[r] + d)).map(([r]) => r).sort();
    if (!overs.length) return;
    // The server groups API words its refusal itself (server_groups.py).
    if (overs.length === 1 && overs[0] === 'server_groups' && asked.length === 1) {
      throw new ApiError(403, 'Quota exceeded, too many server groups.');
    }
    throw new ApiError(403, tooManyMessage(overs, Object.fromEntries(asked), usage as unknown as Record<string, number>, limits));
  }

  checkGroupMembers(projectId: string, groupUuid: string, adding: number): void {
    const limit = projectLimits(this.db, projectId).server_group_members;
    if (limit < 0) return;
    const members = (this.db.prepare(
      `SELECT COUNT(*) AS n FROM instance_group_members m JOIN instance_groups g ON g.id = m.group_id
       JOIN instance_mappings im ON im.instance_uuid = m.instance_uuid
       WHERE g.uuid = ? AND im.queued_for_delete = 0`,
    ).get(groupUuid) as { n: number }).n;
    if (members + adding > limit) throw new ApiError(403, 'Quota exceeded, too many servers in group');
  }

  checkMetadata(projectId: string, count: number): void {
    const limit = projectLimits(this.db, projectId).metadata_items;
    if (over(limit, count)) throw new ApiError(403, `Maximum number of metadata items exceeds ${limit}`);
  }
}
