/**
 * Swift's bulk middleware, bulk delete part (swift/common/middleware/bulk.py): `POST` or `DELETE`
 * with `?bulk-delete` and a text/plain body of URL-encoded `/container/object` or `/container`
 * lines deletes them through DELETE subrequests (objects first, then containers) and always answers
 * 200, chunked, with a report in text, json or xml by Accept whose `Response Status` tells how it
 * went. `runDeletes` is also the deleter of SLO's `?multipart-manifest=delete`.
 * Extract-archive (`PUT ?extract-archive=tar|tar.gz`) is in extract.ts.
 */
import type { Middleware, SwiftContext, SwiftHandler, SwiftRequest } from '../context';
import { decodePath, quotePath, subrequest } from '../path';
import { BodyTooLarge, readAll } from './body';
import { authHeaders } from './headers';
import { HTML, sentence } from '../responses';
import { extractArchive } from './extract';
import { bestMatch, reportBody, statusText, streamedReport, type ReportDict } from './report';

/** How often a long bulk operation writes a space to keep the connection open (bulk's yield_frequency). */
export const BULK_YIELD_SECONDS = 10;

/** One name to delete (`/container/object` or `/container`), or an error found while listing it. */
export interface DeleteItem {
  name: string;
  error?: { code: number; message: string };
  /** How the report names it, when `name` is not valid UTF-8 (its bytes quoted). */
  quoted?: string;
}

