/**
 * /v3/users [keystone/api/users.py]: CRUD, self-service password change, a user's groups and
 * projects. Password changes, disabling and deletion revoke the user's tokens; disabling and
 * deletion also remove the user's application credentials, as Keystone's callbacks do.
 */
import { ApiError } from '../../core/errors';
import type { AuthContext } from '../../core/auth-context';
import { admin, systemReader, domainReaderOf, rule } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { bool, splitExtra } from '../models/json-columns';
import { groupView, userView, type UserRow } from '../models/identity';
import { DEFAULT_DOMAIN_ID, projectView } from '../models/resource';
import { notFoundError, unauthenticated } from '../errors';
import {
  type IdentityApi, booleanType, created, enforce, filterBy, idPattern, inexactFilter, list, member, noContent,
  nullableIdPattern, ok, requireMatchingId, route,
} from './helpers';

const identityName = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };
const nullableBool = { type: ['boolean', 'null'], enum: [true, false, null] };
/** USER_OPTIONS_REGISTRY.json_schema [keystone/identity/backends/resource_options.py]. */
export const userOptionsSchema = {
  type: 'object',
  properties: {
    ignore_change_password_upon_first_use: nullableBool,
    ignore_password_expiry: nullableBool,
    ignore_lockout_failure_attempts: nullableBool,
    lock_password: nullableBool,
    ignore_user_inactivity: nullableBool,
    multi_factor_auth_rules: {
      type: ['array', 'null'],
      items: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
      uniqueItems: true,
    },
    multi_factor_auth_enabled: nullableBool,
  },
  additionalProperties: false,
};
const federated = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      idp_id: { type: 'string' },
      protocols: {
        type: 'array',
        items: {
          type: 'object',
          properties: { protocol_id: { type: 'string' }, unique_id: { type: 'string' } },
          required: ['protocol_id', 'unique_id'],
        },
        minItems: 1,
      },
    },
    required: ['idp_id', 'protocols'],
  },
};
const userProperties = {
  default_project_id: nullableIdPattern,
  description: { type: ['string', 'null'] },
  domain_id: idPattern,
  enabled: booleanType,
  federated,
  name: identityName,
  password: { type: ['string', 'null'] },
  options: userOptionsSchema,
};
/** [keystone/identity/schema.py] user_create, user_update, password_change */
const userCreate = { type: 'object', properties: userProperties, required: ['name'] };
const userUpdate = { type: 'object', properties: userProperties, minProperties: 1 };
const passwordChange = {
  type: 'object',
  properties: { original_password: { type: 'string' }, password: { type: 'string' } },
  required: ['original_password', 'password'],
  additionalProperties: false,
};
// Keystone keeps a user's description with the extras (so it keeps its place among them).
const USER_COLS = ['default_project_id', 'domain_id', 'enabled', 'federated', 'name', 'password', 'options', 'id', 'links'] as const;

/** get_user's check string: admin, system reader, domain reader of the user's domain, or the user. */
export const canReadUser = (a: AuthContext, user: UserRow | undefined, userId: string) =>
  admin(a) || systemReader(a) || domainReaderOf(user?.domain_id)(a) || (!!user && a.userId === userId);

/** domain_id for a create: the body's, else the token's domain, else the default domain. */
export function normalizeDomainId(req: ApiRequest, given: unknown): string {
  if (typeof given === 'string' && given) return given;
  return req.auth?.domainId ?? DEFAULT_DOMAIN_ID;
}


