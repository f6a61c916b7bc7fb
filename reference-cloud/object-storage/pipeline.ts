/**
 * The proxy pipeline, top to bottom, as a Swift proxy-server.conf with these middlewares lists it
 * (tempurl before authtoken; quotas after keystoneauth; copy above slo and dlo, so a copy reads
 * a large object's data through them).
 */
import type { Middleware, SwiftContext, SwiftHandler } from './context';
import { bulk } from './middleware/bulk';
import { copy } from './middleware/copy';
import { dlo } from './middleware/dlo';
import { gatekeeper } from './middleware/gatekeeper';
import { keystoneauth } from './middleware/keystoneauth';
import { accountQuotas, containerQuotas } from './middleware/quotas';
import { slo } from './middleware/slo';
import { tempurl } from './middleware/tempurl';

export function middlewares(ctx: SwiftContext): Middleware[] {
  return [
    gatekeeper(ctx), bulk(ctx), tempurl(ctx), keystoneauth(ctx), containerQuotas(ctx), accountQuotas(ctx),
    copy(ctx), slo(ctx), dlo(ctx),
  ];
}

/** The pipeline's entry: each middleware wraps everything below it, the proxy app last. */
export function assemble(stages: Middleware[], app: SwiftHandler): SwiftHandler {
  return stages.reduceRight<SwiftHandler>((next, m) => m.wrap(next), app);
}
