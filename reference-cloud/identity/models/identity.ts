/** Keystone's identity backend: users, groups and group membership. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { ApiError } from '../../core/errors';
import { keystoneDate } from '../../core/time';
import { conflictError, duplicateName, notFoundError } from '../errors';
import { bool, parseObj } from './json-columns';

export interface UserRow {
  id: string; name: string; domain_id: string; enabled: number; default_project_id: string | null;
  description: string | null; extra: string; options: string; password_hash: string | null;
  password_created_at: string | null; password_expires_at: string | null; created_at: string; last_active_at: string | null;
}
export interface GroupRow { id: string; name: string; domain_id: string; description: string; extra: string }

const statements = (db: Db) => ({
  user: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
  userByName: db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE domain_id = ? AND name = ?'),
  users: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name'),
  group: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE id = ?'),
  groupByName: db.prepare<[string, string], GroupRow>('SELECT * FROM groups WHERE domain_id = ? AND name = ?'),
  groups: db.prepare<[], GroupRow>('SELECT * FROM groups ORDER BY name'),
  groupsOfUser: db.prepare<[string], GroupRow>(
    'SELECT g.* FROM groups g JOIN user_group_membership m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name'),
  groupIdsOfUser: db.prepare<[string], { group_id: string }>('SELECT group_id FROM user_group_membership WHERE user_id = ?'),
  usersInGroup: db.prepare<[string], UserRow>(
    'SELECT u.* FROM users u JOIN user_group_membership m ON m.user_id = u.id WHERE m.group_id = ? ORDER BY u.name'),
  member: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) n FROM user_group_membership WHERE user_id = ? AND group_id = ?'),
});

export class IdentityModel {
  private readonly q: ReturnType<typeof statements>;
  constructor(private readonly db: Db) {
    this.q = statements(db);
  }

  getUser(id: string): UserRow {
    const u = this.q.user.get(id);
    if (!u) throw notFoundError('user', id);
    return u;
  }
  findUser(id: string): UserRow | undefined {
    return this.q.user.get(id);
  }
  findUserByName(domainId: string, name: string): UserRow | undefined {
    return this.q.userByName.get(domainId, name);
  }
  listUsers(): UserRow[] {
    return this.q.users.all();
  }

  createUser(u: { name: string; domainId: string; enabled?: boolean; defaultProjectId?: string | null; description?: string | null; extra?: object; options?: object; passwordHash?: string | null }, now: Date): UserRow {
    if (this.q.userByName.get(u.domainId, u.name)) {
      throw conflictError('user', `Duplicate entry found with name ${u.name} at domain ID ${u.domainId}`);
    }
    const id = hexId();
    this.db.prepare(`INSERT INTO users (id, name, domain_id, enabled, default_project_id, description, extra, options,
      password_hash, password_created_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      id, u.name, u.domainId, u.enabled === false ? 0 : 1, u.defaultProjectId ?? null, u.description ?? null,
      JSON.stringify(u.extra ?? {}), JSON.stringify(u.options ?? {}), u.passwordHash ?? null,
      u.passwordHash ? keystoneDate(now) : null, keystoneDate(now),
    );
    return this.getUser(id);
  }

  updateUser(id: string, patch: { name?: string; enabled?: boolean; defaultProjectId?: string | null; description?: string | null; extra?: object; options?: object; passwordHash?: string | null }, now: Date): UserRow {
    const cur = this.getUser(id);
    if (patch.name !== undefined && patch.name !== cur.name && this.q.userByName.get(cur.domain_id, patch.name)) {
      throw duplicateName('user', patch.name);
    }
    const pw = patch.passwordHash === undefined ? cur.password_hash : patch.passwordHash;
    this.db.prepare(`UPDATE users SET name = ?, enabled = ?, default_project_id = ?, description = ?, extra = ?, options = ?,
      password_hash = ?, password_created_at = ? WHERE id = ?`).run(
      patch.name ?? cur.name, patch.enabled === undefined ? cur.enabled : patch.enabled ? 1 : 0,
      patch.defaultProjectId === undefined ? cur.default_project_id : patch.defaultProjectId,
      patch.description === undefined ? cur.description : patch.description,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }),
      JSON.stringify(mergeOptions(cur.options, patch.options)), pw,
      patch.passwordHash !== undefined ? keystoneDate(now) : cur.password_created_at, id,
    );
    return this.getUser(id);
  }

  deleteUser(id: string): void {
    this.getUser(id);
    this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }

  getGroup(id: string): GroupRow {
    const g = this.q.group.get(id);
    if (!g) throw notFoundError('group', id);
    return g;
  }
  findGroup(id: string): GroupRow | undefined {
    return this.q.group.get(id);
  }
  listGroups(): GroupRow[] {
    return this.q.groups.all();
  }
  groupsOfUser(userId: string): GroupRow[] {
    return this.q.groupsOfUser.all(userId);
  }
  groupIdsOfUser(userId: string): string[] {
    return this.q.groupIdsOfUser.all(userId).map((r) => r.group_id);
  }
  usersInGroup(groupId: string): UserRow[] {
    return this.q.usersInGroup.all(groupId);
  }

  createGroup(g: { name: string; domainId: string; description?: string; extra?: object }): GroupRow {
    if (this.q.groupByName.get(g.domainId, g.name)) {
      throw conflictError('group', `Duplicate entry found with name ${g.name} at domain ID ${g.domainId}`);
    }
    const id = hexId();
    this.db.prepare('INSERT INTO groups (id, name, domain_id, description, extra) VALUES (?, ?, ?, ?, ?)').run(
      id, g.name, g.domainId, g.description ?? '', JSON.stringify(g.extra ?? {}));
    return this.getGroup(id);
  }

  updateGroup(id: string, patch: { name?: string; description?: string; extra?: object }): GroupRow {
    const cur = this.getGroup(id);
    if (patch.name !== undefined && patch.name !== cur.name && this.q.groupByName.get(cur.domain_id, patch.name)) {
      throw duplicateName('group', patch.name);
    }
    this.db.prepare('UPDATE groups SET name = ?, description = ?, extra = ? WHERE id = ?').run(
      patch.name ?? cur.name, patch.description ?? cur.description, JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }), id);
    return this.getGroup(id);
  }

  deleteGroup(id: string): void {
    this.getGroup(id);
    this.db.prepare('DELETE FROM groups WHERE id = ?').run(id);
  }

  addMember(groupId: string, userId: string): void {
    this.getGroup(groupId);
    this.getUser(userId);
    this.db.prepare('INSERT OR IGNORE INTO user_group_membership (user_id, group_id) VALUES (?, ?)').run(userId, groupId);
  }
  isMember(groupId: string, userId: string): boolean {
    return this.q.member.get(userId, groupId)!.n > 0;
  }
  removeMember(groupId: string, userId: string): void {
    if (!this.isMember(groupId, userId)) {
      this.getGroup(groupId);
      this.getUser(userId);
      throw new ApiError(404, `User '${userId}' not found in group '${groupId}'`);
    }
    this.db.prepare('DELETE FROM user_group_membership WHERE user_id = ? AND group_id = ?').run(userId, groupId);
  }
}

/**
 * A user as Keystone shows it: extras first (Keystone keeps description and email there),
 * default_project_id only when set, and with `extra` (the extras again) only in PATCH responses.
 */
export function userView(u: UserRow, base: string, opts: { withExtra?: boolean } = {}) {
  const extra = parseObj(u.extra);
  if (u.description !== null && !('description' in extra)) extra.description = u.description;
  return {
    ...extra,
    id: u.id,
    name: u.name,
    domain_id: u.domain_id,
    enabled: bool(u.enabled),
    ...(u.default_project_id ? { default_project_id: u.default_project_id } : {}),
    password_expires_at: u.password_expires_at,
    ...(opts.withExtra ? { extra } : {}),
    options: parseObj(u.options),
    links: { self: `${base}/v3/users/${u.id}` },
  };
}

export function groupView(g: GroupRow, base: string) {
  return {
    ...parseObj(g.extra),
    id: g.id,
    name: g.name,
    domain_id: g.domain_id,
    description: g.description,
    links: { self: `${base}/v3/groups/${g.id}` },
  };
}

/** Merges resource options; a null value removes the option, as Keystone's resource options do. */
export function mergeOptions(current: string | null | undefined, patch: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...parseObj(current), ...(patch ?? {}) };
  for (const [k, v] of Object.entries(out)) if (v === null) delete out[k];
  return out;
}