export function userRoutes(api: IdentityApi): Route[] {
  const { b, tokens } = api;
  const findUser = (req: ApiRequest) => b.identity.findUser(req.params.user_id);

  /** Disabling or deleting a user removes its application credentials [keystone/application_credential/core.py]. */
  const dropAppCreds = (userId: string) => b.appCreds.deleteForUserProject(userId);

  return [
    route(api, 'POST', '/v3/users', rule('identity:create_user', admin), async (req) => {
      const u = member(req, 'user', userCreate);
      const { known, extra } = splitExtra(u, USER_COLS);
      const name = (known.name as string).trim();
      if (!name) throw new ApiError(400, "Invalid input for field 'name': '' is too short");
      const domainId = normalizeDomainId(req, known.domain_id);
      if (!b.resource.findDomain(domainId)) throw notFoundError('domain', domainId);
      const pw = known.password as string | null | undefined;
      const passwordHash = typeof pw === 'string' ? await b.hash(pw) : null;
      const options = known.options ? Object.fromEntries(Object.entries(known.options as object).filter(([, v]) => v !== null)) : {};
      const row = b.store.tx(() => b.identity.createUser({
        name, domainId, enabled: known.enabled as boolean | undefined,
        defaultProjectId: known.default_project_id as string | null | undefined, extra, options, passwordHash,
      }, b.now()));
      return created({ user: userView(row, req.baseUrl) });
    }),

    route(api, 'GET', '/v3/users', rule('identity:list_users', (a) => admin(a) || systemReader(a) || (!!a.domainId && a.roles.includes('reader'))), (req) => {
      let rows = filterBy(b.identity.listUsers(), req, {
        name: (u) => u.name, domain_id: (u) => u.domain_id, enabled: (u) => bool(u.enabled),
      });
      rows = inexactFilter(rows, req, { name: (u) => u.name });
      // No federation here: a federated filter matches nobody.
      if (['idp_id', 'protocol_id', 'unique_id'].some((k) => req.query[k] !== undefined)) rows = [];
      const a = req.auth!;
      if (a.domainId) rows = rows.filter((u) => u.domain_id === a.domainId);
      return list(req, 'users', rows.map((u) => userView(u, req.baseUrl)));
    }),

    route(api, 'GET', '/v3/users/:user_id', undefined, (req) => {
      const user = findUser(req);
      enforce('identity:get_user', canReadUser(req.auth!, user, req.params.user_id));
      if (!user) throw notFoundError('user', req.params.user_id);
      return ok({ user: userView(user, req.baseUrl) });
    }),

    route(api, 'PATCH', '/v3/users/:user_id', rule('identity:update_user', admin), async (req) => {
      const cur = b.identity.getUser(req.params.user_id);
      const u = member(req, 'user', userUpdate);
      requireMatchingId(u, cur.id);
      const { known, extra } = splitExtra(u, USER_COLS);
      if (known.domain_id !== undefined && known.domain_id !== cur.domain_id) throw new ApiError(400, 'Cannot change Domain ID');
      const pw = known.password as string | null | undefined;
      const passwordHash = typeof pw === 'string' ? await b.hash(pw) : pw === null ? null : undefined;
      const name = known.name === undefined ? undefined : (known.name as string).trim();
      if (name === '') throw new ApiError(400, "Invalid input for field 'name': '' is too short");
      const row = b.store.tx(() => {
        const r = b.identity.updateUser(cur.id, {
          name, enabled: known.enabled as boolean | undefined,
          defaultProjectId: known.default_project_id as string | null | undefined, extra,
          options: known.options as object | undefined, passwordHash,
        }, b.now());
        if (bool(cur.enabled) && known.enabled === false) dropAppCreds(cur.id);
        return r;
      });
      // Keystone persists a revocation event when a user is disabled or given a new password.
      if ((bool(cur.enabled) && known.enabled === false) || typeof pw === 'string') tokens.revokeUser(cur.id);
      return ok({ user: userView(row, req.baseUrl, { withExtra: true }) });
    }),

    route(api, 'DELETE', '/v3/users/:user_id', rule('identity:delete_user', admin), (req) => {
      const user = b.identity.getUser(req.params.user_id);
      b.store.tx(() => {
        b.assignment.removeActor(user.id);
        dropAppCreds(user.id);
        b.identity.deleteUser(user.id); // memberships go with it (ON DELETE CASCADE)
      });
      tokens.revokeUser(user.id);
      return noContent();
    }),

    // Self-service password change: unenforced, works without a token [UserChangePasswordResource].
    route(api, 'POST', '/v3/users/:user_id/password', undefined, async (req) => {
      const body = member<{ original_password: string; password: string }>(req, 'user', passwordChange);
      const user = findUser(req);
      const okPw = await b.passwords.verify(user?.id ?? '', body.original_password, user?.password_hash);
      // Wrong password, unknown user, disabled user: all the same generic 401.
      if (!user || !okPw || !bool(user.enabled)) throw unauthenticated();
      const passwordHash = await b.hash(body.password);
      b.store.tx(() => b.identity.updateUser(user.id, { passwordHash }, b.now()));
      b.passwords.forget(user.id);
      tokens.revokeUser(user.id);
      return noContent();
    }, { auth: 'optional' }),

    route(api, 'GET', '/v3/users/:user_id/groups', undefined, (req) => {
      const user = findUser(req);
      const a = req.auth!;
      enforce('identity:list_groups_for_user', canReadUser(a, user, req.params.user_id));
      if (!user) throw notFoundError('user', req.params.user_id);
      let rows = filterBy(b.identity.groupsOfUser(user.id), req, { name: (g) => g.name });
      if (a.domainId) rows = rows.filter((g) => g.domain_id === a.domainId);
      const view = (g: (typeof rows)[number]) => {
        const { links, ...rest } = groupView(g, req.baseUrl);
        return { ...rest, membership_expires_at: null, links };
      };
      return list(req, 'groups', rows.map(view));
    }),

    route(api, 'GET', '/v3/users/:user_id/projects', undefined, (req) => {
      const user = findUser(req);
      enforce('identity:list_user_projects', canReadUser(req.auth!, user, req.params.user_id));
      let rows = user
        ? b.resource.listProjects().filter((p) => tokens.effectiveRoles(user.id, { kind: 'project', id: p.id }).length > 0)
        : [];
      rows = filterBy(rows, req, { domain_id: (p) => p.domain_id, enabled: (p) => bool(p.enabled), name: (p) => p.name });
      return list(req, 'projects', rows.map((p) => projectView(p, req.baseUrl)));
    }),
  ];
}
