/**
 * Listing servers across cells, as Nova's multi-cell list does: build requests (servers not yet
 * in a cell) come first, then every cell is read with the same filters, ORDER BY and LIMIT,
 * starting after the marker's sort values, and the per-cell pages are merged and cut to the
 * limit. Sorting ends with the uuid (ascending), unique across cells, so that paging is stable:
 * the concatenation of every page is the sorted whole. Cells that are down are skipped, or (2.69+)
 * contribute partial records built from the API database's instance mappings, in front.
 */
import { ApiError } from '../core/errors';
import type { Db } from '../core/store';
import { badRequest } from './common';
import { CellDown, type Cell } from './cells';
import type { BuildRequestInstance, ComputeApi } from './context';
import type { InstanceRow } from './models/instances';
import type { DownCellRecord } from './views/servers';

export type SortDir = 'asc' | 'desc';
export interface SortKey { key: string; dir: SortDir }

/** What to list; every field optional but the project scope and the deleted switch. */
export interface InstanceFilter {
  /** undefined: every project (an admin's all_tenants). */
  projectId?: string;
  /** true: only deleted instances; false: only live ones; undefined: both (changes-since). */
  deleted?: boolean;
  name?: string;
  vmStates?: string[];
  taskStates?: string[];
  image?: string;
  flavor?: string;
  host?: string;
  node?: string;
  zone?: string;
  changesSince?: string;
  changesBefore?: string;
  ip?: string;
  ip6?: string;
  tags?: string[];
  tagsAny?: string[];
  notTags?: string[];
  notTagsAny?: string[];
  locked?: boolean;
  uuid?: string;
  reservationId?: string;
  keyName?: string;
  userId?: string;
  description?: string;
  powerState?: number[];
}

export interface ListRequest {
  filter: InstanceFilter;
  /** The user's sort keys (instance column names), without the defaults. */
  sort: SortKey[];
  limit: number;
  marker?: string;
  /** 2.69+: down cells answer partial records instead of being skipped. */
  cellDownSupport: boolean;
}

export type Listed =
  | { kind: 'build'; build: BuildRequestInstance }
  | { kind: 'instance'; cell: Cell; row: InstanceRow }
  | { kind: 'down'; record: DownCellRecord };

/** Sort keys that name no column here and order nothing (Nova accepts them). */
const CONSTANT_KEYS = new Set(['auto_disk_config', 'instance_type_id']);
const INTEGER_KEYS = new Set(['launch_index', 'power_state', 'progress', 'locked', 'deleted']);

/** The sort Nova applies: the user's keys, then created_at and id (here: uuid ascending, unique everywhere). */
export function fullSort(sort: SortKey[]): SortKey[] {
  const keys = sort.filter((s) => !CONSTANT_KEYS.has(s.key));
  const dir = sort[0]?.dir ?? 'desc';
  if (!keys.some((k) => k.key === 'created_at')) keys.push({ key: 'created_at', dir });
  keys.push({ key: 'uuid', dir: 'asc' });
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k.key) ? false : (seen.add(k.key), true)));
}

/** A sort value as SQL orders it (NULLs made comparable: '' for text, -1 for integers). */
const sqlExpr = (key: string): string => (INTEGER_KEYS.has(key) ? `IFNULL(i.${key}, -1)` : `IFNULL(i.${key}, '')`);

function sortValue(row: Record<string, unknown>, key: string): string | number {
  const v = row[key];
  if (INTEGER_KEYS.has(key)) return v === null || v === undefined ? -1 : Number(v);
  return v === null || v === undefined ? '' : String(v);
}

/** Compares as SQLite does (text by UTF-8 bytes). */
function cmpValue(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
}

export function compareRows(sort: SortKey[], a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const s of sort) {
    const c = cmpValue(sortValue(a, s.key), sortValue(b, s.key));
    if (c !== 0) return s.dir === 'asc' ? c : -c;
  }
  return 0;
}

