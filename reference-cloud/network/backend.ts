/**
 * The network backend: the resource types over one general collection mechanism. Every create,
 * update and delete goes through here: body parsing, policy, visibility, quota (counted in the
 * same transaction as the insert), standard attributes (timestamps, revision_number, tags), then
 * the type's own rules (IPAM, default security groups, router wiring).
 */
import type { AuthContext } from '../core/auth-context';
import { isAdmin } from '../core/auth-context';
import type { Clock } from '../core/clock';
import type { ApiError } from '../core/errors';
import { uuid } from '../core/ids';
import type { ServiceStore } from '../core/store';
import { isoSeconds } from '../core/time';
import { parseBody, STANDARD, type AttrMap } from './attributes';
import { Collection, type ListQuery, type Row, type Visibility } from './collection';
import { neutronError, policyDenied } from './errors';
import { Ipam } from './ipam';
import { Quotas } from './quotas';

export interface ResourceType {
  collection: string;
  member: string;
  /** URL segment under /v2.0 (security-groups, floatingips...). */
  path: string;
  attrs: AttrMap;
  notFound: (id: string) => ApiError;
  /** Quota resource name, when the type is counted. */
  quota?: string;
  /** revision_number of a new resource, as the lab shows it. */
  initialRevision: number;
  /** What a non-admin project sees beyond its own rows. */
  sharedSql?: (projectId: string) => Visibility;
  /** Builds the rest of the row (the generic part is done) and checks it; inside the transaction. */
  create?(row: Row, auth: AuthContext): void;
  /** Called after the row was inserted (dependent rows: default rules, allocations). */
  created?(row: Row, auth: AuthContext): void;
  update?(row: Row, changes: Record<string, unknown>, auth: AuthContext): void;
  /** Refuses (InUse) or cleans up before the row goes. */
  remove?(row: Row, auth: AuthContext): void;
  /** Before any read or write by a project (the default security group). */
  touch?(auth: AuthContext): void;
  /** Adds what is stored elsewhere to the wire form (a group's rules). */
  expand?(row: Row): Row;
}

export class NetworkBackend {
  readonly store: ServiceStore;
  readonly clock: Clock;
  readonly quotas: Quotas;
  readonly ipam: Ipam;
  readonly types = new Map<string, ResourceType>();
  readonly collections = new Map<string, Collection>();

  constructor(store: ServiceStore, clock: Clock) {
    this.store = store;
    this.clock = clock;
    this.ipam = new Ipam(store.db);
    this.quotas = new Quotas(store.db, (resource, project) => this.usage(resource, project));
  }

  register(t: ResourceType): void {
    t.attrs = { ...STANDARD, ...t.attrs };
    this.types.set(t.collection, t);
    this.collections.set(t.collection, new Collection(this.store.db, t.collection, t.attrs, t.notFound));
  }

  type(collection: string): ResourceType {
    return this.types.get(collection)!;
  }

  coll(collection: string): Collection {
    return this.collections.get(collection)!;
  }

  now(): string {
    return isoSeconds(this.clock.now());
  }

  tx<T>(fn: () => T): T {
    if (this.store.db.inTransaction) return fn();
    try {
      return this.store.tx(fn);
    } catch (e) {
      this.ipam.forgetHints();
      throw e;
    }
  }

  usage(resource: string, project: string): number {
    for (const t of this.types.values()) if (t.quota === resource) return this.coll(t.collection).count(project);
    return 0;
  }

  /** Visibility for reads: undefined (everything) for admins. */
  visibility(t: ResourceType, auth: AuthContext): Visibility | undefined {
    if (isAdmin(auth)) return undefined;
    const p = auth.projectId ?? '';
    const shared = t.sharedSql?.(p);
    return shared ? { sql: `project_id = ? OR ${shared.sql}`, params: [p, ...shared.params] } : { sql: 'project_id = ?', params: [p] };
  }

