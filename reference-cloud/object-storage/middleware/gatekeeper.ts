/**
 * Swift's gatekeeper: the first stage of the pipeline. Clients may neither send nor see system
 * metadata (`X-Account-Sysmeta-*`, `X-Container-Sysmeta-*`, `X-Object-Sysmeta-*`,
 * `X-Object-Transient-Sysmeta-*`) nor backend headers (`X-Backend-*`): it removes them from
 * requests on the way in and from responses on the way out. Middlewares below it make their
 * subrequests with such headers freely.
 */
import type { Middleware, SwiftContext } from '../context';

const RESERVED = /^x-(?:(?:account|container|object)-sysmeta-|object-transient-sysmeta-|backend-)/i;

export function isReservedHeader(name: string): boolean {
  return RESERVED.test(name);
}

export function gatekeeper(_ctx: SwiftContext): Middleware {
  return {
    name: 'gatekeeper',
    wrap: (next) => async (req) => {
      for (const name of Object.keys(req.headers)) if (RESERVED.test(name)) delete req.headers[name];
      const res = await next(req);
      for (const name of Object.keys(res.headers)) if (RESERVED.test(name)) delete res.headers[name];
      return res;
    },
  };
}
