/**
 * Swift's request paths: percent-decoded to bytes, checked as UTF-8 without NUL (else 412
 * `Invalid UTF8 or contains NULL`), then split into version, account, container and object
 * (the object keeps every further slash: names are data, never paths).
 */
import type { SwiftPath, SwiftRequest } from './context';

/** The decoded path, or undefined when it is not UTF-8 or contains NUL. */
export function decodePath(raw: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of Buffer.from(raw[i]!, 'utf8')) bytes.push(b);
    }
  }
  const buf = Buffer.from(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return undefined;
  }
  return text.includes('\0') ? undefined : text;
}

/**
 * `/v1/AUTH_x/c/o/with/slashes` → parts; undefined when there is no account (`/v1`, `/v1/`),
 * which Swift answers 412 `Bad URL`.
 */
export function splitPath(path: string): SwiftPath | undefined {
  if (!path.startsWith('/')) return undefined;
  const segs = path.slice(1).split('/');
  const [version, account, container, ...rest] = segs;
  if (!version || !account) return undefined;
  const out: SwiftPath = { version, account };
  if (container !== undefined && (container !== '' || rest.length > 0)) out.container = container;
  if (rest.length > 0) {
    const object = rest.join('/');
    if (object !== '' || rest.length > 1) out.object = object;
  }
  return out;
}

/** Joins parts back into a decoded path. */
export function joinPath(p: SwiftPath): string {
  let s = `/${p.version}/${p.account}`;
  if (p.container !== undefined) s += `/${p.container}`;
  if (p.object !== undefined) s += `/${p.object}`;
  return s;
}

/** Percent-encodes a decoded path as Swift's quote() does (slashes kept). */
export function quotePath(path: string): string {
  return encodeURIComponent(path).replace(/%2F/gi, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A subrequest: the same caller and authorization as `req`, another method and target, fresh
 * headers (Swift's make_subrequest copies only what the middleware passes).
 */
export function subrequest(
  req: SwiftRequest,
  opts: { method: string; path: string; headers?: Record<string, string>; query?: URLSearchParams; body?: SwiftRequest['body']; source: string },
): SwiftRequest {
  const parts = splitPath(opts.path);
  if (!parts) throw new Error(`not a Swift path: ${opts.path}`);
  return {
    method: opts.method,
    path: opts.path,
    rawPath: quotePath(opts.path),
    parts,
    query: opts.query ?? new URLSearchParams(),
    headers: opts.headers ?? {},
    body: opts.body,
    auth: req.auth,
    authorize: req.authorize,
    authorizeOverride: req.authorizeOverride,
    source: opts.source,
    receivedAt: req.receivedAt,
    log: req.log,
  };
}
