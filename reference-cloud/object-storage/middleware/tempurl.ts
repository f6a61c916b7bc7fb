/** Swift's tempurl middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function tempurl(_ctx: SwiftContext): Middleware {
  return { name: 'tempurl', wrap: (next) => next };
}
