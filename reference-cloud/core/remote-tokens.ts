/**
 * Token validation over HTTP, for a service that runs apart from identity (one container per
 * service): it authenticates as its service user, asks Keystone with GET /v3/auth/tokens and
 * caches the answer for tokenCacheSeconds, as keystonemiddleware's auth_token does.
 */
import { request } from 'undici';
import type { AuthContext, TokenValidator } from './auth-context';
import { ApiError, authenticationRequired } from './errors';
import { IdentityClient } from './identity-client';

export interface RemoteIdentity {
  /** e.g. http://identity:7700/identity/v3 */
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  cacheSeconds: number;
}

interface CacheEntry {
  ctx?: AuthContext;
  invalidUntil?: number;
  until: number;
}

const MAX_CACHE = 10_000;

export class RemoteTokenValidator implements TokenValidator {
  private cache = new Map<string, CacheEntry>();
  private readonly service: IdentityClient;

  constructor(private readonly remote: RemoteIdentity) {
    this.service = new IdentityClient(remote.authUrl, remote.password, { username: remote.username, projectName: remote.projectName });
  }

  async validate(token: string, retried = false): Promise<AuthContext> {
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) {
      if (hit.ctx && hit.ctx.expiresAt.getTime() > now) return { ...hit.ctx, token };
      if (!hit.ctx) throw authenticationRequired();
    }
    const res = await request(`${this.remote.authUrl}/auth/tokens?nocatalog`, {
      method: 'GET',
      headers: { 'X-Auth-Token': await this.service.token(), 'X-Subject-Token': token, Accept: 'application/json' },
    });
    const text = await res.body.text();
    if (res.statusCode === 401) {
      // Our own service token expired or was revoked: renew once, not forever.
      if (retried) throw new ApiError(503, 'The identity service refused this service\'s credentials.');
      this.service.forgetToken();
      return this.validate(token, true);
    }
    if (res.statusCode === 404) {
      this.remember(token, { until: now + 10_000 });
      throw authenticationRequired();
    }
    if (res.statusCode !== 200) throw new ApiError(503, 'The identity service is unavailable.');
    const ctx = authContextFromTokenBody(token, JSON.parse(text));
    this.remember(token, { ctx, until: now + this.remote.cacheSeconds * 1000 });
    return ctx;
  }

  private remember(token: string, e: CacheEntry): void {
    if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(token, e);
  }
}


interface TokenBody {
  token: {
    methods: string[];
    user: { id: string; name: string; domain: { id: string; name: string } };
    project?: { id: string; name: string; domain: { id: string; name: string } };
    domain?: { id: string; name: string };
    system?: { all?: boolean };
    roles?: { id: string; name: string }[];
    audit_ids: string[];
    issued_at: string;
    expires_at: string;
    application_credential?: { id: string; name: string; restricted: boolean };
  };
}

/** Reads a Keystone token body into the AuthContext that policy works on. */
export function authContextFromTokenBody(token: string, body: TokenBody): AuthContext {
  const t = body.token;
  return {
    token,
    userId: t.user.id,
    userName: t.user.name,
    userDomainId: t.user.domain.id,
    userDomainName: t.user.domain.name,
    projectId: t.project?.id,
    projectName: t.project?.name,
    projectDomainId: t.project?.domain.id,
    projectDomainName: t.project?.domain.name,
    domainId: t.domain?.id,
    domainName: t.domain?.name,
    system: !!t.system?.all,
    roles: (t.roles ?? []).map((r) => r.name),
    roleIds: (t.roles ?? []).map((r) => r.id),
    methods: t.methods,
    auditIds: t.audit_ids,
    issuedAt: new Date(t.issued_at),
    expiresAt: new Date(t.expires_at),
    applicationCredential: t.application_credential,
  };
}
