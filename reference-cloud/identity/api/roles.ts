/** /v3/roles, implied roles and /v3/role_inferences [keystone/api/roles.py, role_inferences.py]. */
import { ApiError } from '../../core/errors';
import { admin, systemReader, rule } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { splitExtra } from '../models/json-columns';
import { roleView, type RoleRow } from '../models/assignment';
import {
  type IdentityApi, created, enforce, idPattern, inexactFilter, list, member, noContent, ok, qstr, requireMatchingId, route,
} from './helpers';

const nullableBool = { type: ['boolean', 'null'], enum: [true, false, null] };
/** ROLE_OPTIONS_REGISTRY.json_schema */
const roleOptions = { type: 'object', properties: { immutable: nullableBool }, additionalProperties: false };
const roleProperties = {
  name: { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' },
  description: { type: ['string', 'null'] },
  domain_id: { ...idPattern, type: ['string', 'null'] },
  options: roleOptions,
};
/** [keystone/assignment/schema.py] role_create, role_update */
const roleCreate = { type: 'object', properties: roleProperties, required: ['name'] };
const roleUpdate = { type: 'object', properties: roleProperties, minProperties: 1 };
const ROLE_COLS = ['name', 'description', 'domain_id', 'options', 'id', 'links'] as const;
/** [assignment] prohibited_implied_role default. */
const PROHIBITED_IMPLIED = ['admin'];

const reader = (a: Parameters<typeof admin>[0]) => admin(a) || systemReader(a);

export function roleRoutes(api: IdentityApi): Route[] {
  const { b } = api;
  const roleRef = (r: RoleRow, base: string) => ({ id: r.id, links: { self: `${base}/v3/roles/${r.id}` }, name: r.name });
  /** Keystone looks both roles up before enforcing: unknown ids are 404 to everyone. */
  const implication = (req: ApiRequest) => ({
    prior: b.assignment.getRole(req.params.role_id),
    implied: req.params.implied_role_id ? b.assignment.getRole(req.params.implied_role_id) : undefined,
  });
  const inference = (req: ApiRequest, prior: RoleRow, implied: RoleRow) => ({
    role_inference: { prior_role: roleRef(prior, req.baseUrl), implies: roleRef(implied, req.baseUrl) },
    links: { self: `${req.baseUrl}/v3/roles/${prior.id}/implies/${implied.id}` },
  });
  const requireImplied = (prior: RoleRow, implied: RoleRow) => {
    if (!b.assignment.hasImplied(prior.id, implied.id)) throw new ApiError(404, `${prior.id} does not imply ${implied.id}.`);
  };

  return [
    route(api, 'POST', '/v3/roles', rule('identity:create_role', admin), (req) => {
      const r = member(req, 'role', roleCreate);
      const { known, extra } = splitExtra(r, ROLE_COLS);
      const options = known.options ? Object.fromEntries(Object.entries(known.options as object).filter(([, v]) => v !== null)) : {};
      const row = b.store.tx(() => b.assignment.createRole({
        name: known.name as string, domainId: known.domain_id as string | null | undefined,
        description: known.description as string | null | undefined, extra, options,
      }));
      return created({ role: roleView(row, req.baseUrl) });
    }),

    route(api, 'GET', '/v3/roles', rule('identity:list_roles', reader), (req) => {
      const domainId = qstr(req, 'domain_id');
      const name = qstr(req, 'name');
      let rows = b.assignment.listRoles().filter((r) => {
        const d = roleView(r, req.baseUrl).domain_id;
        return domainId ? d === domainId : d === null;
      });
      if (name !== undefined) rows = rows.filter((r) => r.name === name);
      rows = inexactFilter(rows, req, { name: (r) => r.name });
      return list(req, 'roles', rows.map((r) => roleView(r, req.baseUrl)));
    }),

    route(api, 'GET', '/v3/roles/:role_id', rule('identity:get_role', reader), (req) =>
      ok({ role: roleView(b.assignment.getRole(req.params.role_id), req.baseUrl) })),

    route(api, 'PATCH', '/v3/roles/:role_id', rule('identity:update_role', admin), (req) => {
      const cur = b.assignment.getRole(req.params.role_id);
      const r = member(req, 'role', roleUpdate);
      requireMatchingId(r, cur.id);
      const { known, extra } = splitExtra(r, ROLE_COLS);
      if (known.domain_id !== undefined && (known.domain_id ?? null) !== roleView(cur, '').domain_id) {
        throw new ApiError(400, 'Update of `domain_id` is not allowed.');
      }
      const patch: Parameters<typeof b.assignment.updateRole>[1] = {};
      if (known.name !== undefined) patch.name = known.name as string;
      if (known.description !== undefined) patch.description = known.description as string | null;
      if (Object.keys(extra).length) patch.extra = extra;
      if (known.options !== undefined) patch.options = known.options as object;
      const row = b.store.tx(() => b.assignment.updateRole(cur.id, patch));
      return ok({ role: roleView(row, req.baseUrl) });
    }),

    route(api, 'DELETE', '/v3/roles/:role_id', rule('identity:delete_role', admin), (req) => {
      const role = b.assignment.getRole(req.params.role_id);
      // Assignments and implications go with the role (ON DELETE CASCADE).
      b.store.tx(() => {
        b.assignment.deleteRole(role.id);
        b.store.db.prepare('DELETE FROM application_credential_roles WHERE role_id = ?').run(role.id);
      });
      return noContent();
    }),

    route(api, 'GET', '/v3/roles/:role_id/implies', undefined, (req) => {
      const { prior } = implication(req);
      enforce('identity:list_implied_roles', reader(req.auth!));
      const implies = b.assignment.impliedOf(prior.id).map((id) => b.assignment.findRole(id))
        .filter((r): r is RoleRow => !!r).map((r) => roleRef(r, req.baseUrl));
      return ok({
        role_inference: { prior_role: roleRef(prior, req.baseUrl), implies },
        links: { self: `${req.baseUrl}/v3/roles/${prior.id}/implies` },
      });
    }),

    route(api, 'PUT', '/v3/roles/:role_id/implies/:implied_role_id', undefined, (req) => {
      const { prior, implied } = implication(req);
      enforce('identity:create_implied_role', admin(req.auth!));
      const priorGlobal = roleView(prior, '').domain_id === null;
      const impliedDomain = roleView(implied!, '').domain_id;
      if (PROHIBITED_IMPLIED.includes(implied!.name) || (priorGlobal && impliedDomain !== null)) {
        throw new ApiError(403, `${implied!.id} cannot be an implied roles.`);
      }
      b.store.tx(() => b.assignment.addImplied(prior.id, implied!.id));
      return created(inference(req, prior, implied!));
    }),

    route(api, 'GET', '/v3/roles/:role_id/implies/:implied_role_id', undefined, (req) => {
      const { prior, implied } = implication(req);
      enforce('identity:get_implied_role', reader(req.auth!));
      requireImplied(prior, implied!);
      return ok(inference(req, prior, implied!));
    }),

    // HEAD answers 204, as Keystone documents (its own note says that breaks the HTTP spec).
    route(api, 'HEAD', '/v3/roles/:role_id/implies/:implied_role_id', undefined, (req) => {
      const { prior, implied } = implication(req);
      enforce('identity:check_implied_role', reader(req.auth!));
      requireImplied(prior, implied!);
      return noContent();
    }),

    route(api, 'DELETE', '/v3/roles/:role_id/implies/:implied_role_id', undefined, (req) => {
      const { prior, implied } = implication(req);
      enforce('identity:delete_implied_role', admin(req.auth!));
      b.store.tx(() => b.assignment.removeImplied(prior.id, implied!.id));
      return noContent();
    }),

    route(api, 'GET', '/v3/role_inferences', rule('identity:list_role_inference_rules', reader), (req) => {
      const byPrior = new Map<string, RoleRow[]>();
      for (const { prior_role_id, implied_role_id } of b.assignment.allImplications()) {
        const implied = b.assignment.findRole(implied_role_id);
        if (!implied) continue;
        byPrior.set(prior_role_id, [...(byPrior.get(prior_role_id) ?? []), implied]);
      }
      const role_inferences = [...byPrior].flatMap(([priorId, implied]) => {
        const prior = b.assignment.findRole(priorId);
        return prior ? [{ prior_role: roleRef(prior, req.baseUrl), implies: implied.map((r) => roleRef(r, req.baseUrl)) }] : [];
      });
      return ok({ role_inferences });
    }),
  ];
}
