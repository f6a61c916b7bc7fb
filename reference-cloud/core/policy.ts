/**
 * Policy helpers shared by services. Roles are expanded at token issue time through implied
 * roles, so "admin implies member implies reader" is a plain membership test here.
 */
import type { AuthContext } from './auth-context';
import type { ApiRequest, Policy } from './service';

export const rule = (name: string, check: Policy['check']): Policy => ({ rule: name, check });

export const anyRole = (...roles: string[]) => (auth: AuthContext) => roles.some((r) => auth.roles.includes(r));

export const admin = (auth: AuthContext) => auth.roles.includes('admin');
export const systemReader = (auth: AuthContext) => !!auth.system && auth.roles.includes('reader');
export const domainReaderOf = (domainId: string | undefined) => (auth: AuthContext) =>
  !!domainId && auth.domainId === domainId && auth.roles.includes('reader');
export const owner = (userId: string | undefined) => (auth: AuthContext) => !!userId && auth.userId === userId;
export const projectMember = (projectId: string | undefined) => (auth: AuthContext) =>
  !!projectId && auth.projectId === projectId && auth.roles.includes('member');
export const projectReader = (projectId: string | undefined) => (auth: AuthContext) =>
  !!projectId && auth.projectId === projectId && auth.roles.includes('reader');

/** Admin on any scope, as OpenStack's deprecated-but-default rules allow (enforce_scope=false). */
export const adminRequired = (name: string): Policy => rule(name, admin);
/** Reads allowed to admins and system readers. */
export const adminOrSystemReader = (name: string): Policy => rule(name, (a) => admin(a) || systemReader(a));

export type PolicyCheck = (auth: AuthContext, req: ApiRequest) => boolean;
export const either = (...checks: PolicyCheck[]): PolicyCheck => (a, r) => checks.some((c) => c(a, r));
