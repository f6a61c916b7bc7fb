/**
 * os-simple-tenant-usage, as Nova's controller answers it: every project's usage for an admin,
 * a project's own (always with its servers) for its members and readers; `start`/`end` bound
 * the period (default now, `end` capped at now); from 2.40 pages by instance with `limit` and
 * `marker`. Cells that are down are left out.
 */
import { badRequest, nextLink, paging, policyDenied, qstr } from '../common';
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import type { ComputeApi } from '../context';
import { PyFloat, pyJson } from '../models/py-json';
import { instancesInWindow, parseUsageTime, tenantUsages, type TenantUsage, type UsageInstance } from '../models/usage';

const FLOATS = ['total_local_gb_usage', 'total_vcpus_usage', 'total_memory_mb_usage', 'total_hours'] as const;

/** A project's usage with its hours written as the Python floats they are. */
function floats(u: TenantUsage): Record<string, unknown> {
  const out: Record<string, unknown> = { ...u };
  for (const k of FLOATS) out[k] = new PyFloat(u[k]);
  if (u.server_usages) out.server_usages = u.server_usages.map((s) => ({ ...s, hours: new PyFloat(s.hours) }));
  return out;
}

const RULE = (action: string) => `os_compute_api:os-simple-tenant-usage:${action}`;

/** A period bound, or now when absent or empty (parse_qs drops blank values). */
function bound(req: ApiRequest, key: string, now: Date): Date {
  const raw = qstr(req, key);
  if (raw === undefined || raw === '') return now;
  const d = parseUsageTime(raw);
  if (!d) throw badRequest('Invalid datetime string: Datetime is in invalid format');
  return d;
}

/**
 * The period asked for. Nova reads "now" once per missing bound and once more for the cap, each
 * a little later than the one before: a request without bounds covers an instant, not nothing.
 */
function period(req: ApiRequest, now: Date): { start: Date; stop: Date } {
  const later = new Date(now.getTime() + 1);
  const start = bound(req, 'start', now);
  let stop = bound(req, 'end', later);
  if (!(start < stop)) throw badRequest('Invalid start time. The start time cannot occur after the end time.');
  if (stop > later) stop = later;
  return { start, stop };
}

function checkQuery(req: ApiRequest, paged: boolean): void {
  if (!req.microversion!.atLeast('2.75')) return;
  const known = ['start', 'end', 'detailed', ...(paged ? ['limit', 'marker'] : [])];
  const unknown = Object.keys(req.query).find((k) => !known.includes(k));
  if (unknown) throw badRequest(`Additional properties are not allowed ('${unknown}' was unexpected)`);
}

/** The instances of the page: after the marker (an instance uuid that must exist), at most limit. */
function page(all: UsageInstance[], limit: number, marker: string | undefined): UsageInstance[] {
  if (marker === undefined) return all.slice(0, limit);
  const at = all.findIndex((i) => i.uuid === marker);
  if (at < 0) throw badRequest(`Marker ${marker} could not be found.`);
  return all.slice(at + 1, at + 1 + limit);
}

function usageFor(api: ComputeApi, req: ApiRequest, projectId: string | undefined, detailed: boolean) {
  const paged = req.microversion!.atLeast('2.40');
  checkQuery(req, paged);
  const now = api.clock.now();
  const { start, stop } = period(req, now);
  const { limit, marker } = paged ? paging(req) : { limit: undefined, marker: undefined };
  const all = instancesInWindow(api.cells.all(), start, stop, projectId);
  const instances = page(all, limit ?? 1000, marker);
  return { paged, limit, ...tenantUsages(instances, start, stop, now, detailed) };
}

function list(api: ComputeApi, req: ApiRequest): ApiReply {
  if (!req.auth!.roles.includes('admin')) throw policyDenied(RULE('list'));
  const { paged, limit, usages, servers } = usageFor(api, req, undefined, qstr(req, 'detailed') === '1');
  const body: Record<string, unknown> = { tenant_usages: usages.map(floats) };
  const next = paged ? nextLink(req, '/os-simple-tenant-usage', servers.length, limit, servers[servers.length - 1]?.instance_id) : undefined;
  if (next) body.tenant_usages_links = next;
  return pyJson(200, body);
}

function show(api: ComputeApi, req: ApiRequest): ApiReply {
  const id = req.params.tenant_id;
  const auth = req.auth!;
  if (!auth.roles.includes('admin') && (auth.projectId !== id || !auth.roles.some((r) => r === 'member' || r === 'reader'))) {
    throw policyDenied(RULE('show'));
  }
  const { paged, limit, usages, servers } = usageFor(api, req, id, true);
  const body: Record<string, unknown> = { tenant_usage: usages[0] ? floats(usages[0]) : {} };
  const next = paged ? nextLink(req, `/os-simple-tenant-usage/${id}`, servers.length, limit, servers[servers.length - 1]?.instance_id) : undefined;
  if (next) body.tenant_usage_links = next;
  return pyJson(200, body);
}

export function usageRoutes(api: ComputeApi): Route[] {
  return [
    { method: 'GET', path: '/os-simple-tenant-usage', handler: (req) => list(api, req) },
    { method: 'GET', path: '/os-simple-tenant-usage/:tenant_id', handler: (req) => show(api, req) },
  ];
}
