/** Swift's container_quotas and account_quotas middlewares. (Skeleton: pass through.) */
import type { Middleware, SwiftContext } from '../context';

export function containerQuotas(_ctx: SwiftContext): Middleware {
  return { name: 'container_quotas', wrap: (next) => next };
}

export function accountQuotas(_ctx: SwiftContext): Middleware {
  return { name: 'account_quotas', wrap: (next) => next };
}
