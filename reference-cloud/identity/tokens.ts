/**
 * The token service: authenticates a POST /v3/auth/tokens request (password, token and
 * application_credential methods; project, domain, system or no scope), issues the
 * self-contained token, validates tokens (expiry, revocation, the user and scope still
 * enabled, roles still held) and renders the token body Keystone returns.
 */
import { ApiError } from '../core/errors';
import { auditId } from '../core/ids';
import { isoMicros } from '../core/time';
import type { AuthContext, TokenValidator } from '../core/auth-context';
import type { IdentityBackend } from './backend';
import type { TokenPayload, Scope } from './token-format';
import { bool } from './models/json-columns';
import type { UserRow } from './models/identity';
import type { RoleRow } from './models/assignment';
import type { CatalogEntry } from './models/catalog';
import { CLIENT_ERROR, notFoundError, unauthenticated } from './errors';

export interface ResolvedToken {
  payload: TokenPayload;
  user: UserRow;
  userDomain: { id: string; name: string };
  project?: { id: string; name: string; domain: { id: string; name: string } };
  domain?: { id: string; name: string };
  roles: { id: string; name: string }[];
  appCred?: { id: string; name: string; restricted: boolean };
}

interface AuthRequestBody {
  identity: {
    methods: string[];
    password?: { user: { id?: string; name?: string; password: string; domain?: { id?: string; name?: string } } };
    token?: { id: string };
    application_credential?: { id?: string; name?: string; secret: string; user?: { id?: string; name?: string; domain?: { id?: string; name?: string } } };
  };
  scope?: 'unscoped' | {
    project?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
    domain?: { id?: string; name?: string };
    system?: { all?: boolean };
  };
}

const MAX_CACHE = 50_000;

export class TokenService implements TokenValidator {
  private cache = new Map<string, { gen: number; resolved: ResolvedToken }>();

  constructor(private readonly b: IdentityBackend) {}

  /** Validates a token and returns the caller's context (the core's TokenValidator). */
  async validate(token: string): Promise<AuthContext> {
    return toAuthContext(token, this.resolve(token));
  }

  /** Decodes and checks a token; throws 404 TokenNotFound-style errors via `invalid`. */
  resolve(token: string, opts: { allowExpired?: boolean; invalid?: () => ApiError } = {}): ResolvedToken {
    const invalid = opts.invalid ?? unauthenticated;
    const payload = this.b.keys.decode(token);
    if (!payload) throw invalid();
    const now = this.b.now().getTime();
    if (payload.expiresAt <= now && !opts.allowExpired) throw invalid();
    const hit = this.cache.get(token);
    if (hit && hit.gen === this.b.generation) return hit.resolved;
    const projectId = payload.scope.kind === 'project' ? payload.scope.id : undefined;
    if (this.b.revocations.isRevoked({ auditIds: payload.auditIds, userId: payload.userId, projectId, issuedAt: payload.issuedAt })) {
      throw invalid();
    }
    let resolved: ResolvedToken;
    try {
      resolved = this.resolveScope(payload);
    } catch (e) {
      if (e instanceof ApiError && e.status >= 500) throw e;
      throw invalid();
    }
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(token, { gen: this.b.generation, resolved });
    return resolved;
  }

  /** Loads who and what the payload names and checks they are all still valid. */
  private resolveScope(payload: TokenPayload): ResolvedToken {
    const user = this.b.identity.findUser(payload.userId);
    if (!user || !bool(user.enabled)) throw unauthenticated();
    const userDomain = this.b.resource.findDomain(user.domain_id);
    if (!userDomain || !bool(userDomain.enabled)) throw unauthenticated();
    let appCred: ResolvedToken['appCred'];
    let allowedRoles: Set<string> | undefined;
    if (payload.appCredId) {
      const ac = this.b.appCreds.find(payload.appCredId);
      if (!ac || ac.user_id !== user.id) throw unauthenticated();
      if (appCredExpired(ac, this.b.now())) throw unauthenticated();
      appCred = { id: ac.id, name: ac.name, restricted: !bool(ac.unrestricted) };
      allowedRoles = new Set(this.b.assignment.expand(this.b.appCreds.roleIds(ac.id)));
    }
    const out: ResolvedToken = { payload, user, userDomain: { id: userDomain.id, name: userDomain.name }, roles: [], appCred };
    const scope = payload.scope;
    if (scope.kind === 'unscoped') return out;
    const roles = this.effectiveRoles(user.id, scope).filter((r) => !allowedRoles || allowedRoles.has(r.id));
    if (roles.length === 0) throw unauthenticated();
    out.roles = roles.map((r) => ({ id: r.id, name: r.name }));
    if (scope.kind === 'project') {
      const p = this.b.resource.findProject(scope.id);
      if (!p || !bool(p.enabled)) throw unauthenticated();
      const d = this.b.resource.findDomain(p.domain_id);
      if (!d || !bool(d.enabled)) throw unauthenticated();
      out.project = { id: p.id, name: p.name, domain: { id: d.id, name: d.name } };
    } else if (scope.kind === 'domain') {
      const d = this.b.resource.findDomain(scope.id);
      if (!d || !bool(d.enabled)) throw unauthenticated();
      out.domain = { id: d.id, name: d.name };
    }
    return out;
  }

