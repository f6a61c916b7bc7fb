/**
 * Unified limits: /v3/registered_limits, /v3/limits and /v3/limits/model
 * [keystone/api/registered_limits.py, limits.py; keystone/limit/{core,schema}.py,
 * keystone/limit/backends/sql.py]. The enforcement model is "flat".
 */
import { ApiError } from '../../core/errors';
import type { AuthContext } from '../../core/auth-context';
import { admin, systemReader, rule } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { pyRepr } from '../../core/validation';
import { limitView, registeredLimitView, type LimitRow } from '../models/limits';
import {
  type IdentityApi, bodyObject, created, enforce, expecting, filterBy, list, noContent, ok, requireMatchingId, route, validate,
} from './helpers';

const limitInteger = { type: 'integer', minimum: -1, maximum: 0x7fffffff };
const resourceName = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };
const description = { type: ['string', 'null'] };
/** [keystone/limit/schema.py] */
const registeredLimitCreate = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    properties: {
      service_id: { type: 'string' }, region_id: { type: ['string', 'null'] }, resource_name: resourceName,
      default_limit: limitInteger, description,
    },
    required: ['service_id', 'resource_name', 'default_limit'],
    additionalProperties: false,
  },
};
const registeredLimitUpdate = {
  type: 'object',
  properties: {
    service_id: { type: 'string' }, region_id: { type: ['string', 'null'] }, resource_name: resourceName,
    default_limit: limitInteger, description,
  },
  additionalProperties: false,
};
const limitCreate = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    properties: {
      project_id: { type: ['string', 'null'] }, domain_id: { type: ['string', 'null'] }, service_id: { type: 'string' },
      region_id: { type: ['string', 'null'] }, resource_name: resourceName, resource_limit: limitInteger, description,
    },
    required: ['service_id', 'resource_name', 'resource_limit'],
    additionalProperties: false,
  },
};
const limitUpdate = {
  type: 'object',
  properties: { resource_limit: limitInteger, description },
  additionalProperties: false,
};

const MODEL = {
  name: 'flat',
  description: 'Limit enforcement and validation does not take project hierarchy into consideration.',
};

