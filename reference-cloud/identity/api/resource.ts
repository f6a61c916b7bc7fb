/** /v3/domains and /v3/projects, with project tags [keystone/api/domains.py, projects.py]. */
import { ApiError } from '../../core/errors';
import { rule, admin, systemReader, domainReaderOf } from '../../core/policy';
import type { ApiRequest, Route } from '../../core/service';
import { bool, splitExtra } from '../models/json-columns';
import { CLIENT_ERROR } from '../errors';
import { DEFAULT_DOMAIN_ID, domainView, projectView } from '../models/resource';
import {
  type IdentityApi, created, description, enabled, entity, filterBy, list, nameString, noContent, nullableId, ok, qstr, route,
  tagsSchema, validate,
} from './helpers';

const options = { type: 'object' };
const domainCreate = {
  type: 'object',
  properties: { name: { ...nameString, maxLength: 64 }, description, enabled, tags: tagsSchema, options, explicit_domain_id: { type: 'string' } },
  required: ['name'],
};
const domainUpdate = {
  type: 'object',
  properties: { name: { ...nameString, maxLength: 64 }, description, enabled, tags: tagsSchema, options },
  minProperties: 1,
};
const projectCreate = {
  type: 'object',
  properties: {
    name: { ...nameString, maxLength: 64 }, description, enabled, domain_id: nullableId, parent_id: nullableId,
    is_domain: { type: 'boolean' }, tags: tagsSchema, options,
  },
  required: ['name'],
};
const projectUpdate = {
  type: 'object',
  properties: { name: { ...nameString, maxLength: 64 }, description, enabled, tags: tagsSchema, options,
    domain_id: nullableId, parent_id: nullableId, is_domain: { type: 'boolean' } },
  minProperties: 1,
};
const DOMAIN_COLS = ['name', 'description', 'enabled', 'tags', 'options', 'id', 'links', 'explicit_domain_id'] as const;
const PROJECT_COLS = ['name', 'description', 'enabled', 'tags', 'options', 'domain_id', 'parent_id', 'is_domain', 'id', 'links'] as const;

