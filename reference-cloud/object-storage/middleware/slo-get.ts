/** SLO GET and HEAD: the concatenation of the segments, the manifest views, and container listings' `slo_etag` (SloGetContext). */
import { createHash } from 'node:crypto';
import type { SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { checkConditions } from '../conditional';
import { subrequest } from '../path';
import { serveRanges } from '../ranges';
import { swobPage } from '../responses';
import { discard, responseBytes } from './body';
import { cleanContentType, getHeader, isSuccess, setHeader } from './headers';
import { pyJson } from './report';
import { findManifest } from './large-object';
import { SegmentError, SegmentedSource, slicePieces, type SegmentPiece } from './segments';
import {
  parseSwobRange, rangeForLength, rawManifest, sloEtag, storedSegmentLength, type StoredSegment, isSlo, MAX_RECURSION, parseStored, publicHeaders, SYSMETA_SLO_ETAG, SYSMETA_SLO_SIZE,
} from './slo-manifest';

export async function getOrHead(req: SwiftRequest, next: SwiftHandler, ctx: SwiftContext): Promise<SwiftResponse> {
  const mm = req.query.get('multipart-manifest');
  if (mm === 'get') {
    const res = await next(req);
    if (!isSlo(res)) return res;
    const headers = publicHeaders(res.headers);
    if (req.query.get('format') === 'raw') {
      if (!isSuccess(res) || res.status === 206) return { ...res, headers };
      const segments = parseStored(await responseBytes(res, ctx.settings.slo.maxManifestSize * 4));
      const raw = Buffer.from(rawManifest(segments));
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) {
        const l = k.toLowerCase();
        out[k] = l === 'content-length' ? String(raw.length) : l === 'etag' ? createHash('md5').update(raw).digest('hex') : l === 'content-type' ? cleanContentType(v) : v;
      }
      return { status: res.status, headers: out, body: req.method === 'HEAD' ? undefined : raw };
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) out[k] = k.toLowerCase() === 'content-type' ? 'application/json; charset=utf-8' : v;
    return { ...res, headers: out };
  }

  const found = await findManifest(req, next, isSlo, req.method === 'GET' ? 'GET' : 'HEAD');
  if ('passThrough' in found) return found.passThrough;
  const res = found.manifest;
  const sysEtag = getHeader(res.headers, SYSMETA_SLO_ETAG);
  const sysSize = getHeader(res.headers, SYSMETA_SLO_SIZE);
  const manifestEtag = getHeader(res.headers, 'etag') ?? '';
  const timestamp = getHeader(res.headers, 'x-timestamp') ?? '0';
  let segments: StoredSegment[] | undefined;
  if (req.method === 'GET' || sysEtag === undefined || sysSize === undefined) {
    if (req.method === 'HEAD') {
      const full = await next({ ...found.plain, method: 'GET' });
      segments = parseStored(await responseBytes(full, ctx.settings.slo.maxManifestSize * 4));
    } else {
      segments = parseStored(await responseBytes(res, ctx.settings.slo.maxManifestSize * 4));
    }
  }
  const etag = sysEtag ?? sloEtag(segments!);
  const size = sysSize !== undefined ? Number(sysSize) : segments!.reduce((n, s) => n + storedSegmentLength(s), 0);

  const headers: Record<string, string> = {};
  const base = publicHeaders(res.headers);
  if (req.method === 'HEAD') {
    for (const [k, v] of Object.entries(base)) {
      const l = k.toLowerCase();
      if (l === 'content-range') continue;
      headers[k] = l === 'etag' ? `"${etag}"` : l === 'content-length' ? String(size) : l === 'content-type' ? cleanContentType(v) : v;
    }
    headers['X-Manifest-Etag'] = manifestEtag;
  } else {
    for (const [k, v] of Object.entries(base)) {
      const l = k.toLowerCase();
      if (l === 'content-length' || l === 'content-range') continue;
      if (l === 'etag') headers['X-Manifest-Etag'] = v;
      else headers[k] = l === 'content-type' ? cleanContentType(v) : v;
    }
    headers['Content-Length'] = String(size);
    headers.Etag = `"${etag}"`;
  }
  const cond = checkConditions(req.headers, { etag, timestamp }, headers);
  if (cond) return cond;
  if (req.method === 'HEAD') return { status: 200, headers };

  let pieces: SegmentPiece[];
  try {
    pieces = await flatten(req, next, segments!, ctx, 0);
  } catch (e) {
    if (e instanceof SegmentError) return swobPage(409);
    throw e;
  }
  const source = new SegmentedSource(pieces, next, req, 'SLO');
  try {
    await source.checkFirst(req.headers.range);
  } catch (e) {
    if (e instanceof SegmentError) {
      req.log?.warn?.({ err: e.message }, 'SLO segment missing');
      return swobPage(409);
    }
    throw e;
  }
  return serveRanges(source, req.headers.range, headers);
}

