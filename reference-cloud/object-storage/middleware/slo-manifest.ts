/**
 * SLO manifests: the PUT format's validation with Swift's sentences (slo.parse_and_validate_input),
 * the stored format, and the SLO ETag (md5 of the segment ETags, `<etag>:<range>;` for a ranged
 * segment, the md5 of inline data).
 */
import { createHash } from 'node:crypto';
import type { SwiftResponse } from '../context';
import { getHeader, isTrue } from './headers';
import { pyJson } from './report';

/** A segment of a PUT manifest after validation. */
export type InputSegment =
  | { kind: 'path'; path: string; etag?: string | null; sizeBytes?: number; range?: SegRange; rangeText?: string }
  | { kind: 'data'; data: string };

/** A segment of the stored manifest (what `?multipart-manifest=get` shows). */
export interface StoredSegment {
  name?: string;
  bytes?: number;
  hash?: string;
  content_type?: string;
  last_modified?: string;
  range?: string;
  sub_slo?: boolean;
  data?: string;
}

/** A swob Range spec with one range: start/end as given (end inclusive), either may be absent. */
export interface SegRange {
  start?: number;
  end?: number;
}

export class ManifestError extends Error {}

/** swob.Range of `bytes=<text>`: its ranges, or undefined when syntactically invalid. */
export function parseSwobRange(text: string): SegRange[] | undefined {
  const v = text.replace(/ /g, '');
  if (!v.toLowerCase().startsWith('bytes=')) return undefined;
  const out: SegRange[] = [];
  for (const r of v.slice(6).split(',')) {
    const i = r.indexOf('-');
    if (i < 0) return undefined;
    const s = r.slice(0, i);
    const e = r.slice(i + 1);
    if (s !== '' && !/^\d+$/.test(s)) return undefined;
    if (e !== '' && !/^\d+$/.test(e)) return undefined;
    const start = s === '' ? undefined : Number(s);
    const end = e === '' ? undefined : Number(e);
    if (start === undefined && end === undefined) return undefined;
    if (start !== undefined && end !== undefined && end < start) return undefined;
    out.push({ start, end });
  }
  return out;
}

/** swob's ranges_for_length for one range: [start, endExclusive], or undefined when unsatisfiable. */
export function rangeForLength(r: SegRange, length: number): [number, number] | undefined {
  if (r.start === undefined) {
    if (r.end === 0) return undefined;
    return r.end! > length ? [0, length] : [length - r.end!, length];
  }
  if (r.start >= length) return undefined;
  return [r.start, r.end === undefined ? length : Math.min(r.end + 1, length)];
}

const SLO_KEYS: Record<string, string[]> = { data: [], path: ['range', 'etag', 'size_bytes'] };

function strictB64(s: string): Buffer | undefined {
  const t = s.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(t, 'base64');
}

/** Python's `repr` of a str. */
const pyRepr = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * parse_and_validate_input: the segments, or ManifestError with Swift's text (one line per
 * problem, each ending in a newline). `account`: the request's account; `selfPath`: the
 * manifest's own decoded path, which may not be one of its segments.
 */
