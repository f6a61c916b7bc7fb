/**
 * A token scoped to a project, for the admin user: what an operator of the project's Swift
 * account holds. keystoneauth lets only an operator role ON THAT PROJECT (admin or member; or
 * ResellerAdmin) change an account, so when the admin holds none there, it is granted the member
 * role first: ledgered before the grant is made (in the ledger of the entry that needs it) and
 * revoked when the access is closed, so that a crash in between leaves the grant for the next
 * cleanup to revoke. Only grants made here are ever revoked.
 */
import { randomUUID } from 'node:crypto';
import { Session } from '../client/session';
import type { Token } from '../client/token';
import type { Target, TargetAuth } from '../config/target';
import { objectStoreAccountUrl } from '../capabilities/object-store';
import type { RequestingSession } from './cleanup';
import { appendRecord } from './ledger';
import type { LedgerEntry } from './ledger-records';
import { AccountClient } from './swift-account-client';

/** keystoneauth's operator roles (the lab's and the reference cloud's `operator_roles`). */
export const OPERATOR_ROLES = ['admin', 'member'];
/** The role cleanup grants itself when it holds none of them. */
const GRANTED_ROLE = 'member';

export interface AccessOptions {
  /** Ledger the temporary grant in the entry's file (never in a dry run). */
  record: boolean;
  log: (line: string) => void;
}

/** A session that can take tokens with other scopes: the admin's (Session is one). */
export interface ScopingSession extends RequestingSession {
  readonly target: Target;
  readonly token?: Token;
  authenticate(): Promise<Token>;
}

export function canScope(s: RequestingSession): s is ScopingSession {
  const c = s as Partial<ScopingSession>;
  return typeof c.target === 'object' && c.target !== null && typeof c.authenticate === 'function';
}

async function currentToken(s: ScopingSession): Promise<Token> {
  const t = s.token;
  return t && t.expiresAt.getTime() - Date.now() > 60_000 ? t : s.authenticate();
}

/** True when the user holds an operator role on the project (directly, by group, inherited or implied). */
async function hasOperatorRole(admin: ScopingSession, userId: string, projectId: string): Promise<boolean> {
  const path = `/v3/role_assignments?user.id=${encodeURIComponent(userId)}&scope.project.id=${encodeURIComponent(projectId)}&effective&include_names`;
  const ex = await admin.request({ service: 'identity', method: 'GET', path });
  if (ex.response.status !== 200) throw new Error(`GET ${path} answered ${ex.response.status}`);
  const list = (ex.response.json as { role_assignments?: { role?: { name?: unknown } }[] } | undefined)?.role_assignments ?? [];
  return list.some((a) => typeof a.role?.name === 'string' && OPERATOR_ROLES.includes(a.role.name.toLowerCase()));
}

interface Grant {
  path: string;
  entryId?: string;
  file: string;
}

function now(): string {
  return new Date().toISOString();
}

/** Grants the admin user the member role on the project, ledgered first. */
async function grantMember(admin: ScopingSession, userId: string, e: LedgerEntry, opts: AccessOptions): Promise<Grant> {
  const projectId = e.projectId!;
  const roles = await admin.request({ service: 'identity', method: 'GET', path: `/v3/roles?name=${GRANTED_ROLE}` });
  const roleId = (roles.response.json as { roles?: { id?: unknown; name?: unknown }[] } | undefined)?.roles
    ?.find((r) => typeof r.name === 'string' && r.name.toLowerCase() === GRANTED_ROLE)?.id;
  if (roles.response.status !== 200 || typeof roleId !== 'string') {
    throw new Error(`the cloud has no "${GRANTED_ROLE}" role to grant (GET /v3/roles?name=${GRANTED_ROLE} answered ${roles.response.status})`);
  }
  const path = `/v3/projects/${encodeURIComponent(projectId)}/users/${encodeURIComponent(userId)}/roles/${encodeURIComponent(roleId)}`;
  const grant: Grant = { path, file: e.file };
  if (opts.record) {
    grant.entryId = randomUUID();
    appendRecord(e.file, {
      op: 'intent', entryId: grant.entryId, at: now(), seq: 0, runId: e.runId, worker: e.worker,
      service: 'identity', kind: 'role-assignment', name: `${GRANTED_ROLE} for the cleanup of project ${projectId}`, deletePath: path,
    });
  }
  const put = await admin.request({ service: 'identity', method: 'PUT', path });
  if (put.response.status < 200 || put.response.status >= 300) {
    if (grant.entryId) appendRecord(e.file, { op: 'deleted', entryId: grant.entryId, at: now(), how: 'gone' });
    throw new Error(put.response.status === 404
      ? `Keystone answered 404 to granting the admin "${GRANTED_ROLE}" on project ${projectId}: the project is gone, and no token can reach its account any more`
      : `granting the admin "${GRANTED_ROLE}" on project ${projectId} answered ${put.response.status}`);
  }
  if (grant.entryId) appendRecord(e.file, { op: 'created', entryId: grant.entryId, at: now(), id: roleId, deletePath: path });
  opts.log(`granted the admin "${GRANTED_ROLE}" on project ${projectId} for the cleanup`);
  return grant;
}