  /** Roles a user holds on a scope: direct, through groups, inherited, then implied. */
  effectiveRoles(userId: string, scope: Scope): RoleRow[] {
    const actors = [userId, ...this.b.identity.groupIdsOfUser(userId)];
    const a = this.b.assignment;
    let ids: string[] = [];
    if (scope.kind === 'project') {
      const p = this.b.resource.findProject(scope.id);
      if (!p) return [];
      ids.push(...a.onTarget(p.id, actors).filter((r) => !r.inherited).map((r) => r.role_id));
      ids.push(...a.onTarget(p.domain_id, actors).filter((r) => r.inherited).map((r) => r.role_id));
      for (const anc of this.b.resource.ancestors(p)) {
        ids.push(...a.onTarget(anc.id, actors).filter((r) => r.inherited).map((r) => r.role_id));
      }
    } else if (scope.kind === 'domain') {
      ids = a.onTarget(scope.id, actors).filter((r) => !r.inherited && r.type.endsWith('Domain')).map((r) => r.role_id);
    } else if (scope.kind === 'system') {
      ids = a.onTarget('system', actors).filter((r) => r.type.endsWith('System')).map((r) => r.role_id);
    }
    return a.expand([...new Set(ids)]).map((id) => a.findRole(id)).filter((r): r is RoleRow => !!r)
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  /** Authenticates a POST /v3/auth/tokens body (already schema-checked) and issues a token. */
  async issue(body: AuthRequestBody): Promise<{ token: string; resolved: ResolvedToken }> {
    const methods = body.identity.methods;
    const now = this.b.now().getTime();
    let userId: string;
    let expiresAt = now + this.b.config.tokenExpiration * 1000;
    let audit = [auditId()];
    let appCredId: string | undefined;
    let scope: Scope | undefined;
    let methodNames = [...new Set(methods)];

    if (methods.includes('application_credential')) {
      const ac = await this.authenticateAppCred(body.identity.application_credential);
      userId = ac.user_id;
      appCredId = ac.id;
      const acExpiry = appCredExpiresAt(ac);
      if (acExpiry !== undefined) expiresAt = Math.min(expiresAt, acExpiry);
      if (body.scope && body.scope !== 'unscoped') {
        throw unauthenticated();
      }
      scope = ac.project_id ? { kind: 'project', id: ac.project_id } : ac.system ? { kind: 'system' } : { kind: 'unscoped' };
    } else if (methods.includes('password')) {
      userId = await this.authenticatePassword(body.identity.password);
    } else if (methods.includes('token')) {
      const original = body.identity.token?.id ?? '';
      const prior = this.resolve(original, { invalid: () => unauthenticated() });
      if (prior.appCred) throw new ApiError(403, 'You are not authorized to perform the requested action: rescoping an application credential token is not allowed.');
      userId = prior.user.id;
      expiresAt = prior.payload.expiresAt;
      audit = [auditId(), prior.payload.auditIds[prior.payload.auditIds.length - 1]];
      methodNames = [...new Set([...prior.payload.methods, 'token'])];
      if (!body.scope && prior.payload.scope.kind !== 'unscoped') scope = prior.payload.scope;
    } else {
      throw unauthenticated();
    }

    const user = this.b.identity.getUser(userId);
    if (!scope) scope = this.scopeFrom(body.scope, user);
    const payload: TokenPayload = { userId, methods: methodNames, scope, issuedAt: now, expiresAt, auditIds: audit, appCredId };
    const token = this.b.keys.encode(payload);
    // resolve() checks the new token like any other: no role on the scope is Keystone's generic
    // 401 (auth-password-project-no-role, -domain-no-role, -system-no-role).
    return { token, resolved: this.resolve(token) };
  }

  private async authenticatePassword(pw: AuthRequestBody['identity']['password']): Promise<string> {
    if (!pw?.user) throw new ApiError(400, "Invalid input for field 'identity/password/user': 'user' is a required property");
    const u = pw.user;
    let user: UserRow | undefined;
    if (u.id) user = this.b.identity.findUser(u.id);
    else if (u.name) {
      if (!u.domain || (!u.domain.id && !u.domain.name)) {
        throw new ApiError(400, `Expecting to find domain in user. ${CLIENT_ERROR}`);
      }
      const domain = u.domain.id ? this.b.resource.findDomain(u.domain.id) : this.b.resource.findDomainByName(u.domain.name!);
      if (domain) user = this.b.identity.findUserByName(domain.id, u.name);
    } else {
      throw new ApiError(400, `Expecting to find id or name in user. ${CLIENT_ERROR}`);
    }
    const ok = await this.b.passwords.verify(user?.id ?? '', u.password, user?.password_hash);
    if (!user || !ok) throw unauthenticated();
    this.assertUserActive(user);
    return user.id;
  }

  private async authenticateAppCred(ac: AuthRequestBody['identity']['application_credential']) {
    if (!ac) throw new ApiError(400, "Invalid input for field 'identity/application_credential': 'application_credential' is a required property");
    let row;
    if (ac.id) {
      // Keystone answers an unknown (or deleted) id with ApplicationCredentialNotFound (auth-appcred-unknown-id).
      row = this.b.appCreds.find(ac.id);
      if (!row) throw notFoundError('Application Credential', ac.id);
    } else if (ac.name && !ac.user) {
      throw new ApiError(400, `Expecting to find user in application credential. ${CLIENT_ERROR}`);
    } else if (ac.name && ac.user) {
      let userId = ac.user.id;
      if (!userId && ac.user.name) {
        const d = ac.user.domain?.id ? this.b.resource.findDomain(ac.user.domain.id) : ac.user.domain?.name ? this.b.resource.findDomainByName(ac.user.domain.name) : undefined;
        userId = d ? this.b.identity.findUserByName(d.id, ac.user.name)?.id : undefined;
      }
      row = userId ? this.b.appCreds.findByName(userId, ac.name) : undefined;
    } else {
      throw new ApiError(400, 'Could not find application credential: an id, or a name and a user, is required.');
    }
    const ok = await this.b.passwords.verify(row ? `appcred:${row.id}` : '', ac.secret, row?.secret_hash);
    if (!row || !ok) throw unauthenticated();
    if (appCredExpired(row, this.b.now())) throw unauthenticated();
    this.assertUserActive(this.b.identity.getUser(row.user_id));
    return row;
  }

  private assertUserActive(user: UserRow): void {
    const d = this.b.resource.findDomain(user.domain_id);
    if (!bool(user.enabled) || !d || !bool(d.enabled)) throw unauthenticated();
  }

  private scopeFrom(s: AuthRequestBody['scope'], user: UserRow): Scope {
    if (s === 'unscoped') return { kind: 'unscoped' };
    if (!s) {
      // Keystone scopes to the default project when the user has a role there.
      if (user.default_project_id && this.b.resource.findProject(user.default_project_id)
        && this.effectiveRoles(user.id, { kind: 'project', id: user.default_project_id }).length > 0) {
        return { kind: 'project', id: user.default_project_id };
      }
      return { kind: 'unscoped' };
    }
    const kinds = ['project', 'domain', 'system'].filter((k) => (s as Record<string, unknown>)[k] !== undefined);
    if (kinds.length > 1) {
      throw new ApiError(400, 'Specifying more than one of project, domain or system as the scope is not allowed.');
    }
    if (s.system) {
      if (s.system.all !== true) throw new ApiError(400, "Invalid input for field 'scope/system/all': only {\"all\": true} is supported");
      return { kind: 'system' };
    }
    if (s.domain) {
      const d = s.domain.id ? this.b.resource.findDomain(s.domain.id) : s.domain.name ? this.b.resource.findDomainByName(s.domain.name) : undefined;
      if (!d) throw new ApiError(401, `Could not find domain: ${s.domain.id ?? s.domain.name}.`);
      if (!bool(d.enabled)) throw new ApiError(401, `Domain is disabled: ${d.id}.`);
      return { kind: 'domain', id: d.id };
    }
    if (s.project) {
      let p;
      if (s.project.id) p = this.b.resource.findProject(s.project.id);
      else if (s.project.name) {
        if (!s.project.domain || (!s.project.domain.id && !s.project.domain.name)) {
          throw new ApiError(400, `Expecting to find domain in project. ${CLIENT_ERROR}`);
        }
        const d = s.project.domain.id ? this.b.resource.findDomain(s.project.domain.id) : this.b.resource.findDomainByName(s.project.domain.name!);
        p = d ? this.b.resource.findProjectByName(d.id, s.project.name) : undefined;
      } else {
        throw new ApiError(400, `Expecting to find id or name in project. ${CLIENT_ERROR}`);
      }
      if (!p) throw new ApiError(401, `Could not find project: ${s.project.id ?? s.project.name}.`);
      if (!bool(p.enabled)) throw new ApiError(401, `Project is disabled: ${p.id}.`);
      const d = this.b.resource.findDomain(p.domain_id);
      if (!d || !bool(d.enabled)) throw new ApiError(401, `Domain is disabled: ${p.domain_id}.`);
      return { kind: 'project', id: p.id };
    }
    return { kind: 'unscoped' };
  }

  /** Revokes one token (DELETE /v3/auth/tokens): its audit id becomes invalid. */
  revokeToken(r: ResolvedToken): void {
    this.b.revocations.revoke({ auditId: r.payload.auditIds[0], issuedBefore: this.b.now().getTime() }, this.b.now());
    this.b.changed();
  }

  /** Revokes every token of a user (password change, disable, delete). */
  revokeUser(userId: string): void {
    this.b.revocations.revoke({ userId, issuedBefore: this.b.now().getTime() }, this.b.now());
    this.b.changed();
  }

  revokeProject(projectId: string): void {
    this.b.revocations.revoke({ projectId, issuedBefore: this.b.now().getTime() }, this.b.now());
    this.b.changed();
  }

  /** The body Keystone answers with for an issued or validated token. */
  body(r: ResolvedToken, withCatalog: boolean): { token: Record<string, unknown> } {
    const p = r.payload;
    const token: Record<string, unknown> = {
      methods: p.methods,
      user: {
        domain: r.userDomain,
        id: r.user.id,
        name: r.user.name,
        password_expires_at: r.user.password_expires_at ? `${r.user.password_expires_at}` : null,
      },
      audit_ids: p.auditIds,
      expires_at: isoMicros(new Date(p.expiresAt)),
      issued_at: isoMicros(new Date(p.issuedAt)),
    };
    if (r.project) {
      token.project = r.project;
      token.is_domain = false;
    } else if (r.domain) {
      token.domain = r.domain;
    } else if (p.scope.kind === 'system') {
      token.system = { all: true };
    }
    if (p.scope.kind !== 'unscoped') {
      token.roles = r.roles;
      if (withCatalog) token.catalog = this.catalog(r);
    }
    if (r.appCred) token.application_credential = r.appCred;
    return { token };
  }

  catalog(r: ResolvedToken): CatalogEntry[] {
    if (r.payload.scope.kind === 'unscoped') return [];
    return this.b.catalog.catalogFor(r.project?.id, r.user.id);
  }
}

export function toAuthContext(token: string, r: ResolvedToken): AuthContext {
  return {
    token,
    userId: r.user.id,
    userName: r.user.name,
    userDomainId: r.userDomain.id,
    userDomainName: r.userDomain.name,
    projectId: r.project?.id,
    projectName: r.project?.name,
    projectDomainId: r.project?.domain.id,
    projectDomainName: r.project?.domain.name,
    domainId: r.domain?.id,
    domainName: r.domain?.name,
    system: r.payload.scope.kind === 'system',
    roles: r.roles.map((x) => x.name),
    roleIds: r.roles.map((x) => x.id),
    methods: r.payload.methods,
    auditIds: r.payload.auditIds,
    issuedAt: new Date(r.payload.issuedAt),
    expiresAt: new Date(r.payload.expiresAt),
    applicationCredential: r.appCred,
  };
}

/** An application credential's expiry in ms (stored like Keystone, without a zone: UTC). */
function appCredExpiresAt(ac: { expires_at: string | null }): number | undefined {
  if (!ac.expires_at) return undefined;
  return Date.parse(ac.expires_at.endsWith('Z') ? ac.expires_at : `${ac.expires_at}Z`);
}

function appCredExpired(ac: { expires_at: string | null }, now: Date): boolean {
  const at = appCredExpiresAt(ac);
  return at !== undefined && at <= now.getTime();
}
