/**
 * authtoken (delay_auth_decision) + keystoneauth, as swift/common/middleware/keystoneauth.py
 * decides: a valid X-Auth-Token (or X-Storage-Token) makes the request an identity's, anything
 * else an anonymous one; `req.authorize` is then called by the proxy with the container's ACLs.
 * Owners (an operator role on the account's project, reseller prefix AUTH_) may do anything but
 * delete their account; ResellerAdmin anything; others only what a container ACL grants; an
 * anonymous caller what a referrer ACL grants. Refusals are 403 for an identity, 401 (with
 * Swift's and Keystone's challenges) for anonymous callers. A request a middleware above
 * authorized itself (`authorizeOverride`: temp URLs) passes without `authorize`.
 */
import type { AuthContext } from '../../core/auth-context';
import type { ContainerAcls, Middleware, SwiftContext, SwiftRequest, SwiftResponse } from '../context';
import { parseAcl, referrerAllowed } from '../proxy/acl';
import { swobPage } from '../responses';

const DOMAIN_SYSMETA = 'X-Account-Sysmeta-Project-Domain-Id';
const DEFAULT_DOMAIN = 'default';

export function keystoneauth(ctx: SwiftContext): Middleware {
  const s = ctx.settings;
  const operatorRoles = s.operatorRoles.map((r) => r.toLowerCase());
  const readerRoles = s.projectReaderRoles.map((r) => r.toLowerCase());
  const resellerAdmin = s.resellerAdminRole.toLowerCase();
  const prefix = s.resellerPrefix;

  const denied = (req: SwiftRequest): SwiftResponse => {
    if (req.auth) return swobPage(403);
    return swobPage(401, { 'Www-Authenticate': `Swift realm="${realm(req)}"` });
  };

  /** Access that needs no confirmed identity: referrer ACLs. undefined: no decision. */
  const unconfirmed = (req: SwiftRequest, referrers: string[], groups: string[]): boolean | undefined => {
    if (referrerAllowed(req.headers.referer, referrers)) return !!req.parts?.object || groups.includes('.rlistings');
    return undefined;
  };

  const namesAllowed = (req: SwiftRequest, auth: AuthContext): boolean => {
    if (auth.userDomainId && auth.userDomainId !== DEFAULT_DOMAIN) return false;
    if (auth.projectDomainId && auth.projectDomainId !== DEFAULT_DOMAIN) return false;
    const account = req.parts!.account;
    if (account === `${prefix}${auth.projectId}`) return true;
    const info = ctx.info.account(account);
    const domain = info?.sysmeta['project-domain-id'];
    return !!info && (domain === undefined || domain === DEFAULT_DOMAIN);
  };

  const authorizeIdentity = (auth: AuthContext, req: SwiftRequest, acls: ContainerAcls | undefined): SwiftResponse | undefined => {
    req.owner = false;
    if (req.method === 'OPTIONS') return undefined;
    const parts = req.parts;
    if (!parts) return swobPage(404);
    const { referrers, groups } = parseAcl(aclFor(req, acls));
    const roles = auth.roles.map((r) => r.toLowerCase());
    if (roles.includes(resellerAdmin)) {
      req.owner = true;
      return undefined;
    }
    if (parts.container === undefined && req.method === 'DELETE') return denied(req);
    if (groups.length) {
      const allowNames = namesAllowed(req, auth);
      const projects = [auth.projectId, '*', ...(allowNames ? [auth.projectName] : [])];
      const users = [auth.userId, '*', ...(allowNames ? [auth.userName] : [])];
      for (const p of projects) for (const u of users) if (groups.includes(`${p}:${u}`)) return undefined;
    }
    const byReferrer = unconfirmed(req, referrers, groups);
    if (byReferrer) return undefined;
    if (!auth.projectId || parts.account !== `${prefix}${auth.projectId}`) return denied(req);
    if (operatorRoles.some((r) => roles.includes(r))) {
      req.owner = true;
      return undefined;
    }
    if (readerRoles.some((r) => roles.includes(r)) && (req.method === 'GET' || req.method === 'HEAD')) return undefined;
    if (byReferrer !== undefined) return denied(req);
    const lowerGroups = groups.map((g) => g.toLowerCase());
    if (roles.some((r) => lowerGroups.includes(r))) return undefined;
    return denied(req);
  };

  const authorizeAnonymous = (req: SwiftRequest, acls: ContainerAcls | undefined): SwiftResponse | undefined => {
    req.owner = false;
    const parts = req.parts;
    if (!parts) return swobPage(404);
    if (req.method === 'OPTIONS') return undefined;
    if (!parts.account.startsWith(prefix)) return denied(req);
    const { referrers, groups } = parseAcl(aclFor(req, acls));
    return unconfirmed(req, referrers, groups) ? undefined : denied(req);
  };

  return {
    name: 'keystoneauth',
    wrap: (next) => async (req) => {
      const token = req.headers['x-auth-token'] || req.headers['x-storage-token'];
      let auth: AuthContext | undefined;
      if (token) {
        try {
          auth = await ctx.tokens.validate(token);
        } catch (e) {
          if ((e as { status?: number }).status !== 401 && (e as { status?: number }).status !== 404) throw e;
          auth = undefined;
        }
      }
      if (!req.authorizeOverride) {
        req.auth = auth;
        req.authorize = auth ? (r, acls) => authorizeIdentity(auth, r, acls) : authorizeAnonymous;
        if (auth && req.parts && needsDomainSysmeta(req) && auth.projectId && req.parts.account === `${prefix}${auth.projectId}`) {
          // keystoneauth records the project's domain on the account it creates.
          req.headers[DOMAIN_SYSMETA.toLowerCase()] = auth.projectDomainId ?? DEFAULT_DOMAIN;
        }
      }
      const res = await next(req);
      const domain = Object.entries(res.headers).find(([k]) => k.toLowerCase() === DOMAIN_SYSMETA.toLowerCase());
      if (domain) res.headers['x-account-project-domain-id'] = domain[1];
      if (res.status === 401) res.headers['WWW-Authenticate'] = `Keystone uri="${ctx.identityUri()}"`;
      return res;
    },
  };
}

/** The ACL a request is judged by: reads of objects and listings by the read ACL, object writes by the write ACL. */
function aclFor(req: SwiftRequest, acls: ContainerAcls | undefined): string | undefined {
  if (!acls || !req.parts?.container) return undefined;
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (req.parts.object === undefined) return read ? acls.read : undefined;
  return read ? acls.read : acls.write;
}

/** Account PUT/POST and container PUT may create the account: keystoneauth's _set_project_domain_id. */
function needsDomainSysmeta(req: SwiftRequest): boolean {
  const p = req.parts!;
  if (p.object !== undefined) return false;
  if (p.container !== undefined) return req.method === 'PUT';
  return req.method === 'PUT' || req.method === 'POST';
}

function realm(req: SwiftRequest): string {
  return req.parts?.account ?? 'unknown';
}
