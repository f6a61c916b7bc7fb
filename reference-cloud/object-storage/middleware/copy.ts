/**
 * Swift's copy middleware (server-side copy, swift/common/middleware/copy.py): `COPY` with
 * `Destination` (and `Destination-Account`) becomes a PUT with `X-Copy-From`; a PUT with
 * `X-Copy-From` (+ `X-Copy-From-Account`) and an empty body reads the source through the pipeline
 * below (so a large object is copied as its data, or as its manifest with
 * `?multipart-manifest=get`), merges metadata (or keeps only the new with `X-Fresh-Metadata`),
 * and PUTs the data, answering with the `X-Copied-From*` headers.
 */
import type { Middleware, SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { quotePath } from '../path';
import { HTML, sentence, swobPage } from '../responses';
import { bufferBody } from './body';
import { accountHeader, isResponse, pathHeader } from './copy-paths';
import { contentLength, getHeader, isSuccess, isTrue, normalizeEtag } from './headers';

const EXCLUDED_FROM_SOURCE = new Set(['x-static-large-object', 'x-object-manifest', 'etag', 'content-type', 'x-timestamp', 'x-backend-timestamp']);
const isSysmeta = (k: string): boolean => /^x-object-sysmeta-/i.test(k);
/** What a copy reports of the new object's headers (copy._copy_headers). */
const isCopiedMeta = (k: string): boolean => /^x-object-(meta|sysmeta|transient-sysmeta)-/i.test(k) || k.toLowerCase() === 'x-delete-at';

const titleCase = (k: string): string => k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

export function copy(ctx: SwiftContext): Middleware {
  return {
    name: 'copy',
    wrap(next) {
      return async (req) => {
        if (!req.parts || req.parts.object === undefined) return next(req);
        if (req.method === 'PUT' && req.headers['x-copy-from']) return handlePut(ctx, req, next);
        if (req.method === 'COPY') return handleCopy(ctx, req, next);
        if (req.method === 'OPTIONS') {
          const res = await next(req);
          const allow = getHeader(res.headers, 'allow');
          if (isSuccess(res) && allow !== undefined && !allow.includes('COPY')) {
            res.headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, k.toLowerCase() === 'allow' ? `${v}, COPY` : v]));
          }
          return res;
        }
        return next(req);
      };
    },
  };
}

async function handleCopy(ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler): Promise<SwiftResponse> {
  if (!req.headers.destination) return sentence(412, 'Destination header required', HTML);
  const p = req.parts!;
  const headers = { ...req.headers };
  let account = p.account;
  if (headers['destination-account'] !== undefined) {
    const dest = accountHeader(headers['destination-account']);
    if (isResponse(dest)) return dest;
    headers['x-copy-from-account'] = quotePath(p.account);
    account = dest;
    delete headers['destination-account'];
  }
  const dest = pathHeader(headers.destination!, 'Destination header must be of the form <container name>/<object name>');
  if (isResponse(dest)) return dest;
  delete headers.destination;
  headers['content-length'] = '0';
  delete headers['transfer-encoding'];
  headers['x-copy-from'] = quotePath(`/${p.container}/${p.object}`);
  const path = `/${p.version}/${account}/${dest.container}/${dest.object}`;
  return handlePut(ctx, { ...req, method: 'PUT', path, rawPath: quotePath(path), parts: { version: p.version, account, container: dest.container, object: dest.object }, headers }, next);
}

