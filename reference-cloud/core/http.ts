/**
 * The HTTP layer: mounts services' route tables on Fastify. One instance can carry every
 * service (shared port, path prefixes) or a single one (per-service port). Everything a route
 * needs (body parsing, token validation, policy, error envelopes, request ids) happens here,
 * once, for all services.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import sjson from 'secure-json-parse';
import type { Readable } from 'node:stream';
import type { TokenValidator } from './auth-context';
import { ApiError, authenticationRequired, toApiError } from './errors';
import type { ErrorEnvelope, RenderedError } from './envelopes';
import { requestId as defaultRequestId } from './ids';
import { echoHeaders, negotiate, type MicroversionSpec } from './microversion';
import { safeUrl } from './logging';
import type { ApiReply, ApiRequest, HttpMethod, Route, ServiceDefinition, ServiceRuntime } from './service';

export interface MountedService {
  def: ServiceDefinition;
  runtime: ServiceRuntime;
  tokens: TokenValidator;
  log: Logger;
  /** The Keystone URL named in WWW-Authenticate on a 401. */
  authUrl: () => string;
  /** Public base URL of this service's mount, known once the listener is up. */
  baseUrl: () => string;
  /** The microversion range of the release the cloud runs, for services that have them. */
  microversions?: MicroversionSpec;
}

interface RouteConfig {
  rawBody?: boolean;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json|^application\/openstack-images-v2\.\d-json-patch/i;

export function buildHttpServer(services: MountedService[], log: Logger): FastifyInstance {
  const byMount = [...services].sort((a, b) => b.def.mount.length - a.def.mount.length);
  const serviceFor = (url: string) => byMount.find((s) => url === s.def.mount || url.startsWith(`${s.def.mount}/`));

  const app = Fastify({
    logger: false,
    // The largest JSON body any service accepts; each route narrows it.
    bodyLimit: Math.max(...services.map((s) => s.def.bodyLimit)),
    genReqId: (req) => (serviceFor(req.url ?? '')?.def.requestId ?? defaultRequestId)(),
    exposeHeadRoutes: true,
    return503OnClosing: true,
    // On close, also end keep-alive connections whose last answer was a streamed body (image
    // data): Node does not count them idle, and closing would wait out the keep-alive timeout.
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    // A request Node's HTTP parser refuses (a non-numeric Content-Length, a malformed request
    // line) gets what eventlet answers before any OpenStack code runs: a bare 400, no body.
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    },
    // Errors Fastify raises before a route runs (a malformed URL, an over-long path
    // parameter) are answered in the service's own envelope like any other.
    frameworkErrors: (error, req, reply) => {
      const svc = serviceFor(req.url);
      if (error.code === 'FST_ERR_BAD_URL' && svc?.def.badUrl) {
        for (const name of ['X-Openstack-Request-Id', ...(svc.def.requestIdAliases ?? [])]) reply.header(name, req.id);
        return sendRendered(reply, svc.def.badUrl());
      }
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      sendError(reply, envelopeOf(serviceFor(req.url)?.def, req), new ApiError(status, status === 414 ? 'Request-URI Too Long.' : 'The request URL is not valid.'));
    },
  });

  // Swift's server-side copy verb.
  app.addHttpMethod('COPY', { hasBody: true });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Openstack-Request-Id', req.id);
    for (const alias of serviceFor(req.url)?.def.requestIdAliases ?? []) reply.header(alias, req.id);
    (req as FastifyRequest & { startedAt: bigint }).startedAt = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (req, reply) => {
    const started = (req as FastifyRequest & { startedAt?: bigint }).startedAt;
    const ms = started ? Number(process.hrtime.bigint() - started) / 1e6 : undefined;
    log.info({ req_id: req.id, method: req.method, url: safeUrl(req.url), status: reply.statusCode, ms }, 'request');
  });

  app.get('/', async () => ({
    stackproof: { services: Object.fromEntries(services.map((s) => [s.def.catalogType, s.baseUrl()])) },
  }));

  for (const svc of services) {
    app.register(async (scope) => mountService(scope, svc), { prefix: svc.def.mount });
  }

  // Anything outside every mount.
  app.setNotFoundHandler((req, reply) => {
    const svc = serviceFor(req.url);
    const err = new ApiError(404, 'The resource could not be found.');
    sendError(reply, envelopeOf(svc?.def, req), err);
  });
  app.setErrorHandler((error, req, reply) => sendError(reply, envelopeOf(serviceFor(req.url)?.def, req), toApiError(error)));
  return app;
}

