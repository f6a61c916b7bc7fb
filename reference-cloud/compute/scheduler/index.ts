/**
 * The scheduler (Nova's filter scheduler with Placement's claim in the same place): in one
 * API-database transaction it loads the host states, runs the filters, weighs the survivors and
 * writes the winner's allocation for the consumer, so two concurrent claims never overcommit a
 * host. Nothing is written when no host passes (NoValidHost, with an empty reason as Nova shows
 * it; the filter that eliminated the last hosts is logged at debug level).
 */
import type { ComputeApi, RequestSpec, SchedulerApi, Selection } from '../context';
import { NoValidHost } from '../context';
import { groupByUuid, groupRules, memberHostCounts } from '../models/server-groups';
import type { FilterContext, GroupContext, HostFilter, HostWeigher } from './filter';
import { requestedResources } from './filter';
import { aggregateExtraSpecsFilter } from './filters/aggregate-extra-specs';
import { availabilityZoneFilter } from './filters/availability-zone';
import { computeFilter } from './filters/compute';
import { imagePropertiesFilter } from './filters/image-properties';
import { resourcesFilter } from './filters/resources';
import { affinityFilter, antiAffinityFilter } from './filters/server-group';
import { loadHostStates, type HostState } from './host-state';
import { normalize, ramWeigher, softAffinityWeigher, softAntiAffinityWeigher } from './weighers';

/** Placement's candidates first, then Nova's enabled_filters in their default order. */
export const FILTERS: HostFilter[] = [
  resourcesFilter, computeFilter, availabilityZoneFilter, aggregateExtraSpecsFilter, imagePropertiesFilter,
  affinityFilter, antiAffinityFilter,
];
export const WEIGHERS: HostWeigher[] = [ramWeigher, softAffinityWeigher, softAntiAffinityWeigher];

/** "zone:host[:node]" → the host forced, or null ("zone", "zone:" force nothing). */
export function forcedHost(forceHost: string | null): string | null {
  if (!forceHost) return null;
  const parts = forceHost.split(':');
  return parts[1] ? parts[1] : null;
}

/** Runs the filters in order; answers the survivors and the name of the filter that left none. */
export function filterHosts(hosts: HostState[], ctx: FilterContext, filters: HostFilter[] = FILTERS): { passed: HostState[]; eliminatedBy?: string; trail: string[] } {
  let current = hosts;
  const trail: string[] = [];
  for (const f of filters) {
    current = current.filter((h) => f.passes(h, ctx));
    trail.push(`${f.name}: ${current.length}`);
    if (current.length === 0) return { passed: current, eliminatedBy: f.name, trail };
  }
  return { passed: current, trail };
}

/** Hosts sorted best first: the weighted sum of normalised weights, ties by host name. */
export function weighHosts(hosts: HostState[], ctx: FilterContext, weighers: HostWeigher[] = WEIGHERS): HostState[] {
  const totals = hosts.map(() => 0);
  for (const w of weighers) {
    normalize(hosts.map((h) => w.weigh(h, ctx))).forEach((v, i) => { totals[i] += w.multiplier * v; });
  }
  return hosts.map((h, i) => ({ h, w: totals[i] }))
    .sort((a, b) => b.w - a.w || (a.h.host < b.h.host ? -1 : a.h.host > b.h.host ? 1 : 0))
    .map((x) => x.h);
}

export class Scheduler implements SchedulerApi {
  private readonly api: ComputeApi;

  constructor(api: ComputeApi) {
    this.api = api;
  }

  selectAndClaim(spec: RequestSpec): Selection {
    return this.api.store.tx(() => {
      const ctx: FilterContext = { spec, want: requestedResources(spec), group: this.groupContext(spec) };
      const ignored = new Set(spec.ignore_hosts ?? []);
      let hosts = loadHostStates(this.api, spec.instance_uuid).filter((h) => !ignored.has(h.host));
      const forced = forcedHost(spec.force_host);
      // A forced host skips Nova's filters, not Placement's claim nor the disabled-compute prefilter.
      const filters = forced ? [resourcesFilter, computeFilter] : FILTERS;
      if (forced) hosts = hosts.filter((h) => h.host === forced);
      const { passed, eliminatedBy, trail } = filterHosts(hosts, ctx, filters);
      if (passed.length === 0) {
        this.api.log.debug({ instance: spec.instance_uuid, filter: eliminatedBy ?? (forced ? `force_host ${forced}` : 'none'), trail, hosts: hosts.length },
          `Filter ${eliminatedBy ?? 'none'} returned 0 hosts`);
        throw new NoValidHost();
      }
      const best = weighHosts(passed, ctx)[0];
      this.claim(spec, best.host, ctx);
      return { host: best.host, node: best.node, cell: best.cell, zone: best.zone };
    });
  }

  release(consumerUuid: string): void {
    this.api.store.db.prepare('DELETE FROM allocations WHERE consumer_uuid = ?').run(consumerUuid);
  }

  /** Placement's PUT /allocations/{consumer}: the consumer's allocations become this one. */
  private claim(spec: RequestSpec, host: string, ctx: FilterContext): void {
    const db = this.api.store.db;
    db.prepare('DELETE FROM allocations WHERE consumer_uuid = ?').run(spec.instance_uuid);
    db.prepare('INSERT INTO allocations (consumer_uuid, host, vcpus, memory_mb, disk_gb, project_id, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(spec.instance_uuid, host, ctx.want.vcpus, ctx.want.memory_mb, ctx.want.disk_gb, spec.project_id, spec.user_id);
  }

  private groupContext(spec: RequestSpec): GroupContext | null {
    if (!spec.group_uuid) return null;
    const g = groupByUuid(this.api.store.db, spec.group_uuid);
    if (!g) return null;
    return { uuid: g.uuid, policy: g.policy, rules: groupRules(g), memberCounts: memberHostCounts(this.api, g.id, spec.instance_uuid) };
  }
}
