/**
 * os-server-groups (project-scoped): create (quota server_groups, counted in the same
 * transaction), list (the caller's project; every project for an admin with all_projects;
 * limit/offset), show, delete (204). Shapes by microversion: `policies` and `metadata` before
 * 2.64, `policy` and `rules` from 2.64; soft policies from 2.15; project_id and user_id from
 * 2.13. Another project's group is not found (Nova filters groups by project for non-admins).
 */
import type { ApiRequest, Route } from '../../core/service';
import { badRequest, bodyOf, empty, notFound, policyDenied, qstr, validateBody, MAX_LIMIT } from '../common';
import type { ComputeApi } from '../context';
import { groupByUuid, groupMembers, groupRules, liveMembers, type ServerGroupRow } from '../models/server-groups';
import { uuid } from '../../core/ids';
import { checkName } from './aggregates';

const rule = (action: string) => `os_compute_api:os-server-groups:${action}`;
const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');
/** Zed defaults: a project member (or admin) writes, a project reader reads. */
const canWrite = (req: ApiRequest): boolean => isAdmin(req) || !!req.auth?.roles.includes('member');
const canRead = (req: ApiRequest): boolean => canWrite(req) || !!req.auth?.roles.includes('reader');

const nameSchema = { type: 'string', minLength: 1, maxLength: 255 };
const policiesSchema = (allowed: string[]) => ({
  type: 'array',
  items: [{ type: 'string', enum: allowed }],
  uniqueItems: true, minItems: 1, maxItems: 1, additionalItems: false,
});
const createSchema = (props: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  properties: { server_group: { type: 'object', properties: { name: nameSchema, ...props }, required: ['name', ...required], additionalProperties: false } },
  required: ['server_group'], additionalProperties: false,
});
const CREATE_2_1 = createSchema({ policies: policiesSchema(['anti-affinity', 'affinity']) }, ['policies']);
const CREATE_2_15 = createSchema({ policies: policiesSchema(['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']) }, ['policies']);
const CREATE_2_64 = createSchema({
  policy: { type: 'string', enum: ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'] },
  rules: {
    type: 'object',
    properties: { max_server_per_host: { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 1, minLength: 1 } },
    additionalProperties: false,
  },
}, ['policy']);

/** A non-negative integer query parameter (limit, offset), worded as Nova's query schema. */
function queryInt(req: ApiRequest, key: string): number | undefined {
  const raw = qstr(req, key);
  if (raw === undefined) return undefined;
  if (!/^[0-9]*$/.test(raw) || raw === '') {
    throw badRequest(`Invalid input for query parameters ${key}. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`);
  }
  return Number(raw);
}

export function serverGroupRoutes(api: ComputeApi): Route[] {
  const db = () => api.store.db;

  /** Nova's _format_server_group. */
  const view = (req: ApiRequest, g: ServerGroupRow): Record<string, unknown> => {
    const mv = req.microversion!;
    const out: Record<string, unknown> = { id: g.uuid, name: g.name };
    if (mv.atLeast('2.64')) {
      out.policy = g.policy;
      out.rules = groupRules(g);
    } else {
      out.policies = [g.policy];
      out.metadata = {};
    }
    out.members = liveMembers(api, groupMembers(db(), g.id));
    if (mv.atLeast('2.13')) {
      out.project_id = g.project_id;
      out.user_id = g.user_id;
    }
    return out;
  };

  /** The group as the caller may see it (admins: any project's). */
  const find = (req: ApiRequest, id: string): ServerGroupRow => {
    const g = groupByUuid(db(), id);
    if (!g || (!isAdmin(req) && g.project_id !== req.auth!.projectId)) throw notFound(`Instance group ${id} could not be found.`);
    return g;
  };

  return [
    {
      method: 'GET', path: '/os-server-groups',
      handler: (req) => {
        if (req.microversion!.atLeast('2.75')) {
          const unknown = Object.keys(req.query).find((k) => !['all_projects', 'limit', 'offset'].includes(k));
          if (unknown) throw badRequest(`Additional properties are not allowed ('${unknown}' was unexpected)`);
        }
        const limit = queryInt(req, 'limit');
        const offset = queryInt(req, 'offset') ?? 0;
        if (!canRead(req)) throw policyDenied(rule('index'));
        const all = req.query.all_projects !== undefined && isAdmin(req);
        const rows = (all
          ? db().prepare('SELECT * FROM instance_groups ORDER BY id').all()
          : db().prepare('SELECT * FROM instance_groups WHERE project_id = ? ORDER BY id').all(req.auth!.projectId ?? '')) as ServerGroupRow[];
        const page = rows.slice(offset, offset + Math.min(MAX_LIMIT, limit || MAX_LIMIT));
        return { status: 200, body: { server_groups: page.map((g) => view(req, g)) } };
      },
    },
    {
      method: 'POST', path: '/os-server-groups',
      handler: (req) => {
        const mv = req.microversion!;
        const body = bodyOf(req);
        validateBody(mv.atLeast('2.64') ? CREATE_2_64 : mv.atLeast('2.15') ? CREATE_2_15 : CREATE_2_1, body);
        const given = (body as { server_group: { name: string; policies?: string[]; policy?: string; rules?: { max_server_per_host?: number | string } } }).server_group;
        checkName(given.name, 'name');
        if (!canWrite(req)) throw policyDenied(rule('create'));
        const projectId = req.auth!.projectId;
        if (!projectId) throw policyDenied(rule('create'));
        let policy: string;
        let rules: Record<string, number> = {};
        if (mv.atLeast('2.64')) {
          policy = given.policy!;
          const raw = given.rules ?? {};
          if (policy !== 'anti-affinity' && Object.keys(raw).length) throw badRequest('Only anti-affinity policy supports rules.');
          if (raw.max_server_per_host !== undefined) rules = { max_server_per_host: Number(raw.max_server_per_host) };
        } else {
          policy = given.policies![0];
        }
        const g = api.store.tx(() => {
          api.quotas.check(projectId, { server_groups: 1 });
          const id = uuid();
          db().prepare('INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, rules, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(id, given.name, projectId, req.auth!.userId, policy, JSON.stringify(rules), api.now());
          return groupByUuid(db(), id)!;
        });
        return { status: 200, body: { server_group: view(req, g) } };
      },
    },
    {
      method: 'GET', path: '/os-server-groups/:id',
      handler: (req) => {
        const g = find(req, req.params.id);
        if (!canRead(req)) throw policyDenied(rule('show'));
        return { status: 200, body: { server_group: view(req, g) } };
      },
    },
    {
      method: 'DELETE', path: '/os-server-groups/:id',
      handler: (req) => {
        const g = find(req, req.params.id);
        if (!canWrite(req)) throw policyDenied(rule('delete'));
        const gone = db().prepare('DELETE FROM instance_groups WHERE id = ?').run(g.id).changes;
        if (!gone) throw notFound(`Instance group ${req.params.id} could not be found.`);
        return empty(204);
      },
    },
  ];
}
