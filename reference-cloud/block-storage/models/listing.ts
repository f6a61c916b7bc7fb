/**
 * Listing as Cinder's list controllers do it: pagination params (limit/marker/offset), sort
 * (`sort=k:dir,...` or sort_key/sort_dir, default created_at desc), filters checked against the
 * resource's configured filters from 3.31 (admins may use any; `all_tenants` from a non-admin
 * is dropped), `name~` like-filters, time comparisons (`gt:`, `gte:`, `eq:`, `neq:`, `lt:`,
 * `lte:`), `metadata={json}`, and with_count from 3.45.
 */
import type { ApiRequest } from '../../core/service';
import { badRequest, MAX_LIMIT } from '../common';
import { isAdmin } from './volumes';

/** cinder/etc resource_filters.json (the defaults Zed ships). */
export const RESOURCE_FILTERS: Record<string, string[]> = {
  volume: ['name', 'status', 'metadata', 'bootable', 'migration_status', 'availability_zone', 'group_id', 'size', 'created_at', 'updated_at', 'consumes_quota'],
  backup: ['name', 'status', 'volume_id'],
  snapshot: ['name', 'status', 'volume_id', 'metadata', 'availability_zone', 'consumes_quota'],
  group: ['name'],
  group_snapshot: ['name', 'status', 'group_id'],
  attachment: ['volume_id', 'status', 'instance_id', 'attach_status'],
  message: ['resource_uuid', 'resource_type', 'event_id', 'request_id', 'message_level'],
  pool: ['name', 'volume_type'],
  volume_type: ['is_public', 'extra_specs'],
};

/** Before 3.31 a non-admin's unknown filters are dropped silently (remove_invalid_filter_options). */
const LEGACY_FILTERS: Record<string, string[]> = {
  volume: ['name', 'status', 'metadata', 'availability_zone', 'bootable', 'group_id'],
  snapshot: ['name', 'status', 'volume_id', 'metadata', 'availability_zone'],
  backup: ['name', 'status', 'volume_id'],
};

const CONTROL = ['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir', 'with_count'];

export interface ListParams {
  limit: number;
  marker?: string;
  offset: number;
  sort: { key: string; dir: 'asc' | 'desc' }[];
  filters: Record<string, string>;
  allTenants: boolean;
  withCount: boolean;
}

const last = (v: string | string[]): string => (Array.isArray(v) ? v[v.length - 1] : v);

export function listParams(req: ApiRequest, resource: 'volume' | 'snapshot' | 'backup' | 'volume_type', sortKeys: string[]): ListParams {
  const q = req.query;
  const mv = req.microversion!;
  const admin = isAdmin(req.auth);
  let limit = MAX_LIMIT;
  if (q.limit !== undefined) {
    const raw = last(q.limit).trim();
    if (!/^[+-]?\d+$/.test(raw)) throw badRequest('limit param must be an integer');
    const n = Number(raw);
    if (n < 0) throw badRequest('limit param must be positive');
    limit = Math.min(n, MAX_LIMIT);
  }
  let offset = 0;
  if (q.offset !== undefined) {
    const raw = last(q.offset).trim();
    if (!/^[+-]?\d+$/.test(raw)) throw badRequest('offset must be an integer');
    offset = Number(raw);
    if (offset < 0) throw badRequest('offset must be >= 0');
    if (offset > 0x7fffffff) throw badRequest(`offset must be <= ${0x7fffffff}`);
  }
  const sort = sortParams(req, sortKeys);
  const withCount = mv.atLeast('3.45') && q.with_count !== undefined ? /^(1|t|true|on|y|yes)$/i.test(last(q.with_count)) : false;
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (CONTROL.includes(k)) continue;
    filters[k] = last(v);
  }
  let allTenants = false;
  if ('all_tenants' in filters) {
    if (admin) allTenants = /^(1|t|true|on|y|yes)$/i.test(filters.all_tenants) || filters.all_tenants === '';
    delete filters.all_tenants;
  }
  for (const k of Object.keys(filters)) {
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(k)) throw badRequest('Filter keys can only contain ASCII characters.');
  }
  if (resource === 'volume_type') {
    // Types: is_public is read by the caller; from 3.52 unknown filters are refused.
    delete filters.is_public;
    const invalid = Object.keys(filters).filter((k) => !RESOURCE_FILTERS.volume_type.includes(k));
    if (!admin && mv.atLeast('3.52') && invalid.length) throw badRequest(`Invalid filters ${invalid.join(',')} are found in query options.`);
    for (const k of Object.keys(filters)) delete filters[k];
  } else if (!admin) {
    // RESOURCE_FILTER (3.31): the configured filters only; `name~` is not configured.
    if (mv.atLeast('3.31')) {
      const allowed = RESOURCE_FILTERS[resource];
      const invalid = Object.keys(filters).filter((k) => !allowed.includes(k));
      if (invalid.length) throw badRequest(`Invalid filters ${invalid.join(',')} are found in query options.`);
    } else {
      for (const k of Object.keys(filters)) if (!LEGACY_FILTERS[resource].includes(k)) delete filters[k];
    }
  }
  return { limit, marker: q.marker === undefined ? undefined : last(q.marker), offset, sort, filters, allTenants, withCount };
}

