/** The network route table: discovery, extensions, the same five routes for every resource type,
 * tags, quotas, router interfaces, availability zones and IP availability. */
import type { AuthContext } from '../core/auth-context';
import { isAdmin } from '../core/auth-context';
import type { ApiReply, ApiRequest, HttpMethod, Route } from '../core/service';
import { headerValue } from '../core/http';
import type { NetworkBackend, ResourceType } from './backend';
import { badRequest, invalidAttr, invalidInput, neutronError, policyDenied } from './errors';
import { EXTENSIONS } from './extensions';
import { QUOTA_DEFAULTS } from './quotas';
import { toInteger } from './attributes';
import { addInterface, removeInterface } from './resources/routers';
import { ipAvailability } from './ip-availability';

/** A JSON answer: core/http.ts writes it as Neutron does, `application/json` with no charset. */
const ok = (body: unknown, status = 200): ApiReply => ({ status, body });
const noContent = (): ApiReply => ({ status: 204 });
const auth = (req: ApiRequest): AuthContext => req.auth!;
/** The JSON body; Neutron reads it whatever the Content-Type says (text/plain included). */
const body = (req: ApiRequest): unknown => {
  if (!Buffer.isBuffer(req.body)) return req.body;
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw badRequest('Body contains invalid data');
  }
};
const NOT_ALLOWED = 'The server could not comply with the request since it is either malformed or otherwise incorrect.';
const fieldsOf = (req: ApiRequest): string[] | undefined => {
  const f = req.query.fields;
  return f === undefined ? undefined : (Array.isArray(f) ? f : [f]).flatMap((x) => x.split(',')).filter(Boolean);
};

