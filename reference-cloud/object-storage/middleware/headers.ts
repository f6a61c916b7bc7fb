/**
 * Case-insensitive access to a SwiftResponse's headers (names are kept as Swift sends them:
 * `Etag`, `Content-Type`), and the small header rules the middlewares share.
 */
import type { SwiftRequest, SwiftResponse } from '../context';

/** The value of a response header, whatever the case of its name. */
export function getHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Headers without the named ones (any case). */
export function withoutHeaders(headers: Record<string, string>, ...names: string[]): Record<string, string> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k.toLowerCase())));
}

/** Sets a header, replacing any existing one of that name in any case, in place of the old one. */
export function setHeader(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  const lower = name.toLowerCase();
  const out: Record<string, string> = {};
  let done = false;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) {
      if (!done) out[name] = value;
      done = true;
    } else {
      out[k] = v;
    }
  }
  if (!done) out[name] = value;
  return out;
}

/** Swift's config_true_value: true, 1, yes, on, t, y (any case). */
export function isTrue(v: string | undefined | null): boolean {
  return v !== undefined && v !== null && ['true', '1', 'yes', 'on', 't', 'y'].includes(v.trim().toLowerCase());
}

/** swob's normalize_etag: the ETag without surrounding quotes. */
export function normalizeEtag(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v.replace(/^"(.*)"$/, '$1');
}

export const isSuccess = (res: SwiftResponse): boolean => res.status >= 200 && res.status < 300;

/** Content-Length of a response, when it has a numeric one. */
export function contentLength(res: SwiftResponse): number | undefined {
  const v = getHeader(res.headers, 'content-length');
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/**
 * A Content-Type without Swift's internal parameters (`;swift_bytes=N`, `;slo_etag=...`), as
 * swift.common.utils.clean_content_type leaves it for clients.
 */
export function cleanContentType(v: string): string {
  return v
    .split(';')
    .filter((p, i) => i === 0 || !/^\s*(swift_bytes|slo_etag)=/.test(p))
    .join(';');
}

/** Swift's `Last-Modified` as a listing's ISO form with microseconds (`2026-11-25T01:11:12.000000`). */
export function isoFromHttpDate(v: string | undefined, fallback: Date): string {
  const ms = v ? Date.parse(v) : NaN;
  const d = Number.isNaN(ms) ? fallback : new Date(ms);
  return `${d.toISOString().slice(0, 19)}.${String((d.getTime() % 1000) * 1000).padStart(6, '0')}`;
}

/** The headers that carry the caller's identity on subrequests made above keystoneauth (bulk). */
export function authHeaders(req: SwiftRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of ['x-auth-token', 'x-storage-token']) if (req.headers[h] !== undefined) out[h] = req.headers[h]!;
  return out;
}
