/** Keystone's application credential backend. The secret is hashed like a password. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { conflictError, notFoundError } from '../errors';
import { bool } from './json-columns';

export interface AppCredRow {
  id: string; name: string; secret_hash: string; description: string | null; user_id: string; project_id: string | null;
  system: string | null; expires_at: string | null; unrestricted: number; created_at: string;
  /** JSON list of {id, service, path, method} (migration 2). */
  access_rules: string;
  /** 0 when the creator did not say: Keystone then shows "unrestricted": null (migration 2). */
  unrestricted_explicit: number;
}

export interface AccessRule { id: string; service: string; path: string; method: string }

export class AppCredentialModel {
  constructor(private readonly db: Db) {}

  get(id: string): AppCredRow {
    const r = this.find(id);
    if (!r) throw notFoundError('Application Credential', id);
    return r;
  }
  find(id: string): AppCredRow | undefined {
    return this.db.prepare<[string], AppCredRow>('SELECT * FROM application_credentials WHERE id = ?').get(id);
  }
  findByName(userId: string, name: string): AppCredRow | undefined {
    return this.db.prepare<[string, string], AppCredRow>('SELECT * FROM application_credentials WHERE user_id = ? AND name = ?').get(userId, name);
  }
  listForUser(userId: string): AppCredRow[] {
    return this.db.prepare<[string], AppCredRow>('SELECT * FROM application_credentials WHERE user_id = ? ORDER BY name').all(userId);
  }
  roleIds(id: string): string[] {
    return this.db.prepare<[string], { role_id: string }>('SELECT role_id FROM application_credential_roles WHERE application_credential_id = ?')
      .all(id).map((r) => r.role_id);
  }

  create(a: { name: string; secretHash: string; description?: string | null; userId: string; projectId: string | null; system?: string | null; expiresAt?: string | null; unrestricted: boolean | null; roleIds: string[]; createdAt: string; accessRules?: AccessRule[] }): AppCredRow {
    if (this.findByName(a.userId, a.name)) throw conflictError('application_credential', `Duplicate entry found with name ${a.name}`);
    const id = hexId();
    this.db.prepare(`INSERT INTO application_credentials (id, name, secret_hash, description, user_id, project_id, system, expires_at,
      unrestricted, created_at, access_rules, unrestricted_explicit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      id, a.name, a.secretHash, a.description ?? null, a.userId, a.projectId, a.system ?? null, a.expiresAt ?? null, a.unrestricted ? 1 : 0, a.createdAt,
      JSON.stringify(a.accessRules ?? []), a.unrestricted === null ? 0 : 1);
    const ins = this.db.prepare('INSERT INTO application_credential_roles (application_credential_id, role_id) VALUES (?, ?)');
    for (const r of a.roleIds) ins.run(id, r);
    return this.get(id);
  }

  delete(id: string): void {
    this.get(id);
    this.db.prepare('DELETE FROM application_credentials WHERE id = ?').run(id);
  }
  deleteForUserProject(userId: string, projectId?: string): void {
    if (projectId) this.db.prepare('DELETE FROM application_credentials WHERE user_id = ? AND project_id = ?').run(userId, projectId);
    else this.db.prepare('DELETE FROM application_credentials WHERE user_id = ?').run(userId);
  }
}

/** Roles as an application credential shows them: full role objects without links. */
export type AppCredRole = { id: string; name: string; domain_id: string | null; description: string | null; options: Record<string, unknown> };

/** Keystone's key order: id, name, description, user_id, project_id, system, expires_at, unrestricted, roles, [access_rules], links. */
export function appCredView(a: AppCredRow, roles: AppCredRole[], base: string, secret?: string) {
  const rules = JSON.parse(a.access_rules ?? '[]') as AccessRule[];
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    user_id: a.user_id,
    project_id: a.project_id,
    system: a.system,
    expires_at: a.expires_at,
    unrestricted: a.unrestricted_explicit === 0 ? null : bool(a.unrestricted),
    roles,
    ...(rules.length ? { access_rules: rules } : {}),
    ...(secret !== undefined ? { secret } : {}),
    links: { self: `${base}/v3/application_credentials/${a.id}` },
  };
}