export function networkRoutes(b: NetworkBackend): Route[] {
  const r = (method: HttpMethod, path: string, handler: Route['handler'], extra: Partial<Route> = {}): Route => ({ method, path, handler, ...extra });
  const routes: Route[] = [
    r('GET', '/', (req) => ok({ versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${req.baseUrl}/v2.0/` }] }] }), { auth: 'none', requestIdHeader: false }),
    r('GET', '/v2.0/', (req) => {
      if (!req.url.split('?')[0].endsWith('/')) throw neutronError(404, 'HTTPNotFound', 'The resource could not be found.');
      return ok({
        resources: ['network', 'subnet', 'subnetpool', 'port'].map((name) => ({
          name, collection: `${name}s`, links: [{ rel: 'self', href: `${req.baseUrl}/v2.0/${name}s` }],
        })),
      });
    }),
    r('GET', '/v2.0/extensions', () => ok({ extensions: EXTENSIONS })),
    r('GET', '/v2.0/extensions/:alias', (req) => {
      const e = EXTENSIONS.find((x) => x.alias === req.params.alias);
      if (!e) {
        // webob's plain-text 404, as Neutron's extension controller raises it.
        const text = `404 Not Found\n\nThe resource could not be found.\n\n Extension with alias ${req.params.alias} does not exist  `;
        return { status: 404, headers: { 'Content-Type': 'text/plain; charset=UTF-8' }, body: text };
      }
      return ok({ extension: e });
    }),
    ...quotaRoutes(b, r),
    r('GET', '/v2.0/availability_zones', (req) => {
      const zones = ['network', 'router'].map((resource) => ({ name: 'nova', resource, state: 'available' }));
      const want = (k: string) => { const v = req.query[k]; return v === undefined ? undefined : [v].flat(); };
      for (const k of Object.keys(req.query)) if (!['name', 'resource', 'state', 'fields'].includes(k)) throw badRequest(`['${k}'] is invalid attribute for filtering`);
      return ok({ availability_zones: zones.filter((z) => (['name', 'resource', 'state'] as const).every((k) => !want(k) || want(k)!.includes(z[k]))) });
    }),
    r('GET', '/v2.0/network-ip-availabilities', (req) => {
      // Policy filters every entry out for a non-admin: an empty list, not an error.
      if (!isAdmin(auth(req))) return ok({ network_ip_availabilities: [] });
      return rawJson(`{"network_ip_availabilities":[${ipAvailability(b, req.query).join(',')}]}`);
    }),
    r('GET', '/v2.0/network-ip-availabilities/:id', (req) => {
      if (!isAdmin(auth(req))) throw neutronError(404, 'HTTPNotFound', 'The resource could not be found.');
      const [one] = ipAvailability(b, {}, b.coll('networks').get(req.params.id).id);
      return rawJson(`{"network_ip_availability":${one}}`);
    }),
    r('PUT', '/v2.0/routers/:id/add_router_interface', (req) => ok(addInterface(b, auth(req), req.params.id, body(req)))),
    r('PUT', '/v2.0/routers/:id/remove_router_interface', (req) => ok(removeInterface(b, auth(req), req.params.id, body(req)))),
  ];
  for (const t of b.types.values()) routes.push(...resourceRoutes(b, t, r), ...tagRoutes(b, t, r));
  return routes;
}

type R = (method: HttpMethod, path: string, handler: Route['handler'], extra?: Partial<Route>) => Route;

function resourceRoutes(b: NetworkBackend, t: ResourceType, r: R): Route[] {
  const base = `/v2.0/${t.path}`;
  const ifMatch = (req: ApiRequest) => headerValue(req.headers['if-match']);
  return [
    r('GET', base, (req) => {
      const a = auth(req);
      const q = b.coll(t.collection).parseQuery(req.query, (k) => !isAdmin(a) && !!t.attrs[k]?.adminOnly);
      const rows = b.list(t, a, q);
      const body: Record<string, unknown> = { [t.collection]: rows.map((row) => b.render(t, row, a, fieldsOf(req))) };
      if (q.limit !== undefined) body[`${t.collection}_links`] = pageLinks(req, base, rows, q.limit, q.pageReverse);
      return ok(body);
    }),
    r('GET', `${base}/:id`, (req) => ok({ [t.member]: b.render(t, b.show(t, auth(req), req.params.id), auth(req), fieldsOf(req)) })),
    r('POST', base, (req) => {
      const input = body(req);
      const plural = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>)[t.collection] : undefined;
      if (Array.isArray(plural)) {
        // Bulk create: all or nothing, in one transaction.
        const rows = b.tx(() => plural.map((item) => b.create(t, auth(req), { [t.member]: item })));
        return ok({ [t.collection]: rows.map((row) => b.render(t, row, auth(req), undefined, true)) }, 201);
      }
      return ok({ [t.member]: b.render(t, b.create(t, auth(req), input), auth(req), undefined, true) }, 201);
    }),
    r('PUT', `${base}/:id`, (req) => ok({ [t.member]: b.render(t, b.update(t, auth(req), req.params.id, body(req), ifMatch(req)), auth(req)) })),
    r('DELETE', `${base}/:id`, (req) => { b.delete(t, auth(req), req.params.id, ifMatch(req)); return noContent(); }),
    // What Neutron's routes answer for the methods a collection or member does not have.
    r('PUT', base, () => { throw t.notFound('None'); }),
    r('DELETE', base, () => { throw t.notFound('None'); }),
    r('PATCH', base, () => { throw neutronError(405, 'HTTPMethodNotAllowed', NOT_ALLOWED); }),
    r('PATCH', `${base}/:id`, () => { throw neutronError(405, 'HTTPMethodNotAllowed', NOT_ALLOWED); }),
  ];
}

/** Neutron's <collection>_links: next while a page is full, previous unless paging backwards ran out. */
export function pageLinks(req: ApiRequest, base: string, rows: { id: string }[], limit: number, reverse: boolean): { rel: string; href: string }[] {
  const links: { rel: string; href: string }[] = [];
  if (!rows.length) return links;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) {
    if (k === 'marker' || k === 'page_reverse') continue;
    for (const x of [v].flat()) params.append(k, x);
  }
  const href = (marker: string, back: boolean) => {
    const p = new URLSearchParams(params);
    p.set('marker', marker);
    if (back) p.set('page_reverse', 'True');
    return `${req.baseUrl}${base}?${p.toString()}`;
  };
  if (!(rows.length < limit && !reverse)) links.push({ rel: 'next', href: href(rows[rows.length - 1].id, false) });
  if (!(rows.length < limit && reverse)) links.push({ rel: 'previous', href: href(rows[0].id, true) });
  return links;
}

function tagRoutes(b: NetworkBackend, t: ResourceType, r: R): Route[] {
  if (t.collection === 'security_group_rules') return [];
  const base = `/v2.0/${t.path}/:id/tags`;
  const owned = (req: ApiRequest) => {
    const row = b.show(t, auth(req), req.params.id);
    b.checkWrite(t, 'update', auth(req), row);
    return row;
  };
  const checkTag = (tag: unknown) => {
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > 255) {
      throw invalidAttr('tags', `'${String(tag)}' is not a valid tag.`);
    }
    return tag;
  };
  const write = (req: ApiRequest, change: (tags: string[]) => string[]) => b.tx(() => {
    const row = owned(req);
    row.tags = change([...(row.tags as string[])]).sort();
    b.bump(t, row);
    return row.tags as string[];
  });
  const notFoundTag = (tag: string) => neutronError(404, 'TagNotFound', `Tag ${tag} could not be found.`);
  return [
    r('GET', base, (req) => ok({ tags: b.show(t, auth(req), req.params.id).tags })),
    r('GET', `${base}/:tag`, (req) => {
      if (!(b.show(t, auth(req), req.params.id).tags as string[]).includes(req.params.tag)) throw notFoundTag(req.params.tag);
      return noContent();
    }),
    r('PUT', base, (req) => {
      const input = body(req) as { tags?: unknown } | undefined;
      if (!input || typeof input !== 'object' || Array.isArray(input)) throw badRequest('Body contains invalid data');
      if (!Array.isArray(input.tags)) throw invalidInput(`'${String(input.tags)}' is not a list`);
      const tags = input.tags.map(checkTag);
      const dup = tags.find((x, i) => tags.indexOf(x) !== i);
      if (dup !== undefined) throw invalidInput(`Duplicate items in the list: '${dup}'`);
      if (tags.length > 50) throw badRequest('Invalid input for tags. Reason: at most 50 tags.');
      return ok({ tags: write(req, () => tags) });
    }),
    r('PUT', `${base}/:tag`, (req) => {
      const tag = checkTag(req.params.tag);
      write(req, (tags) => (tags.includes(tag) ? tags : [...tags, tag]));
      return rawJson('null', 201);
    }),
    r('DELETE', base, (req) => { write(req, () => []); return noContent(); }),
    r('DELETE', `${base}/:tag`, (req) => {
      write(req, (tags) => {
        if (!tags.includes(req.params.tag)) throw notFoundTag(req.params.tag);
        return tags.filter((x) => x !== req.params.tag);
      });
      return noContent();
    }),
  ];
}

function quotaRoutes(b: NetworkBackend, r: R): Route[] {
  const adminOnly = (req: ApiRequest, rule: string) => { if (!isAdmin(auth(req))) throw policyDenied(rule); };
  const readable = (req: ApiRequest) => {
    const a = auth(req);
    if (!isAdmin(a) && a.projectId !== req.params.project) throw policyDenied('rule:get_quota');
  };
  return [
    r('GET', '/v2.0/quotas', (req) => {
      adminOnly(req, 'rule:get_quota');
      return ok({ quotas: b.quotas.projects().map((p) => ({ ...b.quotas.limits(p), project_id: p, tenant_id: p })) });
    }),
    r('GET', '/v2.0/quotas/:project/default', (req) => { readable(req); return ok({ quota: { ...QUOTA_DEFAULTS } }); }),
    r('GET', '/v2.0/quotas/:project/details', (req) => { readable(req); return ok({ quota: b.quotas.details(req.params.project) }); }),
    r('GET', '/v2.0/quotas/:project', (req) => { readable(req); return ok({ quota: b.quotas.limits(req.params.project) }); }),
    r('PUT', '/v2.0/quotas/:project', (req) => {
      adminOnly(req, 'rule:update_quota');
      const input = body(req) as Record<string, unknown> | undefined;
      if (!input || typeof input !== 'object' || Array.isArray(input)) throw badRequest('Body contains invalid data');
      const q = input.quota;
      if (q === undefined) throw badRequest("Unable to find 'quota' in request body");
      if (!q || typeof q !== 'object' || Array.isArray(q)) throw badRequest("Object 'quota' contains invalid data");
      const unknown = Object.keys(q).filter((k) => !(k in QUOTA_DEFAULTS) && k !== 'force' && k !== 'check_limit');
      if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
        if (k === 'force' || k === 'check_limit') continue;
        const n = toInteger(v);
        if (n < -1) throw invalidAttr(k, `'${n}' is too small - must be at least '-1'.`);
        if (n > 2147483647) throw invalidAttr(k, `'${n}' is too large - must be no larger than '2147483647'.`);
        values[k] = n;
      }
      b.tx(() => b.quotas.set(req.params.project, values));
      return ok({ quota: b.quotas.limits(req.params.project) });
    }),
    r('DELETE', '/v2.0/quotas/:project', (req) => {
      adminOnly(req, 'rule:delete_quota');
      b.tx(() => b.quotas.reset(req.params.project));
      return noContent();
    }),
  ];
}

/** A body already serialised (exact big integers such as an IPv6 subnet's total_ips). */
function rawJson(text: string, status = 200): ApiReply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(text, 'utf8') };
}