/**
 * A filter's pattern as a RegExp, as Python's re.search reads it; a pattern that does not
 * compile, or whose nested quantifiers could backtrack for ever in this single process, is
 * matched as a literal substring instead.
 */
export function filterRegExp(pattern: string): RegExp {
  const literal = () => new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (pattern.length > 255 || /\([^)]*[+*}][^)]*\)\s*[+*{]/.test(pattern)) return literal();
  try {
    return new RegExp(pattern);
  } catch {
    return literal();
  }
}

const regexpReady = new WeakSet<Db>();

/** Python's re.search for the REGEXP filters (name, ip), registered once per database. */
function ensureRegexp(db: Db): void {
  if (regexpReady.has(db)) return;
  const cache = new Map<string, RegExp>();
  db.function('nova_regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (value === null || value === undefined) return 0;
    const p = String(pattern);
    let re = cache.get(p);
    if (!re) {
      re = filterRegExp(p);
      if (cache.size > 100) cache.clear();
      cache.set(p, re);
    }
    return re.test(String(value)) ? 1 : 0;
  });
  regexpReady.add(db);
}

/** The WHERE clause of a filter over `instances i`. */
export function filterSql(f: InstanceFilter): { where: string; params: unknown[] } {
  const w: string[] = [];
  const p: unknown[] = [];
  const inList = (col: string, values: unknown[]) => {
    w.push(`${col} IN (${values.map(() => '?').join(', ')})`);
    p.push(...values);
  };
  if (f.projectId !== undefined) { w.push('i.project_id = ?'); p.push(f.projectId); }
  if (f.deleted !== undefined) w.push(f.deleted ? 'i.deleted != 0' : 'i.deleted = 0');
  if (f.name !== undefined) { w.push('nova_regexp(?, i.display_name)'); p.push(f.name); }
  if (f.vmStates) inList('i.vm_state', f.vmStates);
  if (f.taskStates) inList('i.task_state', f.taskStates);
  if (f.image !== undefined) { w.push('i.image_ref = ?'); p.push(f.image); }
  if (f.flavor !== undefined) { w.push("json_extract(i.flavor, '$.flavorid') = ?"); p.push(f.flavor); }
  if (f.host !== undefined) { w.push('i.host = ?'); p.push(f.host); }
  if (f.node !== undefined) { w.push('i.node = ?'); p.push(f.node); }
  if (f.zone !== undefined) { w.push('i.availability_zone = ?'); p.push(f.zone); }
  if (f.changesSince !== undefined) { w.push('IFNULL(i.updated_at, i.created_at) >= ?'); p.push(f.changesSince); }
  if (f.changesBefore !== undefined) { w.push('IFNULL(i.updated_at, i.created_at) <= ?'); p.push(f.changesBefore); }
  for (const [re, version] of [[f.ip, 4], [f.ip6, 6]] as const) {
    if (re === undefined) continue;
    w.push(`EXISTS (SELECT 1 FROM instance_info_caches c, json_each(c.network_info) v, json_each(v.value, '$.fixed_ips') x
      WHERE c.instance_uuid = i.uuid AND json_extract(x.value, '$.version') = ? AND nova_regexp(?, json_extract(x.value, '$.ip_address')))`);
    p.push(version, re);
  }
  for (const t of f.tags ?? []) { w.push('EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = i.uuid AND t.tag = ?)'); p.push(t); }
  if (f.tagsAny?.length) {
    w.push(`EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = i.uuid AND t.tag IN (${f.tagsAny.map(() => '?').join(', ')}))`);
    p.push(...f.tagsAny);
  }
  if (f.notTags?.length) {
    w.push(`(SELECT COUNT(DISTINCT t.tag) FROM tags t WHERE t.resource_id = i.uuid AND t.tag IN (${f.notTags.map(() => '?').join(', ')})) < ?`);
    p.push(...f.notTags, new Set(f.notTags).size);
  }
  if (f.notTagsAny?.length) {
    w.push(`NOT EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = i.uuid AND t.tag IN (${f.notTagsAny.map(() => '?').join(', ')}))`);
    p.push(...f.notTagsAny);
  }
  if (f.locked !== undefined) w.push(f.locked ? 'i.locked != 0' : 'i.locked = 0');
  if (f.uuid !== undefined) { w.push('i.uuid = ?'); p.push(f.uuid); }
  if (f.reservationId !== undefined) { w.push('i.reservation_id = ?'); p.push(f.reservationId); }
  if (f.keyName !== undefined) { w.push('i.key_name = ?'); p.push(f.keyName); }
  if (f.userId !== undefined) { w.push('i.user_id = ?'); p.push(f.userId); }
  if (f.description !== undefined) { w.push('i.display_description = ?'); p.push(f.description); }
  if (f.powerState) inList('i.power_state', f.powerState);
  return { where: w.length ? w.join(' AND ') : '1', params: p };
}

