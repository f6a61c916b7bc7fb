/**
 * The proxy-server application at the bottom of the pipeline: routes a request to the account,
 * container or object controller (proxy_server.get_controller), answers the paths outside
 * `/v1/<account>` (`/info`, `/healthcheck`, `/` 404, `/v1` 412 `Bad URL`) and the verbs a
 * controller does not have (405 with Allow). Any unexpected failure is Swift's 500 page.
 */
import type { SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { empty, sentence, swobPage } from '../responses';
import type { ObjectStore } from '../store';
import { accountController } from './account';
import { containerController } from './container';
import { infoResponse } from './info';
import { objectController } from './object';

export type Controller = Partial<Record<string, SwiftHandler>>;

const ALLOWED = {
  account: ['OPTIONS', 'GET', 'POST', 'HEAD'],
  container: ['OPTIONS', 'GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
  object: ['OPTIONS', 'GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
};

export function proxyApp(ctx: SwiftContext, objects: ObjectStore): SwiftHandler {
  const controllers = {
    account: accountController(ctx, objects),
    container: containerController(ctx, objects),
    object: objectController(ctx, objects),
  };
  const route = async (req: SwiftRequest): Promise<SwiftResponse> => {
    const parts = req.parts;
    if (!parts) return outside(ctx, req);
    if (parts.version !== 'v1' && parts.version !== 'v1.0') return swobPage(400);
    if (parts.account === '' || parts.container === '' || (parts.object !== undefined && !parts.container)) return swobPage(404);
    const kind = parts.object !== undefined ? 'object' : parts.container !== undefined ? 'container' : 'account';
    const allowed = ALLOWED[kind];
    if (!allowed.includes(req.method)) return swobPage(405, { Allow: allowed.join(', ') });
    if (req.method === 'OPTIONS') return empty(200, { Allow: allowed.join(', ') });
    const handler = controllers[kind][req.method];
    if (!handler) return swobPage(405, { Allow: allowed.join(', ') });
    return handler(req);
  };
  return async (req) => {
    try {
      return await route(req);
    } catch (e) {
      req.log.error({ err: e, method: req.method, path: req.path }, 'object-storage: unhandled error');
      return swobPage(500);
    }
  };
}

/** Paths without an account: proxy_server's special cases and split_path's failures. */
async function outside(ctx: SwiftContext, req: SwiftRequest): Promise<SwiftResponse> {
  if (req.path === '/info') return infoResponse(ctx, req);
  if (req.path === '/healthcheck') return sentence(200, 'OK');
  if (req.path === '/' || req.path === '' || !req.path.startsWith('/')) return swobPage(404);
  // `/v1`, `/v1/`, `/anything`: no controller.
  return sentence(412, 'Bad URL', 'text/html; charset=UTF-8');
}
