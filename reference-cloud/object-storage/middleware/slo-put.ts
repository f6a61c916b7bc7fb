/** SLO manifest PUT (`?multipart-manifest=put`): validation, segment HEADs, the stored manifest (slo.handle_multipart_put). */
import { createHash } from 'node:crypto';
import type { SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { quotePath, subrequest } from '../path';
import { HTML, sentence, swobPage } from '../responses';
import { BodyTooLarge, bufferBody, discard, readAll } from './body';
import { contentLength, getHeader, isoFromHttpDate, isSuccess, isTrue, normalizeEtag, setHeader, withoutHeaders } from './headers';
import { guessType } from '../proxy/mime';
import { bestMatch, pyJson, reportBody, statusText, streamedReport, type ReportDict } from './report';
import {
  ManifestError, parseManifest, rangeForLength, sloEtag, type StoredSegment, isSlo, SYSMETA_OVERRIDE_ETAG, SYSMETA_SLO_ETAG, SYSMETA_SLO_SIZE,
} from './slo-manifest';

export async function multipartPut(ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler, self: SwiftHandler): Promise<SwiftResponse> {
  const cfg = ctx.settings.slo;
  const p = req.parts!;
  if (req.headers['x-copy-from']) return sentence(405, 'Multipart Manifest PUTs cannot be COPY requests', HTML);
  const cl = req.headers['content-length'];
  if (cl === undefined) {
    if ((req.headers['transfer-encoding'] ?? '').toLowerCase() !== 'chunked') return swobPage(411);
  } else if (Number(cl) > cfg.maxManifestSize) {
    return sentence(413, `Manifest File > ${cfg.maxManifestSize} bytes`, HTML);
  }
  let body: Buffer;
  try {
    body = await readAll(req.body, cfg.maxManifestSize);
  } catch (e) {
    if (e instanceof BodyTooLarge) return sentence(413, `Manifest File > ${cfg.maxManifestSize} bytes`, HTML);
    return swobPage(499);
  }
  let parsed;
  try {
    parsed = parseManifest(body, p.account, p.version, req.path);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    const isList = e.message.startsWith('Index ') || e.message.startsWith('Inline');
    return sentence(400, e.message, isList ? 'text/plain' : HTML);
  }
  const objectSegments = parsed.filter((s) => s.kind === 'path');
  if (objectSegments.length > cfg.maxManifestSegments) {
    return sentence(413, `Number of object-backed segments must be <= ${cfg.maxManifestSegments}`, HTML);
  }
  const outType = bestMatch(req.headers.accept) ?? 'text/plain';
  const heartbeat = isTrue(req.query.get('heartbeat'));

  /** Everything after the request body: answers [status, headers, report dict, errors] or a response. */
  const work = async (): Promise<{ res?: SwiftResponse; dict: ReportDict; errors: [string, string][]; errStatus?: number }> => {
    const heads = new Map<string, SwiftResponse>();
    for (const seg of parsed) {
      if (seg.kind !== 'path' || heads.has(seg.path)) continue;
      const path = `/${p.version}/${p.account}/${seg.path.replace(/^\/+/, '')}`;
      const r = await self(subrequest(req, { method: 'HEAD', path, source: 'SLO' }));
      discard(r);
      heads.set(seg.path, r);
    }
    const problems: [string, string][] = [];
    const stored: StoredSegment[] = [];
    let total = 0;
    parsed.forEach((seg, i) => {
      if (seg.kind === 'data') {
        stored.push({ data: seg.data });
        total += Buffer.from(seg.data, 'base64').length;
        return;
      }
      const r = heads.get(seg.path)!;
      const name = quotePath(seg.path);
      if (!isSuccess(r)) {
        problems.push([name, statusText(r.status)]);
        return;
      }
      const length = contentLength(r) ?? 0;
      let segLength = length;
      let rangeText: string | undefined;
      if (seg.range) {
        const span = rangeForLength(seg.range, length);
        if (!span) {
          problems.push([name, 'Unsatisfiable Range']);
        } else if (!(span[0] === 0 && span[1] === length)) {
          rangeText = `${span[0]}-${span[1] - 1}`;
          segLength = span[1] - span[0];
        }
      }
      if (segLength < 1 && i !== parsed.length - 1) problems.push([name, 'Too small; each segment must be at least 1 byte.']);
      if (seg.sizeBytes !== undefined && seg.sizeBytes !== length) problems.push([name, 'Size Mismatch']);
      const etag = normalizeEtag(getHeader(r.headers, 'etag'));
      if (seg.etag !== undefined && seg.etag !== null && seg.etag !== etag) problems.push([name, 'Etag Mismatch']);
      const data: StoredSegment = {
        name: `/${seg.path.replace(/^\/+/, '')}`,
        bytes: length,
        hash: etag,
        content_type: (getHeader(r.headers, 'content-type') ?? '').split(';')[0]!.trim(),
        last_modified: isoFromHttpDate(getHeader(r.headers, 'last-modified'), req.receivedAt),
      };
      if (rangeText) data.range = rangeText;
      if (isSlo(r)) data.sub_slo = true;
      stored.push(data);
      total += segLength;
    });
    if (problems.length > 0) return { dict: {}, errors: problems, errStatus: 400 };
    const etag = sloEtag(stored);
    const clientEtag = normalizeEtag(req.headers.etag);
    if (clientEtag && clientEtag !== etag) return { res: swobPage(422), dict: {}, errors: [], errStatus: 422 };

    const json = Buffer.from(pyStored(stored));
    const manifestEtag = createHash('md5').update(json).digest('hex');
    const type = req.headers['content-type'] || guessType(p.object!) || 'application/octet-stream';
    const headers: Record<string, string> = {
      ...withoutHeaders(req.headers, 'content-length', 'transfer-encoding', 'etag', 'content-type'),
      'content-type': `${type};swift_bytes=${total}`,
      'content-length': String(json.length),
      etag: manifestEtag,
      [SYSMETA_SLO_ETAG]: etag,
      [SYSMETA_SLO_SIZE]: String(total),
      'x-static-large-object': 'True',
      [SYSMETA_OVERRIDE_ETAG]: `${manifestEtag}; slo_etag=${etag}`,
    };
    const put = { ...req, headers, body: bufferBody(json) };
    const res = await next(put);
    const dict: ReportDict = { 'Response Status': statusText(res.status) };
    if (isSuccess(res)) {
      res.headers = setHeader(res.headers, 'Etag', `"${etag}"`);
      dict.Etag = `"${etag}"`;
      dict['Last Modified'] = getHeader(res.headers, 'last-modified') ?? '';
    }
    return { res, dict, errors: [] };
  };

  if (!heartbeat) {
    const r = await work();
    if (r.errStatus === 400) {
      return { status: 400, headers: { 'Content-Type': outType }, body: bufferBody(reportBody(outType, {}, r.errors, 'upload')) };
    }
    return r.res!;
  }
  return streamedReport(202, outType, cfg.yieldFrequency, async () => {
    const r = await work();
    const dict = { ...r.dict };
    if (r.errStatus) {
      dict['Response Status'] = statusText(r.errStatus);
      dict['Response Body'] = r.errStatus === 400
        ? 'Bad Request\nThe server could not comply with the request since it is either malformed or otherwise incorrect.'
        : 'Unprocessable Entity\nUnable to process the contained instructions';
    } else {
      discard(r.res!);
      const b = r.res!.body;
      dict['Response Body'] = typeof b === 'string' ? b : Buffer.isBuffer(b) ? b.toString('utf8') : '';
    }
    return reportBody(outType, dict, r.errors, 'upload');
  }, { immediateFirst: true, separator: '\r\n\r\n' });
}

/** json.dumps of the stored manifest, keys in Swift's order (name, bytes, hash, content_type, last_modified, range, sub_slo). */
function pyStored(stored: StoredSegment[]): string {
  return pyJson(stored.map((s) => (s.data !== undefined ? { data: s.data } : {
    name: s.name, bytes: s.bytes, hash: s.hash, content_type: s.content_type, last_modified: s.last_modified,
    range: s.range, sub_slo: s.sub_slo,
  })));
}

