/** Keystone's resource backend: domains and projects. */
import type { Db } from '../../core/store';
import { hexId } from '../../core/ids';
import { ApiError } from '../../core/errors';
import { duplicateName, forbiddenAction, notFoundError } from '../errors';
import { bool, parseArr, parseObj } from './json-columns';

export interface DomainRow {
  id: string; name: string; description: string; enabled: number; extra: string; tags: string; options: string;
}
export interface ProjectRow extends DomainRow {
  domain_id: string; parent_id: string | null;
}

export const DEFAULT_DOMAIN_ID = 'default';

const statements = (db: Db) => ({
    domain: db.prepare<[string], DomainRow>('SELECT * FROM domains WHERE id = ?'),
    domainByName: db.prepare<[string], DomainRow>('SELECT * FROM domains WHERE name = ?'),
    domains: db.prepare<[], DomainRow>('SELECT * FROM domains ORDER BY name'),
    project: db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE id = ?'),
    projectByName: db.prepare<[string, string], ProjectRow>('SELECT * FROM projects WHERE domain_id = ? AND name = ?'),
    projects: db.prepare<[], ProjectRow>('SELECT * FROM projects ORDER BY name'),
    children: db.prepare<[string], { id: string }>('SELECT id FROM projects WHERE parent_id = ?'),
    domainHasProjects: db.prepare<[string], { n: number }>('SELECT COUNT(*) n FROM projects WHERE domain_id = ?'),
});

export class ResourceModel {
  private readonly q: ReturnType<typeof statements>;
  constructor(private readonly db: Db) {
    this.q = statements(db);
  }

  getDomain(id: string): DomainRow {
    const d = this.q.domain.get(id);
    if (!d) throw notFoundError('domain', id);
    return d;
  }
  findDomain(id: string): DomainRow | undefined {
    return this.q.domain.get(id);
  }
  findDomainByName(name: string): DomainRow | undefined {
    return this.q.domainByName.get(name);
  }
  listDomains(): DomainRow[] {
    return this.q.domains.all();
  }

  createDomain(d: { id?: string; name: string; description?: string; enabled?: boolean; extra?: object; tags?: string[]; options?: object }): DomainRow {
    if (this.q.domainByName.get(d.name)) throw duplicateName('domain', d.name);
    const id = d.id ?? hexId();
    this.db.prepare('INSERT INTO domains (id, name, description, enabled, extra, tags, options) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      id, d.name, d.description ?? '', d.enabled === false ? 0 : 1, JSON.stringify(d.extra ?? {}), JSON.stringify(d.tags ?? []), JSON.stringify(d.options ?? {}),
    );
    return this.getDomain(id);
  }

