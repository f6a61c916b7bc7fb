/** Helpers shared by the identity API modules: body validation, links, filters, replies. */
import { ApiError } from '../../core/errors';
import { CLIENT_ERROR } from '../errors';
import { checkSchema } from '../../core/validation';
import type { ApiReply, ApiRequest, Handler, HttpMethod, Policy, Route } from '../../core/service';
import type { IdentityBackend } from '../backend';
import type { TokenService } from '../tokens';

export interface IdentityApi {
  b: IdentityBackend;
  tokens: TokenService;
}

/**
 * Reads `wrapper` out of the JSON body and validates it, answering 400 in Keystone's words:
 * "Invalid input for field 'name': 12 is not of type 'string'".
 */
export function entity<T = Record<string, unknown>>(req: ApiRequest, wrapper: string, schema: object): T {
  // Keystone validates body.get(wrapper, {}): a missing body or wrapper fails on the schema.
  const body = req.body ?? {};
  if (Buffer.isBuffer(body) || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, `Expecting to find valid JSON in request body. ${CLIENT_ERROR}`);
  }
  const value = (body as Record<string, unknown>)[wrapper] ?? {};
  validate(value, schema);
  return value as T;
}

export function validate(value: unknown, schema: object): void {
  const failure = checkSchema(schema, value);
  if (failure) {
    throw new ApiError(400, failure.path ? `Invalid input for field '${failure.path.replace(/\./g, '/')}': ${failure.message}` : failure.message);
  }
}

export const ok = (body: unknown, status = 200, headers?: ApiReply['headers']): ApiReply => ({ status, body, headers });
export const created = (body: unknown, headers?: ApiReply['headers']): ApiReply => ({ status: 201, body, headers });
export const noContent = (): ApiReply => ({ status: 204 });

/** A list body as Keystone writes it: {"<name>": [...], "links": {"self", "previous", "next"}}. */
export function list(req: ApiRequest, name: string, items: unknown[], extra: Record<string, unknown> = {}): ApiReply {
  return ok({ [name]: items, links: { next: null, self: `${req.baseUrl}${req.url}`, previous: null }, ...extra });
}

/** Keystone's query filters: exact match on the listed attributes, booleans as "true"/"false". */
export function filterBy<T>(items: T[], req: ApiRequest, attrs: Record<string, (x: T) => unknown>): T[] {
  let out = items;
  for (const [attr, get] of Object.entries(attrs)) {
    const raw = req.query[attr];
    if (raw === undefined) continue;
    const want = Array.isArray(raw) ? raw[0] : raw;
    out = out.filter((x) => {
      const v = get(x);
      if (typeof v === 'boolean') return v === !/^(0|false|no|off)$/i.test(want);
      return String(v ?? '') === want;
    });
  }
  return out;
}

/** Builds a route; write methods bump the identity generation after success. */
export function route(api: IdentityApi, method: HttpMethod, path: string, policy: Policy | undefined, handler: Handler, opts: Partial<Route> = {}): Route {
  const writes = method !== 'GET' && method !== 'HEAD';
  return {
    method,
    path,
    policy,
    ...opts,
    handler: writes
      ? async (req) => {
          try {
            return await handler(req);
          } finally {
            api.b.changed();
          }
        }
      : handler,
  };
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const qstr = (req: ApiRequest, key: string): string | undefined => {
  const v = req.query[key];
  return Array.isArray(v) ? v[0] : v;
};
/** Keystone treats a present-but-empty flag like ?nocatalog or ?effective as true. */
export const qflag = (req: ApiRequest, key: string): boolean => {
  const v = qstr(req, key);
  return v !== undefined && !/^(0|false|no|off)$/i.test(v);
};

// Schema fragments used across resources [keystone/*/schema.py].
export const nameString = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };
export const idString = { type: 'string', minLength: 1, maxLength: 64 };
export const nullableId = { type: ['string', 'null'], minLength: 1, maxLength: 64 };
export const description = { type: ['string', 'null'] };
export const enabled = { type: 'boolean' };
export const tagsSchema = {
  type: 'array',
  maxItems: 80,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^,/]*$' },
};

