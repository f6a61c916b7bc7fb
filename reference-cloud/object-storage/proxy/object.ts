/**
 * The object controller: PUT (streamed to disk through MD5; Content-Length or chunked, 411
 * otherwise; 413 over max_file_size before reading; ETag 422; If-None-Match: *; expiry;
 * Content-Type guessed from the name), GET and HEAD (conditionals, then ranges over the data
 * file), POST (202: replaces user metadata, stored headers and expiry, keeps the data and its
 * sysmeta) and DELETE. Reads are judged by the container's read ACL, writes by its write ACL.
 */
import type { SwiftContext, SwiftRequest, SwiftResponse } from '../context';
import { checkConditions } from '../conditional';
import { serveRanges } from '../ranges';
import { empty, lastModified, sentence, swobPage } from '../responses';
import type { NewObject, ObjectRow, ObjectStore } from '../store';
import type { Controller } from './app';
import { authorize } from './common';
import { checkMetadata, isUtf8, titleCase } from './metadata';
import { guessType } from './mime';

/** The object server's allowed_headers: stored with the object, replaced by a POST. */
const STORED_HEADERS = [
  'content-encoding', 'content-disposition', 'x-delete-at', 'x-object-manifest', 'x-static-large-object',
  'cache-control', 'content-language', 'expires', 'x-robots-tag',
];
/** Kept from the data file across POSTs (diskfile's DATAFILE_SYSTEM_META). */
const DATAFILE_HEADERS = new Set(['X-Static-Large-Object']);
const TRANSIENT = 'x-object-transient-sysmeta-';
const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);