  /** Writes need the member role (readers only read) and, but for admins, ownership. */
  checkWrite(t: ResourceType, op: 'create' | 'update' | 'delete', auth: AuthContext, row?: Row): void {
    if (isAdmin(auth)) return;
    if (!auth.roles.includes('member')) throw policyDenied(`rule:${op}_${t.member}`);
    if (row && row.project_id !== auth.projectId) throw policyDenied(`rule:${op}_${t.member}`);
  }

  /** Strips what the caller may not see (admin-only attributes) and applies fields=. */
  render(t: ResourceType, row: Row, auth: AuthContext, fields?: string[], created = false): Record<string, unknown> {
    const admin = isAdmin(auth);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t.expand ? t.expand(row) : row)) {
      if (!admin && t.attrs[k]?.adminOnly) continue;
      // A create answer echoes what was set, conditional attributes included (is_default).
      if (!created && t.attrs[k]?.shownWhen && !t.attrs[k].shownWhen!(row)) continue;
      if (fields && fields.length && !fields.includes(k)) continue;
      out[k] = v;
    }
    return out;
  }

  // ---- generic operations ----

  list(t: ResourceType, auth: AuthContext, q: ListQuery): Row[] {
    t.touch?.(auth);
    return this.coll(t.collection).list(q, this.visibility(t, auth));
  }

  show(t: ResourceType, auth: AuthContext, id: string): Row {
    t.touch?.(auth);
    return this.coll(t.collection).get(id, this.visibility(t, auth));
  }

  create(t: ResourceType, auth: AuthContext, body: unknown): Row {
    const values = parseBody(t.member, t.attrs, body, 'create', auth);
    this.checkWrite(t, 'create', auth);
    return this.tx(() => {
      t.touch?.(auth);
      return this.insert(t, values as Row, auth);
    });
  }

  /** Inserts a row built from parsed values; also used for rows the service makes itself. */
  insert(t: ResourceType, values: Record<string, unknown>, auth: AuthContext): Row {
    if (t.quota) this.quotas.check(String(values.project_id), { [t.quota]: 1 });
    const now = this.now();
    const row = { id: uuid(), ...values, tags: [], created_at: now, updated_at: now, revision_number: t.initialRevision } as unknown as Row;
    t.create?.(row, auth);
    this.coll(t.collection).insert(row);
    t.created?.(row, auth);
    return row;
  }

  update(t: ResourceType, auth: AuthContext, id: string, body: unknown, ifMatch?: string): Row {
    const changes = parseBody(t.member, t.attrs, body, 'update', auth);
    return this.tx(() => {
      const row = this.coll(t.collection).get(id, this.visibility(t, auth));
      this.checkWrite(t, 'update', auth, row);
      this.checkRevision(row, ifMatch);
      t.update?.(row, changes, auth);
      Object.assign(row, changes);
      this.bump(t, row);
      return row;
    });
  }

  delete(t: ResourceType, auth: AuthContext, id: string, ifMatch?: string): void {
    this.tx(() => {
      const row = this.coll(t.collection).get(id, this.visibility(t, auth));
      this.checkWrite(t, 'delete', auth, row);
      this.checkRevision(row, ifMatch);
      t.remove?.(row, auth);
      this.coll(t.collection).delete(id);
    });
  }

  /** Saves a changed row with a new revision_number and updated_at. */
  bump(t: ResourceType, row: Row): void {
    row.revision_number = Number(row.revision_number) + 1;
    row.updated_at = this.now();
    this.coll(t.collection).save(row);
  }

  /** revision-if-match: `If-Match: revision_number=N`. */
  private checkRevision(row: Row, ifMatch?: string): void {
    if (!ifMatch) return;
    const m = /revision_number=(\d+)/.exec(ifMatch);
    if (m && Number(m[1]) !== row.revision_number) {
      throw neutronError(412, 'RevisionNumberConstraintFailed', `Constrained to ${m[1]}, but current revision is ${row.revision_number}`);
    }
  }
}