export function limitRoutes(api: IdentityApi): Route[] {
  const { b } = api;
  const m = b.limits;

  /** `request_body_json.get(key, fallback)` then validation. */
  const bodyKey = (req: ApiRequest, key: string, schema: object, fallback: unknown) => {
    const body = bodyObject(req);
    const v = Object.prototype.hasOwnProperty.call(body, key) ? body[key] : fallback;
    validate(v, schema);
    return v;
  };

  /** limit manager _assert_resource_exist */
  const assertExists = (x: { service_id?: unknown; region_id?: unknown; project_id?: unknown; domain_id?: unknown }, target: string) => {
    if (typeof x.service_id === 'string' && !b.catalog.findService(x.service_id)) throw expecting('service_id', target);
    if (typeof x.region_id === 'string' && !b.catalog.findRegion(x.region_id)) throw expecting('region_id', target);
    if (typeof x.project_id === 'string' && !b.resource.findProject(x.project_id)) throw expecting('project_id', target);
    if (typeof x.domain_id === 'string' && !b.resource.findDomain(x.domain_id)) throw expecting('domain_id', target);
  };
  const referenced = (registeredId: string) => {
    const r = m.getRegistered(registeredId);
    return m.list().some((l) => l.service_id === r.service_id && (l.region_id ?? null) === (r.region_id ?? null) && l.resource_name === r.resource_name);
  };
  const inUse = (id: string) =>
    new ApiError(403, `Unable to update or delete registered limit ${id} because there are project limits associated with it.`);

  /** get_limit: admin, system reader, or a user of the limit's project or domain. */
  const canReadLimit = (a: AuthContext, l: LimitRow | undefined) => {
    if (admin(a) || systemReader(a)) return true;
    if (!l) return false;
    if (l.project_id && a.projectId === l.project_id) return true;
    if (a.domainId && (l.domain_id === a.domainId || (!!l.project_id && b.resource.findProject(l.project_id)?.domain_id === a.domainId))) return true;
    return false;
  };

  return [
    route(api, 'POST', '/v3/registered_limits', rule('identity:create_registered_limits', admin), (req) => {
      const items = bodyKey(req, 'registered_limits', registeredLimitCreate, {}) as Record<string, unknown>[];
      for (const x of items) assertExists(x, 'registered_limit');
      const rows = b.store.tx(() => items.map((x) => m.createRegistered({
        serviceId: x.service_id as string, regionId: x.region_id as string | null | undefined, resourceName: x.resource_name as string,
        defaultLimit: x.default_limit as number, description: x.description as string | null | undefined,
      })));
      return created({ registered_limits: rows.map((r) => registeredLimitView(r, req.baseUrl)) });
    }),
    route(api, 'GET', '/v3/registered_limits', rule('identity:list_registered_limits', () => true), (req) => {
      const rows = filterBy(m.listRegistered(), req, {
        service_id: (r) => r.service_id, region_id: (r) => r.region_id, resource_name: (r) => r.resource_name,
      });
      return list(req, 'registered_limits', rows.map((r) => registeredLimitView(r, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/registered_limits/:registered_limit_id', rule('identity:get_registered_limit', () => true), (req) =>
      ok({ registered_limit: registeredLimitView(m.getRegistered(req.params.registered_limit_id), req.baseUrl) })),
    route(api, 'PATCH', '/v3/registered_limits/:registered_limit_id', rule('identity:update_registered_limit', admin), (req) => {
      const patch = bodyKey(req, 'registered_limit', registeredLimitUpdate, {}) as Record<string, unknown>;
      requireMatchingId(patch, req.params.registered_limit_id);
      assertExists(patch, 'registered_limit');
      const row = b.store.tx(() => {
        const cur = m.getRegistered(req.params.registered_limit_id);
        if (referenced(cur.id)) throw inUse(cur.id);
        const next = {
          service_id: (patch.service_id as string | undefined) ?? cur.service_id,
          region_id: patch.region_id === undefined ? cur.region_id : (patch.region_id as string | null),
          resource_name: (patch.resource_name as string | undefined) ?? cur.resource_name,
        };
        if ((patch.service_id || 'region_id' in patch || patch.resource_name) && m.listRegistered().some((r) => r.id !== cur.id
          && r.service_id === next.service_id && (r.region_id ?? null) === (next.region_id ?? null) && r.resource_name === next.resource_name)) {
          throw new ApiError(409, 'Conflict occurred attempting to store registered_limit - Duplicate entry.');
        }
        return m.updateRegistered(cur.id, {
          defaultLimit: patch.default_limit as number | undefined, description: patch.description as string | null | undefined,
          resourceName: patch.resource_name as string | undefined, serviceId: patch.service_id as string | undefined,
          regionId: patch.region_id as string | null | undefined,
        });
      });
      return ok({ registered_limit: registeredLimitView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/registered_limits/:registered_limit_id', rule('identity:delete_registered_limit', admin), (req) => {
      b.store.tx(() => {
        const cur = m.getRegistered(req.params.registered_limit_id);
        if (referenced(cur.id)) throw inUse(cur.id);
        m.deleteRegistered(cur.id);
      });
      return noContent();
    }),

    route(api, 'GET', '/v3/limits/model', rule('identity:get_limit_model', () => true), () => ok({ model: MODEL })),
    route(api, 'POST', '/v3/limits', rule('identity:create_limits', admin), (req) => {
      const items = bodyKey(req, 'limits', limitCreate, {}) as Record<string, unknown>[];
      items.forEach((x, i) => {
        const hasProject = typeof x.project_id === 'string';
        const hasDomain = typeof x.domain_id === 'string';
        if (hasProject === hasDomain) {
          throw new ApiError(400, `Invalid input for field '${i}': ${pyRepr(x)} is ${hasProject ? 'valid under each of' : 'not valid under any of'} the given schemas`);
        }
      });
      for (const x of items) assertExists(x, 'limit');
      const rows = b.store.tx(() => items.map((x) => {
        const reg = m.listRegistered().find((r) => r.service_id === x.service_id && r.resource_name === x.resource_name
          && (r.region_id ?? null) === ((x.region_id as string | null | undefined) ?? null));
        // NoLimitReference is a Forbidden: its message is always the generic format.
        if (!reg) throw new ApiError(403, 'Unable to create a limit that has no corresponding registered limit.');
        return m.create({
          projectId: x.project_id as string | undefined, domainId: x.domain_id as string | undefined, serviceId: x.service_id as string,
          regionId: x.region_id as string | null | undefined, resourceName: x.resource_name as string,
          resourceLimit: x.resource_limit as number, description: x.description as string | null | undefined,
        });
      }));
      return created({ limits: rows.map((l) => limitView(l, req.baseUrl)) });
    }),
    route(api, 'GET', '/v3/limits', rule('identity:list_limits', () => true), (req) => {
      const a = req.auth!;
      let rows = filterBy(m.list(), req, {
        service_id: (l) => l.service_id, region_id: (l) => l.region_id, resource_name: (l) => l.resource_name,
        project_id: (l) => l.project_id, domain_id: (l) => l.domain_id,
      });
      // Keystone narrows the list to the caller's scope, whatever the role.
      if (a.system) {
        // everything
      } else if (a.domainId) {
        rows = rows.filter((l) => (l.project_id ? b.resource.findProject(l.project_id)?.domain_id === a.domainId : l.domain_id === a.domainId));
      } else if (a.projectId) {
        rows = rows.filter((l) => l.project_id === a.projectId);
      } else {
        rows = [];
      }
      return list(req, 'limits', rows.map((l) => limitView(l, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/limits/:limit_id', undefined, (req) => {
      const l = m.list().find((x) => x.id === req.params.limit_id);
      enforce('identity:get_limit', canReadLimit(req.auth!, l));
      return ok({ limit: limitView(m.get(req.params.limit_id), req.baseUrl) });
    }),
    route(api, 'PATCH', '/v3/limits/:limit_id', rule('identity:update_limit', admin), (req) => {
      const patch = bodyKey(req, 'limit', limitUpdate, {}) as Record<string, unknown>;
      requireMatchingId(patch, req.params.limit_id);
      const row = b.store.tx(() => {
        m.get(req.params.limit_id);
        // keystone's driver only applies truthy values (a 0 limit or empty description is ignored).
        return m.update(req.params.limit_id, {
          resourceLimit: patch.resource_limit ? patch.resource_limit as number : undefined,
          description: patch.description ? patch.description as string : undefined,
        });
      });
      return ok({ limit: limitView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/limits/:limit_id', rule('identity:delete_limit', admin), (req) => {
      b.store.tx(() => m.delete(req.params.limit_id));
      return noContent();
    }),
  ];
}
