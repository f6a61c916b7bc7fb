/**
 * Swift's dlo middleware (dynamic large objects), after swift/common/middleware/dlo.py: an object
 * with `X-Object-Manifest: <container>/<prefix>` serves, on GET and HEAD, the objects listed under
 * the prefix concatenated in name order (listed by container GETs through the pipeline below,
 * paged by marker past the listing limit), with `Etag: "<md5 of the segment etags>"` when the
 * listing fits one page; Range and conditionals apply to the concatenation.
 * `?multipart-manifest=get` returns the manifest object itself; a malformed header on PUT is 400.
 */
import type { Middleware, SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { createHash } from 'node:crypto';
import { checkConditions } from '../conditional';
import { decodePath, subrequest } from '../path';
import { parseRange, serveRanges } from '../ranges';
import { HTML, sentence, swobPage } from '../responses';
import { discard, responseBytes } from './body';
import { getHeader, isSuccess, normalizeEtag, withoutHeaders } from './headers';
import { findManifest } from './large-object';
import { SegmentError, SegmentedSource, type SegmentPiece } from './segments';

interface ListedObject {
  name: string;
  bytes: number;
  hash: string;
}

/** dlo._validate_x_object_manifest_header: the 400 for a malformed header, else undefined. */
export function checkManifestHeader(value: string): SwiftResponse | undefined {
  const i = value.indexOf('/');
  const container = i < 0 ? '' : value.slice(0, i);
  const prefix = i < 0 ? '' : value.slice(i + 1);
  if (!container || !prefix || value.includes('?') || value.includes('&') || prefix.startsWith('/')) {
    return sentence(400, 'X-Object-Manifest must be in the format container/prefix', HTML);
  }
  return undefined;
}

/**
 * The segments under a prefix: pages of the container listing until one is short. Answers the
 * error response of a failed listing instead, and whether the first page held everything.
 */
async function listSegments(
  ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler, container: string, prefix: string,
): Promise<{ error: SwiftResponse } | { segments: ListedObject[]; complete: boolean }> {
  const p = req.parts!;
  const limit = ctx.settings.containerListingLimit;
  const segments: ListedObject[] = [];
  let marker = '';
  let complete = true;
  for (let page = 0; ; page++) {
    const query = new URLSearchParams({ format: 'json', prefix });
    if (marker) query.set('marker', marker);
    const res = await next(subrequest(req, { method: 'GET', path: `/${p.version}/${p.account}/${container}`, query, source: 'DLO' }));
    if (!isSuccess(res)) {
      if (page > 0) throw new SegmentError(`Got status ${res.status} listing container /${p.account}/${container}`);
      if (req.method === 'HEAD') {
        discard(res);
        return { error: { ...res, body: undefined } };
      }
      return { error: res };
    }
    const body = res.status === 204 ? Buffer.from('[]') : await responseBytes(res, 256 * 1024 * 1024);
    let items: ListedObject[];
    try {
      // Only what serving needs is kept (a listing spanning many pages can be long).
      items = (JSON.parse(body.toString('utf8') || '[]') as ListedObject[])
        .filter((o) => typeof o.name === 'string')
        .map((o) => ({ name: o.name, bytes: Number(o.bytes), hash: String(o.hash) }));
    } catch {
      items = [];
    }
    segments.push(...items);
    if (page === 0 && items.length >= limit) complete = false;
    if (items.length < limit || items.length === 0) break;
    marker = items[items.length - 1]!.name;
  }
  return { segments, complete };
}

export function dlo(ctx: SwiftContext): Middleware {
  return {
    name: 'dlo',
    wrap(next) {
      return async (req) => {
        const p = req.parts;
        if (!p || p.object === undefined) return next(req);
        if ((req.method === 'GET' || req.method === 'HEAD') && req.query.get('multipart-manifest') !== 'get') {
          return getOrHead(ctx, req, next);
        }
        if (req.method === 'PUT' && req.headers['x-object-manifest'] !== undefined) {
          const bad = checkManifestHeader(req.headers['x-object-manifest']);
          if (bad) return bad;
        }
        return next(req);
      };
    },
  };
}

async function getOrHead(ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler): Promise<SwiftResponse> {
  const isDlo = (r: SwiftResponse): boolean => getHeader(r.headers, 'x-object-manifest') !== undefined;
  const found = await findManifest(req, next, isDlo, 'HEAD');
  if ('passThrough' in found) return found.passThrough;
  const res = found.manifest;
  discard(res);
  const manifest = getHeader(res.headers, 'x-object-manifest')!;
  const value = decodePath(manifest) ?? manifest;
  const slash = value.indexOf('/');
  const container = value.slice(0, slash < 0 ? value.length : slash);
  const prefix = slash < 0 ? '' : value.slice(slash + 1);

  let listed;
  try {
    listed = await listSegments(ctx, req, next, container, prefix);
  } catch (e) {
    if (e instanceof SegmentError) return swobPage(409);
    throw e;
  }
  if ('error' in listed) return listed.error;
  const { segments, complete } = listed;
  const total = segments.reduce((n, s) => n + Number(s.bytes), 0);
  const etag = createHash('md5');
  for (const s of segments) etag.update(normalizeEtag(s.hash) ?? '');
  const etagHex = etag.digest('hex');

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    const l = k.toLowerCase();
    if (l === 'content-length' || l === 'content-range' || (complete && l === 'etag')) continue;
    headers[k] = v;
  }
  const timestamp = getHeader(res.headers, 'x-timestamp') ?? '0';
  if (complete) {
    headers['Content-Length'] = String(total);
    headers.Etag = `"${etagHex}"`;
  }
  const cond = checkConditions(req.headers, { etag: complete ? etagHex : normalizeEtag(getHeader(res.headers, 'etag')) ?? '', timestamp }, headers);
  if (cond) return cond;
  const p = req.parts!;
  const pieces: SegmentPiece[] = segments.map((s) => ({
    path: `/${p.version}/${p.account}/${container}/${s.name}`, start: 0, length: Number(s.bytes), size: Number(s.bytes),
  }));
  const source = new SegmentedSource(pieces, next, req, 'DLO');
  if (req.method === 'HEAD') {
    if (!complete) return { status: 200, headers };
    return { status: 200, headers: { ...headers, 'Accept-Ranges': 'bytes' } };
  }
  // Swift serves a DLO whose listing spans pages without Etag or Content-Length, and Range only
  // when one range ends inside the first page.
  const ranges = parseRange(req.headers.range, total);
  const rangeHeader = complete || (ranges?.length === 1 && ranges[0]!.end < total) ? req.headers.range : undefined;
  try {
    await source.checkFirst(rangeHeader);
  } catch (e) {
    if (e instanceof SegmentError) return swobPage(409);
    throw e;
  }
  const served = serveRanges(source, rangeHeader, headers);
  if (!complete && served.status === 200) served.headers = withoutHeaders(served.headers, 'content-length');
  return served;
}
