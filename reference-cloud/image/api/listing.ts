/**
 * GET /v2/images: Glance's filters, sorting (sort_key/sort_dir and sort=key:dir) and marker
 * paging [glance/api/v2/images.py RequestDeserializer.index, glance/db/sqlalchemy/api.py].
 */
import type { AuthContext } from '../../core/auth-context';
import { ApiError } from '../../core/errors';
import type { ApiRequest } from '../../core/service';
import { isoSeconds } from '../../core/time';
import { canSee, listVisibility } from '../access';
import type { ListQuery } from '../models/images';
import { imageView } from '../view';
import { type ImageApi, qall, qstr } from './common';

export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'];
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
/** Query parameters that are not property filters. */
const CONTROL = new Set(['limit', 'marker', 'member_status', 'tag', 'sort', 'sort_key', 'sort_dir', 'visibility', 'os_hidden', 'protected', 'size_min', 'size_max', 'created_at', 'updated_at']);
const COLUMN_FILTERS = new Set(['name', 'status', 'owner', 'container_format', 'disk_format', 'id', 'checksum', 'os_hash_value', 'os_hash_algo', 'min_ram', 'min_disk']);

const bad = (msg: string) => new ApiError(400, msg);

export function sorting(req: ApiRequest): { key: string; dir: 'asc' | 'desc' }[] {
  const keyOk = (k: string) => {
    if (!SORT_KEYS.includes(k)) throw bad(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
    return k;
  };
  const dirOk = (d: string) => {
    if (d !== 'asc' && d !== 'desc') throw bad(`Invalid sort direction: ${d}`);
    return d as 'asc' | 'desc';
  };
  const sort = qstr(req, 'sort');
  const keys: string[] = [];
  const dirs: ('asc' | 'desc')[] = [];
  if (sort !== undefined) {
    if (req.query.sort_key !== undefined || req.query.sort_dir !== undefined) throw bad('Old and new sorting syntax cannot be combined');
    for (const part of sort.trim().split(',')) {
      const [k, d] = [part.split(':')[0], part.split(':').slice(1).join(':')];
      keys.push(keyOk(k.trim()));
      dirs.push(dirOk((d || 'desc').trim()));
    }
  } else {
    for (const k of qall(req, 'sort_key')) keys.push(keyOk(k.trim()));
    const given = qall(req, 'sort_dir').map((d) => dirOk(d.trim()));
    if (given.length > 1 && given.length !== keys.length) throw bad('Number of sort dirs does not match the number of sort keys');
    if (!keys.length) keys.push('created_at');
    for (let i = 0; i < keys.length; i++) dirs.push(given.length > 1 ? given[i] : given[0] ?? 'desc');
  }
  const order = keys.map((key, i) => ({ key, dir: dirs[i] }));
  // Glance appends created_at and id so that the order is total.
  for (const k of ['created_at', 'id']) if (!keys.includes(k)) order.push({ key: k, dir: order[0].dir });
  return order;
}

/** "in:a,b" or a plain value; values may be quoted ("a,b") [glance/common/utils.split_filter_value_for_quotes]. */
function values(raw: string): string[] {
  if (!raw.startsWith('in:')) return [raw];
  const out: string[] = [];
  for (const m of raw.slice(3).matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

const OPS: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=', eq: '=', neq: '!=' };

function timeFilter(q: ListQuery, column: string, raw: string): void {
  const m = /^(lt|lte|gt|gte|eq|neq):(.+)$/.exec(raw);
  const [op, value] = m ? [m[1], m[2]] : ['eq', raw];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw bad(`Unable to filter by unknown operator '${raw}'.`);
  q.where.push(`i.${column} ${OPS[op]} ?`);
  q.params.push(isoSeconds(new Date(t)));
}

function boolFilter(q: ListQuery, req: ApiRequest, name: 'protected' | 'os_hidden', dflt?: string): void {
  const raw = (qstr(req, name) ?? dflt)?.toLowerCase();
  if (raw === undefined) return;
  if (raw !== 'true' && raw !== 'false') throw bad(`Invalid value '${qstr(req, name)}' for '${name}' filter. Valid values are 'true' or 'false'.`);
  q.where.push(`i.${name} = ?`);
  q.params.push(raw === 'true' ? 1 : 0);
}

function sizeFilter(q: ListQuery, req: ApiRequest, name: 'size_min' | 'size_max'): void {
  const raw = qstr(req, name);
  if (raw === undefined) return;
  if (!/^\d+$/.test(raw.trim())) throw bad(`Invalid value '${raw}' for parameter '${name}': value must be a non-negative integer`);
  q.where.push(`i.size ${name === 'size_min' ? '>=' : '<='} ?`);
  q.params.push(Number(raw));
}

export function listImages(api: ImageApi, req: ApiRequest, auth: AuthContext) {
  const limitRaw = qstr(req, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== undefined) {
    if (!/^-?\d+$/.test(limitRaw.trim())) throw bad('limit param must be an integer');
    limit = Number(limitRaw);
    if (limit < 0) throw bad('limit param must be positive');
  }
  limit = Math.min(limit, MAX_LIMIT);
  const memberStatus = qstr(req, 'member_status') ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) throw bad(`Invalid status: ${memberStatus}`);
  const visibility = qstr(req, 'visibility');
  if (visibility && !['community', 'public', 'private', 'shared', 'all'].includes(visibility)) throw bad(`Invalid visibility value: ${visibility}`);
  if (req.query['changes-since'] !== undefined) throw bad('The "changes-since" filter is no longer available on v2.');

  const order = sorting(req);
  const q: ListQuery = { where: ['i.deleted = 0'], params: [], order };
  const vis = listVisibility(auth, visibility, memberStatus);
  q.where.push(vis.sql);
  q.params.push(...vis.params);
  boolFilter(q, req, 'os_hidden', 'false');
  boolFilter(q, req, 'protected');
  sizeFilter(q, req, 'size_min');
  sizeFilter(q, req, 'size_max');
  for (const t of ['created_at', 'updated_at'] as const) {
    const raw = qstr(req, t);
    if (raw !== undefined) timeFilter(q, t, raw);
  }
  for (const tag of qall(req, 'tag')) {
    q.where.push('EXISTS (SELECT 1 FROM json_each(i.tags) WHERE value = ?)');
    q.params.push(tag.trim());
  }
  for (const key of Object.keys(req.query)) {
    if (CONTROL.has(key) || key === 'changes-since') continue;
    const raw = qstr(req, key) ?? '';
    const vals = values(raw);
    const expr = COLUMN_FILTERS.has(key) ? `i.${key}` : `json_extract(i.properties, ?)`;
    if (!COLUMN_FILTERS.has(key)) q.params.push(`$."${key.replace(/["\\]/g, '')}"`);
    q.where.push(`CAST(${expr} AS TEXT) IN (${vals.map(() => '?').join(', ')})`);
    q.params.push(...vals);
  }

  const ids = api.repo.listIds(q);
  let start = 0;
  const marker = qstr(req, 'marker');
  if (marker !== undefined) {
    const img = api.repo.find(marker);
    if (!img || !canSee(api.repo, img, auth)) throw bad(`No image found with ID ${marker}`);
    const at = ids.indexOf(marker);
    // A marker outside the filtered set: Glance pages from its position in the full order.
    start = at >= 0 ? at + 1 : positionAfter(api, order, img.id, ids);
  }
  const page = ids.slice(start, start + limit);
  const images = api.repo.many(page).map(imageView);
  const body: Record<string, unknown> = { images, first: firstLink(req), schema: '/v2/schemas/images' };
  // Glance offers a next page whenever this one is full, even when nothing follows.
  if (limit > 0 && page.length === limit) body.next = nextLink(req, page[page.length - 1]);
  return body;
}

/** Index after which rows sort behind the marker image (marker not itself in the filtered list). */
function positionAfter(api: ImageApi, order: { key: string; dir: 'asc' | 'desc' }[], markerId: string, ids: string[]): number {
  const rows = api.repo.many([markerId, ...ids]);
  const [m, ...rest] = rows;
  const cmp = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const o of order) {
      const x = a[o.key] as string | number | null;
      const y = b[o.key] as string | number | null;
      if (x === y) continue;
      const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return o.dir === 'asc' ? c : -c;
    }
    return 0;
  };
  const i = rest.findIndex((r) => cmp(r as unknown as Record<string, unknown>, m as unknown as Record<string, unknown>) > 0);
  return i < 0 ? ids.length : i;
}

/** The request's query as Glance echoes it: "/v2/images?limit=2" (without marker). */
function firstLink(req: ApiRequest): string {
  const qs = queryWithout(req, 'marker');
  return `/v2/images${qs ? `?${qs}` : ''}`;
}

function nextLink(req: ApiRequest, marker: string): string {
  const qs = queryWithout(req, 'marker');
  return `/v2/images?${qs ? `${qs}&` : ''}marker=${marker}`;
}

function queryWithout(req: ApiRequest, drop: string): string {
  const i = req.url.indexOf('?');
  if (i < 0) return '';
  const params = new URLSearchParams(req.url.slice(i + 1));
  params.delete(drop);
  return params.toString();
}
