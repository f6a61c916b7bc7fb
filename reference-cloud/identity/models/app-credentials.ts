/** Keystone's application credential backend. The secret is hashed like a password. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { conflictError, notFoundError } from '../errors';
import { bool } from './json-columns';

export interface AppCredRow {
  id: string; name: string; secret_hash: string; description: string | null; user_id: string; project_id: string | null;
  system: string | null; expires_at: string | null; unrestricted: number; created_at: string;
}

export class AppCredentialModel {
  constructor(private readonly db: Db) {}

  get(id: string): AppCredRow {
    const r = this.find(id);
    if (!r) throw notFoundError('application credential', id);
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

  create(a: { name: string; secretHash: string; description?: string | null; userId: string; projectId: string | null; system?: string | null; expiresAt?: string | null; unrestricted: boolean; roleIds: string[]; createdAt: string }): AppCredRow {
    if (this.findByName(a.userId, a.name)) throw conflictError('application_credential', `Duplicate entry found with name ${a.name}`);
    const id = hexId();
    this.db.prepare(`INSERT INTO application_credentials (id, name, secret_hash, description, user_id, project_id, system, expires_at,
      unrestricted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      id, a.name, a.secretHash, a.description ?? null, a.userId, a.projectId, a.system ?? null, a.expiresAt ?? null, a.unrestricted ? 1 : 0, a.createdAt);
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

export function appCredView(a: AppCredRow, roles: { id: string; name: string; domain_id: string | null }[], base: string) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    user_id: a.user_id,
    project_id: a.project_id,
    system: a.system,
    expires_at: a.expires_at,
    unrestricted: bool(a.unrestricted),
    roles,
    access_rules: [],
    links: { self: `${base}/v3/users/${a.user_id}/application_credentials/${a.id}` },
  };
}
