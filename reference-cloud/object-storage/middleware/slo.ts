/**
 * Swift's slo middleware (static large objects), after swift/common/middleware/slo.py:
 * `PUT ?multipart-manifest=put` validates the segments (HEADs through this middleware, so a
 * nested SLO counts with its total size), stores the manifest as the object's body with the SLO
 * ETag and size in sysmeta, `;swift_bytes=<total>` on its Content-Type and the container-update
 * override ETag carrying `slo_etag` for listings; GET/HEAD serve the concatenation of the segments
 * (Range, conditionals on the SLO ETag); `?multipart-manifest=get[&format=raw]` the manifest;
 * `DELETE ?multipart-manifest=delete` the segments then the manifest, with a bulk-delete report.
 */
import type { Middleware, SwiftContext, SwiftHandler } from '../context';
import { HTML, sentence } from '../responses';
import { multipartDelete } from './slo-delete';
import { containerListing, getOrHead } from './slo-get';
import { multipartPut } from './slo-put';

export { SYSMETA_OVERRIDE_ETAG, SYSMETA_SLO_ETAG, SYSMETA_SLO_SIZE } from './slo-manifest';

export function slo(ctx: SwiftContext): Middleware {
  const cfg = ctx.settings.slo;
  return {
    name: 'slo',
    info: () => ({
      slo: {
        max_manifest_segments: cfg.maxManifestSegments, max_manifest_size: cfg.maxManifestSize,
        yield_frequency: cfg.yieldFrequency, min_segment_size: cfg.minSegmentSize, allow_async_delete: false,
      },
    }),
    wrap(next) {
      const self: SwiftHandler = async (req) => {
        const p = req.parts;
        if (!p || p.container === undefined) return next(req);
        if (p.object === undefined) return req.method === 'GET' ? containerListing(req, next) : next(req);
        const mm = req.query.get('multipart-manifest');
        if (req.method === 'PUT' && mm === 'put') return multipartPut(ctx, req, next, self);
        if (req.method === 'DELETE' && mm === 'delete') return multipartDelete(ctx, req, next);
        if (req.method === 'GET' || req.method === 'HEAD') return getOrHead(req, next, ctx);
        if ('x-static-large-object' in req.headers) {
          return sentence(400, 'X-Static-Large-Object is a reserved header. To create a static large object add query param multipart-manifest=put.', HTML);
        }
        return next(req);
      };
      return self;
    },
  };
}
