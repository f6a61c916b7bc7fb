/**
 * What every compute API module shares: Nova's errors and their sentences, request body
 * validation worded as Nova words it, empty answers as Nova sends them, links, query helpers
 * and Nova's timestamp formats.
 */
import { ApiError } from '../core/errors';
import type { ApiReply, ApiRequest } from '../core/service';
import { checkSchema, pyRepr } from '../core/validation';
import { isoMicrosNaive, isoSeconds } from '../core/time';

/** 403 as nova.policy words it: "Policy doesn't allow os_compute_api:servers:create to be performed." */
export const policyMessage = (rule: string): string => `Policy doesn't allow ${rule} to be performed.`;
export const policyDenied = (rule: string): ApiError => new ApiError(403, policyMessage(rule));

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);
export const forbidden = (message: string): ApiError => new ApiError(403, message);

/** webob's 404 inside the API (a route that exists at another microversion, e.g. tags before 2.26). */
export const routeNotFound = (): ApiError => new ApiError(404, 'The resource could not be found.');

export const instanceNotFound = (id: string): ApiError => notFound(`Instance ${id} could not be found.`);
export const flavorNotFound = (id: string): ApiError => notFound(`Flavor ${id} could not be found.`);

/** "Cannot 'stop' instance <id> while it is in vm_state stopped" (InstanceInvalidState). */
export const invalidState = (action: string, id: string, attr: 'vm_state' | 'task_state', state: string | null): ApiError =>
  conflict(`Cannot '${action}' instance ${id} while it is in ${attr} ${state ?? 'None'}`);

/**
 * Validates a request body against a JSON schema and words the first failure as Nova's
 * _SchemaValidator does: "Invalid input for field/attribute <last path element>. Value: <str of
 * the failing value>. <jsonschema message>", or the bare message for the body itself.
 */
export function validateBody(schema: object, body: unknown): void {
  const failure = checkSchema(schema, body);
  if (!failure) return;
  if (failure.path === '' ) {
    // A required property missing from the body itself, or a body of the wrong type.
    throw badRequest(failure.message);
  }
  const segments = failure.path.split('.');
  // jsonschema reports "required" and "additionalProperties" at the object that has them; the
  // object's own name is the last element of the path then.
  const value = segments.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], body);
  throw badRequest(`Invalid input for field/attribute ${segments[segments.length - 1]}. Value: ${pyStr(value)}. ${failure.message}`);
}

/** Python's str() of a JSON value: strings bare, everything else as repr(). */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** The body of a request that must have one (Nova: the schema says "None is not of type 'object'"). */
export function bodyOf(req: ApiRequest): unknown {
  if (Buffer.isBuffer(req.body)) throw badRequest('Malformed request body');
  return req.body === undefined ? null : req.body;
}

/** An empty answer with Nova's `Content-Type: application/json` (202 and 204 without a body). */
export function empty(status: number, headers: Record<string, string> = {}): ApiReply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: status === 204 ? undefined : '' };
}

/** A JSON answer. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): ApiReply => ({ status, body, headers });

/** The absolute URL of the API root the client used, e.g. http://127.0.0.1:7700/compute/v2.1 */
export function apiRoot(req: ApiRequest): string {
  return `${req.baseUrl}/v2.1`;
}

/** Nova's self and bookmark links for a resource of a collection. */
export function links(req: ApiRequest, collection: string, id: string | number): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${apiRoot(req)}/${collection}/${id}` },
    { rel: 'bookmark', href: `${req.baseUrl}/${collection}/${id}` },
  ];
}

/** The last value of a query parameter. */
export function qstr(req: ApiRequest, key: string): string | undefined {
  const v = req.query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a query parameter. */
export function qall(req: ApiRequest, key: string): string[] {
  const v = req.query[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * `limit` and `marker` as Nova's common query schemas read them: a non-negative integer limit
 * (400 "Invalid input for query parameters limit. Value: abc. 'abc' does not match '^[0-9]*$'"),
 * capped at osapi_max_limit (1000).
 */
export function paging(req: ApiRequest): { limit?: number; marker?: string } {
  const raw = qstr(req, 'limit');
  let limit: number | undefined;
  if (raw !== undefined) {
    if (!/^[0-9]*$/.test(raw)) {
      throw badRequest(`Invalid input for query parameters limit. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`);
    }
    limit = raw === '' ? undefined : Math.min(Number(raw), MAX_LIMIT);
  }
  return { limit, marker: qstr(req, 'marker') };
}

export const MAX_LIMIT = 1000;

/**
 * A `<collection>_links` next link when the page is full, as Nova's _get_next_link writes it:
 * the request's query parameters sorted by name, `marker` set to the last item (in place when
 * the request had one, last otherwise), no `limit` added when the client sent none.
 */
export function nextLink(req: ApiRequest, path: string, count: number, limit: number | undefined, lastMarker: string | undefined): { rel: string; href: string }[] | undefined {
  const pageSize = limit ?? MAX_LIMIT;
  if (count === 0 || count < pageSize || lastMarker === undefined) return undefined;
  const entries = Object.entries(req.query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const params = new URLSearchParams();
  let marked = false;
  for (const [k, v] of entries) {
    if (k === 'marker') {
      params.append('marker', lastMarker);
      marked = true;
      continue;
    }
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  }
  if (!marked) params.append('marker', lastMarker);
  return [{ rel: 'next', href: `${apiRoot(req)}${path}?${params.toString()}` }];
}

/** Nova's `created`/`updated`: 2026-11-24T22:32:51Z. */
export const isoZ = (iso: string | null | undefined): string | null => (iso ? isoSeconds(new Date(iso)) : null);
/** Nova's launched_at, keypair/aggregate/service times: 2026-11-24T22:32:53.000000 (no zone). */
export const isoNaive = (iso: string | null | undefined): string | null => (iso ? isoMicrosNaive(new Date(iso)) : null);

/**
 * A date-time query parameter (changes-since, changes-before) as a stored timestamp, or 400 in
 * the words of Nova's query schema ("... is not a 'date-time'"); a time without a zone is UTC.
 */
export function dateTimeParam(req: ApiRequest, name: string): string | undefined {
  const v = qstr(req, name);
  if (v === undefined) return undefined;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(d.getTime())) {
    throw badRequest(`Invalid input for query parameters ${name}. Value: ${v}. '${v}' is not a 'date-time'`);
  }
  return d.toISOString();
}

/** Booleans as Nova's query parameters accept them (oslo strutils.bool_from_string). */
export function boolParam(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(1|t|true|on|y|yes)$/i.test(v)) return true;
  if (/^(0|f|false|off|n|no)$/i.test(v)) return false;
  return undefined;
}