async function handlePut(ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler): Promise<SwiftResponse> {
  const cl = req.headers['content-length'];
  if (cl !== undefined && /^\d+$/.test(cl) && Number(cl) > 0) {
    req.body?.resume();
    return sentence(400, 'Copy requests require a zero byte body', 'text/plain');
  }
  const p = req.parts!;
  let srcAccount = p.account;
  if (req.headers['x-copy-from-account']) {
    const a = accountHeader(req.headers['x-copy-from-account']);
    if (isResponse(a)) return a;
    srcAccount = a;
  }
  const src = pathHeader(req.headers['x-copy-from']!, 'X-Copy-From header must be of the form <container name>/<object name>');
  if (isResponse(src)) return src;
  const sourcePath = `/${p.version}/${srcAccount}/${src.container}/${src.object}`;

  // The source, read through everything below (slo and dlo serve large objects' data).
  const srcQuery = new URLSearchParams(req.query);
  if (srcQuery.get('multipart-manifest') === 'get') srcQuery.set('format', 'raw');
  const srcHeaders = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['content-length', 'transfer-encoding', 'x-copy-from', 'x-copy-from-account', 'etag'].includes(k)));
  srcHeaders['x-newest'] = 'true';
  const source = await next({
    ...req, method: 'GET', path: sourcePath, rawPath: quotePath(sourcePath),
    parts: { version: p.version, account: srcAccount, container: src.container, object: src.object },
    query: srcQuery, headers: srcHeaders, body: undefined, source: 'SSC',
  });
  const length = contentLength(source);
  if (source.status < 300 && (length === undefined || length > ctx.settings.maxFileSize)) {
    if (source.body && typeof source.body !== 'string' && !Buffer.isBuffer(source.body)) source.body.destroy();
    return swobPage(413);
  }
  if (source.status >= 300) return source;

  // The new object's headers: the source's (unless fresh metadata) under the request's.
  const sink: Record<string, string> = {};
  const fresh = isTrue(req.headers['x-fresh-metadata'] ?? 'false');
  for (const [k, v] of Object.entries(source.headers)) {
    const l = k.toLowerCase();
    if (fresh ? isSysmeta(l) : !EXCLUDED_FROM_SOURCE.has(l)) sink[l] = v;
  }
  Object.assign(sink, req.headers);
  const query = new URLSearchParams(req.query);
  if (query.get('multipart-manifest') === 'get') {
    if (getHeader(source.headers, 'x-static-large-object') !== undefined) query.set('multipart-manifest', 'put');
    const manifest = getHeader(source.headers, 'x-object-manifest');
    if (manifest !== undefined) {
      query.delete('multipart-manifest');
      sink['x-object-manifest'] = manifest;
    }
  }
  query.delete('version-id');
  sink['content-length'] = String(length);
  delete sink['transfer-encoding'];
  delete sink['content-range'];
  const plainSource = source.status === 200 && getHeader(source.headers, 'x-static-large-object') === undefined
    && (getHeader(source.headers, 'x-object-manifest') === undefined || req.query.get('multipart-manifest') === 'get');
  if (plainSource) {
    const etag = normalizeEtag(getHeader(source.headers, 'etag'));
    if (etag) sink.etag = etag;
    else delete sink.etag;
  } else {
    delete sink.etag;
    for (const k of Object.keys(sink)) if (k.startsWith('x-object-sysmeta-container-update-override-')) delete sink[k];
  }
  delete sink['x-copy-from'];
  delete sink['x-copy-from-account'];
  if (!req.headers['content-type']) sink['content-type'] = getHeader(source.headers, 'content-type') ?? 'application/octet-stream';

  const added: Record<string, string> = {
    'X-Copied-From-Account': quotePath(srcAccount),
    'X-Copied-From': quotePath(`${src.container}/${src.object}`),
  };
  const lm = getHeader(source.headers, 'last-modified');
  if (lm !== undefined) added['X-Copied-From-Last-Modified'] = lm;
  for (const k of Object.keys(sink).filter(isCopiedMeta).sort()) added[titleCase(k)] = sink[k]!;

  const body = source.body === undefined || typeof source.body === 'string' || Buffer.isBuffer(source.body)
    ? bufferBody(source.body ?? Buffer.alloc(0))
    : source.body;
  const res = await next({ ...req, method: 'PUT', query, headers: sink, body, source: 'SSC' });
  if (res.status >= 300 && typeof source.body === 'object' && source.body && !Buffer.isBuffer(source.body)) source.body.destroy();
  if (isSuccess(res)) res.headers = { ...res.headers, ...added };
  return res;
}
