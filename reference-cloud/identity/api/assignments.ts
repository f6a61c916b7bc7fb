/**
 * Role grants on projects, domains and the system (with the OS-INHERIT variants) and
 * GET /v3/role_assignments [keystone/api/projects.py, domains.py, system.py, os_inherit.py,
 * role_assignments.py; keystone/assignment/core.py].
 */
import { ApiError } from '../../core/errors';
import type { AuthContext } from '../../core/auth-context';
import { admin, systemReader } from '../../core/policy';
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { roleView, type AssignmentRow, type AssignmentType, type RoleRow } from '../models/assignment';
import type { ProjectRow } from '../models/resource';
import { notFoundError } from '../errors';
import { type IdentityApi, enforce, list, noContent, qstr, qtrue, route } from './helpers';

type TargetKind = 'project' | 'domain' | 'system';
type ActorKind = 'user' | 'group';

interface GrantSpec {
  target: TargetKind;
  actor: ActorKind;
  inherited: boolean;
}

const typeOf = (s: { actor: ActorKind; target: TargetKind }): AssignmentType =>
  `${s.actor === 'user' ? 'User' : 'Group'}${s.target === 'project' ? 'Project' : s.target === 'domain' ? 'Domain' : 'System'}` as AssignmentType;

/** The path of a grant below /v3, with Fastify parameters. */
function grantPath(s: GrantSpec, withRole: boolean): string {
  const actor = s.actor === 'user' ? 'users/:user_id' : 'groups/:group_id';
  const target = s.target === 'project' ? 'projects/:project_id' : s.target === 'domain' ? 'domains/:domain_id' : 'system';
  const role = withRole ? '/:role_id' : '';
  return s.inherited ? `/v3/OS-INHERIT/${target}/${actor}/roles${role}/inherited_to_projects` : `/v3/${target}/${actor}/roles${role}`;
}

/** A role assignment as the assignment manager passes it around. */
interface Ref {
  user_id?: string;
  group_id?: string;
  project_id?: string;
  domain_id?: string;
  system?: boolean;
  role_id: string;
  inherited?: boolean;
  indirect?: { group_id?: string; project_id?: string; domain_id?: string; role_id?: string };
}

