/**
 * What a compute cloud offers beyond its catalog and microversions, for the tags of the
 * availability-zone, cells and scheduling scenarios:
 *   hosts          compute hosts that can take a server now (admin GET /os-hypervisors: state up,
 *                  status enabled); unknown without admin rights
 *   controlPlane   the cloud answers the reference cloud's control-plane API (admin
 *                  GET <compute root>/control/cells → 200 {"cells": [...]}); a real Nova answers 404
 *   schedulerFilters  the scheduler's enabled filters. Nova's API does not tell them, so (as Tempest's
 *                  [compute-feature-enabled] scheduler_enabled_filters) they are declared with
 *                  STACKPROOF_SCHEDULER_FILTERS (comma-separated names, or "all"); a control plane
 *                  reports its own (GET <compute root>/control/scheduler → {"scheduler": {"enabled_filters"}});
 *                  otherwise a cloud is taken to run Nova's default filters.
 */
import type { Exchange } from '../client/exchange';
import type { RequestOptions } from '../client/session';
import { discoveryRoot } from '../client/version-document';

/** The part of Session discovery uses (a fake in tests). */
export interface ComputeProbeSession {
  request(opts: RequestOptions): Promise<Exchange>;
  endpointFor(serviceType: string): string;
}

/** nova.conf [filter_scheduler] enabled_filters by default (Zed to 2025.2). */
export const NOVA_DEFAULT_FILTERS = [
  'ComputeFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
  'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter',
];

export interface SchedulerFilters {
  /** The enabled filters, or 'all' (declared). */
  enabled: string[] | 'all';
  /** Where the list came from, for skip reasons. */
  source: 'declared' | 'control-plane' | 'nova-defaults';
}

export interface ComputeCapability {
  /** Usable compute hosts; undefined when the target's user may not list hypervisors. */
  hosts?: number;
  controlPlane: boolean;
  schedulerFilters: SchedulerFilters;
}

/** The control plane's base URL: the compute endpoint without its version (…/compute/control). */
export function controlPlaneUrl(computeEndpoint: string, path: string): string {
  return `${discoveryRoot(computeEndpoint).root}control/${path.replace(/^\/+/, '')}`;
}

/** STACKPROOF_SCHEDULER_FILTERS: "all", or names separated by commas or spaces; undefined when unset. */
export function parseDeclaredFilters(value: string | undefined): string[] | 'all' | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (value.trim().toLowerCase() === 'all') return 'all';
  const names = value.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((n) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(n));
  if (bad) throw new Error(`STACKPROOF_SCHEDULER_FILTERS: "${bad}" is not a scheduler filter name (use class names such as AggregateInstanceExtraSpecsFilter, or "all")`);
  return names;
}

/** Hypervisors that can take a server: up and enabled. */
export function countUsableHosts(json: unknown): number | undefined {
  const list = (json as { hypervisors?: unknown } | undefined)?.hypervisors;
  if (!Array.isArray(list)) return undefined;
  return list.filter((h) => {
    const o = h as { state?: unknown; status?: unknown };
    return o && o.state === 'up' && o.status === 'enabled';
  }).length;
}

async function getJson(session: ComputeProbeSession, opts: RequestOptions): Promise<{ status: number; json: unknown }> {
  try {
    const ex = await session.request(opts);
    return { status: ex.response.status, json: ex.response.json };
  } catch {
    return { status: 0, json: undefined };
  }
}

export async function discoverCompute(session: ComputeProbeSession, admin: boolean, env: NodeJS.ProcessEnv = process.env): Promise<ComputeCapability> {
  const declared = parseDeclaredFilters(env.STACKPROOF_SCHEDULER_FILTERS);
  let hosts: number | undefined;
  let controlPlane = false;
  let reported: string[] | undefined;
  if (admin) {
    const hv = await getJson(session, { service: 'compute', method: 'GET', path: '/os-hypervisors' });
    if (hv.status === 200) hosts = countUsableHosts(hv.json);
    const endpoint = session.endpointFor('compute');
    const cells = await getJson(session, { method: 'GET', url: controlPlaneUrl(endpoint, 'cells') });
    controlPlane = cells.status === 200 && Array.isArray((cells.json as { cells?: unknown } | undefined)?.cells);
    if (controlPlane) {
      const sched = await getJson(session, { method: 'GET', url: controlPlaneUrl(endpoint, 'scheduler') });
      const list = (sched.json as { scheduler?: { enabled_filters?: unknown } } | undefined)?.scheduler?.enabled_filters;
      if (sched.status === 200 && Array.isArray(list) && list.every((f) => typeof f === 'string')) reported = list as string[];
    }
  }
  const schedulerFilters: SchedulerFilters = declared !== undefined
    ? { enabled: declared, source: 'declared' }
    : reported ? { enabled: reported, source: 'control-plane' } : { enabled: NOVA_DEFAULT_FILTERS, source: 'nova-defaults' };
  return { ...(hosts !== undefined ? { hosts } : {}), controlPlane, schedulerFilters };
}
