/** /v3/groups and group membership [keystone/api/groups.py]. */
import { ApiError } from '../../core/errors';
import type { AuthContext } from '../../core/auth-context';
import { admin, systemReader, domainReaderOf, rule } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { bool, splitExtra } from '../models/json-columns';
import { groupView, userView, type GroupRow } from '../models/identity';
import { notFoundError } from '../errors';
import {
  type IdentityApi, created, enforce, filterBy, idPattern, inexactFilter, list, member, noContent, ok, requireMatchingId, route,
} from './helpers';
import { normalizeDomainId } from './users';

const identityName = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };
const groupProperties = { description: { type: ['string', 'null'] }, domain_id: idPattern, name: identityName };
/** [keystone/identity/schema.py] group_create, group_update */
const groupCreate = { type: 'object', properties: groupProperties, required: ['name'] };
const groupUpdate = { type: 'object', properties: groupProperties, minProperties: 1 };
const GROUP_COLS = ['description', 'domain_id', 'name', 'id', 'links'] as const;

/** get_group / list_users_in_group: admin, system reader, or a domain reader of the group's domain. */
const canReadGroup = (a: AuthContext, g: GroupRow | undefined) => admin(a) || systemReader(a) || domainReaderOf(g?.domain_id)(a);

export function groupRoutes(api: IdentityApi): Route[] {
  const { b } = api;
  const findGroup = (id: string) => b.identity.findGroup(id);
  const getGroup = (req: ApiRequest) => b.identity.getGroup(req.params.group_id);

  return [
    route(api, 'POST', '/v3/groups', rule('identity:create_group', admin), (req) => {
      const g = member(req, 'group', groupCreate);
      const { known, extra } = splitExtra(g, GROUP_COLS);
      const domainId = normalizeDomainId(req, known.domain_id);
      if (!b.resource.findDomain(domainId)) throw notFoundError('domain', domainId);
      const row = b.store.tx(() => b.identity.createGroup({
        name: known.name as string, domainId, description: (known.description as string | null | undefined) ?? '', extra,
      }));
      return created({ group: groupView(row, req.baseUrl) });
    }),

    route(api, 'GET', '/v3/groups', rule('identity:list_groups', (a) => admin(a) || systemReader(a) || (!!a.domainId && a.roles.includes('reader'))), (req) => {
      let rows = filterBy(b.identity.listGroups(), req, { name: (g) => g.name, domain_id: (g) => g.domain_id });
      rows = inexactFilter(rows, req, { name: (g) => g.name });
      if (req.auth!.domainId) rows = rows.filter((g) => g.domain_id === req.auth!.domainId);
      return list(req, 'groups', rows.map((g) => groupView(g, req.baseUrl)));
    }),

    route(api, 'GET', '/v3/groups/:group_id', undefined, (req) => {
      const g = findGroup(req.params.group_id);
      enforce('identity:get_group', canReadGroup(req.auth!, g));
      if (!g) throw notFoundError('group', req.params.group_id);
      return ok({ group: groupView(g, req.baseUrl) });
    }),

    route(api, 'PATCH', '/v3/groups/:group_id', rule('identity:update_group', admin), (req) => {
      const cur = getGroup(req);
      const g = member(req, 'group', groupUpdate);
      requireMatchingId(g, cur.id);
      const { known, extra } = splitExtra(g, GROUP_COLS);
      if (known.domain_id !== undefined && known.domain_id !== cur.domain_id) throw new ApiError(400, 'Cannot change Domain ID');
      const row = b.store.tx(() => b.identity.updateGroup(cur.id, {
        name: known.name as string | undefined,
        description: known.description === null ? '' : known.description as string | undefined, extra,
      }));
      return ok({ group: groupView(row, req.baseUrl) });
    }),

    route(api, 'DELETE', '/v3/groups/:group_id', rule('identity:delete_group', admin), (req) => {
      const g = getGroup(req);
      b.store.tx(() => {
        b.assignment.removeActor(g.id);
        b.identity.deleteGroup(g.id); // memberships cascade
      });
      return noContent();
    }),

    route(api, 'GET', '/v3/groups/:group_id/users', undefined, (req) => {
      const g = findGroup(req.params.group_id);
      enforce('identity:list_users_in_group', canReadGroup(req.auth!, g));
      if (!g) throw notFoundError('group', req.params.group_id);
      let rows = filterBy(b.identity.usersInGroup(g.id), req, {
        domain_id: (u) => u.domain_id, enabled: (u) => bool(u.enabled), name: (u) => u.name,
      });
      rows = inexactFilter(rows, req, { name: (u) => u.name });
      return list(req, 'users', rows.map((u) => userView(u, req.baseUrl)));
    }),

    route(api, 'PUT', '/v3/groups/:group_id/users/:user_id', rule('identity:add_user_to_group', admin), (req) => {
      b.store.tx(() => b.identity.addMember(req.params.group_id, req.params.user_id));
      return noContent();
    }),

    route(api, 'GET', '/v3/groups/:group_id/users/:user_id', undefined, (req) => {
      const g = findGroup(req.params.group_id);
      const u = b.identity.findUser(req.params.user_id);
      const a = req.auth!;
      enforce('identity:check_user_in_group', admin(a) || systemReader(a)
        || (domainReaderOf(g?.domain_id)(a) && domainReaderOf(u?.domain_id)(a)));
      if (!g) throw notFoundError('group', req.params.group_id);
      if (!u) throw notFoundError('user', req.params.user_id);
      if (!b.identity.isMember(g.id, u.id)) throw new ApiError(404, `User '${u.id}' not found in group '${g.id}'`);
      return noContent();
    }),

    route(api, 'DELETE', '/v3/groups/:group_id/users/:user_id', rule('identity:remove_user_from_group', admin), (req) => {
      b.store.tx(() => b.identity.removeMember(req.params.group_id, req.params.user_id));
      return noContent();
    }),
  ];
}
