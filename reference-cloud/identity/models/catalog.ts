/** Keystone's catalog backend: regions, services, endpoints, and the catalog a token carries. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { ApiError } from '../../core/errors';
import { conflictError, notFoundError } from '../errors';
import { bool, parseObj } from './json-columns';

export interface RegionRow { id: string; description: string; parent_region_id: string | null; extra: string }
export interface ServiceRow { id: string; type: string; enabled: number; name: string | null; description: string | null; extra: string }
export interface EndpointRow { id: string; service_id: string; interface: string; url: string; region_id: string | null; enabled: number; extra: string; managed: number }

export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: { id: string; interface: string; region: string | null; region_id: string | null; url: string }[];
}

const statements = (db: Db) => ({
  region: db.prepare<[string], RegionRow>('SELECT * FROM regions WHERE id = ?'),
  regions: db.prepare<[], RegionRow>('SELECT * FROM regions ORDER BY id'),
  service: db.prepare<[string], ServiceRow>('SELECT * FROM services WHERE id = ?'),
  services: db.prepare<[], ServiceRow>('SELECT * FROM services ORDER BY type, name'),
  endpoint: db.prepare<[string], EndpointRow>('SELECT * FROM endpoints WHERE id = ?'),
  endpoints: db.prepare<[], EndpointRow>('SELECT * FROM endpoints ORDER BY service_id, interface'),
});

export class CatalogModel {
  private readonly q: ReturnType<typeof statements>;
  /** Bumped on every change, so cached catalogs know they are stale. */
  generation = 0;
  private cached?: { gen: number; entries: CatalogEntry[] };

  constructor(private readonly db: Db) {
    this.q = statements(db);
  }

  getRegion(id: string): RegionRow {
    const r = this.q.region.get(id);
    if (!r) throw notFoundError('region', id);
    return r;
  }
  findRegion(id: string): RegionRow | undefined {
    return this.q.region.get(id);
  }
  listRegions(): RegionRow[] {
    return this.q.regions.all();
  }
  createRegion(r: { id?: string; description?: string; parentRegionId?: string | null; extra?: object }): RegionRow {
    const id = r.id ?? hexId();
    if (this.q.region.get(id)) throw conflictError('region', `Duplicate ID, ${id}.`);
    if (r.parentRegionId != null && !this.q.region.get(r.parentRegionId)) throw notFoundError('region', r.parentRegionId);
    this.db.prepare('INSERT INTO regions (id, description, parent_region_id, extra) VALUES (?, ?, ?, ?)').run(
      id, r.description ?? '', r.parentRegionId ?? null, JSON.stringify(r.extra ?? {}));
    this.generation++;
    return this.getRegion(id);
  }
  updateRegion(id: string, patch: { description?: string; parentRegionId?: string | null; extra?: object }): RegionRow {
    const cur = this.getRegion(id);
    if (patch.parentRegionId != null) {
      if (!this.q.region.get(patch.parentRegionId)) throw notFoundError('region', patch.parentRegionId);
      let p: string | null = patch.parentRegionId;
      for (let i = 0; p && i < 100; i++) {
        if (p === id) throw new ApiError(400, `The specified parent region ${id} would create a circular region hierarchy.`);
        p = this.q.region.get(p)?.parent_region_id ?? null;
      }
    }
    this.db.prepare('UPDATE regions SET description = ?, parent_region_id = ?, extra = ? WHERE id = ?').run(
      patch.description ?? cur.description, patch.parentRegionId === undefined ? cur.parent_region_id : patch.parentRegionId,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }), id);
    this.generation++;
    return this.getRegion(id);
  }
  /** Deletes a region and its child regions, unless any of them has endpoints (keystone's RegionDeletionError). */
  deleteRegion(id: string): void {
    this.getRegion(id);
    const all = this.q.regions.all();
    const tree: string[] = [];
    const walk = (rid: string) => {
      if (tree.includes(rid) || tree.length > 10_000) return;
      tree.push(rid);
      for (const c of all.filter((r) => r.parent_region_id === rid)) walk(c.id);
    };
    walk(id);
    if (this.q.endpoints.all().some((e) => e.region_id !== null && tree.includes(e.region_id))) {
      throw new ApiError(403, 'Unable to delete region ' + id + ' because it or its child regions have associated endpoints.');
    }
    const del = this.db.prepare('DELETE FROM regions WHERE id = ?');
    for (const rid of [...tree].reverse()) del.run(rid);
    this.generation++;
  }

  getService(id: string): ServiceRow {
    const s = this.q.service.get(id);
    if (!s) throw notFoundError('service', id);
    return s;
  }
  findService(id: string): ServiceRow | undefined {
    return this.q.service.get(id);
  }
  listServices(): ServiceRow[] {
    return this.q.services.all();
  }
  createService(s: { type: string; name?: string | null; enabled?: boolean; description?: string | null; extra?: object }): ServiceRow {
    const id = hexId();
    this.db.prepare('INSERT INTO services (id, type, enabled, name, description, extra) VALUES (?, ?, ?, ?, ?, ?)').run(
      id, s.type, s.enabled === false ? 0 : 1, s.name ?? null, s.description ?? null, JSON.stringify(s.extra ?? {}));
    this.generation++;
    return this.getService(id);
  }
  updateService(id: string, patch: { type?: string; name?: string | null; enabled?: boolean; description?: string | null; extra?: object }): ServiceRow {
    const cur = this.getService(id);
    this.db.prepare('UPDATE services SET type = ?, enabled = ?, name = ?, description = ?, extra = ? WHERE id = ?').run(
      patch.type ?? cur.type, patch.enabled === undefined ? cur.enabled : patch.enabled ? 1 : 0,
      patch.name === undefined ? cur.name : patch.name, patch.description === undefined ? cur.description : patch.description,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }), id);
    this.generation++;
    return this.getService(id);
  }
  deleteService(id: string): void {
    this.getService(id);
    this.db.prepare('DELETE FROM endpoints WHERE service_id = ?').run(id);
    this.db.prepare('DELETE FROM registered_limits WHERE service_id = ?').run(id);
    this.db.prepare('DELETE FROM limits WHERE service_id = ?').run(id);
    this.db.prepare('DELETE FROM services WHERE id = ?').run(id);
    this.generation++;
  }

  getEndpoint(id: string): EndpointRow {
    const e = this.q.endpoint.get(id);
    if (!e) throw notFoundError('endpoint', id);
    return e;
  }
  listEndpoints(): EndpointRow[] {
    return this.q.endpoints.all();
  }
  createEndpoint(e: { serviceId: string; interface: string; url: string; regionId?: string | null; enabled?: boolean; extra?: object; managed?: boolean }): EndpointRow {
    if (!this.q.service.get(e.serviceId)) throw new ApiError(400, `Could not find service: ${e.serviceId}.`);
    if (e.regionId && !this.q.region.get(e.regionId)) throw new ApiError(400, `Could not find region: ${e.regionId}.`);
    const id = hexId();
    this.db.prepare('INSERT INTO endpoints (id, service_id, interface, url, region_id, enabled, extra, managed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      id, e.serviceId, e.interface, e.url, e.regionId ?? null, e.enabled === false ? 0 : 1, JSON.stringify(e.extra ?? {}), e.managed ? 1 : 0);
    this.generation++;
    return this.getEndpoint(id);
  }
  updateEndpoint(id: string, patch: { serviceId?: string; interface?: string; url?: string; regionId?: string | null; enabled?: boolean; extra?: object }): EndpointRow {
    const cur = this.getEndpoint(id);
    if (patch.serviceId && !this.q.service.get(patch.serviceId)) throw new ApiError(400, `Could not find service: ${patch.serviceId}.`);
    if (patch.regionId && !this.q.region.get(patch.regionId)) throw new ApiError(400, `Could not find region: ${patch.regionId}.`);
    this.db.prepare('UPDATE endpoints SET service_id = ?, interface = ?, url = ?, region_id = ?, enabled = ?, extra = ? WHERE id = ?').run(
      patch.serviceId ?? cur.service_id, patch.interface ?? cur.interface, patch.url ?? cur.url,
      patch.regionId === undefined ? cur.region_id : patch.regionId, patch.enabled === undefined ? cur.enabled : patch.enabled ? 1 : 0,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }), id);
    this.generation++;
    return this.getEndpoint(id);
  }
  deleteEndpoint(id: string): void {
    this.getEndpoint(id);
    this.db.prepare('DELETE FROM endpoints WHERE id = ?').run(id);
    this.generation++;
  }

  /**
   * Makes the catalog hold exactly these URLs for a service the cloud runs itself (like
   * keystone-manage bootstrap does for identity): creates the service and its public,
   * internal and admin endpoints, or updates them when the URL changed.
   */
  ensureManaged(type: string, name: string, region: string, url: string): void {
    if (!this.q.region.get(region)) this.createRegion({ id: region });
    let svc = this.q.services.all().find((s) => s.type === type && s.name === name);
    if (!svc) svc = this.createService({ type, name });
    for (const iface of ['public', 'internal', 'admin']) {
      const existing = this.q.endpoints.all().find((e) => e.service_id === svc!.id && e.interface === iface && e.region_id === region);
      if (!existing) this.createEndpoint({ serviceId: svc.id, interface: iface, url, regionId: region, managed: true });
      else if (existing.url !== url && bool(existing.managed)) this.updateEndpoint(existing.id, { url });
    }
  }

  /** The catalog of enabled services and endpoints, with $(project_id)s left in. */
  catalogTemplate(): CatalogEntry[] {
    if (this.cached && this.cached.gen === this.generation) return this.cached.entries;
    const eps = this.q.endpoints.all().filter((e) => bool(e.enabled));
    const entries = this.q.services.all().filter((s) => bool(s.enabled)).map((s) => ({
      id: s.id,
      type: s.type,
      name: s.name ?? '',
      endpoints: eps.filter((e) => e.service_id === s.id).map((e) => ({
        id: e.id, interface: e.interface, region: e.region_id, region_id: e.region_id, url: e.url,
      })),
    }));
    this.cached = { gen: this.generation, entries };
    return entries;
  }

  /** The catalog for a scope: project id substituted, endpoints that need one dropped without it. */
  catalogFor(projectId: string | undefined, userId: string): CatalogEntry[] {
    return this.catalogTemplate().map((s) => ({
      ...s,
      endpoints: s.endpoints.flatMap((e) => {
        const needsProject = /\$\(project_id\)s|\$\(tenant_id\)s/.test(e.url);
        if (needsProject && !projectId) return [];
        const url = e.url
          .replace(/\$\((project_id|tenant_id)\)s/g, projectId ?? '')
          .replace(/\$\(user_id\)s/g, userId);
        return [{ ...e, url }];
      }),
    }));
  }
}

export function regionView(r: RegionRow, base: string) {
  return {
    ...parseObj(r.extra), id: r.id, description: r.description, parent_region_id: r.parent_region_id,
    links: { self: `${base}/v3/regions/${r.id}` },
  };
}
/** Keystone keeps a service's name and description with its extras: they come first; name is "" when unset. */
export function serviceView(s: ServiceRow, base: string) {
  return {
    name: s.name ?? '',
    ...(s.description !== null ? { description: s.description } : {}),
    ...parseObj(s.extra), id: s.id, type: s.type, enabled: bool(s.enabled), links: { self: `${base}/v3/services/${s.id}` },
  };
}
/** Key order as Keystone: id, interface, region_id, service_id, url, enabled, region, links. */
export function endpointView(e: EndpointRow, base: string) {
  return {
    ...parseObj(e.extra), id: e.id, interface: e.interface, region_id: e.region_id, service_id: e.service_id,
    url: e.url, enabled: bool(e.enabled), region: e.region_id, links: { self: `${base}/v3/endpoints/${e.id}` },
  };
}
