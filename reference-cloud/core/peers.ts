/**
 * How a service talks to another (compute to image, network and volume; block storage to image
 * and object store): over their public HTTP APIs, found in the catalog, as OpenStack's services
 * do (never by reading their stores). Calls made for a user carry the
 * user's token (the image a user boots must be visible to that user); calls the conductor makes
 * later carry the compute service user's token (ports created for the instance's project, as
 * Nova's admin-context Neutron client does).
 */
import { request } from 'undici';
import { ApiError } from './errors';
import type { IdentityClient } from './identity-client';
import type { CatalogEndpoint } from './service';

export type PeerService = 'image' | 'network' | 'volume' | 'object-store';

export interface PeerReply<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface PeerCall {
  /** The user's token; the service user's when absent. */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * The project substituted for `$(project_id)s` in the endpoint URL (the object store's
   * `AUTH_$(project_id)s`); without it a `/$(project_id)s` segment is dropped (Cinder's URLs work
   * without one).
   */
  project?: string;
  /** A raw request body (object data) instead of JSON. */
  rawBody?: Buffer | string;
}

const CATALOG_TYPES: Record<PeerService, string[]> = {
  image: ['image'],
  network: ['network'],
  volume: ['block-storage', 'volumev3'],
  'object-store': ['object-store'],
};

const PROJECT_TEMPLATE = /\$\(project_id\)s|%\(project_id\)s|\$\(tenant_id\)s|%\(tenant_id\)s/;

/** An endpoint URL with its project template filled in, or its `/<template>` segment dropped. */
export function fillProject(url: string, project: string | undefined): string {
  if (project !== undefined) return url.replace(PROJECT_TEMPLATE, project);
  return url.replace(new RegExp(`/(?:${PROJECT_TEMPLATE.source})`), '');
}

export class Peers {
  private readonly identity: IdentityClient | undefined;
  private readonly urls = new Map<PeerService, string>();

  constructor(identity: IdentityClient | undefined, endpoints: CatalogEndpoint[]) {
    this.identity = identity;
    for (const [peer, types] of Object.entries(CATALOG_TYPES) as [PeerService, string[]][]) {
      const e = endpoints.find((x) => types.includes(x.catalogType));
      if (e) this.urls.set(peer, e.url.replace(/\/$/, ''));
    }
  }

  /** Whether the cloud has that service (locally or in identity's catalog). */
  async has(peer: PeerService): Promise<boolean> {
    return (await this.baseUrl(peer)) !== undefined;
  }

  async call<T = unknown>(peer: PeerService, method: string, path: string, opts: PeerCall = {}): Promise<PeerReply<T>> {
    const base = await this.baseUrl(peer);
    if (!base) throw new ApiError(503, `The ${peer} service is not available.`);
    const token = opts.token ?? (await this.serviceToken());
    const res = await request(`${fillProject(base, opts.project)}${path}`, {
      method: method as 'GET',
      headers: {
        'X-Auth-Token': token,
        Accept: 'application/json',
        ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    });
    const text = await res.body.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (res.statusCode === 401 && !opts.token && this.identity) {
      // The service token expired or was revoked: once more with a fresh one.
      this.identity.forgetToken();
      return this.call<T>(peer, method, path, { ...opts, token: await this.serviceToken() });
    }
    return { status: res.statusCode, headers: res.headers as PeerReply['headers'], body: body as T };
  }

  /** A token of the service user (sent as X-Service-Token on calls made for a user). */
  async serviceToken(): Promise<string> {
    if (!this.identity) throw new ApiError(503, 'The compute service has no identity service to authenticate with.');
    return this.identity.token();
  }

  /** The service's URL from the local endpoints, else from identity's catalog (services apart). */
  async baseUrl(peer: PeerService): Promise<string | undefined> {
    const known = this.urls.get(peer);
    if (known || !this.identity) return known;
    try {
      const cat = await this.identity.get<{ catalog: { type: string; endpoints: { interface: string; url: string }[] }[] }>('/auth/catalog');
      for (const [p, types] of Object.entries(CATALOG_TYPES) as [PeerService, string[]][]) {
        const entry = cat.catalog.find((c) => types.includes(c.type));
        const url = entry?.endpoints.find((e) => e.interface === 'public')?.url;
        if (url) this.urls.set(p, url.replace(/\/$/, ''));
      }
    } catch {
      return undefined;
    }
    return this.urls.get(peer);
  }
}
