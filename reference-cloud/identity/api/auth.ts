/** /v3/auth: issue, validate and revoke tokens; the catalog, projects, domains and system of a token. */
import { ApiError } from '../../core/errors';
import { headerValue } from '../../core/http';
import { rule, admin, anyRole } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { bool } from '../models/json-columns';
import { domainView, projectView } from '../models/resource';
import { CLIENT_ERROR, unauthenticated } from '../errors';
import { type IdentityApi, ok, noContent, qflag, route, validate } from './helpers';

const domainRef = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' } },
};
const userRef = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, domain: domainRef, password: { type: 'string' } },
};
/** [keystone/auth/schema.py] */
const authSchema = {
  type: 'object',
  properties: {
    identity: {
      type: 'object',
      properties: {
        methods: { type: 'array', items: { type: 'string' }, minItems: 1 },
        password: { type: 'object', properties: { user: userRef } },
        token: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        application_credential: {
          type: 'object',
          properties: { id: { type: 'string' }, name: { type: 'string' }, secret: { type: 'string' }, user: userRef },
          required: ['secret'],
        },
      },
      required: ['methods'],
    },
    scope: {
      type: ['object', 'string'],
      properties: {
        project: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, domain: domainRef } },
        domain: domainRef,
        system: { type: 'object', properties: { all: { type: 'boolean' } } },
        'OS-TRUST:trust': { type: 'object' },
      },
    },
  },
  required: ['identity'],
};

const SUPPORTED = ['password', 'token', 'application_credential'];

export function authRoutes(api: IdentityApi): Route[] {
  const { tokens, b } = api;
  const subject = (req: ApiRequest) => {
    const t = headerValue(req.headers['x-subject-token']);
    if (!t) throw new ApiError(404, 'No token in the request');
    return t;
  };
  // identity:validate_token and revoke_token: admins, services, or the token's own user.
  const tokenSubjectOrAdmin = (name: string) => rule(name, () => true);
  const checkSubject = (req: ApiRequest, resolvedUserId: string) => {
    const a = req.auth!;
    if (!(admin(a) || anyRole('service')(a) || a.userId === resolvedUserId)) {
      throw new ApiError(403, `You are not authorized to perform the requested action: ${req.method === 'DELETE' ? 'identity:revoke_token' : 'identity:validate_token'}.`);
    }
  };
  // Keystone: an undecryptable token is 'Could not recognize Fernet token', any other
  // invalid one (expired, revoked, user or scope gone) 'Failed to validate token'.
  const resolveSubject = (req: ApiRequest, allowExpired = false) => {
    const t = subject(req);
    if (!b.keys.decode(t)) throw new ApiError(404, 'Could not recognize Fernet token');
    return tokens.resolve(t, { allowExpired, invalid: () => new ApiError(404, 'Failed to validate token') });
  };

  return [
    route(api, 'POST', '/v3/auth/tokens', undefined, async (req) => {
      const body = req.body;
      if (body === undefined || Buffer.isBuffer(body) || typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ApiError(400, `Expecting to find valid JSON in request body. ${CLIENT_ERROR}`);
      }
      const auth = (body as Record<string, unknown>).auth;
      if (auth === undefined) throw new ApiError(400, `Expecting to find auth in request body. ${CLIENT_ERROR}`);
      validate(auth, authSchema);
      const a = auth as Parameters<typeof tokens.issue>[0];
      for (const m of a.identity.methods) {
        if (!SUPPORTED.includes(m)) throw unauthenticated();
      }
      const { token, resolved } = await tokens.issue(a);
      return { status: 201, headers: { 'X-Subject-Token': token }, body: tokens.body(resolved, !qflag(req, 'nocatalog')) };
    }, { auth: 'none' }),

    route(api, 'GET', '/v3/auth/tokens', tokenSubjectOrAdmin('identity:validate_token'), (req) => {
      const r = resolveSubject(req, qflag(req, 'allow_expired'));
      checkSubject(req, r.user.id);
      return { status: 200, headers: { 'X-Subject-Token': subject(req) }, body: tokens.body(r, !qflag(req, 'nocatalog')) };
    }),
    route(api, 'HEAD', '/v3/auth/tokens', tokenSubjectOrAdmin('identity:check_token'), (req) => {
      const r = resolveSubject(req, qflag(req, 'allow_expired'));
      checkSubject(req, r.user.id);
      return { status: 200, headers: { 'X-Subject-Token': subject(req) } };
    }),
    route(api, 'DELETE', '/v3/auth/tokens', tokenSubjectOrAdmin('identity:revoke_token'), (req) => {
      const r = resolveSubject(req);
      checkSubject(req, r.user.id);
      tokens.revokeToken(r);
      return noContent();
    }),

    route(api, 'GET', '/v3/auth/catalog', undefined, (req) => {
      const r = tokens.resolve(req.auth!.token);
      if (r.payload.scope.kind === 'unscoped') throw new ApiError(403, 'A project-scoped token is required to produce a service catalog.');
      return ok({ catalog: tokens.catalog(r), links: { self: `${req.baseUrl}/v3/auth/catalog`, previous: null, next: null } });
    }),
    route(api, 'GET', '/v3/auth/projects', undefined, (req) => {
      const a = req.auth!;
      const projects = b.resource.listProjects().filter((p) => bool(p.enabled)
        && tokens.effectiveRoles(a.userId, { kind: 'project', id: p.id }).length > 0);
      return ok({ projects: projects.map((p) => projectView(p, req.baseUrl)), links: { self: `${req.baseUrl}/v3/auth/projects`, previous: null, next: null } });
    }),
    route(api, 'GET', '/v3/auth/domains', undefined, (req) => {
      const a = req.auth!;
      const domains = b.resource.listDomains().filter((d) => bool(d.enabled)
        && tokens.effectiveRoles(a.userId, { kind: 'domain', id: d.id }).length > 0);
      return ok({ domains: domains.map((d) => domainView(d, req.baseUrl)), links: { self: `${req.baseUrl}/v3/auth/domains`, previous: null, next: null } });
    }),
    route(api, 'GET', '/v3/auth/system', undefined, (req) => {
      const has = tokens.effectiveRoles(req.auth!.userId, { kind: 'system' }).length > 0;
      return ok({ system: has ? [{ all: true }] : [], links: { self: `${req.baseUrl}/v3/auth/system`, previous: null, next: null } });
    }),
  ];
}