export function assignmentRoutes(api: IdentityApi): Route[] {
  const { b } = api;
  const a = b.assignment;

  // ----- grants --------------------------------------------------------------------------------

  interface Looked {
    role?: RoleRow;
    actorId: string;
    actorDomain?: string;
    targetId: string;
    project?: ProjectRow;
    domainId?: string;
  }

  /** Keystone's _build_enforcement_target_attr: role, then actor, then target; unknown ids are 404. */
  function lookup(req: ApiRequest, s: GrantSpec, opts: { role: boolean; allowMissingActor?: boolean }): Looked {
    const out: Looked = { actorId: '', targetId: 'system' };
    if (opts.role) out.role = a.getRole(req.params.role_id);
    if (s.actor === 'user') {
      out.actorId = req.params.user_id;
      const u = b.identity.findUser(out.actorId);
      if (!u && !opts.allowMissingActor) throw notFoundError('user', out.actorId);
      out.actorDomain = u?.domain_id;
    } else {
      out.actorId = req.params.group_id;
      const g = b.identity.findGroup(out.actorId);
      if (!g && !opts.allowMissingActor) throw notFoundError('group', out.actorId);
      out.actorDomain = g?.domain_id;
    }
    if (s.target === 'project') {
      out.project = b.resource.getProject(req.params.project_id);
      out.targetId = out.project.id;
      out.domainId = out.project.domain_id;
    } else if (s.target === 'domain') {
      out.targetId = b.resource.getDomain(req.params.domain_id).id;
      out.domainId = out.targetId;
    }
    return out;
  }

  /** check_grant/list_grants: system reader, or a domain reader of both the actor's and the target's domain. */
  const grantReader = (auth: AuthContext, s: GrantSpec, l: Looked, checkRole: boolean): boolean => {
    if (admin(auth) || systemReader(auth)) return true;
    if (s.target === 'system') return false;
    const dom = auth.domainId;
    if (!dom || !auth.roles.includes('reader') || l.actorDomain !== dom || l.domainId !== dom) return false;
    if (!checkRole || !l.role) return true;
    const rd = roleView(l.role, '').domain_id;
    return rd === null || rd === dom;
  };

  const action = (s: GrantSpec, op: 'check' | 'list' | 'create' | 'revoke') => {
    if (s.target !== 'system') return `identity:${op}_grant${op === 'list' ? 's' : ''}`;
    const base = op === 'check' ? 'check_system_grant_for' : op === 'list' ? 'list_system_grants_for' : op === 'create' ? 'create_system_grant_for' : 'revoke_system_grant_for';
    return `identity:${base}_${s.actor}`;
  };

  const missing = (roleId: string, actorId: string, targetId: string) =>
    new ApiError(404, `Could not find role assignment with role: ${roleId}, user or group: ${actorId}, project, domain, or system: ${targetId}.`);

  function grantRoutes(s: GrantSpec): Route[] {
    const type = typeOf(s);
    const one = grantPath(s, true);
    const check = (req: ApiRequest): ApiReply => {
      const l = lookup(req, s, { role: true });
      enforce(action(s, 'check'), grantReader(req.auth!, s, l, true));
      if (!a.find(type, l.actorId, l.targetId, l.role!.id, s.inherited)) throw missing(l.role!.id, l.actorId, l.targetId);
      return noContent();
    };
    const routes: Route[] = [
      route(api, 'GET', one, undefined, check),
      route(api, 'HEAD', one, undefined, check),
      route(api, 'PUT', one, undefined, (req) => {
        const l = lookup(req, s, { role: true });
        enforce(action(s, 'create'), admin(req.auth!));
        const roleDomain = roleView(l.role!, '').domain_id;
        if (s.target === 'system' && roleDomain !== null) {
          throw new ApiError(400, `Role ${l.role!.id} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`);
        }
        if (s.target === 'project' && roleDomain !== null && l.project!.domain_id !== roleDomain) {
          throw new ApiError(403, `Project ${l.project!.id} must be in the same domain as the role ${l.role!.id} being assigned.`);
        }
        b.store.tx(() => a.grant(type, l.actorId, l.targetId, l.role!.id, s.inherited));
        return noContent();
      }),
      route(api, 'DELETE', one, undefined, (req) => {
        const l = lookup(req, s, { role: true, allowMissingActor: true });
        enforce(action(s, 'revoke'), admin(req.auth!));
        const removed = b.store.tx(() => a.revoke(type, l.actorId, l.targetId, l.role!.id, s.inherited));
        if (!removed) throw missing(l.role!.id, l.actorId, l.targetId);
        // No revocation: as Keystone does, every validation works the roles out again (the write
        // bumps the identity generation, dropping cached validations), so a token scoped where
        // the user has no role left stops validating, and the user's other tokens stay valid.
        return noContent();
      }),
    ];
    // List forms: no OS-INHERIT list on projects in Keystone.
    if (!(s.inherited && s.target === 'project')) {
      routes.push(route(api, 'GET', grantPath(s, false), undefined, (req) => {
        const l = lookup(req, s, { role: false });
        enforce(action(s, 'list'), grantReader(req.auth!, s, l, false));
        const roles = a.onTarget(l.targetId, [l.actorId])
          .filter((r) => r.type === type && !!r.inherited === s.inherited)
          .map((r) => a.findRole(r.role_id)).filter((r): r is RoleRow => !!r);
        return list(req, 'roles', roles.map((r) => roleView(r, req.baseUrl)));
      }));
    }
    return routes;
  }

  const specs: GrantSpec[] = [];
  for (const target of ['project', 'domain', 'system'] as TargetKind[]) {
    for (const actor of ['user', 'group'] as ActorKind[]) {
      specs.push({ target, actor, inherited: false });
      if (target !== 'system') specs.push({ target, actor, inherited: true });
    }
  }

  // ----- /v3/role_assignments ------------------------------------------------------------------

  const toRef = (r: AssignmentRow): Ref => {
    const ref: Ref = { role_id: r.role_id };
    if (r.type.startsWith('User')) ref.user_id = r.actor_id;
    else ref.group_id = r.actor_id;
    if (r.type.endsWith('Project')) ref.project_id = r.target_id;
    else if (r.type.endsWith('Domain')) ref.domain_id = r.target_id;
    else ref.system = true;
    if (r.inherited) ref.inherited = true;
    return ref;
  };

  /** The assignment driver's list_role_assignments over project and domain assignments. */
  const driverList = (f: { roleId?: string; userId?: string; groupIds?: string[]; domainId?: string; projectIds?: string[]; inherited?: boolean }): Ref[] =>
    a.all().filter((r) => {
      if (r.type.endsWith('System')) return false;
      if (f.roleId && r.role_id !== f.roleId) return false;
      if (f.groupIds?.length) {
        if (!r.type.startsWith('Group') || !f.groupIds.includes(r.actor_id)) return false;
      } else if (f.userId) {
        if (!r.type.startsWith('User') || r.actor_id !== f.userId) return false;
      }
      if (f.projectIds?.length) {
        if (!r.type.endsWith('Project') || !f.projectIds.includes(r.target_id)) return false;
      } else if (f.domainId) {
        if (!r.type.endsWith('Domain') || r.target_id !== f.domainId) return false;
      }
      if (f.inherited !== undefined && !!r.inherited !== f.inherited) return false;
      return true;
    }).map(toRef);

  const projectsInDomain = (domainId: string) => b.resource.listProjects().filter((p) => p.domain_id === domainId).map((p) => p.id);
  const subtree = (projectId: string): string[] => {
    const out: string[] = [];
    const stack = b.resource.childIds(projectId);
    while (stack.length && out.length < 100_000) {
      const id = stack.shift()!;
      if (out.includes(id)) continue;
      out.push(id);
      stack.push(...b.resource.childIds(id));
    }
    return out;
  };

  function directAssignments(f: { roleId?: string; userId?: string; groupId?: string; system: boolean; domainId?: string; projectId?: string; subtreeIds?: string[]; inherited?: boolean }): Ref[] {
    const projectIds = f.projectId ? [...(f.subtreeIds ?? []), f.projectId] : undefined;
    const refs: Ref[] = f.system ? [] : driverList({
      roleId: f.roleId, userId: f.userId, groupIds: f.groupId ? [f.groupId] : undefined, domainId: f.domainId, projectIds, inherited: f.inherited,
    });
    if (f.system || (!f.projectId && !f.domainId)) {
      refs.push(...a.all().filter((r) => r.type.endsWith('System')
        && (f.userId ? r.type === 'UserSystem' && r.actor_id === f.userId : f.groupId ? r.type === 'GroupSystem' && r.actor_id === f.groupId : true)
        && (!f.roleId || r.role_id === f.roleId)).map(toRef));
    }
    return refs;
  }

  function effectiveAssignments(f: { roleId?: string; userId?: string; domainId?: string; projectId?: string; subtreeIds?: string[]; inherited?: boolean }): Ref[] {
    const inherited = f.domainId ? false : f.inherited;
    const forActor = (actor: { userId?: string; groupIds?: string[] }): Ref[] => {
      const projectIds = f.projectId ? [...(f.subtreeIds ?? []), f.projectId] : undefined;
      const out: Ref[] = [];
      if (inherited !== true) out.push(...driverList({ ...actor, domainId: f.domainId, projectIds, inherited: false }));
      if (inherited !== false) {
        if (f.projectId) {
          const p = b.resource.getProject(f.projectId);
          out.push(...driverList({ ...actor, domainId: p.domain_id, inherited: true }));
          const sources = b.resource.ancestors(p).map((x) => x.id);
          if (f.subtreeIds) sources.push(...projectIds!);
          if (sources.length) out.push(...driverList({ ...actor, projectIds: sources, inherited: true }));
        } else {
          out.push(...driverList({ ...actor, inherited: true }));
        }
      }
      return out;
    };
    const direct = forActor({ userId: f.userId });
    const groupIds = f.userId ? b.identity.groupIdsOfUser(f.userId) : [];
    const viaGroups = groupIds.length ? forActor({ groupIds }) : [];

    const expandGroup = (ref: Ref): Ref[] => {
      const members = f.userId ? [f.userId] : b.identity.usersInGroup(ref.group_id!).map((u) => u.id);
      return members.map((uid) => {
        const { group_id, ...rest } = ref;
        return { ...rest, user_id: uid, indirect: { ...(ref.indirect ?? {}), group_id } };
      });
    };
    const expandInherited = (ref: Ref): Ref[] => {
      let projectIds: string[];
      if (f.projectId) {
        projectIds = [f.projectId];
        if (f.subtreeIds) {
          projectIds.push(...f.subtreeIds);
          if (ref.project_id && projectIds.includes(ref.project_id)) projectIds = subtree(ref.project_id);
        }
      } else if (ref.domain_id) {
        projectIds = projectsInDomain(ref.domain_id);
      } else {
        projectIds = subtree(ref.project_id!);
      }
      const onto = (base: Ref): Ref[] => projectIds.map((pid) => {
        const { inherited: _i, project_id, domain_id, ...rest } = base;
        const indirect = { ...(base.indirect ?? {}), ...(project_id ? { project_id } : { domain_id }) };
        return { ...rest, project_id: pid, indirect };
      });
      return ref.group_id ? expandGroup(ref).flatMap(onto) : onto(ref);
    };

    let refs: Ref[] = [];
    for (const ref of [...direct, ...viaGroups]) {
      if (ref.inherited) refs.push(...expandInherited(ref));
      else if (ref.group_id) refs.push(...expandGroup(ref));
      else refs.push(ref);
    }
    refs = addImplied(refs);
    // Domain-specific roles only do the job of implying others: strip them.
    refs = refs.filter((r) => { const role = a.findRole(r.role_id); return !!role && roleView(role, '').domain_id === null; });
    if (f.roleId) refs = refs.filter((r) => r.role_id === f.roleId);
    return refs;
  }

  /** assignment manager add_implied_roles: one more ref per implied role, prior role in indirect. */
  function addImplied(refs: Ref[]): Ref[] {
    const results = [...refs];
    const toCheck = [...refs];
    const checked = new Set<string>();
    const key = (r: Ref) => JSON.stringify([r.user_id, r.group_id, r.project_id, r.domain_id, r.system, r.role_id, r.indirect]);
    while (toCheck.length) {
      const next = toCheck.pop()!;
      checked.add(key(next));
      for (const impliedId of a.impliedOf(next.role_id)) {
        const implied: Ref = { ...next, role_id: impliedId, indirect: { ...(next.indirect ?? {}), role_id: next.role_id } };
        if (checked.has(key(implied))) continue;
        results.push(implied);
        toCheck.push(implied);
      }
    }
    return results;
  }

  /** RoleAssignmentsResource._format_entity */
  function format(ref: Ref, base: string, names: boolean): Record<string, unknown> {
    const v3 = `${base}/v3`;
    // Keystone's key order: links (membership, assignment, prior_role), scope, user|group, role.
    const links: Record<string, string> = {};
    const out: Record<string, unknown> = { links };
    let link = '';
    let inheritedAssignment = !!ref.inherited;
    const domainRef = (id: string) => ({ id, name: b.resource.findDomain(id)?.name ?? '' });
    let scope: Record<string, unknown> = {};
    if (ref.project_id) {
      const p = names ? b.resource.findProject(ref.project_id) : undefined;
      scope = { project: names ? { id: ref.project_id, name: p?.name ?? '', domain: domainRef(p?.domain_id ?? '') } : { id: ref.project_id } };
      if (ref.indirect?.domain_id) {
        inheritedAssignment = true;
        link = `/domains/${ref.indirect.domain_id}`;
      } else if (ref.indirect?.project_id) {
        inheritedAssignment = true;
        link = `/projects/${ref.indirect.project_id}`;
      } else {
        link = `/projects/${ref.project_id}`;
      }
    } else if (ref.domain_id) {
      scope = { domain: names ? domainRef(ref.domain_id) : { id: ref.domain_id } };
      link = `/domains/${ref.domain_id}`;
    } else if (ref.system) {
      link = '/system';
      scope = { system: { all: true } };
    }
    out.scope = scope;
    if (ref.user_id) {
      if (names) {
        const u = b.identity.findUser(ref.user_id);
        out.user = { id: ref.user_id, name: u?.name ?? '', domain: u ? domainRef(u.domain_id) : { id: '', name: '' } };
      } else {
        out.user = { id: ref.user_id };
      }
      if (ref.indirect?.group_id) {
        links.membership = `${v3}/groups/${ref.indirect.group_id}/users/${ref.user_id}`;
        link += `/groups/${ref.indirect.group_id}`;
      } else {
        link += `/users/${ref.user_id}`;
      }
    } else if (ref.group_id) {
      if (names) {
        const g = b.identity.findGroup(ref.group_id);
        out.group = { id: ref.group_id, name: g?.name ?? '', domain: g ? domainRef(g.domain_id) : { id: '', name: '' } };
      } else {
        out.group = { id: ref.group_id };
      }
      link += `/groups/${ref.group_id}`;
    }
    if (names) {
      const role = a.findRole(ref.role_id);
      const rd = role ? roleView(role, '').domain_id : null;
      out.role = { id: ref.role_id, name: role?.name ?? '', ...(rd ? { domain: domainRef(rd) } : {}) };
    } else {
      out.role = { id: ref.role_id };
    }
    let priorRoleLink = '';
    if (ref.indirect?.role_id) {
      link += `/roles/${ref.indirect.role_id}`;
      // Keystone's own (inverted) link: /prior_role/<implied>/implies/<prior>.
      priorRoleLink = `/prior_role/${ref.role_id}/implies/${ref.indirect.role_id}`;
    } else {
      link += `/roles/${ref.role_id}`;
    }
    if (inheritedAssignment) {
      scope['OS-INHERIT:inherited_to'] = 'projects';
      link = `/OS-INHERIT${link}/inherited_to_projects`;
    }
    links.assignment = `${v3}${link}`;
    if (priorRoleLink) links.prior_role = `${v3}${priorRoleLink}`;
    return out;
  }

  const roleAssignments = (req: ApiRequest): ApiReply => {
    const auth = req.auth!;
    const q = (k: string) => qstr(req, k) || undefined;
    const subtreeMode = qtrue(req, 'include_subtree');
    const projectId = q('scope.project.id');
    if (subtreeMode) {
      if (projectId) b.resource.getProject(projectId);
      enforce('identity:list_role_assignments_for_tree', admin(auth));
      if (!projectId) throw new ApiError(400, 'scope.project.id must be specified if include_subtree is also specified');
    } else {
      enforce('identity:list_role_assignments', admin(auth) || systemReader(auth) || (!!auth.domainId && auth.roles.includes('reader')));
    }
    const domainId = q('scope.domain.id');
    const system = q('scope.system');
    const userId = q('user.id');
    const groupId = q('group.id');
    const roleId = q('role.id');
    const effective = qtrue(req, 'effective');
    const names = qtrue(req, 'include_names');
    const inheritedTo = req.query['scope.OS-INHERIT:inherited_to'] !== undefined ? qstr(req, 'scope.OS-INHERIT:inherited_to') === 'projects' : undefined;
    if (domainId && projectId) throw new ApiError(400, 'Specify a domain or project, not both');
    if (domainId && system) throw new ApiError(400, 'Specify system or domain, not both');
    if (projectId && system) throw new ApiError(400, 'Specify system or project, not both');
    if (userId && groupId) throw new ApiError(400, 'Specify a user or group, not both');
    if (effective && groupId) throw new ApiError(400, 'Combining effective and group filter will always result in an empty list.');
    if (effective && inheritedTo && domainId) {
      throw new ApiError(400, 'Combining effective, domain and inherited filters will always result in an empty list.');
    }
    const subtreeIds = projectId && subtreeMode ? subtree(projectId) : undefined;
    let refs = effective
      ? effectiveAssignments({ roleId, userId, domainId, projectId, subtreeIds, inherited: inheritedTo })
      : directAssignments({ roleId, userId, groupId, system: system === 'all', domainId, projectId, subtreeIds, inherited: inheritedTo });
    if (auth.domainId && !subtreeMode) {
      refs = refs.filter((r) => r.domain_id === auth.domainId
        || (!!r.project_id && b.resource.findProject(r.project_id)?.domain_id === auth.domainId));
    }
    return list(req, 'role_assignments', refs.map((r) => format(r, req.baseUrl, names)));
  };

  const routes: Route[] = specs.flatMap(grantRoutes);
  routes.push(route(api, 'GET', '/v3/role_assignments', undefined, roleAssignments));
  return routes;
}
