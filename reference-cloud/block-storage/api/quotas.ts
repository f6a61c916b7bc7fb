/**
 * os-quota-sets (cinder/api/contrib/quotas.py): show (with `usage=True`), defaults, update
 * (admin; keys and integers checked as Cinder's quota_set format does, no limit below what is in
 * use) and delete (back to the defaults). Keys: the base ones, three per volume type, groups.
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { badRequest, empty, json, policyDenied, validateBody } from '../common';
import type { BlockStorageApi } from '../context';
import { defaultLimit, projectLimits, projectUsage, quotaKeys } from '../quota';
import { isAdmin } from '../models/volumes';

const MAX_INT = 0x7fffffff;
const RULE = (action: string) => `volume_extension:quotas:${action}`;
const NON_QUOTA_KEYS = ['tenant_id', 'id'];

const UPDATE = {
  type: 'object',
  properties: { quota_set: { type: 'object', minProperties: 1 } },
  required: ['quota_set'],
  additionalProperties: false,
};

/** admin_or_owner: an admin, or the project's own members and readers. */
function authorize(req: ApiRequest, action: string): string {
  const target = req.params.target;
  if (!isAdmin(req.auth) && req.auth?.projectId !== target) throw policyDenied(RULE(action));
  return target;
}

function show(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const target = authorize(req, 'show');
  const raw = req.query.usage;
  const usage = raw !== undefined && /^(1|t|true|on|y|yes)$/i.test(Array.isArray(raw) ? raw[raw.length - 1] : raw);
  const { limits, used, keys } = api.store.tx(() => ({ limits: projectLimits(api.store.db, target), used: projectUsage(api.store.db, target), keys: quotaKeys(api.store.db) }));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = usage ? { limit: limits[k], in_use: k === 'per_volume_gigabytes' ? 0 : used[k] ?? 0, reserved: 0 } : limits[k];
  out.id = target;
  return json(200, { quota_set: out });
}

function defaults(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const target = authorize(req, 'show');
  const out: Record<string, unknown> = {};
  const classDefaults = new Map((api.store.db.prepare("SELECT resource, hard_limit FROM quotas WHERE project_id = '__default__'").all() as { resource: string; hard_limit: number }[]).map((r) => [r.resource, r.hard_limit]));
  for (const k of quotaKeys(api.store.db)) out[k] = classDefaults.get(k) ?? defaultLimit(k);
  out.id = target;
  return json(200, { quota_set: out });
}

/** oslo's strutils.validate_integer as Cinder's quota_set format calls it. */
function integer(value: unknown, name: string): number {
  let n: number;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = Number(value);
  else throw badRequest(`${name} must be an integer`);
  if (n < -1) throw badRequest(`${name} must be >= -1`);
  if (n > MAX_INT) throw badRequest(`${name} must be <= ${MAX_INT}`);
  return n;
}

function update(api: BlockStorageApi, req: ApiRequest): ApiReply {
  const target = req.params.target;
  validateBody(UPDATE, req.body);
  if (target.length > 255) throw badRequest('quota_set_name has a maximum length of 255 characters.');
  const set = (req.body as { quota_set: Record<string, unknown> }).quota_set;
  const out = api.store.tx(() => {
    const db = api.store.db;
    const keys = new Set(quotaKeys(db));
    const bad: string[] = [];
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(set)) {
      if (NON_QUOTA_KEYS.includes(k)) continue;
      if (!keys.has(k)) {
        bad.push(k);
        continue;
      }
      values[k] = integer(v, k);
    }
    if (bad.length) throw badRequest(`Invalid input received: Bad key(s) in quota set: ${bad.join(', ')}`);
    const used = projectUsage(db, target);
    for (const [k, v] of Object.entries(values)) {
      if (k === 'per_volume_gigabytes' || v === -1) continue;
      const u = used[k] ?? 0;
      if (v < u) throw badRequest(`Quota ${k} limit must be equal or greater than existing resources. Current usage is ${u} and the requested limit is ${v}.`);
    }
    const put = db.prepare('INSERT INTO quotas (project_id, resource, hard_limit) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET hard_limit = excluded.hard_limit');
    for (const [k, v] of Object.entries(values)) put.run(target, k, v);
    return projectLimits(db, target);
  });
  return json(200, { quota_set: out });
}

function remove(api: BlockStorageApi, req: ApiRequest): ApiReply {
  api.store.tx(() => api.store.db.prepare('DELETE FROM quotas WHERE project_id = ?').run(req.params.target));
  return empty(200);
}

export function quotaRoutes(api: BlockStorageApi): Route[] {
  const admin = (action: string) => ({ rule: RULE(action), check: (auth: Parameters<typeof isAdmin>[0]) => isAdmin(auth) });
  return [
    { method: 'GET', path: '/os-quota-sets/:target', handler: (req) => show(api, req) },
    { method: 'GET', path: '/os-quota-sets/:target/defaults', handler: (req) => defaults(api, req) },
    { method: 'PUT', path: '/os-quota-sets/:target', policy: admin('update'), handler: (req) => update(api, req) },
    { method: 'DELETE', path: '/os-quota-sets/:target', policy: admin('delete'), handler: (req) => remove(api, req) },
  ];
}
