/**
 * Account and container listings as listing_formats and the account/container servers write
 * them: the format from `format=` or the Accept header (406 when nothing fits), the query
 * parameters (412 `Maximum limit is N`), JSON as Python's json.dumps (`", "` separators, non-ASCII
 * escaped), XML as ElementTree writes it, plain text one name a line (empty → 204).
 */
import type { SwiftRequest, SwiftResponse } from '../context';
import { sentence, swobPage } from '../responses';
import type { ContainerListing, Listed, ListQuery, ObjectListing } from '../store';

const OFFERS = ['text/plain', 'application/json', 'application/xml', 'text/xml'];
const FORMATS: Record<string, string> = { plain: 'text/plain', json: 'application/json', xml: 'application/xml' };

export interface ListingFormat {
  contentType: string;
  /** No `format` parameter: the answer varies with Accept. */
  vary: boolean;
}

/** listing_formats.get_listing_content_type: the type to answer, or the 406/400 to send. */
export function listingFormat(req: SwiftRequest): ListingFormat | SwiftResponse {
  const format = req.query.get('format');
  const accept = format ? FORMATS[format.toLowerCase()] ?? 'text/plain' : req.headers.accept;
  const best = bestMatch(accept, OFFERS);
  if (best === null) return sentence(400, 'Invalid Accept header', 'text/html; charset=UTF-8');
  if (best === undefined) return swobPage(406);
  return { contentType: best, vary: !req.query.has('format') };
}

/**
 * swob's Accept.best_match: the offer with the highest quality (more specific patterns
 * decide a pattern's quality; ties go to the earlier offer). undefined: none acceptable;
 * null: an unparsable header.
 */
