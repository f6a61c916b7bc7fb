/** Keystone's assignment backend: roles, implied roles and role assignments. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { ApiError } from '../../core/errors';
import { conflictError, duplicateName, notFoundError } from '../errors';
import { mergeOptions } from './identity';
import { parseObj } from './json-columns';

export interface RoleRow { id: string; name: string; domain_id: string; description: string | null; extra: string; options: string }
export type AssignmentType = 'UserProject' | 'GroupProject' | 'UserDomain' | 'GroupDomain' | 'UserSystem' | 'GroupSystem';
export interface AssignmentRow { type: AssignmentType; actor_id: string; target_id: string; role_id: string; inherited: number }

const NULL_DOMAIN = '<<null>>';
export const SYSTEM_TARGET = 'system';

const statements = (db: Db) => ({
  role: db.prepare<[string], RoleRow>('SELECT * FROM roles WHERE id = ?'),
  roleByName: db.prepare<[string, string], RoleRow>('SELECT * FROM roles WHERE name = ? AND domain_id = ?'),
  roles: db.prepare<[], RoleRow>('SELECT * FROM roles ORDER BY name'),
  implied: db.prepare<[string], { implied_role_id: string }>('SELECT implied_role_id FROM implied_roles WHERE prior_role_id = ?'),
  allImplied: db.prepare<[], { prior_role_id: string; implied_role_id: string }>('SELECT * FROM implied_roles'),
  forActors: db.prepare<[string, string], AssignmentRow>(
    'SELECT * FROM assignments WHERE target_id = ? AND actor_id IN (SELECT value FROM json_each(?))'),
  all: db.prepare<[], AssignmentRow>('SELECT * FROM assignments'),
  one: db.prepare<[string, string, string, string, number], AssignmentRow>(
    'SELECT * FROM assignments WHERE type = ? AND actor_id = ? AND target_id = ? AND role_id = ? AND inherited = ?'),
});

export class AssignmentModel {
  private readonly q: ReturnType<typeof statements>;
  constructor(private readonly db: Db) {
    this.q = statements(db);
  }

  getRole(id: string): RoleRow {
    const r = this.q.role.get(id);
    if (!r) throw notFoundError('role', id);
    return r;
  }
  findRole(id: string): RoleRow | undefined {
    return this.q.role.get(id);
  }
  findRoleByName(name: string, domainId?: string | null): RoleRow | undefined {
    return this.q.roleByName.get(name, domainId ?? NULL_DOMAIN);
  }
  listRoles(): RoleRow[] {
    return this.q.roles.all();
  }

  createRole(r: { id?: string; name: string; domainId?: string | null; description?: string | null; extra?: object; options?: object }): RoleRow {
    const domain = r.domainId ?? NULL_DOMAIN;
    if (this.q.roleByName.get(r.name, domain)) {
      throw r.domainId ? conflictError('role', `Duplicate entry found with name ${r.name} at domain ID ${r.domainId}`) : duplicateName('role', r.name);
    }
    const id = r.id ?? hexId();
    this.db.prepare('INSERT INTO roles (id, name, domain_id, description, extra, options) VALUES (?, ?, ?, ?, ?, ?)').run(
      id, r.name, domain, r.description ?? null, JSON.stringify(r.extra ?? {}), JSON.stringify(r.options ?? {}));
    return this.getRole(id);
  }

  updateRole(id: string, patch: { name?: string; description?: string | null; extra?: object; options?: object }): RoleRow {
    const cur = this.getRole(id);
    if (patch.name !== undefined && patch.name !== cur.name && this.q.roleByName.get(patch.name, cur.domain_id)) {
      throw duplicateName('role', patch.name);
    }
    // Keystone's check_immutable_update: an immutable role accepts only {"options": {"immutable": false|null, ...}}.
    if (parseObj(cur.options).immutable === true) {
      const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
      const opts = (patch.options ?? {}) as Record<string, unknown>;
      if (keys.length > 1 || !('immutable' in opts) || (opts.immutable !== false && opts.immutable !== null)) {
        throw new ApiError(403, `Unable to update immutable role resource: \`${id}. Set resource option "immutable" to false first.`);
      }
    }
    this.db.prepare('UPDATE roles SET name = ?, description = ?, extra = ?, options = ? WHERE id = ?').run(
      patch.name ?? cur.name, patch.description === undefined ? cur.description : patch.description,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }), JSON.stringify(mergeOptions(cur.options, patch.options)), id);
    return this.getRole(id);
  }

  deleteRole(id: string): void {
    const r = this.getRole(id);
    if (parseObj(r.options).immutable === true) {
      throw new ApiError(403, `Unable to delete immutable role resource: \`${id}. Set resource option "immutable" to false first.`);
    }
    this.db.prepare('DELETE FROM roles WHERE id = ?').run(id);
  }

  addImplied(priorId: string, impliedId: string): void {
    this.getRole(priorId);
    this.getRole(impliedId);
    // Keystone accepts cycles (expansion stops at roles already seen); a repeated rule is a 409.
    if (this.hasImplied(priorId, impliedId)) throw conflictError('implied_role', 'Duplicate entry');
    this.db.prepare('INSERT INTO implied_roles (prior_role_id, implied_role_id) VALUES (?, ?)').run(priorId, impliedId);
  }
  hasImplied(priorId: string, impliedId: string): boolean {
    return this.q.implied.all(priorId).some((r) => r.implied_role_id === impliedId);
  }
  removeImplied(priorId: string, impliedId: string): void {
    this.getRole(priorId);
    this.getRole(impliedId);
    const res = this.db.prepare('DELETE FROM implied_roles WHERE prior_role_id = ? AND implied_role_id = ?').run(priorId, impliedId);
    if (res.changes === 0) throw new ApiError(404, `${priorId} does not imply ${impliedId}.`);
  }
  impliedOf(priorId: string): string[] {
    return this.q.implied.all(priorId).map((r) => r.implied_role_id);
  }
  allImplications(): { prior_role_id: string; implied_role_id: string }[] {
    return this.q.allImplied.all();
  }

  /** Role ids plus every role they imply, transitively; domain-specific roles only imply. */
  expand(roleIds: string[]): string[] {
    const seen = new Set<string>();
    const stack = [...roleIds];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const r of this.q.implied.all(id)) stack.push(r.implied_role_id);
    }
    return [...seen].filter((id) => {
      const r = this.q.role.get(id);
      return r && r.domain_id === NULL_DOMAIN;
    });
  }

  grant(type: AssignmentType, actorId: string, targetId: string, roleId: string, inherited = false): void {
    this.db.prepare('INSERT OR IGNORE INTO assignments (type, actor_id, target_id, role_id, inherited) VALUES (?, ?, ?, ?, ?)').run(
      type, actorId, targetId, roleId, inherited ? 1 : 0);
  }
  find(type: AssignmentType, actorId: string, targetId: string, roleId: string, inherited = false): AssignmentRow | undefined {
    return this.q.one.get(type, actorId, targetId, roleId, inherited ? 1 : 0);
  }
  revoke(type: AssignmentType, actorId: string, targetId: string, roleId: string, inherited = false): boolean {
    return this.db.prepare('DELETE FROM assignments WHERE type = ? AND actor_id = ? AND target_id = ? AND role_id = ? AND inherited = ?').run(
      type, actorId, targetId, roleId, inherited ? 1 : 0).changes > 0;
  }
  removeActor(actorId: string): void {
    this.db.prepare('DELETE FROM assignments WHERE actor_id = ?').run(actorId);
  }
  removeTarget(targetId: string): void {
    this.db.prepare('DELETE FROM assignments WHERE target_id = ?').run(targetId);
  }
  all(): AssignmentRow[] {
    return this.q.all.all();
  }
  /** Assignments on a target for any of the actors (a user and its groups). */
  onTarget(targetId: string, actorIds: string[]): AssignmentRow[] {
    return this.q.forActors.all(targetId, JSON.stringify(actorIds));
  }
}

export function roleView(r: RoleRow, base: string) {
  return {
    ...parseObj(r.extra),
    id: r.id,
    name: r.name,
    domain_id: r.domain_id === NULL_DOMAIN ? null : r.domain_id,
    description: r.description,
    options: parseObj(r.options),
    links: { self: `${base}/v3/roles/${r.id}` },
  };
}