/** Whether a build request matches a filter (the same filter, in memory). */
export function buildMatches(f: InstanceFilter, b: BuildRequestInstance): boolean {
  const re = (pattern: string, v: string) => filterRegExp(pattern).test(v);
  if (f.projectId !== undefined && b.project_id !== f.projectId) return false;
  if (f.deleted === true) return false;
  if (f.name !== undefined && !re(f.name, b.display_name)) return false;
  if (f.vmStates && !f.vmStates.includes(b.vm_state)) return false;
  if (f.taskStates && !f.taskStates.includes(b.task_state ?? '')) return false;
  if (f.image !== undefined && b.image_ref !== f.image) return false;
  if (f.flavor !== undefined && (JSON.parse(b.flavor) as { flavorid: string }).flavorid !== f.flavor) return false;
  if (f.host !== undefined || f.node !== undefined || f.ip !== undefined || f.ip6 !== undefined) return false;
  if (f.zone !== undefined && b.availability_zone !== f.zone) return false;
  const changed = b.updated_at ?? b.created_at;
  if (f.changesSince !== undefined && changed < f.changesSince) return false;
  if (f.changesBefore !== undefined && changed > f.changesBefore) return false;
  const tags = new Set(b.tags ?? []);
  if (f.tags && !f.tags.every((t) => tags.has(t))) return false;
  if (f.tagsAny?.length && !f.tagsAny.some((t) => tags.has(t))) return false;
  if (f.notTags?.length && f.notTags.every((t) => tags.has(t))) return false;
  if (f.notTagsAny?.length && f.notTagsAny.some((t) => tags.has(t))) return false;
  if (f.locked !== undefined && !!b.locked !== f.locked) return false;
  if (f.uuid !== undefined && b.uuid !== f.uuid) return false;
  if (f.reservationId !== undefined && b.reservation_id !== f.reservationId) return false;
  if (f.keyName !== undefined && b.key_name !== f.keyName) return false;
  if (f.userId !== undefined && b.user_id !== f.userId) return false;
  if (f.description !== undefined && b.display_description !== f.description) return false;
  if (f.powerState && !f.powerState.includes(b.power_state)) return false;
  return true;
}

/** Reads one cell's page: rows matching the filter, after the marker's sort values, in order. */
export function readCell(db: Db, filter: InstanceFilter, sort: SortKey[], limit: number, after?: Record<string, unknown>): InstanceRow[] {
  ensureRegexp(db);
  const { where, params } = filterSql(filter);
  const clauses = [where];
  const all = [...params];
  if (after) {
    const ors: string[] = [];
    for (let n = 0; n < sort.length; n++) {
      const parts: string[] = [];
      for (let j = 0; j < n; j++) {
        parts.push(`${sqlExpr(sort[j].key)} = ?`);
        all.push(sortValue(after, sort[j].key));
      }
      parts.push(`${sqlExpr(sort[n].key)} ${sort[n].dir === 'asc' ? '>' : '<'} ?`);
      all.push(sortValue(after, sort[n].key));
      ors.push(`(${parts.join(' AND ')})`);
    }
    clauses.push(`(${ors.join(' OR ')})`);
  }
  const order = sort.map((s) => `${sqlExpr(s.key)} ${s.dir.toUpperCase()}`).join(', ');
  return db.prepare(`SELECT i.* FROM instances i WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT ?`).all(...all, limit) as InstanceRow[];
}