function sortParams(req: ApiRequest, keys: string[]): ListParams['sort'] {
  const q = req.query;
  const out: ListParams['sort'] = [];
  if (q.sort !== undefined) {
    if (q.sort_key !== undefined || q.sort_dir !== undefined) throw badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
    for (const part of last(q.sort).split(',')) {
      const [k, d] = part.split(':').map((s) => s.trim());
      out.push({ key: k, dir: (d || 'desc') as 'asc' | 'desc' });
    }
  } else if (q.sort_key !== undefined) {
    out.push({ key: last(q.sort_key).trim(), dir: ((q.sort_dir && last(q.sort_dir).trim()) || 'desc') as 'asc' | 'desc' });
  } else if (q.sort_dir !== undefined) {
    out.push({ key: 'created_at', dir: last(q.sort_dir).trim() as 'asc' | 'desc' });
  } else {
    out.push({ key: 'created_at', dir: 'desc' });
  }
  for (const s of out) {
    if (!keys.includes(s.key)) throw badRequest('Invalid input received: Invalid sort key');
    if (s.dir !== 'asc' && s.dir !== 'desc') throw badRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
  }
  return out;
}

/** Sorts rows by the sort params, then by id in the last direction (Cinder's paginate_query adds id). */
export function sortRows<T extends Record<string, unknown>>(rows: T[], sort: ListParams['sort'], column: (key: string) => string = (k) => k): T[] {
  const keys = [...sort, { key: 'id', dir: sort[sort.length - 1]?.dir ?? 'desc' }];
  return [...rows].sort((a, b) => {
    for (const s of keys) {
      const x = a[column(s.key)] as string | number | null;
      const y = b[column(s.key)] as string | number | null;
      if (x === y) continue;
      const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return s.dir === 'asc' ? c : -c;
    }
    return 0;
  });
}

/** A time comparison filter value ("gt:2026-01-01T00:00:00") against a stored ISO timestamp. */
export function timeMatches(stored: string | null, expr: string): boolean {
  const m = /^(gt|gte|eq|neq|lt|lte):(.+)$/.exec(expr);
  const [op, value] = m ? [m[1], m[2]] : ['eq', expr];
  const t = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`).getTime();
  if (Number.isNaN(t)) throw badRequest(`Invalid input received: Invalid filter value: ${expr}`);
  if (stored === null) return op === 'neq';
  const s = new Date(stored).getTime();
  switch (op) {
    case 'gt': return s > t;
    case 'gte': return s >= t;
    case 'lt': return s < t;
    case 'lte': return s <= t;
    case 'neq': return s !== t;
    default: return s === t;
  }
}

/** The metadata filter value: a JSON (or Python literal) dict. */
export function metadataFilter(raw: string): Record<string, string> {
  try {
    const v = JSON.parse(raw.replace(/'/g, '"')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  } catch {
    // fall through
  }
  throw badRequest(`Invalid input received: Invalid metadata filter: ${raw}`);
}

/** Applies marker, offset and limit to sorted rows (unknown marker: `notFound(marker)`). */
export function page<T extends { id: string }>(rows: T[], p: ListParams, notFound: (id: string) => Error): T[] {
  let start = 0;
  if (p.marker !== undefined) {
    const i = rows.findIndex((r) => r.id === p.marker);
    if (i < 0) throw notFound(p.marker);
    start = i + 1;
  }
  return rows.slice(start + p.offset, start + p.offset + p.limit);
}
