/**
 * One general collection over the `resources` table: get, insert, replace, delete, and list with
 * Neutron's query language (filters on any attribute, tags filters, fields, sort_key/sort_dir,
 * limit/marker/page_reverse with <collection>_links), all as indexed SQL with LIMIT.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../core/store';
import type { ApiError } from '../core/errors';
import type { AttrMap } from './attributes';
import { toBoolean, toInteger } from './attributes';
import { badRequest, neutronError } from './errors';

export type Row = Record<string, unknown> & { id: string; project_id: string };

export interface Visibility {
  /** SQL condition over `project_id` / `body` giving what a non-admin project sees; one `?` per param. */
  sql: string;
  params: unknown[];
}

export interface ListQuery {
  filters: Record<string, string[]>;
  limit?: number;
  marker?: string;
  sortKeys: string[];
  sortDirs: ('asc' | 'desc')[];
  pageReverse: boolean;
}

const RESERVED = new Set(['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'page_reverse', 'tags', 'tags-any', 'not-tags', 'not-tags-any']);
const jsonPath = (attr: string) => `'$."${attr.replace(/[^\w:.-]/g, '')}"'`;
const col = (attr: string) => (attr === 'id' || attr === 'project_id' ? attr : `json_extract(body, ${jsonPath(attr)})`);

export class Collection {
  readonly kind: string;
  private readonly db: Db;
  private readonly attrs: AttrMap;
  private readonly notFound: (id: string) => ApiError;

  constructor(db: Db, kind: string, attrs: AttrMap, notFound: (id: string) => ApiError) {
    this.db = db;
    this.kind = kind;
    this.attrs = attrs;
    this.notFound = notFound;
  }

  private readonly statements = new Map<string, Statement>();

  /** Prepared statements, compiled once per distinct SQL text (bounded: list SQL varies by query shape). */
  private sql(text: string): Statement {
    let s = this.statements.get(text);
    if (!s) {
      if (this.statements.size > 500) this.statements.clear();
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  find(id: string): Row | undefined {
    const r = this.sql('SELECT body FROM resources WHERE kind = ? AND id = ?').get(this.kind, id) as { body: string } | undefined;
    return r ? (JSON.parse(r.body) as Row) : undefined;
  }

  /** The row when it exists and `visible` allows it, else the resource's 404. */
  get(id: string, visible?: Visibility): Row {
    const vis = visible ? ` AND (${visible.sql})` : '';
    const r = this.sql(`SELECT body FROM resources WHERE kind = ? AND id = ?${vis}`).get(this.kind, id, ...(visible?.params ?? [])) as { body: string } | undefined;
    if (!r) throw this.notFound(id);
    return JSON.parse(r.body) as Row;
  }

  insert(row: Row): void {
    this.sql('INSERT INTO resources (kind, id, project_id, body) VALUES (?, ?, ?, ?)').run(this.kind, row.id, row.project_id, JSON.stringify(row));
  }

  save(row: Row): void {
    this.sql('UPDATE resources SET body = ?, project_id = ? WHERE kind = ? AND id = ?').run(JSON.stringify(row), row.project_id, this.kind, row.id);
  }

  delete(id: string): void {
    this.sql('DELETE FROM resources WHERE kind = ? AND id = ?').run(this.kind, id);
  }

  count(projectId: string): number {
    return (this.sql('SELECT count(*) AS n FROM resources WHERE kind = ? AND project_id = ?').get(this.kind, projectId) as { n: number }).n;
  }

  /** Every row whose attribute equals value (internal lookups: ports of a network...). */
  where(attr: string, value: unknown): Row[] {
    const v = typeof value === 'boolean' ? Number(value) : value;
    return (this.sql(`SELECT body FROM resources WHERE kind = ? AND ${col(attr)} = ? ORDER BY id`).all(this.kind, v) as { body: string }[])
      .map((r) => JSON.parse(r.body) as Row);
  }

  /** Reads Neutron's list query string into a ListQuery, rejecting unknown filters (filter-validation). */
  parseQuery(query: Record<string, string | string[]>, hidden: (attr: string) => boolean): ListQuery {
    const all = (k: string): string[] => { const v = query[k]; return v === undefined ? [] : Array.isArray(v) ? v : [v]; };
    const filters: Record<string, string[]> = {};
    for (const k of Object.keys(query)) {
      if (RESERVED.has(k)) continue;
      if (!(k in this.attrs) || hidden(k)) throw badRequest(`['${k}'] is invalid attribute for filtering`);
      filters[k] = all(k);
    }
    for (const k of ['tags', 'tags-any', 'not-tags', 'not-tags-any']) if (query[k] !== undefined) filters[k] = all(k).flatMap((s) => s.split(','));
    const limitRaw = all('limit')[0];
    let limit: number | undefined;
    if (limitRaw !== undefined) {
      if (!/^\d+$/.test(limitRaw)) throw neutronError(400, 'BadRequest', `Bad limit request: Limit must be an integer 0 or greater and not '${limitRaw}'.`);
      limit = Number(limitRaw);
      if (limit === 0) limit = undefined;
    }
    const sortKeys = all('sort_key');
    const sortDirs = all('sort_dir').map((d) => d.toLowerCase());
    for (const k of sortKeys) {
      if (!(k in this.attrs) || hidden(k) || ['list', 'dict'].includes(this.attrs[k].type)) {
        throw badRequest(`['${k}'] is invalid attribute for sort_keys`);
      }
    }
    for (const d of sortDirs) if (d !== 'asc' && d !== 'desc') throw badRequest(`['${d}'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'`);
    if (sortDirs.length !== sortKeys.length) throw badRequest('The number of sort_keys and sort_dirs must be same');
    const pr = all('page_reverse')[0];
    return {
      filters, limit, marker: all('marker')[0], sortKeys,
      sortDirs: sortKeys.map((_, i) => (sortDirs[i] ?? 'asc') as 'asc' | 'desc'),
      pageReverse: pr !== undefined && toBoolean(pr),
    };
  }

  list(q: ListQuery, visible?: Visibility): Row[] {
    const where: string[] = ['kind = ?'];
    const params: unknown[] = [this.kind];
    if (visible) { where.push(`(${visible.sql})`); params.push(...visible.params); }
    for (const [attr, values] of Object.entries(q.filters)) this.filterSql(attr, values, where, params);
    const keys = [...q.sortKeys.filter((k) => k !== 'id'), 'id'];
    const dirs = keys.map((k) => { const i = q.sortKeys.indexOf(k); return i >= 0 ? q.sortDirs[i] : (q.sortDirs[0] ?? 'asc'); });
    const effective = dirs.map((d) => (q.pageReverse ? (d === 'asc' ? 'desc' : 'asc') : d));
    if (q.marker !== undefined) {
      const m = this.find(q.marker);
      if (!m) throw this.notFound(q.marker);
      // (k1, k2, ..., id) strictly after the marker in the effective order.
      const ors: string[] = [];
      for (let i = 0; i < keys.length; i++) {
        const eqs = keys.slice(0, i).map((k) => `${col(k)} IS ?`);
        ors.push(`(${[...eqs, `${col(keys[i])} ${effective[i] === 'asc' ? '>' : '<'} ?`].join(' AND ')})`);
        params.push(...keys.slice(0, i + 1).map((k) => sqlValue(m[k])));
      }
      where.push(`(${ors.join(' OR ')})`);
    }
    const order = keys.map((k, i) => `${col(k)} ${effective[i].toUpperCase()}`).join(', ');
    const limit = q.limit !== undefined ? ` LIMIT ${q.limit}` : '';
    const rows = (this.sql(`SELECT body FROM resources WHERE ${where.join(' AND ')} ORDER BY ${order}${limit}`).all(...params) as { body: string }[])
      .map((r) => JSON.parse(r.body) as Row);
    return q.pageReverse ? rows.reverse() : rows;
  }

  private filterSql(attr: string, values: string[], where: string[], params: unknown[]): void {
    const tagSet = () => `(SELECT count(DISTINCT t.value) FROM json_each(body, '$.tags') t WHERE t.value IN (${values.map(() => '?').join(',')}))`;
    switch (attr) {
      case 'tags': where.push(`${tagSet()} = ${new Set(values).size}`); params.push(...values); return;
      case 'tags-any': where.push(`${tagSet()} > 0`); params.push(...values); return;
      case 'not-tags': where.push(`${tagSet()} < ${new Set(values).size}`); params.push(...values); return;
      case 'not-tags-any': where.push(`${tagSet()} = 0`); params.push(...values); return;
    }
    const spec = this.attrs[attr];
    if (spec.type === 'list') {
      // fixed_ips=ip_address=10.0.0.5 / fixed_ips=subnet_id=..., security_groups=<id>: any element matches.
      const ors: string[] = [];
      for (const v of values) {
        const kv = /^(\w+)=(.*)$/.exec(v);
        if (kv && attr === 'fixed_ips') { ors.push(`EXISTS (SELECT 1 FROM json_each(body, ${jsonPath(attr)}) e WHERE json_extract(e.value, '$.${kv[1] === 'ip_address' ? 'ip_address' : 'subnet_id'}') = ?)`); params.push(kv[2]); }
        else { ors.push(`EXISTS (SELECT 1 FROM json_each(body, ${jsonPath(attr)}) e WHERE e.value = ?)`); params.push(v); }
      }
      where.push(`(${ors.join(' OR ')})`);
      return;
    }
    const converted = values.map((v) => {
      if (spec.type === 'boolean') return Number(toBoolean(v));
      if (spec.type === 'integer') return toInteger(v);
      return v;
    });
    where.push(`${col(attr)} IN (${converted.map(() => '?').join(',')})`);
    params.push(...converted);
  }
}

function sqlValue(v: unknown): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (v === undefined) return null;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return v;
}
