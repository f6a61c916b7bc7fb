/**
 * The object-storage service (Swift v1): see context.ts for the pipeline and its parts. Every
 * request below the mount goes through one route into the pipeline, which parses the path itself
 * (names are data: any UTF-8, slashes and dots), validates the token itself (keystoneauth lets
 * anonymous requests through to the ACLs and temp URLs) and writes Swift's own answers.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { swiftEnvelope } from '../core/envelopes';
import type { ApiReply, ApiRequest, HttpMethod, Route, ServiceDefinition } from '../core/service';
import type { SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from './context';
import { objectStorageMigrations } from './migrations';
import { assemble, middlewares } from './pipeline';
import { decodePath, splitPath } from './path';
import { proxyApp } from './proxy/app';
import { sentence } from './responses';
import { readSettings } from './settings';
import { ObjectStore } from './store';
import { Expirer } from './expirer';

const METHODS: HttpMethod[] = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY', 'OPTIONS', 'PATCH'];

/** Swift's transaction id: `tx` + 21 hex + `-` + the Unix time in 10 hex digits. */
export function transactionId(now = Date.now()): string {
  return `tx${randomBytes(11).toString('hex').slice(0, 21)}-${Math.floor(now / 1000).toString(16).padStart(10, '0')}`;
}

function joinHeaders(headers: ApiRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The SwiftRequest of an HTTP request, or Swift's 412 for a path that is not UTF-8. */
export function toSwiftRequest(req: ApiRequest, ctx: Pick<SwiftContext, 'clock'>): SwiftRequest | SwiftResponse {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const path = decodePath(rawPath);
  if (path === undefined) return sentence(412, 'Invalid UTF8 or contains NULL', 'text/html; charset=UTF-8');
  const body = req.body as Readable | undefined;
  return {
    method: req.method,
    path,
    rawPath,
    parts: splitPath(path),
    query: new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1)),
    headers: joinHeaders(req.headers),
    body: body && typeof body.pipe === 'function' ? body : undefined,
    receivedAt: ctx.clock.now(),
    log: req.log,
  };
}

/**
 * The HTTP reply of a pipeline answer: headers named twice in different cases (Swift's and
 * Keystone's WWW-Authenticate) become one repeated header; a HEAD answer carries no body (an
 * error's Content-Length is 0, as swob sends it; a success keeps the length of the GET).
 */
export function toReply(res: SwiftResponse, method = 'GET'): ApiReply {
  const headers: Record<string, string | string[]> = {};
  const names = new Map<string, string>();
  for (const [k, v] of Object.entries(res.headers)) {
    const first = names.get(k.toLowerCase());
    if (first === undefined) {
      names.set(k.toLowerCase(), k);
      headers[k] = v;
    } else {
      headers[first] = [...([] as string[]).concat(headers[first]!), v];
    }
  }
  let body = res.body;
  if (method === 'HEAD' && body !== undefined) {
    if (typeof body === 'object' && 'pipe' in body) body.destroy();
    else if (res.status >= 300) headers['Content-Length'] = '0';
    else if (names.get('content-length') === undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    body = undefined;
  }
  return { status: res.status, headers, body };
}

export function objectStorageRoutes(handle: SwiftHandler, ctx: Pick<SwiftContext, 'clock'>): Route[] {
  const handler = async (req: ApiRequest): Promise<ApiReply> => {
    const sreq = toSwiftRequest(req, ctx);
    if (!('method' in sreq)) return toReply(sreq);
    return toReply(await handle(sreq), sreq.method);
  };
  return ['/', '/*'].flatMap((path) => METHODS.map((method): Route => ({ method, path, auth: 'none', rawBody: true, handler })));
}

export const objectStorageService: ServiceDefinition = {
  name: 'object-storage',
  catalogType: 'object-store',
  catalogName: 'swift',
  mount: '/object-store',
  catalogSuffix: '/v1/AUTH_$(project_id)s',
  envelope: swiftEnvelope,
  bodyLimit: 8_388_608,
  migrations: objectStorageMigrations,
  requestId: () => transactionId(),
  // Bad percent-encoding in the path: what Swift says of any path that is not UTF-8.
  badUrl: () => ({ status: 412, headers: {}, body: 'Invalid UTF8 or contains NULL', contentType: 'text/html; charset=UTF-8' }),
  requestIdAliases: ['X-Trans-Id'],
  create(ctx) {
    const settings = readSettings(ctx.config.objectStorage);
    const objects = new ObjectStore(ctx.store, settings, ctx.clock, ctx.log.child({ component: 'object-storage' }));
    let identityUri = ctx.config.identityUrl?.replace(/\/v3\/?$/, '') ?? '';
    const sctx: SwiftContext = {
      config: ctx.config, settings, store: ctx.store, clock: ctx.clock, log: ctx.log, tokens: ctx.tokens, info: objects,
      identityUri: () => identityUri,
      // In registration order: paste builds the pipeline from the proxy up, so the middleware
      // nearest the proxy registers first (slo, quotas, tempurl, bulk), as /info lists them.
      swiftInfo: () => Object.assign({}, ...[...stages].reverse().map((m) => m.info?.() ?? {})),
    };
    const stages = middlewares(sctx);
    const handle = assemble(stages, proxyApp(sctx, objects));
    const expirer = new Expirer(objects, settings.expirerIntervalMs, sctx.log);
    return {
      routes: objectStorageRoutes(handle, sctx),
      ready(endpoints) {
        const identity = endpoints.find((e) => e.service === 'identity');
        if (identity) identityUri = identity.url.replace(/\/$/, '');
        expirer.start();
      },
      close: () => {
        expirer.stop();
        objects.close();
      },
    };
  },
};