export function resourceRoutes(api: IdentityApi): Route[] {
  const { b, tokens } = api;
  const domainOf = (req: ApiRequest) => req.params.domain_id;
  const projectDomain = (req: ApiRequest) => b.resource.findProject(req.params.project_id)?.domain_id;
  const readDomain = rule('identity:get_domain', (a, req) =>
    admin(a) || systemReader(a) || domainReaderOf(domainOf(req))(a) || (!!a.projectDomainId && a.projectDomainId === domainOf(req)));
  const readProject = rule('identity:get_project', (a, req) =>
    admin(a) || systemReader(a) || domainReaderOf(projectDomain(req))(a) || a.projectId === req.params.project_id);

  const getDomain = (req: ApiRequest) => b.resource.getDomain(req.params.domain_id);
  const getProject = (req: ApiRequest) => b.resource.getProject(req.params.project_id);

  return [
    route(api, 'POST', '/v3/domains', rule('identity:create_domain', admin), (req) => {
      const d = entity(req, 'domain', domainCreate);
      const { known, extra } = splitExtra(d, DOMAIN_COLS);
      const row = b.resource.createDomain({
        id: known.explicit_domain_id as string | undefined, name: known.name as string,
        description: (known.description as string | null) ?? '', enabled: known.enabled as boolean | undefined,
        tags: known.tags as string[] | undefined, options: known.options as object | undefined, extra,
      });
      return created({ domain: domainView(row, req.baseUrl) });
    }),
    route(api, 'GET', '/v3/domains', rule('identity:list_domains', (a) => admin(a) || systemReader(a)), (req) => {
      const rows = filterBy(b.resource.listDomains(), req, { name: (d) => d.name, enabled: (d) => bool(d.enabled) });
      return list(req, 'domains', rows.map((d) => domainView(d, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/domains/:domain_id', readDomain, (req) => ok({ domain: domainView(getDomain(req), req.baseUrl) })),
    route(api, 'PATCH', '/v3/domains/:domain_id', rule('identity:update_domain', admin), (req) => {
      const patch = entity(req, 'domain', domainUpdate);
      const { known, extra } = splitExtra(patch, DOMAIN_COLS);
      if (known.id !== undefined && known.id !== req.params.domain_id) throw new ApiError(400, 'Cannot change Domain ID.');
      const wasEnabled = bool(getDomain(req).enabled);
      const row = b.resource.updateDomain(req.params.domain_id, {
        name: known.name as string | undefined, description: known.description as string | undefined,
        enabled: known.enabled as boolean | undefined, tags: known.tags as string[] | undefined, options: known.options as object | undefined, extra,
      });
      if (wasEnabled && !bool(row.enabled)) b.changed();
      return ok({ domain: domainView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/domains/:domain_id', rule('identity:delete_domain', admin), (req) => {
      if (req.params.domain_id === DEFAULT_DOMAIN_ID && bool(getDomain(req).enabled)) {
        throw new ApiError(403, 'Cannot delete a domain that is enabled, please disable it first.');
      }
      b.store.tx(() => {
        const domainId = req.params.domain_id;
        b.resource.deleteDomain(domainId);
        for (const u of b.identity.listUsers().filter((u) => u.domain_id === domainId)) {
          b.assignment.removeActor(u.id);
          b.identity.deleteUser(u.id);
        }
        for (const g of b.identity.listGroups().filter((g) => g.domain_id === domainId)) {
          b.assignment.removeActor(g.id);
          b.identity.deleteGroup(g.id);
        }
        b.assignment.removeTarget(domainId);
      });
      return noContent();
    }),

    route(api, 'POST', '/v3/projects', rule('identity:create_project', admin), (req) => {
      const p = entity(req, 'project', projectCreate);
      const { known, extra } = splitExtra(p, PROJECT_COLS);
      if (known.is_domain === true) throw new ApiError(400, 'Projects acting as domains are not supported by this cloud.');
      const domainId = (known.domain_id as string | null | undefined)
        ?? (known.parent_id ? b.resource.findProject(known.parent_id as string)?.domain_id : undefined)
        ?? req.auth!.domainId ?? DEFAULT_DOMAIN_ID;
      const row = b.resource.createProject({
        name: known.name as string, domainId, parentId: known.parent_id as string | null | undefined,
        description: (known.description as string | null) ?? '', enabled: known.enabled as boolean | undefined,
        tags: known.tags as string[] | undefined, options: known.options as object | undefined, extra,
      });
      return created({ project: projectView(row, req.baseUrl) });
    }),
    route(api, 'GET', '/v3/projects', rule('identity:list_projects', (a, req) =>
      admin(a) || systemReader(a) || (!!a.domainId && a.roles.includes('reader') && (qstr(req, 'domain_id') ?? a.domainId) === a.domainId)), (req) => {
      let rows = filterBy(b.resource.listProjects(), req, {
        name: (p) => p.name, enabled: (p) => bool(p.enabled), domain_id: (p) => p.domain_id, parent_id: (p) => p.parent_id,
        is_domain: () => false,
      });
      const a = req.auth!;
      if (!admin(a) && !systemReader(a) && a.domainId) rows = rows.filter((p) => p.domain_id === a.domainId);
      const tags = qstr(req, 'tags');
      if (tags) rows = rows.filter((p) => tags.split(',').every((t) => (JSON.parse(p.tags) as string[]).includes(t)));
      const tagsAny = qstr(req, 'tags-any');
      if (tagsAny) rows = rows.filter((p) => tagsAny.split(',').some((t) => (JSON.parse(p.tags) as string[]).includes(t)));
      return list(req, 'projects', rows.map((p) => projectView(p, req.baseUrl)));
    }),
    route(api, 'GET', '/v3/projects/:project_id', readProject, (req) => ok({ project: projectView(getProject(req), req.baseUrl) })),
    route(api, 'PATCH', '/v3/projects/:project_id', rule('identity:update_project', admin), (req) => {
      const patch = entity(req, 'project', projectUpdate);
      const { known, extra } = splitExtra(patch, PROJECT_COLS);
      const cur = getProject(req);
      if (known.domain_id !== undefined && known.domain_id !== cur.domain_id) throw new ApiError(400, 'Cannot change Domain ID.');
      if (known.parent_id !== undefined && known.parent_id !== cur.parent_id) throw new ApiError(403, 'Update of `parent_id` is not allowed.');
      if (known.is_domain !== undefined && known.is_domain !== false) throw new ApiError(403, 'Update of `is_domain` is not allowed.');
      const row = b.resource.updateProject(cur.id, {
        name: known.name as string | undefined, description: known.description as string | undefined,
        enabled: known.enabled as boolean | undefined, tags: known.tags as string[] | undefined, options: known.options as object | undefined, extra,
      });
      if (bool(cur.enabled) && !bool(row.enabled)) tokens.revokeProject(cur.id);
      return ok({ project: projectView(row, req.baseUrl) });
    }),
    route(api, 'DELETE', '/v3/projects/:project_id', rule('identity:delete_project', admin), (req) => {
      const id = getProject(req).id;
      b.store.tx(() => {
        b.resource.deleteProject(id);
        b.assignment.removeTarget(id);
      });
      tokens.revokeProject(id);
      return noContent();
    }),

    route(api, 'GET', '/v3/projects/:project_id/tags', rule('identity:list_project_tags', readProject.check), (req) =>
      ok({ tags: JSON.parse(getProject(req).tags) as string[], links: { self: `${req.baseUrl}${req.url}`, previous: null, next: null } })),
    route(api, 'PUT', '/v3/projects/:project_id/tags', rule('identity:update_project_tags', admin), (req) => {
      const body = req.body as { tags?: unknown } | undefined;
      if (!body || typeof body !== 'object' || body.tags === undefined) {
        throw new ApiError(400, `Expecting to find tags in request body. ${CLIENT_ERROR}`);
      }
      validate(body.tags, tagsSchema);
      const row = b.resource.updateProject(getProject(req).id, { tags: body.tags as string[] });
      return ok({ tags: JSON.parse(row.tags) as string[], links: { self: `${req.baseUrl}${req.url}`, previous: null, next: null } });
    }),
    route(api, 'GET', '/v3/projects/:project_id/tags/:tag', rule('identity:get_project_tag', readProject.check), (req) => {
      if (!(JSON.parse(getProject(req).tags) as string[]).includes(req.params.tag)) throw new ApiError(404, `Could not find project tag: ${req.params.tag}.`);
      return noContent();
    }),
    route(api, 'PUT', '/v3/projects/:project_id/tags/:tag', rule('identity:create_project_tag', admin), (req) => {
      const p = getProject(req);
      validate([req.params.tag], tagsSchema);
      const tags = JSON.parse(p.tags) as string[];
      if (!tags.includes(req.params.tag)) {
        if (tags.length >= 80) throw new ApiError(400, 'The number of tags is over the limit of 80.');
        b.resource.updateProject(p.id, { tags: [...tags, req.params.tag] });
      }
      return { status: 201, headers: { Location: `${req.baseUrl}/v3/projects/${p.id}/tags/${encodeURIComponent(req.params.tag)}` } };
    }),
    route(api, 'DELETE', '/v3/projects/:project_id/tags', rule('identity:delete_project_tags', admin), (req) => {
      b.resource.updateProject(getProject(req).id, { tags: [] });
      return noContent();
    }),
    route(api, 'DELETE', '/v3/projects/:project_id/tags/:tag', rule('identity:delete_project_tag', admin), (req) => {
      const p = getProject(req);
      const tags = JSON.parse(p.tags) as string[];
      if (!tags.includes(req.params.tag)) throw new ApiError(404, `Could not find project tag: ${req.params.tag}.`);
      b.resource.updateProject(p.id, { tags: tags.filter((t) => t !== req.params.tag) });
      return noContent();
    }),
  ];
}