/** The instance mappings of a down cell, as partial records (only uuid, project, created). */
function downCellRecords(api: ComputeApi, cell: Cell, projectId: string | undefined, limit: number): Listed[] {
  const rows = api.store.db.prepare(
    `SELECT instance_uuid, project_id, user_id, created_at FROM instance_mappings
     WHERE cell_id = ? AND queued_for_delete = 0 ${projectId !== undefined ? 'AND project_id = ?' : ''} ORDER BY created_at DESC, instance_uuid LIMIT ?`,
  ).all(...(projectId !== undefined ? [cell.id, projectId, limit] : [cell.id, limit])) as { instance_uuid: string; project_id: string; user_id: string; created_at: string }[];
  return rows.map((r) => ({ kind: 'down' as const, record: { uuid: r.instance_uuid, project_id: r.project_id, user_id: r.user_id, created_at: r.created_at } }));
}

export const markerNotFound = (marker: string): ApiError => badRequest(`marker [${marker}] not found`);

/** One page of servers across the build requests and every cell. */
export function listServers(api: ComputeApi, q: ListRequest): Listed[] {
  const sort = fullSort(q.sort);
  const builds = (api.store.db.prepare('SELECT instance FROM build_requests').all() as { instance: string }[])
    .map((r) => JSON.parse(r.instance) as BuildRequestInstance)
    .filter((b) => buildMatches(q.filter, b))
    .sort((a, b) => compareRows(sort, a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>));

  let after: Record<string, unknown> | undefined;
  let buildPage = builds;
  if (q.marker !== undefined) {
    const at = builds.findIndex((b) => b.uuid === q.marker);
    if (at >= 0) {
      buildPage = builds.slice(at + 1);
    } else {
      // The marker is an instance: found through its mapping, in its cell.
      buildPage = [];
      const cell = api.cells.ofInstance(q.marker);
      if (!cell) throw markerNotFound(q.marker);
      let row: InstanceRow | undefined;
      try {
        row = cell.db.prepare('SELECT * FROM instances WHERE uuid = ?').get(q.marker) as InstanceRow | undefined;
      } catch (e) {
        if (e instanceof CellDown) throw markerNotFound(q.marker);
        throw e;
      }
      if (!row) throw markerNotFound(q.marker);
      after = row as unknown as Record<string, unknown>;
    }
  }
  const out: Listed[] = buildPage.slice(0, q.limit).map((build) => ({ kind: 'build' as const, build }));
  const room = q.limit - out.length;
  if (room <= 0) return out;

  const down: Listed[] = [];
  const pages: { cell: Cell; row: InstanceRow }[] = [];
  for (const cell of api.cells.all()) {
    if (cell.down) {
      if (q.cellDownSupport && q.marker === undefined) down.push(...downCellRecords(api, cell, q.filter.projectId, room));
      continue;
    }
    try {
      for (const row of readCell(cell.db, q.filter, sort, room, after)) pages.push({ cell, row });
    } catch (e) {
      if (!(e instanceof CellDown)) throw e;
    }
  }
  pages.sort((a, b) => compareRows(sort, a.row as unknown as Record<string, unknown>, b.row as unknown as Record<string, unknown>));
  const merged: Listed[] = [...down, ...pages.map((p) => ({ kind: 'instance' as const, cell: p.cell, row: p.row }))];
  return [...out, ...merged.slice(0, room)];
}