export function parseManifest(body: Buffer, account: string, version: string, selfPath: string): InputSegment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ManifestError('Manifest must be valid JSON.\n');
  }
  if (!Array.isArray(parsed)) throw new ManifestError('Manifest must be a list.\n');
  const errors: string[] = [];
  const out: InputSegment[] = [];
  parsed.forEach((seg: unknown, i: number) => {
    if (seg === null || typeof seg !== 'object' || Array.isArray(seg)) {
      errors.push(`Index ${i}: not a JSON object`);
      return;
    }
    const d = seg as Record<string, unknown>;
    const type = Object.keys(SLO_KEYS).find((k) => k in d);
    if (!type) {
      errors.push(`Index ${i}: expected keys to include one of ${Object.keys(SLO_KEYS).map(pyRepr).join(' or ')}`);
      return;
    }
    const allowed = new Set([type, ...SLO_KEYS[type]!]);
    const extra = Object.keys(d).filter((k) => !allowed.has(k)).sort();
    if (extra.length > 0) {
      errors.push(`Index ${i}: extraneous keys ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
      return;
    }
    if (type === 'data') {
      const data = typeof d.data === 'string' ? strictB64(d.data) : undefined;
      if (!data) {
        errors.push(`Index ${i}: data must be valid base64`);
        return;
      }
      if (data.length < 1) {
        errors.push(`Index ${i}: too small; each segment must be at least 1 byte.`);
        return;
      }
      out.push({ kind: 'data', data: data.toString('base64') });
      return;
    }
    if (typeof d.path !== 'string') {
      errors.push(`Index ${i}: "path" must be a string`);
      return;
    }
    if (!(d.etag === undefined || d.etag === null || typeof d.etag === 'string')) {
      errors.push(`Index ${i}: "etag" must be a string or null (if provided)`);
      return;
    }
    if (!d.path.replace(/^\/+|\/+$/g, '').includes('/')) {
      errors.push(`Index ${i}: path does not refer to an object. Path must be of the form /container/object.`);
      return;
    }
    let size: number | undefined;
    if (d.size_bytes !== undefined && d.size_bytes !== null) {
      const v = d.size_bytes;
      const n = typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : NaN;
      if (Number.isNaN(n)) {
        errors.push(`Index ${i}: invalid size_bytes`);
        return;
      }
      if (n < 1 && i !== parsed.length - 1) {
        errors.push(`Index ${i}: too small; each segment must be at least 1 byte.`);
        return;
      }
      size = n;
    }
    if (`/${version}/${account}/${d.path.replace(/^\/+/, '')}` === selfPath) {
      errors.push(`Index ${i}: manifest must not include itself as a segment`);
      return;
    }
    let range: SegRange | undefined;
    if (d.range) {
      const rs = typeof d.range === 'string' ? parseSwobRange(`bytes=${d.range}`) : undefined;
      if (!rs) {
        errors.push(`Index ${i}: invalid range`);
        return;
      }
      if (rs.length > 1) {
        errors.push(`Index ${i}: multiple ranges (only one allowed)`);
        return;
      }
      range = rs[0]!;
      if (size !== undefined && rangeForLength(range, size) === undefined) {
        errors.push(`Index ${i}: unsatisfiable range`);
        return;
      }
    }
    out.push({ kind: 'path', path: d.path, etag: d.etag as string | null | undefined, sizeBytes: size, range });
  });
  if (out.length > 0 && out.every((s) => s.kind === 'data')) errors.push('Inline data segments require at least one object-backed segment.');
  if (errors.length > 0) throw new ManifestError(errors.map((e) => `${e}\n`).join(''));
  return out;
}

/** The SLO ETag of stored segments. */
export function sloEtag(segments: StoredSegment[]): string {
  const h = createHash('md5');
  for (const s of segments) {
    if (s.data !== undefined) h.update(createHash('md5').update(Buffer.from(s.data, 'base64')).digest('hex'));
    else if (s.range) h.update(`${s.hash}:${s.range};`);
    else h.update(s.hash ?? '');
  }
  return h.digest('hex');
}

/** The number of bytes a stored segment contributes. */
export function storedSegmentLength(s: StoredSegment): number {
  if (s.data !== undefined) return Buffer.from(s.data, 'base64').length;
  if (s.range) {
    const [r] = parseSwobRange(`bytes=${s.range}`) ?? [];
    const span = r ? rangeForLength(r, s.bytes ?? 0) : undefined;
    return span ? span[1] - span[0] : 0;
  }
  return s.bytes ?? 0;
}

/** The raw (PUT) form of a stored manifest (`?multipart-manifest=get&format=raw`), keys sorted. */
export function rawManifest(segments: StoredSegment[]): string {
  const out = segments.map((s) => {
    if (s.data !== undefined) return { data: s.data };
    const r: Record<string, unknown> = { etag: s.hash ?? null, path: s.name ?? null, size_bytes: s.bytes ?? null };
    if (s.range) r.range = s.range;
    return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
  return pyJson(out);
}

export const SYSMETA_SLO_ETAG = 'x-object-sysmeta-slo-etag';
export const SYSMETA_SLO_SIZE = 'x-object-sysmeta-slo-size';
/** The etag the container listing shows for the object (Swift's container-update override). */
export const SYSMETA_OVERRIDE_ETAG = 'x-object-sysmeta-container-update-override-etag';

export const MAX_RECURSION = 10;
export const isSlo = (res: SwiftResponse): boolean => isTrue(getHeader(res.headers, 'x-static-large-object'));

/** The response headers a client may see (our sysmeta stays inside). */
export function publicHeaders(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !/^x-object-sysmeta-(slo-|container-update-override-)/i.test(k)));
}

/** A stored manifest's segments ([] when it does not parse, as Swift's _get_manifest_read). */
export function parseStored(buf: Buffer): StoredSegment[] {
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    return Array.isArray(v) ? (v as StoredSegment[]) : [];
  } catch {
    return [];
  }
}
