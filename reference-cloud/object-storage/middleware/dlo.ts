/** Swift's dlo middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function dlo(_ctx: SwiftContext): Middleware {
  return { name: 'dlo', wrap: (next) => next };
}
