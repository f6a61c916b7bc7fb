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
  if (path === undefined) return sentence(412, 'Invalid UTF8 or contains NULL');
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

export function toReply(res: SwiftResponse): ApiReply {
  return { status: res.status, headers: res.headers, body: res.body };
}

export function objectStorageRoutes(handle: SwiftHandler, ctx: Pick<SwiftContext, 'clock'>): Route[] {
  const handler = async (req: ApiRequest): Promise<ApiReply> => {
    const sreq = toSwiftRequest(req, ctx);
    if (!('method' in sreq)) return toReply(sreq);
    return toReply(await handle(sreq));
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
  requestIdAliases: ['X-Trans-Id'],
  create(ctx) {
    const settings = readSettings(ctx.config.objectStorage);
    const objects = new ObjectStore(ctx.store, settings, ctx.clock, ctx.log.child({ component: 'object-storage' }));
    const sctx: SwiftContext = {
      config: ctx.config, settings, store: ctx.store, clock: ctx.clock, log: ctx.log, tokens: ctx.tokens, info: objects,
      swiftInfo: () => Object.assign({}, ...stages.map((m) => m.info?.() ?? {})),
    };
    const stages = middlewares(sctx);
    const handle = assemble(stages, proxyApp(sctx, objects));
    return {
      routes: objectStorageRoutes(handle, sctx),
      close: () => objects.close(),
    };
  },
};
