/** SLO `DELETE ?multipart-manifest=delete`: the segments (nested manifests too), then the manifest, with bulk's report. */
import type { SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { subrequest } from '../path';
import { discard, responseBytes } from './body';
import { runDeletes, type DeleteItem } from './bulk';
import { isSuccess } from './headers';
import { bestMatch, streamedReport } from './report';
import { type StoredSegment, isSlo } from './slo-manifest';

export async function multipartDelete(ctx: SwiftContext, req: SwiftRequest, next: SwiftHandler): Promise<SwiftResponse> {
  discard({ status: 0, headers: {}, body: req.body });
  const outType = bestMatch(req.headers.accept);
  const p = req.parts!;
  const cfg = ctx.settings;
  return streamedReport(200, outType, cfg.slo.yieldFrequency, async () => {
    const items = segmentsToDelete(req, next, ctx, `/${p.container}/${p.object}`);
    return runDeletes(ctx, req, next, items, outType, 'SLO', false);
  });
}

/** Swift's get_segments_to_delete_iter: leaf segments first, each manifest after its segments. */
async function* segmentsToDelete(req: SwiftRequest, next: SwiftHandler, ctx: SwiftContext, name: string): AsyncGenerator<DeleteItem> {
  const queue: (StoredSegment & { error?: { code: number; message: string } })[] = [{ sub_slo: true, name }];
  const limit = ctx.settings.slo.maxManifestSegments * 10;
  while (queue.length > 0) {
    if (queue.length > limit) throw Object.assign(new Error('Too many buffered slo segments to delete.'), { status: 400 });
    const seg = queue.shift()!;
    if (seg.data !== undefined) continue;
    if (seg.sub_slo) {
      try {
        queue.push(...(await sloSegments(req, next, ctx, seg.name ?? '')));
      } catch (e) {
        const err = e as { status?: number; message: string };
        seg.error = { code: err.status ?? 500, message: err.message };
      }
      queue.push({ ...seg, sub_slo: false });
    } else {
      yield { name: seg.name ?? '', error: seg.error };
    }
  }
}

/** Swift's get_slo_segments: the manifest's segments, or an error with its status and text. */
async function sloSegments(req: SwiftRequest, next: SwiftHandler, ctx: SwiftContext, name: string): Promise<StoredSegment[]> {
  const p = req.parts!;
  const path = `/${p.version}/${p.account}/${name.replace(/^\/+/, '')}`;
  const res = await next(subrequest(req, { method: 'GET', path, query: new URLSearchParams('multipart-manifest=get'), source: 'SLO' }));
  const fail = (status: number, message: string): Error => Object.assign(new Error(message), { status });
  if (isSuccess(res)) {
    if (isSlo(res)) {
      const buf = await responseBytes(res, ctx.settings.slo.maxManifestSize * 4);
      try {
        const v = JSON.parse(buf.toString('utf8')) as unknown;
        if (Array.isArray(v)) return v as StoredSegment[];
      } catch {
        // below
      }
      throw fail(500, 'Unable to load SLO manifest');
    }
    discard(res);
    throw fail(400, 'Not an SLO manifest');
  }
  discard(res);
  if (res.status === 404) throw fail(404, 'SLO manifest not found');
  if (res.status === 401) throw fail(401, '401 Unauthorized');
  throw fail(500, 'Unable to load SLO manifest or segment.');
}