export function bestMatch(header: string | undefined, offers: string[]): string | undefined | null {
  if (!header || !header.trim()) return offers[0];
  const entries: { type: string; sub: string; q: number }[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.trim().split(';');
    if (!range) continue;
    const m = /^([\w.+*-]+)\/([\w.+*-]+)$/.exec(range.trim());
    if (!m) return null;
    let q = 1;
    for (const p of params) {
      const pm = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (pm) q = Number(pm[1]);
    }
    if (Number.isNaN(q)) return null;
    entries.push({ type: m[1]!.toLowerCase(), sub: m[2]!.toLowerCase(), q });
  }
  let best: string | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const [type, sub] = offer.split('/') as [string, string];
    let spec = -1;
    let q = 0;
    for (const e of entries) {
      const s = e.type === type && e.sub === sub ? 2 : e.type === type && e.sub === '*' ? 1 : e.type === '*' && e.sub === '*' ? 0 : -1;
      if (s > spec) {
        spec = s;
        q = e.q;
      }
    }
    if (spec >= 0 && q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);

/** The listing query of a request; a 412 when `limit` is over the maximum. */
export function listQuery(req: SwiftRequest, maxLimit: number, container: boolean): ListQuery | SwiftResponse {
  const p = req.query;
  let limit = maxLimit;
  const given = p.get('limit');
  if (given && /^\d+$/.test(given)) {
    limit = Number(given);
    if (limit > maxLimit) return sentence(412, `Maximum limit is ${maxLimit}`, 'text/html; charset=UTF-8');
  }
  const q: ListQuery = { reverse: TRUE.has((p.get('reverse') ?? '').toLowerCase()), limit };
  for (const [param, key] of [['prefix', 'prefix'], ['delimiter', 'delimiter'], ['marker', 'marker'], ['end_marker', 'endMarker']] as const) {
    const v = p.get(param);
    if (v !== null) q[key] = v;
  }
  if (container && p.has('path')) q.path = p.get('path')!;
  return q;
}

/** Python's json.dumps with its defaults: `", "` and `": "` separators, ensure_ascii. */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiJson(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${asciiJson(JSON.stringify(k))}: ${pyJson(v)}`).join(', ')}}`;
}

function asciiJson(s: string): string {
  return s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Swift's listing time: `2026-11-25T01:11:10.516160` (microseconds, no zone) of an X-Timestamp. */
export function isoTimestamp(ts: string): string {
  const [sec, frac = ''] = ts.split('.');
  const d = new Date(Number(sec) * 1000);
  return `${d.toISOString().slice(0, 19)}.${(frac + '000000').slice(0, 6)}`;
}

function xmlEscape(s: string, attr = false): string {
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (attr) out = out.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#09;');
  return out;
}

/** Params a middleware appended to a stored listing value (`<md5>; slo_etag=...`, `text/plain;swift_bytes=35`). */
function splitParams(value: string): { base: string; params: Record<string, string> } {
  const parts = value.split(';');
  const params: Record<string, string> = {};
  const keep: string[] = [parts[0]!];
  for (const p of parts.slice(1)) {
    const m = /^\s*(swift_bytes|slo_etag)=(.*)$/.exec(p);
    if (m) params[m[1]!] = m[2]!.trim();
    else keep.push(p);
  }
  return { base: keep.join(';'), params };
}

/** A container listing entry as the container server's JSON has it (key order included). */
export function objectRecord(o: ObjectListing): Record<string, unknown> {
  const ct = splitParams(o.contentType);
  const hash = splitParams(o.hash);
  let bytes = o.bytes;
  const swiftBytes = ct.params.swift_bytes ?? hash.params.swift_bytes;
  if (swiftBytes !== undefined && /^\d+$/.test(swiftBytes)) bytes = Number(swiftBytes);
  const rec: Record<string, unknown> = {
    bytes, hash: hash.base.trim(), name: o.name, content_type: ct.base, last_modified: isoTimestamp(o.dataTimestamp),
  };
  const sloEtag = hash.params.slo_etag ?? ct.params.slo_etag;
  if (sloEtag !== undefined) rec.slo_etag = sloEtag;
  return rec;
}

export function containerRecord(c: ContainerListing): Record<string, unknown> {
  return { name: c.name, count: c.count, bytes: c.bytes, last_modified: isoTimestamp(c.putTimestamp) };
}

/**
 * The listing response: `headers` are the account's or container's HEAD headers; `kind` and
 * `name` name the XML root element.
 */
export function listingResponse(
  req: SwiftRequest, fmt: ListingFormat, kind: 'account' | 'container', name: string,
  entries: Listed<ObjectListing | ContainerListing>[], headers: Record<string, string>,
): SwiftResponse {
  const records = entries.map((e) => ('subdir' in e ? { subdir: e.subdir } : kind === 'container' ? objectRecord(e as ObjectListing) : containerRecord(e as ContainerListing)));
  let body: string;
  if (fmt.contentType === 'application/json') {
    body = pyJson(records);
  } else if (fmt.contentType.endsWith('/xml')) {
    body = kind === 'container' ? containerXml(records, name) : accountXml(records, name);
  } else {
    body = records.map((r) => `${String(r.name ?? r.subdir)}\n`).join('');
  }
  const out: Record<string, string> = { 'Content-Type': `${fmt.contentType}; charset=utf-8`, ...headers };
  if (fmt.vary) out.Vary = 'Accept';
  const buf = Buffer.from(body, 'utf8');
  out['Content-Length'] = String(buf.length);
  if (buf.length === 0) return { status: 204, headers: out };
  return { status: 200, headers: out, body: req.method === 'HEAD' ? undefined : buf };
}

/** HEAD of an account or container: its headers, the negotiated type, no body. */
export function listingHead(fmt: ListingFormat, headers: Record<string, string>, status: number): SwiftResponse {
  const out: Record<string, string> = { 'Content-Type': `${fmt.contentType}; charset=utf-8`, ...headers };
  if (fmt.vary) out.Vary = 'Accept';
  out['Content-Length'] = '0';
  return { status, headers: out };
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

function containerXml(records: Record<string, unknown>[], name: string): string {
  if (records.length === 0) return `${HEAD}<container name="${xmlEscape(name, true)}" />`;
  let s = `${HEAD}<container name="${xmlEscape(name, true)}">`;
  for (const r of records) {
    if ('subdir' in r) {
      const d = String(r.subdir);
      s += `<subdir name="${xmlEscape(d, true)}"><name>${xmlEscape(d)}</name></subdir>`;
    } else {
      s += '<object>';
      for (const f of ['name', 'hash', 'bytes', 'content_type', 'last_modified']) s += `<${f}>${xmlEscape(String(r[f]))}</${f}>`;
      s += '</object>';
    }
  }
  return `${s}</container>`;
}

function accountXml(records: Record<string, unknown>[], name: string): string {
  let s = `${HEAD}<account name="${xmlEscape(name, true)}">\n`;
  for (const r of records) {
    if ('subdir' in r) {
      s += `<subdir name="${xmlEscape(String(r.subdir), true)}" />\n`;
    } else {
      s += '<container>';
      for (const f of ['name', 'count', 'bytes', 'last_modified']) s += `<${f}>${xmlEscape(String(r[f]))}</${f}>`;
      s += '</container>\n';
    }
  }
  return `${s}</account>`;
}
