/** Swift's copy middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function copy(_ctx: SwiftContext): Middleware {
  return { name: 'copy', wrap: (next) => next };
}
