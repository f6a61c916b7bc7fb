/**
 * What the slo and dlo middlewares share on GET and HEAD: finding the manifest behind a request
 * that may be for a large object. Range and conditionals belong to the large object, not to its
 * manifest object, so a request carrying them first looks (HEAD) without them; anything that is not
 * a large object then gets the original request, answered as it is.
 */
import type { SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { discard } from './body';
import { isSuccess, withoutHeaders } from './headers';

/** The request headers that apply to a large object's data, not to its manifest object. */
export const CONDITIONAL = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'];

/**
 * The manifest's response (`method`: GET when the caller needs its body, HEAD when its headers
 * are enough), or `passThrough`: the answer to the original request when it is not a large object.
 */
export async function findManifest(
  req: SwiftRequest, next: SwiftHandler, isLarge: (res: SwiftResponse) => boolean, method: 'GET' | 'HEAD',
): Promise<{ manifest: SwiftResponse; plain: SwiftRequest } | { passThrough: SwiftResponse }> {
  const plain: SwiftRequest = { ...req, headers: withoutHeaders(req.headers, ...CONDITIONAL) };
  if (!CONDITIONAL.some((h) => h in req.headers)) {
    const res = await next(req);
    return isLarge(res) && isSuccess(res) ? { manifest: res, plain } : { passThrough: res };
  }
  const probe = await next({ ...plain, method: 'HEAD' });
  discard(probe);
  if (!isLarge(probe) || !isSuccess(probe)) return { passThrough: await next(req) };
  if (method === 'HEAD') return { manifest: probe, plain };
  const res = await next({ ...plain, method: 'GET' });
  return isLarge(res) && isSuccess(res) ? { manifest: res, plain } : { passThrough: res };
}
