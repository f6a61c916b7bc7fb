/** Swift's bulk middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function bulk(_ctx: SwiftContext): Middleware {
  return { name: 'bulk', wrap: (next) => next };
}
