/**
 * A small in-memory stand-in for the Swift proxy application, for the middleware tests: accounts,
 * containers and objects in Maps, with the contract the real proxy honours (sysmeta kept and
 * returned, `;swift_bytes=` and the container-update override etag in JSON listings, Range and
 * conditionals through ranges.ts and conditional.ts, req.authorize called before acting).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import pino from 'pino';
import type {
  AccountInfo, ContainerAcls, ContainerInfo, InfoSource, Middleware, SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse,
} from '../../../reference-cloud/object-storage/context';
import { checkConditions } from '../../../reference-cloud/object-storage/conditional';
import { quotePath, splitPath } from '../../../reference-cloud/object-storage/path';
import { assemble } from '../../../reference-cloud/object-storage/pipeline';
import { serveRanges } from '../../../reference-cloud/object-storage/ranges';
import { empty, lastModified, swobPage, xTimestamp } from '../../../reference-cloud/object-storage/responses';
import { defaultSettings, type SwiftSettings } from '../../../reference-cloud/object-storage/settings';
import type { AuthContext } from '../../../reference-cloud/core/auth-context';

export interface FakeObject {
  data: Buffer;
  etag: string;
  timestamp: string;
  contentType: string;
  /** Stored headers: metadata, sysmeta, X-Static-Large-Object, X-Object-Manifest... (lower-case). */
  headers: Record<string, string>;
}

interface FakeContainer {
  objects: Map<string, FakeObject>;
  meta: Record<string, string>;
  acls: ContainerAcls;
  createdAt: string;
}

const KEPT = /^(x-object-meta-|x-object-sysmeta-|x-static-large-object$|x-object-manifest$|content-disposition$|content-encoding$|x-delete-at$)/;

export class FakeProxy implements InfoSource {
  readonly accounts = new Map<string, { meta: Record<string, string>; containers: Map<string, FakeContainer> }>();
  /** Every request the proxy saw: method and path (for assertions on subrequests). */
  readonly seen: { method: string; path: string; source?: string }[] = [];
  private clockMs = Date.UTC(2026, 10, 25, 1, 0, 0);
  readonly settings: SwiftSettings;

  constructor(settings: SwiftSettings = defaultSettings()) {
    this.settings = settings;
  }

  private nextTimestamp(): string {
    this.clockMs += 1000;
    return xTimestamp(this.clockMs);
  }

  private acct(name: string) {
    let a = this.accounts.get(name);
    if (!a) {
      a = { meta: {}, containers: new Map() };
      this.accounts.set(name, a);
    }
    return a;
  }

  account(account: string): AccountInfo | undefined {
    const a = this.accounts.get(account);
    if (!a) return undefined;
    let objectCount = 0;
    let bytesUsed = 0;
    for (const c of a.containers.values()) {
      objectCount += c.objects.size;
      for (const o of c.objects.values()) bytesUsed += o.data.length;
    }
    return { account, containerCount: a.containers.size, objectCount, bytesUsed, meta: a.meta, sysmeta: {}, createdAt: '0' };
  }

  container(account: string, container: string): ContainerInfo | undefined {
    const c = this.accounts.get(account)?.containers.get(container);
    if (!c) return undefined;
    let bytesUsed = 0;
    for (const o of c.objects.values()) bytesUsed += o.data.length;
    return { account, container, objectCount: c.objects.size, bytesUsed, storagePolicy: 'Policy-0', acls: c.acls, meta: c.meta, sysmeta: {}, createdAt: c.createdAt };
  }

  /** Test setup: a container (with metadata) and objects. */
  putContainer(account: string, container: string, meta: Record<string, string> = {}): void {
    this.acct(account).containers.set(container, { objects: new Map(), meta, acls: {}, createdAt: this.nextTimestamp() });
  }

