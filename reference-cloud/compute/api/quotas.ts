/**
 * os-quota-sets and /limits, as Nova's quota_sets and limits controllers answer them: the keys
 * follow the microversion (the nova-network quotas are gone from 2.36, the file quotas from
 * 2.57); a project reads its own quotas, an admin any project's and changes them; a limit below
 * what is in use is refused unless forced; key_pairs and server_group_members report no usage,
 * as Nova's API does.
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { badRequest, bodyOf, empty, json, policyDenied, qall, validateBody } from '../common';
import type { ComputeApi } from '../context';
import {
  FILE_QUOTAS, NETWORK_QUOTAS, projectLimits, projectUsage, QUOTA_DEFAULTS, QUOTA_RESOURCES, type AnyQuotaResource,
} from '../quota';

const MAX_INT = 0x7fffffff;
const RULE = (action: string) => `os_compute_api:os-quota-sets:${action}`;

const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');

/** The resources shown at the request's microversion, in Nova's (sorted) order. */
function shownResources(req: ApiRequest): AnyQuotaResource[] {
  const mv = req.microversion!;
  const hidden = new Set<AnyQuotaResource>([
    ...(mv.atLeast('2.36') ? NETWORK_QUOTAS : []),
    ...(mv.atLeast('2.57') ? FILE_QUOTAS : []),
  ]);
  return QUOTA_RESOURCES.filter((r) => !hidden.has(r));
}

/** From 2.75 the quota and limits APIs refuse query parameters they do not know. */
function checkQuery(req: ApiRequest, known: string[]): void {
  if (!req.microversion!.atLeast('2.75')) return;
  const unknown = Object.keys(req.query).find((k) => !known.includes(k));
  if (unknown) throw badRequest(`Additional properties are not allowed ('${unknown}' was unexpected)`);
}

/** Reading a project's quotas: its own members and readers, or an admin. */
function authorizeRead(req: ApiRequest, action: string, projectId: string): void {
  const auth = req.auth!;
  if (isAdmin(req)) return;
  if (auth.projectId !== projectId || !auth.roles.some((r) => r === 'member' || r === 'reader')) throw policyDenied(RULE(action));
}

/** What the API reports as in use (instances, cores, ram, server groups; 0 for the rest). */
function inUse(api: ComputeApi, projectId: string): Record<AnyQuotaResource, number> {
  const u = projectUsage(api.store.db, projectId);
  const out = Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, 0])) as Record<AnyQuotaResource, number>;
  Object.assign(out, u);
  return out;
}

function quotaSet(req: ApiRequest, id: string | null, values: Record<AnyQuotaResource, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = id === null ? {} : { id };
  for (const r of shownResources(req)) out[r] = values[r];
  return { quota_set: out };
}

function show(api: ComputeApi, req: ApiRequest): ApiReply {
  checkQuery(req, ['user_id']);
  const id = req.params.project_id;
  authorizeRead(req, 'show', id);
  return json(200, quotaSet(req, id, projectLimits(api.store.db, id)));
}

function detail(api: ComputeApi, req: ApiRequest): ApiReply {
  checkQuery(req, ['user_id']);
  const id = req.params.project_id;
  authorizeRead(req, 'detail', id);
  const { limits, used } = api.store.tx(() => ({ limits: projectLimits(api.store.db, id), used: inUse(api, id) }));
  const values = Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, { limit: limits[r], in_use: used[r], reserved: 0 }])) as Record<AnyQuotaResource, unknown>;
  return json(200, quotaSet(req, id, values));
}

function defaults(req: ApiRequest): ApiReply {
  return json(200, quotaSet(req, req.params.project_id, { ...QUOTA_DEFAULTS }));
}

// ---------------------------------------------------------------------------------------------
// Update

const commonQuota = { type: ['integer', 'string'], pattern: '^-?[0-9]+$', minimum: -1, maximum: MAX_INT };
const BOOLEAN_VALUES = [
  true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't',
  false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f',
];

function updateSchema(resources: string[]): object {
  const properties: Record<string, unknown> = Object.fromEntries(resources.map((r) => [r, commonQuota]));
  properties.force = { type: ['boolean', 'string'], enum: BOOLEAN_VALUES };
  return {
    type: 'object',
    properties: { quota_set: { type: 'object', properties, additionalProperties: false } },
    required: ['quota_set'],
    additionalProperties: false,
  };
}
const UPDATE_21 = updateSchema([...QUOTA_RESOURCES, 'networks']);
const UPDATE_236 = updateSchema(QUOTA_RESOURCES.filter((r) => !NETWORK_QUOTAS.includes(r)));
const UPDATE_257 = updateSchema(QUOTA_RESOURCES.filter((r) => !NETWORK_QUOTAS.includes(r) && !FILE_QUOTAS.includes(r)));

const COUNTED = new Set<AnyQuotaResource>(['instances', 'cores', 'ram', 'server_groups']);

