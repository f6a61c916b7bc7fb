/** Swift's slo middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function slo(_ctx: SwiftContext): Middleware {
  return { name: 'slo', wrap: (next) => next };
}