function mountService(scope: FastifyInstance, svc: MountedService): void {
  const { def, runtime } = svc;

  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (req, payload, done) => {
    const cfg = req.routeOptions.config as RouteConfig;
    if (cfg.rawBody) return done(null, payload);
    const limit = req.routeOptions.bodyLimit ?? def.bodyLimit;
    readLimited(payload, limit).then(
      (buf) => {
        if (buf.length === 0) return done(null, undefined);
        const ct = String(req.headers['content-type'] ?? '');
        if (ct && !JSON_TYPE.test(ct)) {
          const reject = def.bodyErrors?.notJson;
          return reject ? done(new ApiError(reject.status, reject.message), undefined) : done(null, buf);
        }
        let parsed: unknown;
        try {
          parsed = sjson.parse(buf.toString('utf8'), undefined, { protoAction: 'remove', constructorAction: 'remove' });
        } catch {
          return done(new ApiError(400, def.bodyErrors?.malformedJson ?? 'Malformed JSON in request body.'), undefined);
        }
        if (nestingDepth(parsed) > MAX_JSON_DEPTH) {
          return done(new ApiError(400, `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
        }
        done(null, parsed);
      },
      (err: Error) => done(err, undefined),
    );
  });

  if (def.responseHeaders) {
    const headers = def.responseHeaders;
    scope.addHook('onRequest', async (_req, reply) => {
      for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    });
  }
  scope.setErrorHandler((error, req, reply) => sendError(reply, envelopeOf(def, req), toApiError(error)));
  scope.setNotFoundHandler((req, reply) => {
    if (def.unknownRoute) return sendRendered(reply, def.unknownRoute());
    sendError(reply, envelopeOf(def, req), new ApiError(404, 'The resource could not be found.'));
  });

  // HEAD routes first: Fastify then does not derive its own HEAD from the GET.
  const routes = [...runtime.routes].sort((a, b) => Number(b.method === 'HEAD') - Number(a.method === 'HEAD'));
  const declared = new Map<string, Set<string>>();
  for (const route of routes) {
    const key = route.path.replace(/\/$/, '') || '/';
    if (!declared.has(key)) declared.set(key, new Set());
    declared.get(key)!.add(route.method);
    scope.route({
      method: route.method,
      url: route.path,
      bodyLimit: route.bodyLimit ?? def.bodyLimit,
      config: { rawBody: route.rawBody } satisfies RouteConfig,
      // Returning the reply tells Fastify the response is under way: a streamed body has not
      // written its headers yet when the handler's promise settles.
      handler: async (req, reply) => {
        await runRoute(svc, route, req, reply);
        return reply;
      },
    });
  }
  // Known paths with an unsupported method answer 405, as the services do.
  for (const [path, methods] of declared) {
    if (methods.has('GET')) methods.add('HEAD');
    const missing = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as HttpMethod[]).filter((m) => !methods.has(m));
    if (missing.length === 0) continue;
    scope.route({
      method: missing,
      url: path,
      handler: (req, reply) => def.unknownRoute ? sendRendered(reply, def.unknownRoute()) : sendError(reply, envelopeOf(def, req), new ApiError(405, 'The method is not allowed for the requested URL.', {
        headers: { Allow: [...methods].join(', ') },
      })),
    });
  }
}

async function runRoute(svc: MountedService, route: Route, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { def, tokens } = svc;
  if (route.requestIdHeader === false) {
    reply.removeHeader('X-Openstack-Request-Id');
    for (const alias of def.requestIdAliases ?? []) reply.removeHeader(alias);
  }
  try {
    const apiReq: ApiRequest = {
      id: req.id,
      method: req.method as HttpMethod,
      url: req.url.slice(def.mount.length) || '/',
      params: req.params as Record<string, string>,
      query: req.query as Record<string, string | string[]>,
      headers: req.headers,
      body: req.body,
      baseUrl: svc.baseUrl(),
      log: svc.log,
    };
    const mode = route.auth ?? 'token';
    if (mode !== 'none') {
      const token = headerValue(req.headers['x-auth-token']);
      if (token) apiReq.auth = await tokens.validate(token);
      else if (mode === 'token') throw authenticationRequired();
    }
    // After authtoken, before the controller, as in Nova's pipeline: a 401 carries no version;
    // a bad version (400/406) none either; every later answer, errors included, echoes it.
    if (svc.microversions && route.microversioned !== false) {
      apiReq.microversion = negotiate(req.headers, svc.microversions);
      for (const [k, v] of Object.entries(echoHeaders(apiReq.microversion, svc.microversions))) reply.header(k, v);
    }
    if (route.policy) {
      if (!apiReq.auth) throw authenticationRequired();
      if (!route.policy.check(apiReq.auth, apiReq)) {
        throw new ApiError(403, def.policyMessage?.(route.policy.rule) ?? `You are not authorized to perform the requested action: ${route.policy.rule}.`);
      }
    }
    const out = await route.handler(apiReq);
    sendReply(reply, out);
  } catch (err) {
    const apiErr = toApiError(err);
    if (apiErr.status === 401 && !apiErr.headers['WWW-Authenticate']) {
      apiErr.headers['WWW-Authenticate'] = `Keystone uri="${svc.authUrl()}"`;
    }
    if (apiErr.status === 401 && def.requestIdAfterAuth) {
      reply.removeHeader('X-Openstack-Request-Id');
      for (const alias of def.requestIdAliases ?? []) reply.removeHeader(alias);
    }
    if (apiErr.status >= 500) svc.log.error({ req_id: req.id, err }, 'unhandled error');
    sendError(reply, envelopeOf(def, req), apiErr);
  }
}

/** The service's error envelope for this request (some services negotiate it by Accept). */
function envelopeOf(def: ServiceDefinition | undefined, req: FastifyRequest): ErrorEnvelope | undefined {
  if (!def) return undefined;
  return def.envelopeFor ? def.envelopeFor(headerValue(req.headers.accept)) : def.envelope;
}

function sendReply(reply: FastifyReply, out: ApiReply): void {
  reply.code(out.status);
  if (out.headers) for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
  for (const name of out.omitHeaders ?? []) reply.removeHeader(name);
  const body = out.body;
  if (body === undefined || out.status === 204 || out.status === 304) {
    // An empty answer has no Content-Type unless the handler names one (Nova's empty 202/204s
    // still say application/json).
    if (!hasHeader(out.headers, 'content-type')) reply.removeHeader('content-type');
    reply.send();
  } else if (typeof body === 'string' || Buffer.isBuffer(body) || isStream(body)) {
    reply.send(body);
  } else {
    if (!reply.hasHeader('content-type')) reply.header('Content-Type', 'application/json');
    // A Buffer, because Fastify appends "; charset=utf-8" to string payloads and OpenStack's
    // services send a bare application/json.
    reply.send(Buffer.from(JSON.stringify(body), 'utf8'));
  }
}

function hasHeader(headers: ApiReply['headers'], name: string): boolean {
  return !!headers && Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function sendError(reply: FastifyReply, envelope: ErrorEnvelope | undefined, err: ApiError): void {
  if (reply.sent) return;
  const rendered = envelope
    ? envelope(err)
    : { status: err.status, headers: err.headers, body: JSON.stringify({ error: { code: err.status, message: err.message } }), contentType: 'application/json' };
  sendRendered(reply, rendered);
}

function sendRendered(reply: FastifyReply, rendered: RenderedError): void {
  if (reply.sent) return;
  reply.code(rendered.status);
  for (const [k, v] of Object.entries(rendered.headers)) reply.header(k, v);
  reply.header('Content-Type', rendered.contentType);
  reply.send(Buffer.from(rendered.body, 'utf8'));
}

/** No OpenStack request body comes close; deeper ones would only exhaust the stack later. */
const MAX_JSON_DEPTH = 64;

/** Depth of a parsed JSON value, computed without recursion. */
export function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}

function isStream(x: unknown): x is Readable {
  return !!x && typeof (x as Readable).pipe === 'function';
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0];
  return v === '' ? undefined : v;
}

function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    stream.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new ApiError(413, 'Request Entity Too Large: the request body is larger than the server accepts.'));
        stream.resume();
        return;
      }
      chunks.push(c);
    });
    stream.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    stream.on('error', (e) => !failed && reject(new ApiError(400, `Could not read the request body: ${e.message}`)));
  });
}