export function objectController(ctx: SwiftContext, objects: ObjectStore): Controller {
  const s = ctx.settings;

  /** The container (for its ACLs) and the authorization decision; a refusal or 404 to send. */
  const access = (req: SwiftRequest): SwiftResponse | { account: string; container: string; name: string } => {
    const { account, container, object } = req.parts as { account: string; container: string; object: string };
    const c = objects.containerRow(account, container);
    const denied = authorize(req, c?.acls);
    if (denied) return denied;
    if (!c) return swobPage(404);
    return { account, container, name: object };
  };

  const getOrHead = async (req: SwiftRequest): Promise<SwiftResponse> => {
    const target = access(req);
    if ('status' in target) return target;
    const o = objects.objectRow(target.account, target.container, target.name);
    // swob's conditional 404: an If-Match cannot match what does not exist.
    if (!o) return req.headers['if-match'] !== undefined ? empty(412) : swobPage(404);
    const headers = objectHeaders(o);
    const etagAt = req.headers['x-backend-etag-is-at'];
    const etag = etagAt ? lookup(headers, etagAt) ?? o.etag : o.etag;
    const cond = checkConditions(req.headers, { etag, timestamp: o.timestamp }, headers);
    if (cond) return cond;
    if (req.method === 'HEAD') return { status: 200, headers: { ...headers, 'Accept-Ranges': 'bytes', 'Content-Length': String(o.size) } };
    const data = objects.openData(o);
    const res = serveRanges(data, req.headers.range, headers);
    const body = res.body;
    if (body && typeof body === 'object' && 'pipe' in body) body.once('close', () => data.close());
    else data.close();
    return res;
  };

  /** check_delete_headers: the X-Delete-At to store (undefined: none), or Swift's 400. */
  const deleteAt = (req: SwiftRequest): SwiftResponse | number | undefined => {
    const now = req.receivedAt.getTime() / 1000;
    let at: number | undefined;
    const after = req.headers['x-delete-after'];
    if (after !== undefined) {
      if (!/^\s*[+-]?\d+\s*$/.test(after)) return sentence(400, 'Non-integer X-Delete-After');
      at = Math.min(Math.max(0, Math.floor(now + Number(after))), 9_999_999_999);
      if (at <= now) return sentence(400, 'X-Delete-After in past');
      return at;
    }
    const given = req.headers['x-delete-at'];
    if (given !== undefined) {
      if (!/^\s*[+-]?\d+\s*$/.test(given)) return sentence(400, 'Non-integer X-Delete-At');
      at = Math.min(Math.max(0, Number(given)), 9_999_999_999);
      if (at <= now) return sentence(400, 'X-Delete-At in past');
    }
    return at;
  };

  /** The Content-Type to store: as sent, or guessed from the name (X-Detect-Content-Type forces the guess). */
  const contentType = (req: SwiftRequest, name: string, fallback?: string): string => {
    const detect = TRUE.has((req.headers['x-detect-content-type'] ?? '').toLowerCase());
    if (detect || (!req.headers['content-type'] && fallback === undefined)) return guessType(name) ?? 'application/octet-stream';
    return req.headers['content-type'] || (fallback as string);
  };

  /** Stored headers of a write: allowed headers and transient sysmeta, by their Swift names. */
  const storedHeaders = (req: SwiftRequest): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const h of STORED_HEADERS) if (h !== 'x-delete-at' && req.headers[h] !== undefined) out[titleCase(h)] = req.headers[h]!;
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(TRANSIENT)) out[titleCase(k)] = v;
    return out;
  };

  const userMeta = (req: SwiftRequest): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-object-meta-') && k.length > 14 && v !== '') out[k.slice(14)] = v;
    return out;
  };

  const sysmeta = (req: SwiftRequest): Record<string, string | null> => {
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-object-sysmeta-') && k.length > 17) out[k.slice(17)] = v;
    return out;
  };

  return {
    HEAD: getOrHead,
    GET: getOrHead,

    async PUT(req) {
      const target = access(req);
      if ('status' in target) return target;
      const h = req.headers;
      const chunked = /\bchunked\b/i.test(h['transfer-encoding'] ?? '');
      const cl = h['content-length'];
      let length: number | undefined;
      if (cl !== undefined && !chunked) {
        if (!/^\d+$/.test(cl.trim())) return sentence(400, 'Invalid Content-Length header value');
        length = Number(cl.trim());
      }
      if (length !== undefined && length > s.maxFileSize) return sentence(413, 'Your request is too large.');
      if (length === undefined && !chunked) return sentence(411, 'Missing Content-Length header.');
      const nameLen = Buffer.byteLength(target.name, 'utf8');
      if (nameLen > s.maxObjectNameLength) return sentence(400, `Object name length of ${nameLen} longer than ${s.maxObjectNameLength}`);
      const ctype = contentType(req, target.name);
      const at = deleteAt(req);
      if (typeof at === 'object') return at;
      if (!isUtf8(ctype)) return sentence(400, 'Invalid Content-Type');
      const bad = checkMetadata(h, 'object', s);
      if (bad) return bad;
      const ifNoneMatch = h['if-none-match'];
      if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') return sentence(400, 'If-None-Match only supports *');
      if (ifNoneMatch !== undefined && objects.objectRow(target.account, target.container, target.name)) {
        req.body?.resume();
        return swobPage(412);
      }

      const received = await objects.receive(req.body, length, s.maxFileSize);
      if ('error' in received) {
        if (received.error === 'too-large') return sentence(413, 'Your request is too large.');
        return swobPage(499);
      }
      const ts = objects.timestamp(req.receivedAt);
      const expected = h.etag?.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
      if (expected !== undefined && expected !== received.md5) {
        objects.discard(received.fileId);
        return { ...swobPage(422), headers: { ...swobPage(422).headers, 'Last-Modified': lastModified(ts) } };
      }
      const obj: NewObject = {
        contentType: ctype, headers: storedHeaders(req), meta: userMeta(req),
        sysmeta: Object.fromEntries(Object.entries(sysmeta(req)).filter(([, v]) => v !== '' && v !== null)) as Record<string, string>,
        timestamp: ts, listing: listingOverride(h),
      };
      if (at !== undefined) obj.deleteAt = at;
      let out: Awaited<ReturnType<ObjectStore['commitObject']>>;
      try {
        out = await objects.commitObject(target.account, target.container, target.name, received, obj, (current, containerExists) => {
          if (!containerExists) return 'missing';
          if (ifNoneMatch !== undefined && current) return 'exists';
          return undefined;
        });
      } catch (e) {
        objects.discard(received.fileId);
        throw e;
      }
      if ('refused' in out) return out.refused === 'missing' ? swobPage(404) : swobPage(412);
      return empty(201, { Etag: received.md5, 'Last-Modified': lastModified(ts) });
    },

    async POST(req) {
      const target = access(req);
      if ('status' in target) return target;
      const bad = checkMetadata(req.headers, 'object', s);
      if (bad) return bad;
      const at = deleteAt(req);
      if (typeof at === 'object') return at;
      const ts = objects.timestamp(req.receivedAt);
      const meta = userMeta(req);
      const stored = storedHeaders(req);
      const sys = sysmeta(req);
      const updated = objects.postObject(target.account, target.container, target.name, (o) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(o.headers)) if (DATAFILE_HEADERS.has(k)) headers[k] = v;
        Object.assign(headers, stored);
        const next: ObjectRow = {
          ...o, timestamp: ts, meta, headers,
          sysmeta: Object.fromEntries(Object.entries({ ...o.sysmeta, ...sys }).filter(([, v]) => v !== null && v !== '')) as Record<string, string>,
          contentType: req.headers['content-type'] || req.headers['x-detect-content-type'] ? contentType(req, target.name, o.contentType) : o.contentType,
        };
        delete next.deleteAt;
        if (at !== undefined) next.deleteAt = at;
        return next;
      });
      return updated ? swobPage(202) : swobPage(404);
    },

    async DELETE(req) {
      const target = access(req);
      if ('status' in target) return target;
      return objects.deleteObject(target.account, target.container, target.name) ? empty(204) : swobPage(404);
    },
  };
}

