/**
 * An authenticated HTTP session with one cloud: Keystone v3 token (refreshed before expiry and
 * after a 401), catalog lookup, version discovery and microversion headers.
 */
import type { Dispatcher } from 'undici';
import type { Target } from '../config/target';
import { findEndpoint, type EndpointQuery } from './catalog';
import { AuthError, CatalogError, DiscoveryError } from './errors';
import { describeRequest, type Exchange, type Recorder } from './exchange';
import { HttpTransport } from './http-transport';
import { authRequestBody } from './keystone-auth-body';
import { formatMicroversion, isMicroversion, microversionInRange, parseMicroversion } from './microversion';
import { microversionHeaders } from './microversion-headers';
import { expiresSoon, readTokenBody, type Token } from './token';
import { endsWithV3, joinUrl, withQuery, type Query } from './url';
import { discoveryRoot, parseVersionDocument, type VersionInfo } from './version-document';

export interface SessionOptions {
  /** Receives every exchange, including token requests and discovery. */
  recorder?: Recorder;
  userAgent?: string;
  /** Headers and body timeout per request, ms. */
  timeoutMs?: number;
  /** Refresh the token when it expires within this many ms (default 60 000). */
  refreshMarginMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Use this undici dispatcher instead of a private keep-alive Agent. */
  dispatcher?: Dispatcher;
}

export interface RequestOptions {
  /** Catalog service type; absent when `url` is absolute. */
  service?: string;
  method: string;
  /** Appended to the service's endpoint. */
  path?: string;
  /** Absolute URL (wins over service + path). */
  url?: string;
  headers?: Record<string, string>;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as is (set Content-Type yourself); bytes for binary data such as image uploads. */
  body?: string | Uint8Array;
  query?: Query;
  /** e.g. '2.47' or 'latest'; needs `service`. */
  microversion?: string;
  /** Send the token (default true). */
  auth?: boolean;
  /** Endpoint interface/region for this request (default: the target's). */
  interface?: string;
  region?: string;
}

const DEFAULT_USER_AGENT = 'stackproof/0.1 (conformance harness)';

export class Session {
  readonly target: Target;
  private readonly transport: HttpTransport;
  private readonly recorder?: Recorder;
  private readonly userAgent: string;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private current?: Token;
  private pendingAuth?: Promise<Token>;
  private identityUrl?: string;
  private readonly versionCache = new Map<string, Promise<VersionInfo[]>>();

