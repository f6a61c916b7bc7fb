/** /v3/regions, /v3/services and /v3/endpoints [keystone/api/regions.py, services.py, endpoints.py]. */
import { ApiError } from '../../core/errors';
import { hexId } from '../../core/ids';
import { admin, systemReader, rule } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { bool, splitExtra } from '../models/json-columns';
import { endpointView, regionView, serviceView } from '../models/catalog';
import {
  type IdentityApi, booleanType, created, expecting, filterBy, list, member, noContent, ok, requireMatchingId, route,
} from './helpers';

/** [keystone/catalog/schema.py] */
const regionProperties = {
  description: { type: ['string', 'null'] },
  id: { type: 'string' },
  parent_region_id: { type: ['string', 'null'] },
};
const regionCreate = { type: 'object', properties: regionProperties };
const regionUpdate = { type: 'object', properties: regionProperties, minProperties: 1 };
const serviceProperties = {
  enabled: booleanType,
  name: { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' },
  type: { type: 'string', minLength: 1, maxLength: 255 },
};
const serviceCreate = { type: 'object', properties: serviceProperties, required: ['type'] };
const serviceUpdate = { type: 'object', properties: serviceProperties, minProperties: 1 };
const endpointProperties = {
  enabled: booleanType,
  interface: { type: 'string', enum: ['admin', 'internal', 'public'] },
  region_id: { type: ['string', 'null'] },
  region: { type: ['string', 'null'] },
  service_id: { type: 'string' },
  url: { type: 'string', minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' },
};
const endpointCreate = { type: 'object', properties: endpointProperties, required: ['interface', 'service_id', 'url'] };
const endpointUpdate = { type: 'object', properties: endpointProperties, minProperties: 1 };

const REGION_COLS = ['description', 'id', 'parent_region_id', 'links'] as const;
// A service's description is one of its extras in Keystone (any JSON value).
const SERVICE_COLS = ['enabled', 'name', 'type', 'id', 'links'] as const;
const ENDPOINT_COLS = ['enabled', 'interface', 'region_id', 'region', 'service_id', 'url', 'id', 'links', 'legacy_endpoint_id'] as const;

/** Substitutions keystone allows in endpoint URLs [keystone/common/utils.py WHITELISTED_PROPERTIES]. */
const URL_SUBSTITUTIONS = ['tenant_id', 'project_id', 'user_id', 'public_bind_host', 'admin_bind_host', 'compute_host', 'admin_port', 'public_port'];

/** keystone's check_endpoint_url: `$(name)s` with a whitelisted name; any other %-format fails. */
export function validEndpointUrl(url: string): boolean {
  const s = url.replace(/\$\(/g, '%(');
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') continue;
    const next = s[i + 1];
    if (next === '%') { i++; continue; }
    if (next !== '(') return false;
    const close = s.indexOf(')', i);
    if (close < 0) return false;
    const name = s.slice(i + 2, close);
    if (!URL_SUBSTITUTIONS.includes(name)) return false;
    // Python's %-format: optional flags/width/precision, then a conversion character.
    const m = /^[#0\- +]*(\d+|\*)?(\.(\d+|\*))?[hlL]?([diouxXeEfFgGcrsa])/.exec(s.slice(close + 1));
    if (!m) return false;
    i = close + m[0].length;
  }
  return true;
}

export function catalogRoutes(api: IdentityApi): Route[] {
  const { b } = api;
  const c = b.catalog;
  const reader = (a: Parameters<typeof admin>[0]) => admin(a) || systemReader(a);

  const createRegion = (req: ApiRequest, r: Record<string, unknown>, id: string) => {
    const { known, extra } = splitExtra(r, REGION_COLS);
    const row = b.store.tx(() => c.createRegion({
      id, description: (known.description as string | null | undefined) ?? '', parentRegionId: known.parent_region_id as string | null | undefined, extra,
    }));
    return created({ region: regionView(row, req.baseUrl) });
  };

  /** _validate_endpoint_region: a legacy `region` becomes region_id and is created when missing. */
  const endpointRegion = (known: Record<string, unknown>): string | null | undefined => {
    if ((known.region_id === undefined || known.region_id === null) && typeof known.region === 'string') {
      if (!c.findRegion(known.region)) c.createRegion({ id: known.region });
      return known.region;
    }
    return known.region_id as string | null | undefined;
  };
  const assertRegion = (id: string | null | undefined) => {
    if (id !== undefined && id !== null && !c.findRegion(id)) throw expecting('endpoint region_id', 'region table');
  };
  const assertService = (id: string | undefined) => {
    if (id !== undefined && !c.findService(id)) throw expecting('endpoint service_id', 'service table');
  };

  return [
    // Regions: readable by anyone with a token; writes need admin.
    route(api, 'POST', '/v3/regions', rule('identity:create_region', admin), (req) => {
      const r = member(req, 'region', regionCreate, null);
      return createRegion(req, r, typeof r.id === 'string' && r.id ? r.id : hexId());
    }),
    route(api, 'PUT', '/v3/regions/:region_id', rule('identity:create_region', admin), (req) => {
      const r = member(req, 'region', regionCreate, null);
      if (r.id !== undefined && r.id !== req.params.region_id) {
        throw new ApiError(400, `Conflicting region IDs specified: "${req.params.region_id}" != "${String(r.id)}"`);
      }
      return createRegion(req, r, req.params.region_id);
    }),
    route(api, 'GET', '/v3/regions', undefined, (req) => {
      const rows = filterBy(c.listRegions(), req, { parent_region_id: (r) => r.parent_region_id });
      return list(req, 'regions', rows.map((r) => regionView(r, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/regions/:region_id', undefined, (req) => ok({ region: regionView(c.getRegion(req.params.region_id), req.baseUrl) })),
    route(api, 'PATCH', '/v3/regions/:region_id', rule('identity:update_region', admin), (req) => {
      const cur = c.getRegion(req.params.region_id);
      const r = member(req, 'region', regionUpdate, null);
      requireMatchingId(r, cur.id);
      const { known, extra } = splitExtra(r, REGION_COLS);
      const row = b.store.tx(() => c.updateRegion(cur.id, {
        description: known.description === null ? '' : known.description as string | undefined,
        parentRegionId: known.parent_region_id as string | null | undefined, extra,
      }));
      return ok({ region: regionView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/regions/:region_id', rule('identity:delete_region', admin), (req) => {
      b.store.tx(() => c.deleteRegion(req.params.region_id));
      return noContent();
    }),

    route(api, 'POST', '/v3/services', rule('identity:create_service', admin), (req) => {
      const s = member(req, 'service', serviceCreate, null);
      const { known, extra } = splitExtra(s, SERVICE_COLS);
      const row = b.store.tx(() => c.createService({
        type: known.type as string, name: (known.name as string | undefined) ?? '', enabled: known.enabled as boolean | undefined, extra,
      }));
      return created({ service: serviceView(row, req.baseUrl) });
    }),
    route(api, 'GET', '/v3/services', rule('identity:list_services', reader), (req) => {
      const rows = filterBy(c.listServices(), req, { type: (s) => s.type, name: (s) => s.name, enabled: (s) => bool(s.enabled) });
      return list(req, 'services', rows.map((s) => serviceView(s, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/services/:service_id', rule('identity:get_service', reader), (req) =>
      ok({ service: serviceView(c.getService(req.params.service_id), req.baseUrl) })),
    route(api, 'PATCH', '/v3/services/:service_id', rule('identity:update_service', admin), (req) => {
      const cur = c.getService(req.params.service_id);
      const s = member(req, 'service', serviceUpdate, null);
      requireMatchingId(s, cur.id);
      const { known, extra } = splitExtra(s, SERVICE_COLS);
      const row = b.store.tx(() => c.updateService(cur.id, {
        type: known.type as string | undefined, name: known.name as string | undefined, enabled: known.enabled as boolean | undefined, extra,
      }));
      return ok({ service: serviceView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/services/:service_id', rule('identity:delete_service', admin), (req) => {
      b.store.tx(() => c.deleteService(req.params.service_id)); // its endpoints and limits go with it
      return noContent();
    }),

    route(api, 'POST', '/v3/endpoints', rule('identity:create_endpoint', admin), (req) => {
      const e = member(req, 'endpoint', endpointCreate, null);
      const { known, extra } = splitExtra(e, ENDPOINT_COLS);
      if (!validEndpointUrl(known.url as string)) throw new ApiError(400, `Cannot create an endpoint with an invalid URL: ${known.url as string}.`);
      const row = b.store.tx(() => {
        const regionId = endpointRegion(known);
        assertRegion(regionId);
        assertService(known.service_id as string);
        return c.createEndpoint({
          serviceId: known.service_id as string, interface: known.interface as string, url: known.url as string,
          regionId, enabled: known.enabled as boolean | undefined, extra,
        });
      });
      return created({ endpoint: endpointView(row, req.baseUrl) });
    }),
    route(api, 'GET', '/v3/endpoints', rule('identity:list_endpoints', reader), (req) => {
      const rows = filterBy(c.listEndpoints(), req, {
        interface: (e) => e.interface, service_id: (e) => e.service_id, region_id: (e) => e.region_id, enabled: (e) => bool(e.enabled),
      });
      return list(req, 'endpoints', rows.map((e) => endpointView(e, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/endpoints/:endpoint_id', rule('identity:get_endpoint', reader), (req) =>
      ok({ endpoint: endpointView(c.getEndpoint(req.params.endpoint_id), req.baseUrl) })),
    route(api, 'PATCH', '/v3/endpoints/:endpoint_id', rule('identity:update_endpoint', admin), (req) => {
      const cur = c.getEndpoint(req.params.endpoint_id);
      const e = member(req, 'endpoint', endpointUpdate, null);
      requireMatchingId(e, cur.id);
      const { known, extra } = splitExtra(e, ENDPOINT_COLS);
      const row = b.store.tx(() => {
        const regionId = endpointRegion(known);
        assertRegion(regionId);
        assertService(known.service_id as string | undefined);
        return c.updateEndpoint(cur.id, {
          serviceId: known.service_id as string | undefined, interface: known.interface as string | undefined,
          url: known.url as string | undefined, regionId, enabled: known.enabled as boolean | undefined, extra,
        });
      });
      return ok({ endpoint: endpointView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/endpoints/:endpoint_id', rule('identity:delete_endpoint', admin), (req) => {
      b.store.tx(() => c.deleteEndpoint(req.params.endpoint_id));
      return noContent();
    }),
  ];
}
