/** Keystone's unified limits backend: registered limits (defaults) and project/domain limits. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { ApiError } from '../../core/errors';
import { conflictError } from '../errors';

export interface RegisteredLimitRow { id: string; service_id: string; region_id: string | null; resource_name: string; default_limit: number; description: string | null }
export interface LimitRow { id: string; project_id: string | null; domain_id: string | null; service_id: string; region_id: string | null; resource_name: string; resource_limit: number; description: string | null }

export class LimitModel {
  constructor(private readonly db: Db) {}

  getRegistered(id: string): RegisteredLimitRow {
    const r = this.db.prepare<[string], RegisteredLimitRow>('SELECT * FROM registered_limits WHERE id = ?').get(id);
    if (!r) throw new ApiError(404, `Could not find registered limit for ${id}.`);
    return r;
  }
  listRegistered(): RegisteredLimitRow[] {
    return this.db.prepare<[], RegisteredLimitRow>('SELECT * FROM registered_limits ORDER BY resource_name').all();
  }
  createRegistered(r: { serviceId: string; regionId?: string | null; resourceName: string; defaultLimit: number; description?: string | null }): RegisteredLimitRow {
    const dup = this.listRegistered().find((x) => x.service_id === r.serviceId && (x.region_id ?? null) === (r.regionId ?? null) && x.resource_name === r.resourceName);
    if (dup) throw conflictError('registered_limit', 'Duplicate entry');
    const id = hexId();
    this.db.prepare('INSERT INTO registered_limits (id, service_id, region_id, resource_name, default_limit, description) VALUES (?, ?, ?, ?, ?, ?)').run(
      id, r.serviceId, r.regionId ?? null, r.resourceName, r.defaultLimit, r.description ?? null);
    return this.getRegistered(id);
  }
  updateRegistered(id: string, patch: { defaultLimit?: number; description?: string | null; resourceName?: string; serviceId?: string; regionId?: string | null }): RegisteredLimitRow {
    const cur = this.getRegistered(id);
    this.db.prepare('UPDATE registered_limits SET default_limit = ?, description = ?, resource_name = ?, service_id = ?, region_id = ? WHERE id = ?').run(
      patch.defaultLimit ?? cur.default_limit, patch.description === undefined ? cur.description : patch.description,
      patch.resourceName ?? cur.resource_name, patch.serviceId ?? cur.service_id, patch.regionId === undefined ? cur.region_id : patch.regionId, id);
    return this.getRegistered(id);
  }
  deleteRegistered(id: string): void {
    this.getRegistered(id);
    this.db.prepare('DELETE FROM registered_limits WHERE id = ?').run(id);
  }

  get(id: string): LimitRow {
    const r = this.db.prepare<[string], LimitRow>('SELECT * FROM limits WHERE id = ?').get(id);
    if (!r) throw new ApiError(404, `Could not find limit for ${id}.`);
    return r;
  }
  list(): LimitRow[] {
    return this.db.prepare<[], LimitRow>('SELECT * FROM limits ORDER BY resource_name').all();
  }
  create(l: { projectId?: string | null; domainId?: string | null; serviceId: string; regionId?: string | null; resourceName: string; resourceLimit: number; description?: string | null }): LimitRow {
    const dup = this.list().find((x) => x.service_id === l.serviceId && (x.region_id ?? null) === (l.regionId ?? null) && x.resource_name === l.resourceName
      && (x.project_id ?? null) === (l.projectId ?? null) && (x.domain_id ?? null) === (l.domainId ?? null));
    if (dup) throw conflictError('limit', 'Duplicate entry');
    const id = hexId();
    this.db.prepare('INSERT INTO limits (id, project_id, domain_id, service_id, region_id, resource_name, resource_limit, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      id, l.projectId ?? null, l.domainId ?? null, l.serviceId, l.regionId ?? null, l.resourceName, l.resourceLimit, l.description ?? null);
    return this.get(id);
  }
  update(id: string, patch: { resourceLimit?: number; description?: string | null }): LimitRow {
    const cur = this.get(id);
    this.db.prepare('UPDATE limits SET resource_limit = ?, description = ? WHERE id = ?').run(
      patch.resourceLimit ?? cur.resource_limit, patch.description === undefined ? cur.description : patch.description, id);
    return this.get(id);
  }
  delete(id: string): void {
    this.get(id);
    this.db.prepare('DELETE FROM limits WHERE id = ?').run(id);
  }
}

export function registeredLimitView(r: RegisteredLimitRow, base: string) {
  return {
    id: r.id, service_id: r.service_id, region_id: r.region_id, resource_name: r.resource_name,
    default_limit: r.default_limit, description: r.description, links: { self: `${base}/v3/registered_limits/${r.id}` },
  };
}
export function limitView(l: LimitRow, base: string) {
  return {
    id: l.id, project_id: l.project_id, domain_id: l.domain_id, resource_limit: l.resource_limit, description: l.description,
    service_id: l.service_id, region_id: l.region_id, resource_name: l.resource_name,
    links: { self: `${base}/v3/limits/${l.id}` },
  };
}
