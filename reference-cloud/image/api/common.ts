/** What the image API modules share: their context, Glance's error helpers and policy checks. */
import type { AuthContext } from '../../core/auth-context';
import type { Clock } from '../../core/clock';
import { ApiError } from '../../core/errors';
import type { ApiRequest } from '../../core/service';
import { isoSeconds } from '../../core/time';
import type { DataStore } from '../data-store';
import type { WorkQueue } from '../../core/work-queue';
import type { ImageRepo } from '../models/images';
import type { Limits } from '../quota';
import { policyDenied } from '../access';

export interface ImageApi {
  repo: ImageRepo;
  data: DataStore;
  clock: Clock;
  imports: WorkQueue;
  /** Unified limits, when quotas are enforced. */
  limits?: Limits;
  /**
   * Glance 2023.1+ defaults (enforce_new_defaults): writes need the member role. Before that the
   * deprecated rules let any role with a project write (as a Zed Glance does).
   */
  secureRbac: boolean;
}

export const now = (api: ImageApi): string => isoSeconds(api.clock.now());

/** webob's generic explanation of a status, used when Glance passes its message as the detail. */
const GENERIC: Record<number, string> = {
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
};

/** An error whose message Glance passes positionally (webob's detail, below the generic explanation). */
export const detailed = (status: number, detail: string, headers?: Record<string, string>) =>
  new ApiError(status, GENERIC[status] ?? '', { detail, headers });

/** Write access as Glance's default policy decides it (reader refused under the new defaults). */
export function requireWriter(api: ImageApi, auth: AuthContext, action: string): void {
  if (!auth.projectId && !auth.roles.includes('admin')) throw policyDenied(action);
  if (api.secureRbac && !auth.roles.includes('member') && !auth.roles.includes('admin')) throw policyDenied(action);
}

export const qstr = (req: ApiRequest, key: string): string | undefined => {
  const v = req.query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
};

export const qall = (req: ApiRequest, key: string): string[] => {
  const v = req.query[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** The body as Glance's JSONRequestDeserializer reads it: "Body expected in request." when absent. */
export function bodyOf(req: ApiRequest): unknown {
  if (req.body === undefined || req.body === null || Buffer.isBuffer(req.body)) {
    throw new ApiError(400, 'Body expected in request.');
  }
  return req.body;
}

/** An image id in a path must look like a UUID before it reaches the store (Glance answers 404). */
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const FOUR_BYTE = /[\u{10000}-\u{10FFFF}]/u;

/** Python's str.title(), as Glance words the attribute in its 4-byte refusal. */
const pyTitle = (s: string) => s.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());

/**
 * Glance's no_4byte_params (its MySQL schema is utf8mb3): names and values of an image's
 * attributes and properties may not contain 4-byte UTF-8 characters.
 */
export function refuse4Byte(values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) {
    if (FOUR_BYTE.test(k)) throw new ApiError(400, "Property names can't contain 4 byte unicode.");
    if (typeof v === 'string' && FOUR_BYTE.test(v)) throw new ApiError(400, `${pyTitle(k)} can't contain 4 byte unicode characters.`);
  }
}
