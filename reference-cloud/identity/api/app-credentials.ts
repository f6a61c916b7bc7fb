/**
 * /v3/users/{user_id}/application_credentials [keystone/api/users.py UserAppCred*Resource,
 * keystone/application_credential/{core,schema}.py]. The secret is generated unless given,
 * stored only as a hash, and shown once: in the create response.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../core/errors';
import type { AuthContext } from '../../core/auth-context';
import { admin, systemReader } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { keystoneDate } from '../../core/time';
import { appCredView, type AppCredRow } from '../models/app-credentials';
import { roleView, type RoleRow } from '../models/assignment';
import { hexId } from '../../core/ids';
import { CLIENT_ERROR, notFoundError } from '../errors';
import { type IdentityApi, booleanType, created, denied, enforce, filterBy, idPattern, list, member, noContent, ok, route } from './helpers';

/** [keystone/application_credential/schema.py] application_credential_create */
const appCredCreate = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' },
    description: { type: ['string', 'null'] },
    secret: { type: ['null', 'string'] },
    expires_at: { type: ['null', 'string'] },
    roles: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: idPattern, name: { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' } },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
    },
    unrestricted: booleanType,
    access_rules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', minLength: 0, maxLength: 225, pattern: '^\\/.*' },
          method: { type: 'string', pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' },
          service: idPattern,
          id: idPattern,
        },
        additionalProperties: false,
      },
    },
  },
  required: ['name'],
};


/** Keystone's _generate_secret: 64 random bytes, urlsafe base64 without padding (86 characters). */
export const generateSecret = (): string => randomBytes(64).toString('base64url');

/** utils.parse_expiration_date: ISO 8601, UTC when no zone is given, not in the past. */
function parseExpiration(value: string, now: Date): string {
  const s = /[zZ]$|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([zZ]|[+-]\d\d:?\d\d)$/.test(s);
  const t = ok ? Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN;
  if (Number.isNaN(t)) throw new ApiError(400, `Timestamp not in expected format. ${CLIENT_ERROR}`);
  if (t < now.getTime()) throw new ApiError(400, `The 'expires_at' must not be before now. ${CLIENT_ERROR}`);
  return keystoneDate(new Date(t));
}

/** A restricted application credential may not manage application credentials. */
function assertUnrestricted(a: AuthContext): void {
  if (a.methods.includes('application_credential') && a.applicationCredential?.restricted !== false) {
    throw denied("Using method 'application_credential' is not allowed for managing additional application credentials.");
  }
}

export function appCredentialRoutes(api: IdentityApi): Route[] {
  const { b } = api;
  const view = (ac: AppCredRow, base: string, secret?: string) => {
    const roles = b.appCreds.roleIds(ac.id).map((id) => b.assignment.findRole(id)).filter((r): r is RoleRow => !!r)
      .map((r) => {
        const v = roleView(r, base);
        return { id: v.id, name: v.name, domain_id: v.domain_id, description: v.description, options: v.options };
      });
    return appCredView(ac, roles, base, secret);
  };
  /** _update_request_user_id_attribute: ownership comes from the credential, not the path. */
  const lookup = (req: ApiRequest) => {
    const ac = b.appCreds.find(req.params.application_credential_id);
    return { ac, ownerId: ac?.user_id ?? req.params.user_id };
  };

  return [
    route(api, 'GET', '/v3/users/:user_id/application_credentials', undefined, (req) => {
      const a = req.auth!;
      enforce('identity:list_application_credentials', admin(a) || systemReader(a) || a.userId === req.params.user_id);
      const rows = filterBy(b.appCreds.listForUser(req.params.user_id), req, { name: (x) => x.name });
      return list(req, 'application_credentials', rows.map((x) => view(x, req.baseUrl)));
    }),

    route(api, 'POST', '/v3/users/:user_id/application_credentials', undefined, async (req) => {
      const a = req.auth!;
      enforce('identity:create_application_credential', a.userId === req.params.user_id);
      const body = member(req, 'application_credential', appCredCreate);
      assertUnrestricted(a);
      const userId = req.params.user_id;
      // Roles: those asked for (by id or unique name) must all be in the token; default all of the token's.
      let roles: RoleRow[];
      const asked = body.roles as { id?: string; name?: string }[] | undefined;
      if (asked && asked.length > 0) {
        roles = asked.map((r) => {
          if (r.id) return b.assignment.findRole(r.id) ?? ({ id: r.id, name: '', domain_id: '<<null>>' } as RoleRow);
          const found = b.assignment.listRoles().filter((x) => x.name === r.name);
          if (found.length === 0) throw notFoundError('role', r.name!);
          if (found.length > 1) {
            throw new ApiError(400, `There are multiple role entities named '${r.name}'. Please use ID instead of names to resolve the ambiguity.`);
          }
          return found[0];
        });
        for (const r of roles) {
          if (!a.roleIds.includes(r.id)) {
            throw new ApiError(400, 'Invalid application credential: Cannot create an application credential with unassigned role');
          }
        }
      } else {
        roles = a.roleIds.map((id) => b.assignment.findRole(id)).filter((r): r is RoleRow => !!r);
      }
      const expiresAt = typeof body.expires_at === 'string' && body.expires_at ? parseExpiration(body.expires_at, b.now()) : null;
      const secret = typeof body.secret === 'string' && body.secret ? body.secret : generateSecret();
      const secretHash = await b.hash(secret);
      const row = b.store.tx(() => b.appCreds.create({
        name: body.name as string, secretHash, description: body.description as string | null | undefined, userId,
        projectId: a.projectId ?? null, system: a.system ? 'all' : null, expiresAt,
        unrestricted: typeof body.unrestricted === 'boolean' ? body.unrestricted : null,
        roleIds: [...new Set(roles.map((r) => r.id))], createdAt: keystoneDate(b.now()),
        accessRules: ((body.access_rules ?? []) as Record<string, string>[]).map((r) => ({
          id: r.id ?? hexId(), service: r.service, path: r.path, method: r.method,
        })),
      }));
      return created({ application_credential: view(row, req.baseUrl, secret) });
    }),

    route(api, 'GET', '/v3/users/:user_id/application_credentials/:application_credential_id', undefined, (req) => {
      const a = req.auth!;
      const { ac, ownerId } = lookup(req);
      enforce('identity:get_application_credential', admin(a) || systemReader(a) || a.userId === ownerId);
      if (!ac) throw notFoundError('Application Credential', req.params.application_credential_id);
      return ok({ application_credential: view(ac, req.baseUrl) });
    }),

    route(api, 'DELETE', '/v3/users/:user_id/application_credentials/:application_credential_id', undefined, (req) => {
      const a = req.auth!;
      const { ac, ownerId } = lookup(req);
      enforce('identity:delete_application_credential', admin(a) || a.userId === ownerId);
      assertUnrestricted(a);
      if (!ac) throw notFoundError('Application Credential', req.params.application_credential_id);
      b.store.tx(() => b.appCreds.delete(ac.id));
      return noContent();
    }),
  ];
}
