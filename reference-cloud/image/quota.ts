/**
 * Glance's per-project quotas with Keystone unified limits [glance/quota/keystone.py, oslo.limit
 * flat model]: the limit of a resource is the project's limit when identity has one, else the
 * registered default, else 0. Usage is counted here; a request over the limit gets 413.
 */
import { ApiError } from '../core/errors';
import type { IdentityClient } from '../core/identity-client';

export type QuotaResource = 'image_size_total' | 'image_stage_total' | 'image_count_total' | 'image_count_uploading';

/** DevStack's defaults when it enables Glance quotas (lib/glance GLANCE_LIMIT_*). */
export const DEFAULT_LIMITS: Record<QuotaResource, number> = {
  image_size_total: 2000,
  image_stage_total: 2000,
  image_count_total: 100,
  image_count_uploading: 100,
};

export interface Limits {
  /** The limit of a resource for a project; undefined when quotas are not enforced. */
  limit(projectId: string, resource: QuotaResource): Promise<number | undefined>;
}

/** Limits read from identity; the service id and registered limits are cached briefly. */
export class KeystoneLimits implements Limits {
  private serviceId?: string;
  private registered?: { at: number; values: Map<string, number> };
  private readonly identity: IdentityClient;
  private readonly admin: IdentityClient;
  private readonly region: string;

  /** identity: a system-scoped client (reads); admin: the project-scoped service client (setup). */
  constructor(identity: IdentityClient, admin: IdentityClient, region: string) {
    this.identity = identity;
    this.admin = admin;
    this.region = region;
  }

  /**
   * As DevStack does for Glance: registers the default limits once, and gives the service user
   * the reader role on the system, which oslo.limit needs to read every project's limits.
   */
  async register(): Promise<void> {
    const serviceId = await this.service();
    const roles = await this.admin.get<{ roles: { id: string }[] }>('/roles?name=reader');
    if (roles.roles[0] && this.admin.userId) await this.admin.put(`/system/users/${this.admin.userId}/roles/${roles.roles[0].id}`);
    const existing = await this.admin.get<{ registered_limits: { resource_name: string }[] }>(`/registered_limits?service_id=${serviceId}`);
    const have = new Set(existing.registered_limits.map((r) => r.resource_name));
    const missing = (Object.keys(DEFAULT_LIMITS) as QuotaResource[]).filter((r) => !have.has(r));
    if (missing.length) {
      await this.admin.post('/registered_limits', {
        registered_limits: missing.map((r) => ({ service_id: serviceId, region_id: this.region, resource_name: r, default_limit: DEFAULT_LIMITS[r] })),
      });
    }
    this.registered = undefined;
  }

  async limit(projectId: string, resource: QuotaResource): Promise<number> {
    const serviceId = await this.service();
    const own = await this.identity.get<{ limits: { resource_limit: number; region_id: string | null }[] }>(
      `/limits?service_id=${serviceId}&project_id=${encodeURIComponent(projectId)}&resource_name=${resource}`,
    );
    const mine = own.limits.find((l) => !l.region_id || l.region_id === this.region);
    if (mine) return mine.resource_limit;
    const reg = await this.registeredLimits(serviceId);
    return reg.get(resource) ?? 0;
  }

  private async registeredLimits(serviceId: string): Promise<Map<string, number>> {
    if (this.registered && Date.now() - this.registered.at < 5_000) return this.registered.values;
    const r = await this.identity.get<{ registered_limits: { resource_name: string; default_limit: number; region_id: string | null }[] }>(
      `/registered_limits?service_id=${serviceId}`,
    );
    const values = new Map(r.registered_limits.filter((l) => !l.region_id || l.region_id === this.region).map((l) => [l.resource_name, l.default_limit]));
    this.registered = { at: Date.now(), values };
    return values;
  }

  private async service(): Promise<string> {
    if (this.serviceId) return this.serviceId;
    const r = await this.admin.get<{ services: { id: string }[] }>('/services?type=image');
    if (!r.services.length) throw new ApiError(503, 'The image service is not in the identity catalog.');
    this.serviceId = r.services[0].id;
    return this.serviceId;
  }
}

/** oslo.limit's refusal as Glance wraps it in LimitExceeded (413). */
export function overLimit(projectId: string, resource: QuotaResource, limit: number, usage: number, delta: number): ApiError {
  return new ApiError(413,
    'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.\n\n'
    + `The response body:\nProject ${projectId} is over a limit for [Resource ${resource} is over limit of ${limit} due to current usage ${usage} and delta ${delta}]`);
}

/** Enforces one resource: usage + delta must not exceed the limit. */
export async function enforce(limits: Limits | undefined, projectId: string | undefined, resource: QuotaResource, usage: number, delta: number): Promise<void> {
  if (!limits || !projectId) return;
  const limit = await limits.limit(projectId, resource);
  if (limit === undefined || limit < 0) return;
  if (usage + delta > limit) throw overLimit(projectId, resource, limit, usage, delta);
}
