/**
 * Keystone's revoke backend: token revocation events. Self-contained tokens cannot be deleted,
 * so a token is invalid when an event matches it: its audit id was revoked, or its user or
 * project had an event issued after the token was. Events are few; they live in memory,
 * loaded at start and written through, and are pruned once older than the longest token life.
 */
import type { Db } from '../../core/store';

interface Event { auditId?: string; userId?: string; projectId?: string; issuedBefore: number }

export class RevocationModel {
  private byAudit = new Map<string, number>();
  private byUser = new Map<string, number>();
  private byProject = new Map<string, number>();

  constructor(private readonly db: Db) {
    const rows = db.prepare<[], { audit_id: string | null; user_id: string | null; project_id: string | null; issued_before: string }>(
      'SELECT audit_id, user_id, project_id, issued_before FROM revocation_events').all();
    for (const r of rows) {
      this.remember({ auditId: r.audit_id ?? undefined, userId: r.user_id ?? undefined, projectId: r.project_id ?? undefined, issuedBefore: Date.parse(r.issued_before) });
    }
  }

  private remember(e: Event): void {
    const bump = (m: Map<string, number>, k: string) => m.set(k, Math.max(m.get(k) ?? 0, e.issuedBefore));
    if (e.auditId) bump(this.byAudit, e.auditId);
    if (e.userId) bump(this.byUser, e.userId);
    if (e.projectId) bump(this.byProject, e.projectId);
  }

  revoke(e: Event, now: Date): void {
    this.db.prepare('INSERT INTO revocation_events (audit_id, user_id, project_id, issued_before, revoked_at) VALUES (?, ?, ?, ?, ?)').run(
      e.auditId ?? null, e.userId ?? null, e.projectId ?? null, new Date(e.issuedBefore).toISOString(), now.toISOString());
    this.remember(e);
  }

  isRevoked(t: { auditIds: string[]; userId: string; projectId?: string; issuedAt: number }): boolean {
    for (const a of t.auditIds) if (this.byAudit.has(a)) return true;
    const u = this.byUser.get(t.userId);
    if (u !== undefined && t.issuedAt <= u) return true;
    if (t.projectId) {
      const p = this.byProject.get(t.projectId);
      if (p !== undefined && t.issuedAt <= p) return true;
    }
    return false;
  }

  /** Drops events that can no longer match a live token. */
  prune(olderThan: Date): void {
    this.db.prepare('DELETE FROM revocation_events WHERE revoked_at < ?').run(olderThan.toISOString());
  }
}
