/**
 * Server groups (instance_groups in the API database): a policy, its rules and member
 * instances. The scheduler reads where the members are: their allocations (claims made in the
 * API database, visible at once to a concurrent claim) and their instances' hosts in their cells.
 */
import type { Db } from '../../core/store';
import type { ComputeApi } from '../context';

export type GroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

export interface ServerGroupRow {
  id: number;
  uuid: string;
  name: string;
  project_id: string;
  user_id: string;
  policy: GroupPolicy;
  rules: string;
  created_at: string;
}

export const groupRules = (g: Pick<ServerGroupRow, 'rules'>): Record<string, number> => JSON.parse(g.rules) as Record<string, number>;

export function groupByUuid(db: Db, groupUuid: string): ServerGroupRow | undefined {
  return db.prepare('SELECT * FROM instance_groups WHERE uuid = ?').get(groupUuid) as ServerGroupRow | undefined;
}

export function groupMembers(db: Db, groupId: number): string[] {
  return (db.prepare('SELECT instance_uuid FROM instance_group_members WHERE group_id = ? ORDER BY rowid').all(groupId) as { instance_uuid: string }[])
    .map((r) => r.instance_uuid);
}

/** The groups an instance belongs to (a server's `server_groups` at 2.71). */
export function groupsOfInstance(db: Db, instanceUuid: string): string[] {
  return (db.prepare('SELECT g.uuid FROM instance_group_members m JOIN instance_groups g ON g.id = m.group_id WHERE m.instance_uuid = ? ORDER BY g.id').all(instanceUuid) as { uuid: string }[])
    .map((r) => r.uuid);
}

/**
 * The members that still exist (Nova's _get_not_deleted): unscheduled ones (build requests) and
 * those whose instance is not deleted in its cell; members in a cell that is down are left out.
 */
export function liveMembers(api: ComputeApi, members: string[]): string[] {
  if (members.length === 0) return [];
  const marks = members.map(() => '?').join(', ');
  const mappings = api.store.db.prepare(`SELECT instance_uuid, cell_id FROM instance_mappings WHERE instance_uuid IN (${marks})`).all(...members) as { instance_uuid: string; cell_id: number | null }[];
  const found = new Set<string>();
  const byCell = new Map<number, string[]>();
  for (const m of mappings) {
    if (m.cell_id === null) found.add(m.instance_uuid);
    else byCell.set(m.cell_id, [...(byCell.get(m.cell_id) ?? []), m.instance_uuid]);
  }
  for (const [cellId, uuids] of byCell) {
    const cell = api.cells.withId(cellId);
    if (!cell || cell.down) continue;
    const rows = cell.db.prepare(`SELECT uuid FROM instances WHERE deleted = 0 AND uuid IN (${uuids.map(() => '?').join(', ')})`).all(...uuids) as { uuid: string }[];
    for (const r of rows) found.add(r.uuid);
  }
  return members.filter((m) => found.has(m));
}

/**
 * How many of the group's members (other than `exclude`) are on each host: a member counts on
 * the hosts it holds allocations on, or else on its instance's host.
 */
export function memberHostCounts(api: ComputeApi, groupId: number, exclude: string): Map<string, number> {
  const members = groupMembers(api.store.db, groupId).filter((m) => m !== exclude);
  const counts = new Map<string, number>();
  if (members.length === 0) return counts;
  const marks = members.map(() => '?').join(', ');
  const hostsOf = new Map<string, Set<string>>();
  const add = (member: string, host: string) => hostsOf.set(member, (hostsOf.get(member) ?? new Set()).add(host));
  for (const a of api.store.db.prepare(`SELECT consumer_uuid, host FROM allocations WHERE consumer_uuid IN (${marks})`).all(...members) as { consumer_uuid: string; host: string }[]) {
    add(a.consumer_uuid, a.host);
  }
  const rest = members.filter((m) => !hostsOf.has(m));
  if (rest.length) {
    const mappings = api.store.db.prepare(`SELECT instance_uuid, cell_id FROM instance_mappings WHERE cell_id IS NOT NULL AND instance_uuid IN (${rest.map(() => '?').join(', ')})`)
      .all(...rest) as { instance_uuid: string; cell_id: number }[];
    for (const m of mappings) {
      const cell = api.cells.withId(m.cell_id);
      if (!cell || cell.down || cell.isCell0) continue;
      const row = cell.db.prepare('SELECT host FROM instances WHERE uuid = ? AND deleted = 0').get(m.instance_uuid) as { host: string | null } | undefined;
      if (row?.host) add(m.instance_uuid, row.host);
    }
  }
  for (const hosts of hostsOf.values()) for (const h of hosts) counts.set(h, (counts.get(h) ?? 0) + 1);
  return counts;
}