/** The leaf pieces of stored segments, nested SLOs expanded (at most 10 deep, then 409). */
async function flatten(req: SwiftRequest, next: SwiftHandler, segments: StoredSegment[], ctx: SwiftContext, depth: number): Promise<SegmentPiece[]> {
  if (depth > MAX_RECURSION) throw new SegmentError(`While processing manifest ${req.path}, max recursion depth was exceeded`);
  const p = req.parts!;
  const out: SegmentPiece[] = [];
  for (const s of segments) {
    if (s.data !== undefined) {
      const data = Buffer.from(s.data, 'base64');
      out.push({ path: '', start: 0, length: data.length, data });
      continue;
    }
    const path = `/${p.version}/${p.account}/${(s.name ?? '').replace(/^\/+/, '')}`;
    let from = 0;
    let count = s.bytes ?? 0;
    if (s.range) {
      const len = storedSegmentLength(s);
      const [r] = parseSwobRange(`bytes=${s.range}`) ?? [];
      const span = r ? rangeForLength(r, s.bytes ?? 0) : undefined;
      from = span ? span[0] : 0;
      count = len;
    }
    if (s.sub_slo) {
      const sub = await next(subrequest(req, { method: 'GET', path, query: new URLSearchParams('multipart-manifest=get'), source: 'SLO' }));
      if (!isSuccess(sub) || !isSlo(sub)) {
        discard(sub);
        throw new SegmentError(`While processing manifest ${req.path}, got ${sub.status} while retrieving ${path}`);
      }
      const subSegments = parseStored(await responseBytes(sub, ctx.settings.slo.maxManifestSize * 4));
      const leaves = await flatten(req, next, subSegments, ctx, depth + 1);
      out.push(...slicePieces(leaves, from, count));
    } else {
      out.push({ path, start: from, length: count, etag: s.hash, size: s.bytes });
    }
  }
  return out;
}

// Container listings: the `slo_etag` param of a listed hash becomes its own key, quoted
// (slo.handle_container_listing); a proxy that already split it off gets it quoted here.

export async function containerListing(req: SwiftRequest, next: SwiftHandler): Promise<SwiftResponse> {
  const res = await next(req);
  const type = getHeader(res.headers, 'content-type') ?? '';
  if (!isSuccess(res) || !type.startsWith('application/json') || res.body === undefined) return res;
  const buf = await responseBytes(res, 64 * 1024 * 1024);
  // Most listings hold no large object: leave them as they are without parsing them.
  if (!buf.includes('slo_etag')) return { ...res, body: buf };
  let listing: unknown;
  try {
    listing = JSON.parse(buf.toString('utf8'));
  } catch {
    return { ...res, body: buf };
  }
  if (!Array.isArray(listing)) return { ...res, body: buf };
  const items = (listing as Record<string, unknown>[]).map((item) => {
    if (typeof item.slo_etag === 'string') {
      return item.slo_etag.startsWith('"') ? item : { ...item, slo_etag: `"${item.slo_etag}"` };
    }
    if (typeof item.hash !== 'string' || !item.hash.includes(';')) return item;
    const [etag, ...params] = item.hash.split(';').map((x) => x.trim());
    const kept: string[] = [];
    let sloParam: string | undefined;
    for (const param of params) {
      const [k, v] = param.split('=', 2) as [string, string | undefined];
      if (k === 'slo_etag') sloParam = v;
      else kept.push(`; ${k}=${v ?? ''}`);
    }
    if (sloParam === undefined) return item;
    return { ...item, hash: etag + kept.join(''), slo_etag: `"${sloParam}"` };
  });
  const out = Buffer.from(pyJson(items));
  return { ...res, headers: setHeader(res.headers, 'Content-Length', String(out.length)), body: out };
}