function update(api: ComputeApi, req: ApiRequest): ApiReply {
  const mv = req.microversion!;
  checkQuery(req, ['user_id']);
  const body = bodyOf(req);
  validateBody(mv.atLeast('2.57') ? UPDATE_257 : mv.atLeast('2.36') ? UPDATE_236 : UPDATE_21, body);
  if (!isAdmin(req)) throw policyDenied(RULE('update'));
  const id = req.params.project_id;
  const set = (body as { quota_set: Record<string, unknown> }).quota_set;
  if ('networks' in set) throw badRequest('The networks quota has been removed');
  const force = /^(1|t|true|on|y|yes)$/i.test(String(set.force ?? 'False'));
  const wanted: [AnyQuotaResource, number][] = [];
  for (const [key, value] of Object.entries(set)) {
    if (key === 'force' || value === '' || value === null) continue;
    const n = Number(value);
    // The schema's maximum binds integers only; a numeric string past it is refused the same way.
    if (n > MAX_INT) throw badRequest(`Invalid input for field/attribute ${key}. Value: ${value}. ${value} is greater than the maximum of ${MAX_INT}`);
    wanted.push([key as AnyQuotaResource, n]);
  }
  const limits = api.store.tx(() => {
    const db = api.store.db;
    if (!force) {
      const used = inUse(api, id);
      for (const [r, limit] of wanted) {
        const minimum = COUNTED.has(r) ? used[r] : 0;
        if (limit !== -1 && limit < minimum) {
          throw badRequest(`Quota limit ${limit} for ${r} must be greater than or equal to already used and reserved ${minimum}.`);
        }
      }
    }
    const put = db.prepare('INSERT INTO quotas (project_id, resource, hard_limit) VALUES (?, ?, ?) ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit');
    for (const [r, limit] of wanted) put.run(id, r, limit);
    return projectLimits(db, id);
  });
  return json(200, quotaSet(req, null, limits));
}

function remove(api: ComputeApi, req: ApiRequest): ApiReply {
  checkQuery(req, ['user_id']);
  if (!isAdmin(req)) throw policyDenied(RULE('delete'));
  api.store.tx(() => api.store.db.prepare('DELETE FROM quotas WHERE project_id = ?').run(req.params.project_id));
  return empty(202);
}

// ---------------------------------------------------------------------------------------------
// Limits (nova/api/openstack/compute/views/limits.py)

/** Absolute limit names in Nova's order, with the resource they show. */
const ABSOLUTE: [string, AnyQuotaResource][] = [
  ['maxTotalInstances', 'instances'], ['maxTotalCores', 'cores'], ['maxTotalRAMSize', 'ram'],
  ['maxServerMeta', 'metadata_items'], ['maxImageMeta', 'metadata_items'], ['maxPersonality', 'injected_files'],
  ['maxPersonalitySize', 'injected_file_content_bytes'], ['maxTotalKeypairs', 'key_pairs'], ['maxServerGroups', 'server_groups'],
  ['maxServerGroupMembers', 'server_group_members'], ['maxTotalFloatingIps', 'floating_ips'],
  ['maxSecurityGroups', 'security_groups'], ['maxSecurityGroupRules', 'security_group_rules'],
];
const USED: [string, AnyQuotaResource][] = [
  ['totalRAMUsed', 'ram'], ['totalCoresUsed', 'cores'], ['totalInstancesUsed', 'instances'],
  ['totalFloatingIpsUsed', 'floating_ips'], ['totalSecurityGroupsUsed', 'security_groups'], ['totalServerGroupsUsed', 'server_groups'],
];

function limitsReply(api: ComputeApi, req: ApiRequest): ApiReply {
  checkQuery(req, ['tenant_id']);
  let projectId = req.auth!.projectId ?? '';
  const asked = qall(req, 'tenant_id');
  if (asked.length) {
    if (!isAdmin(req)) throw policyDenied('os_compute_api:limits:other_project');
    projectId = asked[0];
  }
  const mv = req.microversion!;
  const shown = new Set(shownResources(req));
  const { limits, used } = api.store.tx(() => ({ limits: projectLimits(api.store.db, projectId), used: inUse(api, projectId) }));
  const absolute: Record<string, number> = {};
  for (const [name, r] of ABSOLUTE) {
    if (!shown.has(r) || (name === 'maxImageMeta' && mv.atLeast('2.39'))) continue;
    absolute[name] = limits[r];
  }
  for (const [name, r] of USED) if (shown.has(r)) absolute[name] = used[r];
  return json(200, { limits: { rate: [], absolute } });
}

export function quotaRoutes(api: ComputeApi): Route[] {
  return [
    { method: 'GET', path: '/os-quota-sets/:project_id', handler: (req) => show(api, req) },
    { method: 'GET', path: '/os-quota-sets/:project_id/detail', handler: (req) => detail(api, req) },
    { method: 'GET', path: '/os-quota-sets/:project_id/defaults', handler: (req) => defaults(req) },
    { method: 'PUT', path: '/os-quota-sets/:project_id', handler: (req) => update(api, req) },
    { method: 'DELETE', path: '/os-quota-sets/:project_id', handler: (req) => remove(api, req) },
    { method: 'GET', path: '/limits', handler: (req) => limitsReply(api, req) },
  ];
}