  constructor(target: Target, opts: SessionOptions = {}) {
    this.target = target;
    this.transport = new HttpTransport({
      verify: target.verify,
      ...(target.cacert ? { cacert: target.cacert } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    if (opts.recorder) this.recorder = opts.recorder;
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.refreshMarginMs = opts.refreshMarginMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The current token, if any (id, body, expiry). */
  get token(): Token | undefined {
    return this.current;
  }

  /** Issues a new token (one request at a time; concurrent callers share it). */
  authenticate(): Promise<Token> {
    if (!this.pendingAuth) {
      this.pendingAuth = this.issueToken().finally(() => {
        this.pendingAuth = undefined;
      });
    }
    return this.pendingAuth;
  }

  /** The Keystone v3 base URL (no trailing slash), discovered from the auth URL when needed. */
  async identityV3Url(): Promise<string> {
    if (this.identityUrl) return this.identityUrl;
    const authUrl = this.target.auth.authUrl;
    if (endsWithV3(authUrl)) {
      this.identityUrl = authUrl.replace(/\/+$/, '');
      return this.identityUrl;
    }
    const ex = await this.send({
      method: 'GET',
      url: authUrl,
      headers: { accept: 'application/json', 'user-agent': this.userAgent },
    });
    const status = ex.response.status;
    const versions = status === 200 || status === 300 ? parseVersionDocument(ex.response.json, authUrl) : undefined;
    if (!versions) {
      throw new AuthError(
        `Identity version discovery at ${authUrl} answered ${status} without a version document, so no v3 endpoint could be found.`,
        ex,
      );
    }
    const v3 = versions.filter((v) => /^v3(\.|$)/.test(v.id));
    const chosen = v3.find((v) => v.status === 'CURRENT') ?? v3.find((v) => v.status !== 'DEPRECATED') ?? v3[0];
    if (!chosen) {
      const ids = versions.map((v) => v.id).join(', ') || 'none';
      throw new AuthError(`Identity at ${authUrl} offers no v3 API (versions: ${ids}).`, ex);
    }
    this.identityUrl = chosen.url.replace(/\/+$/, '');
    return this.identityUrl;
  }

  /** The URL of `serviceType` in the token's catalog. Needs a token (call authenticate first). */
  endpointFor(serviceType: string, q: EndpointQuery = {}): string {
    if (!this.current) {
      throw new CatalogError(`No endpoint for '${serviceType}' yet: the session has not authenticated.`);
    }
    const query: EndpointQuery = { interface: q.interface ?? this.target.interface };
    const region = q.region ?? this.target.regionName;
    if (region !== undefined) query.region = region;
    try {
      return findEndpoint(this.current.body.catalog, serviceType, query);
    } catch (e) {
      // An unscoped token has no catalog; identity is still reachable at the auth URL.
      if (serviceType === 'identity' && this.identityUrl) return this.identityUrl;
      throw e;
    }
  }

  /**
   * Sends one request. Answers with the exchange whatever its status; throws only when no
   * HTTP answer came (NetworkError), when no token can be had (AuthError) or when the
   * endpoint is not in the catalog (CatalogError).
   */
  async request(opts: RequestOptions): Promise<Exchange> {
    const useAuth = opts.auth !== false;
    if (useAuth || (opts.service && !opts.url)) await this.ensureToken();
    const url = withQuery(this.resolveUrl(opts), opts.query);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (opts.microversion !== undefined) {
      if (!opts.service) throw new Error('A microversion needs the service type (request({service, microversion})).');
      Object.assign(headers, microversionHeaders(opts.service, opts.microversion));
    }
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    const callerToken = 'x-auth-token' in headers;
    if (useAuth && !callerToken) headers['x-auth-token'] = this.current!.id;

    const req = { method: opts.method.toUpperCase(), url, headers, ...(body !== undefined ? { body } : {}) };
    const ex = await this.send(req);
    if (ex.response.status !== 401 || !useAuth || callerToken) return ex;

    // The token was refused: get a fresh one (unless someone else already did) and retry once.
    const used = headers['x-auth-token'];
    if (this.current?.id === used) await this.authenticate();
    return this.send({ ...req, headers: { ...headers, 'x-auth-token': this.current!.id } });
  }

  /** The versions published at the unversioned root of a service (keystoneauth's discovery). */
  discoverVersions(serviceType: string): Promise<VersionInfo[]> {
    let pending = this.versionCache.get(serviceType);
    if (!pending) {
      pending = this.fetchVersions(serviceType);
      pending.catch(() => this.versionCache.delete(serviceType));
      this.versionCache.set(serviceType, pending);
    }
    return pending;
  }

  /**
   * The microversion to send for `wanted` ('2.47' or 'latest'), or undefined when the server
   * does not offer it (or has no microversions).
   */
  async negotiateMicroversion(serviceType: string, wanted: string): Promise<string | undefined> {
    const versions = (await this.discoverVersions(serviceType)).filter(
      (v) => v.maxVersion !== undefined && isMicroversion(v.maxVersion),
    );
    const endpoint = this.endpointFor(serviceType).replace(/\/+$/, '');
    const rank = (v: VersionInfo) =>
      (v.url.replace(/\/+$/, '') === endpoint ? 0 : 2) + (v.status === 'CURRENT' ? 0 : 1);
    const byPreference = [...versions].sort((a, b) => rank(a) - rank(b));
    if (wanted === 'latest') return byPreference[0]?.maxVersion;
    const w = parseMicroversion(wanted);
    const candidate = byPreference.find((v) => parseMicroversion(v.maxVersion!).major === w.major);
    if (!candidate) return undefined;
    const min = candidate.minVersion && isMicroversion(candidate.minVersion) ? candidate.minVersion : `${w.major}.0`;
    return microversionInRange(w, min, candidate.maxVersion) ? formatMicroversion(w) : undefined;
  }

  /** Closes the keep-alive connections. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  // ------------------------------------------------------------------ internals

  private async ensureToken(): Promise<void> {
    if (!this.current || expiresSoon(this.current, this.now(), this.refreshMarginMs)) {
      await this.authenticate();
    }
  }

  private async issueToken(): Promise<Token> {
    const base = await this.identityV3Url();
    const ex = await this.send({
      method: 'POST',
      url: `${base}/auth/tokens`,
      headers: { accept: 'application/json', 'content-type': 'application/json', 'user-agent': this.userAgent },
      body: JSON.stringify(authRequestBody(this.target)),
    });
    const { status } = ex.response;
    if (status !== 201 && status !== 200) {
      throw new AuthError(`Keystone refused a token: ${describeRequest(ex)} answered ${status}: ${errorText(ex)}`, ex);
    }
    const id = ex.response.headers['x-subject-token'];
    const body = readTokenBody(ex.response.json);
    if (!id || !body) {
      throw new AuthError(
        `Keystone answered ${status} to ${describeRequest(ex)} without ${id ? 'a {token:{expires_at}} body' : 'an X-Subject-Token header'}.`,
        ex,
      );
    }
    const expiresAt = new Date(body.expires_at);
    if (Number.isNaN(expiresAt.getTime())) {
      throw new AuthError(`Keystone issued a token whose expires_at '${body.expires_at}' is not a date.`, ex);
    }
    this.current = { id, body, expiresAt };
    return this.current;
  }

  private resolveUrl(opts: RequestOptions): string {
    if (opts.url) return opts.url;
    if (!opts.service) throw new Error('request() needs either a service type or an absolute url.');
    const q: EndpointQuery = {};
    if (opts.interface) q.interface = opts.interface;
    if (opts.region) q.region = opts.region;
    return joinUrl(this.endpointFor(opts.service, q), opts.path);
  }

  private async fetchVersions(serviceType: string): Promise<VersionInfo[]> {
    await this.ensureToken();
    const endpoint = this.endpointFor(serviceType);
    const { root, projectSuffix } = discoveryRoot(endpoint, this.current?.body.project?.id);
    const tried: string[] = [];
    let last: Exchange | undefined;
    for (const url of [...new Set([root, endpoint])]) {
      const ex = await this.getDocument(url);
      last = ex;
      tried.push(`${url} (${ex.response.status})`);
      if (ex.response.status >= 400) continue;
      const versions = parseVersionDocument(ex.response.json, url, projectSuffix);
      if (versions && versions.length > 0) return versions;
    }
    throw new DiscoveryError(`No version document for '${serviceType}': tried ${tried.join(', ')}.`, last);
  }

  /** GET without a token first (roots are public); again with it after a 401. */
  private async getDocument(url: string): Promise<Exchange> {
    const headers = { accept: 'application/json', 'user-agent': this.userAgent };
    const ex = await this.send({ method: 'GET', url, headers });
    if (ex.response.status !== 401) return ex;
    await this.ensureToken();
    return this.send({ method: 'GET', url, headers: { ...headers, 'x-auth-token': this.current!.id } });
  }

  private async send(req: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array }) {
    const ex = await this.transport.send(req);
    if (this.recorder) await this.recorder(ex);
    return ex;
  }
}

/** Keystone's error message, or the first 300 characters of the body. */
function errorText(ex: Exchange): string {
  const json = ex.response.json as { error?: { message?: unknown } } | undefined;
  if (json && typeof json.error?.message === 'string') return json.error.message;
  return ex.response.text.slice(0, 300) || '(empty body)';
}