  putObject(account: string, container: string, name: string, data: string | Buffer, headers: Record<string, string> = {}): FakeObject {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const o: FakeObject = {
      data: buf, etag: createHash('md5').update(buf).digest('hex'), timestamp: this.nextTimestamp(),
      contentType: headers['content-type'] ?? 'application/octet-stream',
      headers: Object.fromEntries(Object.entries(headers).filter(([k]) => KEPT.test(k))),
    };
    const c = this.acct(account).containers.get(container);
    if (!c) throw new Error(`no container ${container}`);
    c.objects.set(name, o);
    return o;
  }

  getObject(account: string, container: string, name: string): FakeObject | undefined {
    return this.accounts.get(account)?.containers.get(container)?.objects.get(name);
  }

  readonly handler: SwiftHandler = async (req) => {
    this.seen.push({ method: req.method, path: req.path, source: req.source });
    const p = req.parts;
    if (!p) return swobPage(404);
    const c = p.container === undefined ? undefined : this.accounts.get(p.account)?.containers.get(p.container);
    if (req.authorize) {
      const denied = req.authorize(req, c?.acls);
      if (denied) return denied;
    }
    if (p.container === undefined) {
      if (req.method === 'POST') {
        for (const [k, v] of Object.entries(req.headers)) {
          if (k.startsWith('x-account-meta-')) this.acct(p.account).meta[k.slice(15)] = v;
          if (k.startsWith('x-remove-account-meta-')) delete this.acct(p.account).meta[k.slice(22)];
        }
        return empty(204);
      }
      return empty(204);
    }
    if (p.object === undefined) return this.containerRequest(req, p.account, p.container, c);
    if (!c) return swobPage(404);
    const name = p.object;
    switch (req.method) {
      case 'PUT': {
        const chunks: Buffer[] = [];
        if (req.body) for await (const ch of req.body) chunks.push(Buffer.isBuffer(ch) ? ch : Buffer.from(ch as string));
        const data = Buffer.concat(chunks);
        const cl = req.headers['content-length'];
        if (cl !== undefined && Number(cl) !== data.length) return swobPage(499);
        const etag = createHash('md5').update(data).digest('hex');
        if (req.headers.etag && req.headers.etag.replace(/"/g, '') !== etag) return swobPage(422);
        const o = this.putObject(p.account, p.container, name, data, req.headers);
        if (req.headers['content-type']) o.contentType = req.headers['content-type'];
        return empty(201, { Etag: etag, 'Last-Modified': lastModified(o.timestamp) });
      }
      case 'GET':
      case 'HEAD': {
        const o = c.objects.get(name);
        if (!o) return swobPage(404);
        const headers: Record<string, string> = {
          'Content-Type': o.contentType.replace(/;\s*swift_bytes=\d+/, ''),
          ...Object.fromEntries(Object.entries(o.headers).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (_m, d: string, ch: string) => d + ch.toUpperCase()), v])),
          Etag: o.etag, 'Last-Modified': lastModified(o.timestamp), 'X-Timestamp': o.timestamp,
        };
        const cond = checkConditions(req.headers, { etag: o.etag, timestamp: o.timestamp }, headers);
        if (cond) return cond;
        if (req.method === 'HEAD') return { status: 200, headers: { ...headers, 'Accept-Ranges': 'bytes', 'Content-Length': String(o.data.length) } };
        return serveRanges({ length: o.data.length, read: (s, e) => Readable.from([o.data.subarray(s, e + 1)]) }, req.headers.range, headers);
      }
      case 'DELETE': {
        if (!c.objects.delete(name)) return swobPage(404);
        return empty(204);
      }
      case 'POST': {
        const o = c.objects.get(name);
        if (!o) return swobPage(404);
        return swobPage(202);
      }
      default:
        return swobPage(405);
    }
  };

  private containerRequest(req: SwiftRequest, account: string, container: string, c: FakeContainer | undefined): SwiftResponse {
    if (req.method === 'PUT') {
      if (c) return swobPage(202);
      const meta = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-container-meta-')).map(([k, v]) => [k.slice(17), v]));
      this.putContainer(account, container, meta);
      return empty(201);
    }
    if (!c) return swobPage(404);
    if (req.method === 'POST') {
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-container-meta-')) c.meta[k.slice(17)] = v;
      return empty(204);
    }
    if (req.method === 'DELETE') {
      if (c.objects.size > 0) return swobPage(409);
      this.accounts.get(account)!.containers.delete(container);
      return empty(204);
    }
    if (req.method === 'GET') {
      const prefix = req.query.get('prefix') ?? '';
      const marker = req.query.get('marker') ?? '';
      const limit = Number(req.query.get('limit') ?? this.settings.containerListingLimit);
      const names = [...c.objects.keys()].filter((n) => n.startsWith(prefix) && n > marker).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).slice(0, limit);
      const items = names.map((n) => {
        const o = c.objects.get(n)!;
        const m = /;\s*swift_bytes=(\d+)/.exec(o.contentType);
        const hash = o.headers['x-object-sysmeta-container-update-override-etag'] ?? o.etag;
        return { bytes: m ? Number(m[1]) : o.data.length, hash, name: n, content_type: o.contentType.replace(/;\s*swift_bytes=\d+/, ''), last_modified: '2026-11-25T01:00:00.000000' };
      });
      const body = JSON.stringify(items);
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }, body };
    }
    return empty(204);
  }
}

