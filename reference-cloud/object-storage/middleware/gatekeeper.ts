/** Swift's gatekeeper middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function gatekeeper(_ctx: SwiftContext): Middleware {
  return { name: 'gatekeeper', wrap: (next) => next };
}
