/**
 * Usage as os-simple-tenant-usage computes it (nova/api/openstack/compute/simple_tenant_usage.py):
 * the instances of every reachable cell that ran during the period (launched before its end,
 * not terminated before its start, deleted ones included), sorted by project and uuid, each
 * charged the hours it ran inside the period, summed per project.
 */
import { isoNaive } from '../common';
import type { Cell } from '../cells';
import type { InstanceFlavor } from './flavors';

export interface UsageInstance {
  uuid: string;
  project_id: string;
  display_name: string;
  vm_state: string;
  flavor: string;
  launched_at: string | null;
  terminated_at: string | null;
}

export interface ServerUsage {
  hours: number;
  flavor: string;
  instance_id: string;
  name: string;
  tenant_id: string;
  memory_mb: number;
  local_gb: number;
  vcpus: number;
  started_at: string | null;
  ended_at: string | null;
  state: string;
  uptime: number;
}

export interface TenantUsage {
  tenant_id: string;
  server_usages?: ServerUsage[];
  total_local_gb_usage: number;
  total_vcpus_usage: number;
  total_memory_mb_usage: number;
  total_hours: number;
  start: string;
  stop: string;
}

/** The instances that ran in [start, stop] in the cells that answer (a down cell is skipped). */
export function instancesInWindow(cells: Cell[], start: Date, stop: Date, projectId?: string): UsageInstance[] {
  const out: UsageInstance[] = [];
  for (const cell of cells) {
    if (cell.down) continue;
    const where = ['(terminated_at IS NULL OR terminated_at > ?)', 'launched_at < ?'];
    const params: unknown[] = [start.toISOString(), stop.toISOString()];
    if (projectId !== undefined) { where.push('project_id = ?'); params.push(projectId); }
    out.push(...cell.db.prepare(
      `SELECT uuid, project_id, display_name, vm_state, flavor, launched_at, terminated_at FROM instances WHERE ${where.join(' AND ')}`,
    ).all(...params) as UsageInstance[]);
  }
  return out.sort((a, b) => (a.project_id < b.project_id ? -1 : a.project_id > b.project_id ? 1 : a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}

/** Hours an instance ran inside the period (Nova's _hours_for). */
export function hoursFor(i: Pick<UsageInstance, 'launched_at' | 'terminated_at'>, start: Date, stop: Date): number {
  const launched = i.launched_at ? new Date(i.launched_at) : null;
  const terminated = i.terminated_at ? new Date(i.terminated_at) : null;
  if (terminated && terminated < start) return 0;
  if (launched && launched > stop) return 0;
  if (!launched) return 0;
  const from = Math.max(launched.getTime(), start.getTime());
  const to = terminated ? Math.min(stop.getTime(), terminated.getTime()) : stop.getTime();
  return (to - from) / 3_600_000;
}

/** Per-project usage of `instances` over the period; detailed adds each server's usage. */
export function tenantUsages(instances: UsageInstance[], start: Date, stop: Date, now: Date, detailed: boolean): { usages: TenantUsage[]; servers: ServerUsage[] } {
  const byProject = new Map<string, TenantUsage>();
  const servers: ServerUsage[] = [];
  for (const i of instances) {
    const flavor = JSON.parse(i.flavor) as InstanceFlavor;
    const ended = i.terminated_at;
    const startedMs = i.launched_at ? new Date(i.launched_at).getTime() : now.getTime();
    const info: ServerUsage = {
      hours: hoursFor(i, start, stop),
      flavor: flavor.name ?? '',
      instance_id: i.uuid,
      name: i.display_name,
      tenant_id: i.project_id,
      memory_mb: flavor.memory_mb,
      local_gb: flavor.root_gb + flavor.ephemeral_gb,
      vcpus: flavor.vcpus,
      started_at: isoNaive(i.launched_at),
      ended_at: isoNaive(ended),
      state: ended ? 'terminated' : i.vm_state,
      uptime: Math.trunc(((ended ? new Date(ended).getTime() : now.getTime()) - startedMs) / 1000),
    };
    let summary = byProject.get(i.project_id);
    if (!summary) {
      // Key order as Nova builds it: server_usages (when detailed) right after tenant_id.
      const fresh: Partial<TenantUsage> = { tenant_id: i.project_id };
      if (detailed) fresh.server_usages = [];
      Object.assign(fresh, {
        total_local_gb_usage: 0, total_vcpus_usage: 0, total_memory_mb_usage: 0, total_hours: 0,
        start: isoNaive(start.toISOString())!, stop: isoNaive(stop.toISOString())!,
      });
      summary = fresh as TenantUsage;
      byProject.set(i.project_id, summary);
    }
    summary.total_local_gb_usage += info.local_gb * info.hours;
    summary.total_vcpus_usage += info.vcpus * info.hours;
    summary.total_memory_mb_usage += info.memory_mb * info.hours;
    summary.total_hours += info.hours;
    servers.push(info);
    if (detailed) summary.server_usages!.push(info);
  }
  return { usages: [...byProject.values()], servers };
}

/**
 * A period bound as Nova parses it ("%Y-%m-%dT%H:%M:%S", with ".%f", or "%Y-%m-%d %H:%M:%S.%f"),
 * as UTC; undefined when it is in none of those formats.
 */
export function parseUsageTime(s: string): Date | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?| (\d{1,2}):(\d{1,2}):(\d{1,2})\.(\d{1,6}))$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, se] = m[4] !== undefined ? [Number(m[4]), Number(m[5]), Number(m[6])] : [Number(m[8]), Number(m[9]), Number(m[10])];
  const frac = m[7] ?? m[11] ?? '';
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59 || y < 1) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se, Math.floor(Number(frac.padEnd(6, '0')) / 1000)));
  if (date.getUTCDate() !== d) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999.
  if (y < 100) date.setUTCFullYear(y);
  return date;
}