  updateDomain(id: string, patch: { name?: string; description?: string; enabled?: boolean; extra?: object; tags?: string[]; options?: object }): DomainRow {
    const cur = this.getDomain(id);
    if (id === DEFAULT_DOMAIN_ID && patch.enabled === false) {
      throw forbiddenAction('The default domain cannot be disabled.');
    }
    if (patch.name !== undefined && patch.name !== cur.name && this.q.domainByName.get(patch.name)) throw duplicateName('domain', patch.name);
    this.db.prepare('UPDATE domains SET name = ?, description = ?, enabled = ?, extra = ?, tags = ?, options = ? WHERE id = ?').run(
      patch.name ?? cur.name, patch.description ?? cur.description,
      patch.enabled === undefined ? cur.enabled : patch.enabled ? 1 : 0,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }),
      JSON.stringify(patch.tags ?? parseArr(cur.tags)), JSON.stringify({ ...parseObj(cur.options), ...(patch.options ?? {}) }), id,
    );
    return this.getDomain(id);
  }

  deleteDomain(id: string): void {
    const d = this.getDomain(id);
    if (bool(d.enabled)) throw forbiddenAction('Cannot delete a domain that is enabled, please disable it first.');
    this.db.prepare('DELETE FROM projects WHERE domain_id = ?').run(id);
    this.db.prepare('DELETE FROM domains WHERE id = ?').run(id);
  }

  getProject(id: string): ProjectRow {
    const p = this.q.project.get(id);
    if (!p) throw notFoundError('project', id);
    return p;
  }
  findProject(id: string): ProjectRow | undefined {
    return this.q.project.get(id);
  }
  findProjectByName(domainId: string, name: string): ProjectRow | undefined {
    return this.q.projectByName.get(domainId, name);
  }
  listProjects(): ProjectRow[] {
    return this.q.projects.all();
  }
  childIds(id: string): string[] {
    return this.q.children.all(id).map((r) => r.id);
  }

  /** Ancestors of a project, nearest first (not including the domain). */
  ancestors(p: ProjectRow): ProjectRow[] {
    const out: ProjectRow[] = [];
    let parent = p.parent_id && p.parent_id !== p.domain_id ? this.q.project.get(p.parent_id) : undefined;
    while (parent && out.length < 100) {
      out.push(parent);
      parent = parent.parent_id && parent.parent_id !== parent.domain_id ? this.q.project.get(parent.parent_id) : undefined;
    }
    return out;
  }

  createProject(p: { name: string; domainId: string; parentId?: string | null; description?: string; enabled?: boolean; extra?: object; tags?: string[]; options?: object }): ProjectRow {
    const domain = this.findDomain(p.domainId);
    if (!domain) throw new ApiError(400, `Could not find domain: ${p.domainId}.`);
    let parentId = p.domainId;
    if (p.parentId && p.parentId !== p.domainId) {
      const parent = this.findProject(p.parentId);
      if (!parent) throw notFoundError('project', p.parentId);
      if (parent.domain_id !== p.domainId) {
        throw forbiddenAction('Cannot create project, since it specifies its domain_id ' + p.domainId + ', but specifies a parent in a different domain (' + parent.domain_id + ').');
      }
      parentId = parent.id;
    }
    if (this.q.projectByName.get(p.domainId, p.name)) throw duplicateName('project', p.name);
    const id = hexId();
    this.db.prepare('INSERT INTO projects (id, name, domain_id, parent_id, description, enabled, extra, tags, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      id, p.name, p.domainId, parentId, p.description ?? '', p.enabled === false ? 0 : 1, JSON.stringify(p.extra ?? {}), JSON.stringify(p.tags ?? []), JSON.stringify(p.options ?? {}),
    );
    return this.getProject(id);
  }

  updateProject(id: string, patch: { name?: string; description?: string; enabled?: boolean; extra?: object; tags?: string[]; options?: object }): ProjectRow {
    const cur = this.getProject(id);
    if (patch.name !== undefined && patch.name !== cur.name && this.q.projectByName.get(cur.domain_id, patch.name)) {
      throw duplicateName('project', patch.name);
    }
    this.db.prepare('UPDATE projects SET name = ?, description = ?, enabled = ?, extra = ?, tags = ?, options = ? WHERE id = ?').run(
      patch.name ?? cur.name, patch.description ?? cur.description,
      patch.enabled === undefined ? cur.enabled : patch.enabled ? 1 : 0,
      JSON.stringify({ ...parseObj(cur.extra), ...(patch.extra ?? {}) }),
      JSON.stringify(patch.tags ?? parseArr(cur.tags)), JSON.stringify({ ...parseObj(cur.options), ...(patch.options ?? {}) }), id,
    );
    return this.getProject(id);
  }

  deleteProject(id: string): void {
    this.getProject(id);
    if (this.q.children.all(id).length > 0) {
      throw forbiddenAction(`Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`);
    }
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
  }
}

export function domainView(d: DomainRow, base: string) {
  return {
    ...parseObj(d.extra),
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: bool(d.enabled),
    tags: parseArr(d.tags),
    options: parseObj(d.options),
    links: { self: `${base}/v3/domains/${d.id}` },
  };
}

export function projectView(p: ProjectRow, base: string) {
  return {
    ...parseObj(p.extra),
    id: p.id,
    name: p.name,
    domain_id: p.domain_id,
    description: p.description,
    enabled: bool(p.enabled),
    parent_id: p.parent_id,
    is_domain: false,
    tags: parseArr(p.tags),
    options: parseObj(p.options),
    links: { self: `${base}/v3/projects/${p.id}` },
  };
}