async function revokeGrant(admin: ScopingSession, grant: Grant, opts: AccessOptions): Promise<void> {
  try {
    const status = (await admin.request({ service: 'identity', method: 'DELETE', path: grant.path })).response.status;
    if (status !== 404 && (status < 200 || status >= 300)) throw new Error(`DELETE ${grant.path} answered ${status}`);
    if (grant.entryId) appendRecord(grant.file, { op: 'deleted', entryId: grant.entryId, at: now(), how: status === 404 ? 'gone' : 'deleted' });
    opts.log(`revoked the temporary grant ${grant.path}`);
  } catch (err) {
    opts.log(`could not revoke the temporary grant ${grant.path}: ${(err as Error).message}${grant.entryId ? '; it stays in the ledger for the next cleanup' : ''}`);
  }
}

/** The admin's target with its scope replaced by the project. */
function scopedTarget(target: Target, projectId: string): Target {
  const { projectName: _pn, projectDomainId: _pdi, projectDomainName: _pdn, domainId: _di, domainName: _dn, systemScope: _ss, ...rest } = target.auth;
  const auth: TargetAuth = { ...rest, projectId };
  return { ...target, name: `${target.name}-cleanup-${projectId}`, auth };
}

/** The Swift account in a project-scoped token's catalog; refused unless it is that project's. */
function accountOf(scoped: Session, projectId: string): string {
  const account = objectStoreAccountUrl(scoped.endpointFor('object-store')).replace(/\/+$/, '');
  let last = account.slice(account.lastIndexOf('/') + 1);
  try {
    last = decodeURIComponent(last);
  } catch {
    /* compared as it is */
  }
  if (!last.endsWith(projectId)) {
    throw new Error(`a token scoped to project ${projectId} names the account ${account}, which is not that project's; nothing was deleted`);
  }
  return account;
}

/** A token scoped to one project, the client of its account, and the grant made for it (if any). */
export interface ProjectAccess {
  projectId: string;
  account: AccountClient;
  close(): Promise<void>;
}

export async function openAccess(admin: ScopingSession, e: LedgerEntry, opts: AccessOptions): Promise<ProjectAccess> {
  const projectId = e.projectId!;
  const userId = (await currentToken(admin)).body.user?.id;
  if (!userId) throw new Error('the admin token names no user to scope a token for');
  const grant = (await hasOperatorRole(admin, userId, projectId)) ? undefined : await grantMember(admin, userId, e, opts);
  const scoped = new Session(scopedTarget(admin.target, projectId));
  let tokenId: string | undefined;
  let account: AccountClient | undefined;
  const close = async () => {
    await account?.close();
    await scoped.close();
    if (tokenId) {
      const headers = { 'X-Subject-Token': tokenId };
      await admin.request({ service: 'identity', method: 'DELETE', path: '/v3/auth/tokens', headers }).catch(() => undefined);
    }
    if (grant) await revokeGrant(admin, grant, opts);
  };
  try {
    try {
      tokenId = (await scoped.authenticate()).id;
    } catch (err) {
      throw new Error(`no token scoped to project ${projectId}: ${(err as Error).message}`);
    }
    account = new AccountClient(accountOf(scoped, projectId), tokenId, admin.target, async () => (tokenId = (await scoped.authenticate()).id));
    return { projectId, account, close };
  } catch (err) {
    await close();
    throw err;
  }
}
