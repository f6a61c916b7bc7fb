/**
 * What every block-storage API module shares: Cinder's errors and sentences, body validation
 * worded as Cinder's (the same validator wording as Nova's), empty answers as Cinder sends them,
 * links, paging and Cinder's timestamp format (docs/cinder-wire-notes.md sections 1-2).
 */
import { ApiError } from '../core/errors';
import type { ApiReply, ApiRequest } from '../core/service';
import { isoMicrosNaive } from '../core/time';
export { validateBody, pyStr, qstr, qall, boolParam } from '../compute/common';

/** 403 as cinder.policy words it: "Policy doesn't allow volume_extension:types_manage to be performed." */
export const policyMessage = (rule: string): string => `Policy doesn't allow ${rule} to be performed.`;
export const policyDenied = (rule: string): ApiError => new ApiError(403, policyMessage(rule));

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);

/** webob's JSON 404 inside the API: a route below its microversion (attachments before 3.27). */
export const routeNotFound = (): ApiError => new ApiError(404, 'The resource could not be found.');
/** The generic 400 ("The server could not comply..."), e.g. a volume create without a size. */
export const cannotComply = (): ApiError =>
  badRequest('The server could not comply with the request since it is either malformed or otherwise incorrect.');

export const volumeNotFound = (id: string): ApiError => notFound(`Volume ${id} could not be found.`);
export const snapshotNotFound = (id: string): ApiError => notFound(`Snapshot ${id} could not be found.`);
export const backupNotFound = (id: string): ApiError => notFound(`Backup ${id} could not be found.`);
export const typeNotFound = (id: string): ApiError => notFound(`Volume type ${id} could not be found.`);

/** 413 overLimit with Cinder's `"retryAfter": "0"`. */
export const overLimit = (message: string): ApiError => new ApiError(413, message, { headers: { 'Retry-After': '0' } });

/** A JSON answer. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): ApiReply => ({ status, body, headers });

/**
 * An empty answer. `webob`: the text/html one of a bare webob Response (deletes, type access,
 * metadata item delete), without X-Compute-Request-Id; otherwise application/json.
 */
export function empty(status: number, kind: 'json' | 'webob' = 'json'): ApiReply {
  return {
    status,
    headers: { 'Content-Type': kind === 'webob' ? 'text/html; charset=UTF-8' : 'application/json', 'Content-Length': '0' },
    body: status === 204 ? undefined : '',
    ...(kind === 'webob' ? { omitHeaders: ['X-Compute-Request-Id'] } : {}),
  };
}

/** The project id of the request's URL when it has one, else the token's. */
export function projectOf(req: ApiRequest): string {
  return req.params.project_id ?? req.auth?.projectId ?? '';
}

/** The API root the client used: http://host/volume/v3/<project> (or /v3 without a project in the URL). */
export function apiRoot(req: ApiRequest): string {
  return req.params.project_id ? `${req.baseUrl}/v3/${req.params.project_id}` : `${req.baseUrl}/v3`;
}

/** Cinder's self and bookmark links: .../v3/<project>/volumes/<id> and .../<project>/volumes/<id>. */
export function links(req: ApiRequest, collection: string, id: string): { rel: string; href: string }[] {
  const project = projectOf(req);
  return [
    { rel: 'self', href: `${req.baseUrl}/v3/${project}/${collection}/${id}` },
    { rel: 'bookmark', href: `${req.baseUrl}/${project}/${collection}/${id}` },
  ];
}

/** Cinder's created_at/updated_at/attach times: 2026-11-25T01:25:33.533431 (microseconds, no zone). */
export const cinderTime = (iso: string | null | undefined): string | null => (iso ? isoMicrosNaive(new Date(iso)) : null);

/** osapi_max_limit. */
export const MAX_LIMIT = 1000;

/**
 * A `<collection>_links` next link when the page is full, as Cinder's _get_next_link writes it:
 * the request's query kept, `marker` replaced by (or appended as) the last item's id.
 */
export function nextLink(req: ApiRequest, collectionPath: string, count: number, limit: number | undefined, lastId: string | undefined): { rel: string; href: string }[] | undefined {
  const pageSize = limit ?? MAX_LIMIT;
  if (count === 0 || count < pageSize || lastId === undefined) return undefined;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) {
    if (k === 'marker') continue;
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  }
  params.append('marker', lastId);
  return [{ rel: 'next', href: `${apiRoot(req)}${collectionPath}?${params.toString()}` }];
}