/** An object's GET/HEAD headers, in Swift's order (Content-Length and Accept-Ranges are added by the caller). */
export function objectHeaders(o: ObjectRow): Record<string, string> {
  const h: Record<string, string> = { 'Content-Type': cleanContentType(o.contentType) };
  for (const [k, v] of Object.entries(o.headers)) h[k] = v;
  for (const [k, v] of Object.entries(o.meta)) h[`X-Object-Meta-${titleCase(k)}`] = v;
  for (const [k, v] of Object.entries(o.sysmeta)) h[`X-Object-Sysmeta-${titleCase(k)}`] = v;
  if (o.deleteAt !== undefined) h['X-Delete-At'] = String(o.deleteAt);
  h.Etag = o.etag;
  h['Last-Modified'] = lastModified(o.timestamp);
  h['X-Timestamp'] = o.timestamp;
  return h;
}

/** utils.clean_content_type: a `;swift_bytes=N` parameter (SLO manifests) is not shown. */
export function cleanContentType(v: string): string {
  const i = v.lastIndexOf(';');
  if (i >= 0 && v.slice(i + 1).trimStart().startsWith('swift_bytes=')) return v.slice(0, i);
  return v;
}

/** Container-update overrides a middleware sends with a PUT (what the listing shows instead). */
function listingOverride(h: Record<string, string>): NewObject['listing'] {
  const get = (k: string): string | undefined => h[`x-object-sysmeta-container-update-override-${k}`] ?? h[`x-backend-container-update-override-${k}`];
  const etag = get('etag');
  const ctype = get('content-type');
  const size = get('size');
  if (etag === undefined && ctype === undefined && size === undefined) return undefined;
  const out: NonNullable<NewObject['listing']> = {};
  if (etag !== undefined) out.etag = etag;
  if (ctype !== undefined) out.contentType = ctype;
  if (size !== undefined && /^\d+$/.test(size)) out.size = Number(size);
  return out;
}

function lookup(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.entries(headers).find(([k]) => k.toLowerCase() === lower)?.[1];
}
