/** Swift's keystoneauth middleware. (Skeleton: passes requests through until it is written.) */
import type { Middleware, SwiftContext } from '../context';

export function keystoneauth(_ctx: SwiftContext): Middleware {
  return { name: 'keystoneauth', wrap: (next) => next };
}