/** Python's quote of the bytes a percent-encoded line stands for (names that are not UTF-8). */
function quoteRawLine(line: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '%' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 1, i + 3))) {
      bytes.push(parseInt(line.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(line.charCodeAt(i) & 0xff);
  }
  return bytes.map((b) => (/[A-Za-z0-9_.\-~/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** An error that ends a bulk operation with this status and Response Body. */
class BulkAbort extends Error {
  constructor(readonly status: number, body: string) {
    super(body);
  }
}

/** The longest line a bulk delete body may have: an object name, a container name, two slashes, twice. */
function maxLine(ctx: SwiftContext): number {
  return (ctx.settings.maxObjectNameLength + ctx.settings.maxContainerNameLength + 2) * 2;
}

/** get_objs_to_delete: the names in the request body, or BulkAbort. */
async function namesFromBody(ctx: SwiftContext, req: SwiftRequest): Promise<DeleteItem[]> {
  if (req.headers['content-length'] === undefined && (req.headers['transfer-encoding'] ?? '').toLowerCase() !== 'chunked') {
    throw new BulkAbort(411, '');
  }
  const max = ctx.settings.bulk.maxDeletesPerRequest;
  const lineLimit = maxLine(ctx);
  let body: Buffer;
  try {
    body = await readAll(req.body, (max + 1) * (lineLimit + 1));
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new BulkAbort(413, `Maximum Bulk Deletes: ${max} per request`);
    throw e;
  }
  // Bytes >= 0x80 written raw are percent-encoded here, so decodePath sees every byte once.
  const lines = Array.from(body, (c) => (c >= 0x80 ? `%${c.toString(16).toUpperCase()}` : String.fromCharCode(c))).join('').split('\n');
  const out: DeleteItem[] = [];
  for (const [i, raw] of lines.entries()) {
    if (raw.length > lineLimit) throw new BulkAbort(400, 'Invalid File Name');
    const line = raw.trim();
    if (i === lines.length - 1 && line === '') break;
    const name = decodePath(line);
    out.push(name === undefined ? { name: line, quoted: quoteRawLine(line), error: { code: 412, message: statusText(412) } } : { name });
    if (out.length > max) throw new BulkAbort(413, `Maximum Bulk Deletes: ${max} per request`);
  }
  return out;
}

/**
 * handle_delete_iter: deletes the items (objects before containers when `objectsFirst`) and
 * answers the report's text. Never throws: failures are in the report.
 */
export async function runDeletes(
  ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler,
  items: DeleteItem[] | AsyncIterable<DeleteItem> | (() => Promise<DeleteItem[]>),
  outType: string | undefined, source: string, objectsFirst: boolean,
): Promise<string> {
  const dict: ReportDict = { 'Response Status': statusText(200), 'Response Body': '', 'Number Deleted': 0, 'Number Not Found': 0 };
  const failed: [string, string][] = [];
  let failedStatus = 400;
  const p = req.parts!;
  try {
    if (!outType) throw new BulkAbort(406, '');
    const list = typeof items === 'function' ? await items() : items;
    const deleteOne = async (item: DeleteItem): Promise<void> => {
      if (!item.name) return;
      if (item.error) {
        if (item.error.code === 404) dict['Number Not Found'] = Number(dict['Number Not Found']) + 1;
        else failed.push([item.quoted ?? quotePath(item.name), item.error.message]);
        return;
      }
      const path = `/${p.version}/${p.account}/${item.name.replace(/^\/+/, '')}`;
      const res = await next(subrequest(req, { method: 'DELETE', path, headers: authHeaders(req), source }));
      if (res.body && typeof res.body !== 'string' && !Buffer.isBuffer(res.body)) res.body.resume();
      if (res.status >= 200 && res.status < 300) dict['Number Deleted'] = Number(dict['Number Deleted']) + 1;
      else if (res.status === 404) dict['Number Not Found'] = Number(dict['Number Not Found']) + 1;
      else {
        if (res.status >= 500) failedStatus = 502;
        failed.push([quotePath(item.name), statusText(res.status)]);
      }
      if (failed.length >= ctx.settings.bulk.maxFailedDeletes) throw new BulkAbort(400, 'Max delete failures exceeded');
    };
    const isContainer = (name: string): boolean => !name.replace(/^\/+|\/+$/g, '').includes('/');
    if (objectsFirst && Array.isArray(list)) {
      for (const item of list) if (!isContainer(item.name)) await deleteOne(item);
      for (const item of list) if (isContainer(item.name)) await deleteOne(item);
    } else {
      for await (const item of list) await deleteOne(item);
    }
    if (failed.length > 0) dict['Response Status'] = statusText(failedStatus);
    else if (!dict['Number Deleted'] && !dict['Number Not Found']) {
      dict['Response Status'] = statusText(400);
      dict['Response Body'] = 'Invalid bulk delete.';
    }
  } catch (e) {
    if (e instanceof BulkAbort) {
      dict['Response Status'] = statusText(e.status);
      dict['Response Body'] = e.message;
    } else if (typeof (e as { status?: unknown }).status === 'number') {
      dict['Response Status'] = statusText((e as { status: number }).status);
      dict['Response Body'] = (e as Error).message;
    } else {
      req.log?.error?.({ err: (e as Error).message }, 'Error in bulk delete.');
      dict['Response Status'] = statusText(500);
    }
  }
  return reportBody(outType, dict, failed, 'delete');
}

export function bulk(ctx: SwiftContext): Middleware {
  const b = ctx.settings.bulk;
  return {
    name: 'bulk',
    info: () => ({
      bulk_upload: { max_containers_per_extraction: b.maxContainersPerExtraction, max_failed_extractions: b.maxFailedExtractions },
      bulk_delete: { max_deletes_per_request: b.maxDeletesPerRequest, max_failed_deletes: b.maxFailedDeletes },
    }),
    wrap: (next) => async (req) => {
      const archive = req.query.get('extract-archive');
      if (req.parts && archive !== null && req.method === 'PUT') {
        const kind = ({ tar: '', 'tar.gz': 'gz', 'tar.bz2': 'bz2' } as Record<string, 'gz' | 'bz2' | ''>)[archive.toLowerCase().replace(/^\.+|\.+$/g, '')];
        if (kind === undefined) return sentence(400, 'Unsupported archive format', HTML);
        const outType = bestMatch(req.headers.accept);
        return streamedReport(200, outType, BULK_YIELD_SECONDS, () => extractArchive(ctx, req, next, kind, outType));
      }
      if (!req.parts || !req.query.has('bulk-delete') || !['POST', 'DELETE'].includes(req.method)) return next(req);
      const outType = bestMatch(req.headers.accept);
      return streamedReport(200, outType, BULK_YIELD_SECONDS, () => runDeletes(ctx, req, next, async () => {
        const incoming = req.headers['content-type'];
        if (incoming && !incoming.startsWith('text/plain')) throw new BulkAbort(406, '');
        return namesFromBody(ctx, req);
      }, outType, 'BD', true));
    },
  };
}