// ---------------------------------------------------------------------------------------------
// Keystone's own request handling, as keystone/server/flask/common.py does it.


/**
 * The JSON body the way Keystone's ResourceBase.request_body_json reads it: {} when there is
 * none. A body that is not a JSON object is refused like keystone's json_body middleware does.
 */
export function bodyObject(req: ApiRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (Buffer.isBuffer(b)) throw new ApiError(400, `Expecting to find application/json in Content-Type header. ${CLIENT_ERROR}`);
  if (typeof b !== 'object' || Array.isArray(b)) throw new ApiError(400, `Expecting to find valid JSON in request body. ${CLIENT_ERROR}`);
  return b as Record<string, unknown>;
}

/**
 * `request_body_json.get(key, fallback)` followed by schema validation: a missing wrapper is
 * validated as the fallback ({} by default), so the 400 names the first missing property.
 */
export function member<T = Record<string, unknown>>(req: ApiRequest, key: string, schema: object, fallback: unknown = {}): T {
  const b = bodyObject(req);
  const value = Object.prototype.hasOwnProperty.call(b, key) ? b[key] : fallback;
  validate(value, schema);
  return value as T;
}

/** oslo.policy's refusal, as keystone's ForbiddenAction words it. */
export const denied = (action: string) => new ApiError(403, `You are not authorized to perform the requested action: ${action}.`);

/** Enforces a policy decision taken inside a handler (after target lookups, as Keystone does). */
export function enforce(action: string, allowed: boolean): void {
  if (!allowed) throw denied(action);
}

/** keystone's query_filter_is_true: present and not "0" (even when empty). */
export const qtrue = (req: ApiRequest, key: string): boolean => {
  if (!Object.prototype.hasOwnProperty.call(req.query, key)) return false;
  return qstr(req, key) !== '0';
};

/** ValidationError with Keystone's "Expecting to find X in Y." wording. */
export const expecting = (attribute: string, target: string) =>
  new ApiError(400, `Expecting to find ${attribute} in ${target}. ${CLIENT_ERROR}`);

/** "Cannot change ID" when a body names an id other than the path's [ResourceBase._require_matching_id]. */
export function requireMatchingId(ref: Record<string, unknown>, pathId: string): void {
  if (ref.id !== undefined && ref.id !== null && ref.id !== pathId) throw new ApiError(400, 'Cannot change ID');
}

/**
 * Keystone's inexact list filters (`name__icontains=x`, `__contains`, `__startswith`,
 * `__endswith`, with an `i` prefix for case-insensitive) on string attributes.
 */
export function inexactFilter<T>(items: T[], req: ApiRequest, attrs: Record<string, (x: T) => unknown>): T[] {
  let out = items;
  for (const [key, raw] of Object.entries(req.query)) {
    const m = /^(.+)__(i?)(contains|startswith|endswith)$/.exec(key);
    if (!m || !attrs[m[1]]) continue;
    const get = attrs[m[1]];
    const insensitive = m[2] === 'i';
    const want = (Array.isArray(raw) ? raw[0] : raw) ?? '';
    const w = insensitive ? want.toLowerCase() : want;
    out = out.filter((x) => {
      const v = get(x);
      if (typeof v !== 'string') return false;
      const s = insensitive ? v.toLowerCase() : v;
      return m[3] === 'contains' ? s.includes(w) : m[3] === 'startswith' ? s.startsWith(w) : s.endsWith(w);
    });
  }
  return out;
}

/** The id_string of keystone's parameter_types. */
export const idPattern = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' };
export const nullableIdPattern = { type: ['string', 'null'], minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' };
export const booleanType = { type: 'boolean', enum: [true, false] };
