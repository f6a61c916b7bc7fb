/**
 * Bulk's extract-archive (bulk.handle_extract_iter): `PUT /v1/<account>[/<container>[/<prefix>]]
 * ?extract-archive=tar|tar.gz` with a tar body creates one object per file of the archive
 * (containers created as needed, pax `user.mime_type` / `user.meta.*` attributes as Content-Type
 * and metadata), reading the archive as it streams. The answer is bulk's report with `Number Files
 * Created`. `tar.bz2` is recognised but not decoded here (Node has no bzip2): its report says so.
 */
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { SwiftContext, SwiftHandler, SwiftRequest } from '../context';
import { quotePath, subrequest } from '../path';
import { discard } from './body';
import { authHeaders } from './headers';
import { reportBody, statusText, type ReportDict } from './report';
import { TarError, tarEntries } from './tar-reader';

class Abort extends Error {
  constructor(readonly status: number, body = '') {
    super(body);
  }
}

/** pax_key_to_swift_header. */
function paxHeader(key: string): string | undefined {
  if (key === 'SCHILY.xattr.user.mime_type' || key === 'LIBARCHIVE.xattr.user.mime_type') return 'content-type';
  for (const p of ['SCHILY.xattr.user.meta.', 'LIBARCHIVE.xattr.user.meta.']) {
    if (key.startsWith(p)) return `x-object-meta-${key.slice(p.length).toLowerCase()}`;
  }
  return undefined;
}

export async function extractArchive(
  ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler, compress: '' | 'gz' | 'bz2', outType: string | undefined,
): Promise<string> {
  const dict: ReportDict = { 'Response Status': statusText(201), 'Response Body': '', 'Number Files Created': 0 };
  const failed: [string, string][] = [];
  const limits = ctx.settings.bulk;
  const maxPath = ctx.settings.maxObjectNameLength + ctx.settings.maxContainerNameLength + 2;
  const p = req.parts!;
  let failedStatus = 400;
  try {
    if (!outType) throw new Abort(406);
    if (req.headers['content-length'] === undefined && (req.headers['transfer-encoding'] ?? '').toLowerCase() !== 'chunked') throw new Abort(411);
    if (compress === 'bz2') throw new TarError('bzip2 archives are not supported by this cloud');
    if (!req.body) throw new TarError('empty file');
    let input: Readable = req.body;
    if (compress === 'gz') {
      const gunzip = createGunzip();
      req.body.on('error', (e) => gunzip.destroy(e));
      gunzip.on('error', () => undefined);
      input = req.body.pipe(gunzip);
    }
    const base = [p.container, p.object].filter((x) => x !== undefined).join('/').replace(/\/+$/, '');
    const accessed = new Set<string>();
    let created = 0;
    const passThrough = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k === 'x-delete-at' || k === 'x-delete-after' || k.startsWith('x-object-meta-')));
    for await (const entry of tarEntries(input)) {
      if (failed.length >= limits.maxFailedExtractions) break;
      if (entry.type !== '0' && entry.type !== '7') continue;
      let objPath = entry.name;
      if (objPath.startsWith('./')) objPath = objPath.slice(2);
      objPath = objPath.replace(/^\/+/, '');
      if (base) objPath = `${base}/${objPath}`;
      if (!objPath.includes('/')) continue;
      const shown = quotePath(objPath.slice(0, maxPath));
      if (objPath.includes('\0') || objPath.includes('\ufffd')) {
        failed.push([shown, statusText(412)]);
        continue;
      }
      if (entry.size > ctx.settings.maxFileSize) {
        failed.push([shown, statusText(413)]);
        continue;
      }
      const container = objPath.slice(0, objPath.indexOf('/'));
      let containerFailure: [string, string] | undefined;
      if (!accessed.has(container)) {
        const contPath = `/${p.version}/${p.account}/${container}`;
        const head = await next(subrequest(req, { method: 'HEAD', path: contPath, headers: authHeaders(req), source: 'EA' }));
        discard(head);
        if (head.status === 404) {
          const put = await next(subrequest(req, { method: 'PUT', path: contPath, headers: authHeaders(req), source: 'EA' }));
          discard(put);
          if (put.status >= 200 && put.status < 300) {
            created++;
            if (created > limits.maxContainersPerExtraction) throw new Abort(400, `More than ${limits.maxContainersPerExtraction} containers to create from tar.`);
          } else {
            containerFailure = [quotePath(contPath.slice(0, maxPath)), statusText(put.status)];
            if (put.status === 401) throw new Abort(401);
          }
        } else if (head.status < 200 || head.status >= 300) {
          containerFailure = [quotePath(contPath.slice(0, maxPath)), statusText(head.status)];
          if (head.status === 401) throw new Abort(401);
        }
      }
      const headers: Record<string, string> = { ...authHeaders(req), ...passThrough, 'content-length': String(entry.size) };
      for (const [k, v] of Object.entries(entry.pax)) {
        const h = paxHeader(k);
        if (h) headers[h] = v;
      }
      const res = await next(subrequest(req, { method: 'PUT', path: `/${p.version}/${p.account}/${objPath}`, headers, body: entry.body, source: 'EA' }));
      discard(res);
      accessed.add(container);
      if (res.status >= 200 && res.status < 300) dict['Number Files Created'] = Number(dict['Number Files Created']) + 1;
      else {
        if (containerFailure) failed.push(containerFailure);
        if (res.status === 401) {
          failed.push([shown, statusText(401)]);
          throw new Abort(401);
        }
        if (res.status >= 500) failedStatus = 502;
        failed.push([shown, statusText(res.status)]);
      }
    }
    if (failed.length > 0) dict['Response Status'] = statusText(failedStatus);
    else if (!dict['Number Files Created']) {
      dict['Response Status'] = statusText(400);
      dict['Response Body'] = 'Invalid Tar File: No Valid Files';
    }
  } catch (e) {
    if (e instanceof Abort) {
      dict['Response Status'] = statusText(e.status);
      dict['Response Body'] = e.message;
    } else if (e instanceof TarError || (e as { code?: string }).code?.startsWith('Z_')) {
      dict['Response Status'] = statusText(400);
      dict['Response Body'] = `Invalid Tar File: ${e instanceof TarError ? e.message : 'not a gzip file'}`;
    } else {
      req.log?.error?.({ err: (e as Error).message }, 'Error in extract archive.');
      dict['Response Status'] = statusText(500);
    }
  }
  return reportBody(outType, dict, failed, 'extract');
}