/** A keystoneauth stand-in: `x-auth-token: <project>` authenticates as a member of AUTH_<project>. */
export function fakeAuth(): Middleware {
  return {
    name: 'fake-auth',
    wrap: (next) => async (req) => {
      const token = req.headers['x-auth-token'];
      const roles = (req.headers['x-test-roles'] ?? 'member').split(',');
      if (token) {
        req.auth = { token, userId: 'u', userName: 'u', userDomainId: 'default', userDomainName: 'Default', projectId: token, roles, roleIds: [], methods: ['password'], auditIds: [], issuedAt: new Date(), expiresAt: new Date() } as AuthContext;
      }
      if (!req.authorizeOverride) {
        req.authorize = (r) => {
          if (!r.auth) return swobPage(401);
          if (r.parts?.account !== `AUTH_${r.auth.projectId}`) return swobPage(403);
          return undefined;
        };
      }
      return next(req);
    },
  };
}

export function testContext(info: InfoSource, settings: SwiftSettings = defaultSettings(), now = () => new Date()): SwiftContext {
  const log = pino({ level: 'silent' });
  return {
    config: {} as SwiftContext['config'], settings, store: {} as SwiftContext['store'],
    clock: { now, advance: () => undefined }, log, tokens: { validate: async () => { throw new Error('no'); } }, info,
    swiftInfo: () => ({}), identityUri: () => 'http://127.0.0.1:5000',
  } as SwiftContext;
}

export function pipelineOf(stages: Middleware[], app: SwiftHandler): SwiftHandler {
  return assemble(stages, app);
}

/** A request to the pipeline; `path` decoded, may carry a query string. */
export function request(method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string | Buffer): SwiftRequest {
  const q = pathAndQuery.indexOf('?');
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  if (body !== undefined && lower['content-length'] === undefined && lower['transfer-encoding'] === undefined) lower['content-length'] = String(Buffer.byteLength(body));
  return {
    method, path, rawPath: quotePath(path), parts: splitPath(path), query: new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1)),
    headers: lower, body: body === undefined ? undefined : Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(body)]),
    receivedAt: new Date(), log: pino({ level: 'silent' }),
  };
}

/** Reads a response body whole. */
export async function text(res: SwiftResponse): Promise<string> {
  return (await bytes(res)).toString('utf8');
}

export async function bytes(res: SwiftResponse): Promise<Buffer> {
  const b = res.body;
  if (b === undefined) return Buffer.alloc(0);
  if (typeof b === 'string') return Buffer.from(b);
  if (Buffer.isBuffer(b)) return b;
  const chunks: Buffer[] = [];
  for await (const ch of b) chunks.push(Buffer.isBuffer(ch) ? ch : Buffer.from(ch as string));
  return Buffer.concat(chunks);
}

export function header(res: SwiftResponse, name: string): string | undefined {
  const l = name.toLowerCase();
  return Object.entries(res.headers).find(([k]) => k.toLowerCase() === l)?.[1];
}
