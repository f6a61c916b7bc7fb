/**
 * How a service asks identity something, over HTTP as a real OpenStack service does (never by
 * reading identity's store): project ids for its bootstrap, Keystone unified limits (oslo.limit).
 * It authenticates as the cloud's service user, `stackproof` in project `service`.
 */
import { request } from 'undici';
import { ApiError } from './errors';
import type { CatalogEndpoint } from './service';

/** The Keystone v3 URL a service reaches identity at: co-located, or `identityUrl` when remote. */
export function identityAuthUrl(endpoints: CatalogEndpoint[], identityUrl: string | undefined): string | undefined {
  const identity = endpoints.find((e) => e.service === 'identity');
  return identity ? `${identity.url.replace(/\/$/, '')}/v3` : identityUrl?.replace(/\/$/, '');
}

/** Who a service is to identity: the cloud's service user, `stackproof` in project `service`, by default. */
export interface ServiceCredentials {
  username?: string;
  projectName?: string;
  /** 'system': a system-scoped token (oslo.limit reads every project's limits that way). */
  scope?: 'project' | 'system';
}

export class IdentityClient {
  private cached?: { id: string; expires: number };
  private readonly authUrl: string;
  private readonly password: string;
  private readonly username: string;
  private readonly projectName: string;
  private readonly scope: 'project' | 'system';
  /** The service user's id, known after the first authentication. */
  userId?: string;

  /** authUrl: the Keystone v3 URL, e.g. http://127.0.0.1:7700/identity/v3. */
  constructor(authUrl: string, password: string, who: ServiceCredentials = {}) {
    this.authUrl = authUrl.replace(/\/$/, '');
    this.password = password;
    this.username = who.username ?? 'stackproof';
    this.projectName = who.projectName ?? 'service';
    this.scope = who.scope ?? 'project';
  }

  /** A project's id by name in the Default domain, or undefined. */
  async projectId(name: string): Promise<string | undefined> {
    const r = await this.get<{ projects?: { id: string }[] }>(`/projects?name=${encodeURIComponent(name)}&domain_id=default`);
    return r.projects?.[0]?.id;
  }

  async put(path: string): Promise<void> {
    await this.call('PUT', path);
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, retried = false): Promise<T> {
    const res = await request(`${this.authUrl}${path}`, {
      method,
      headers: { 'X-Auth-Token': await this.token(), Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    if (res.statusCode === 401 && !retried) {
      this.forgetToken();
      return this.call<T>(method, path, body, true);
    }
    if (res.statusCode >= 400) throw new ApiError(503, `The identity service answered ${res.statusCode} to ${method} ${path}.`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The service user's token, renewed a minute before it expires. */
  async token(): Promise<string> {
    if (this.cached && this.cached.expires - 60_000 > Date.now()) return this.cached.id;
    const res = await request(`${this.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: this.username, domain: { id: 'default' }, password: this.password } } },
          scope: this.scope === 'system' ? { system: { all: true } } : { project: { name: this.projectName, domain: { id: 'default' } } },
        },
      }),
    });
    const body = (await res.body.json().catch(() => ({}))) as { token?: { expires_at: string; user: { id: string } } };
    const id = res.headers['x-subject-token'];
    if (res.statusCode !== 201 || typeof id !== 'string' || !body.token) {
      throw new ApiError(503, 'The service could not authenticate to the identity service.');
    }
    this.cached = { id, expires: Date.parse(body.token.expires_at) };
    this.userId = body.token.user.id;
    return id;
  }

  /** Drops the cached token (identity answered 401 to it: expired or revoked). */
  forgetToken(): void {
    this.cached = undefined;
  }
}
