/** What a scheduler filter and weigher see: the host, the request, and what was worked out once per request. */
import type { RequestSpec } from '../context';
import type { GroupPolicy } from '../models/server-groups';
import type { HostState, Resources } from './host-state';

export interface GroupContext {
  uuid: string;
  policy: GroupPolicy;
  rules: Record<string, number>;
  /** How many of the group's other members are on each host. */
  memberCounts: Map<string, number>;
}

export interface FilterContext {
  spec: RequestSpec;
  /** What the server asks of placement (VCPU, MEMORY_MB, DISK_GB). */
  want: Resources;
  group: GroupContext | null;
}

export interface HostFilter {
  /** Nova's filter class name, for the log. */
  name: string;
  passes(host: HostState, ctx: FilterContext): boolean;
}

export interface HostWeigher {
  name: string;
  multiplier: number;
  /** The raw weight; the scheduler normalises each weigher's weights to [0, 1] over the hosts. */
  weigh(host: HostState, ctx: FilterContext): number;
}

/** What a flavor asks of placement: swap counts as disk, rounded up to GB; a volume-backed server needs no root disk. */
export function requestedResources(spec: RequestSpec): Resources {
  const f = spec.flavor;
  const root = spec.image === null ? 0 : f.root_gb;
  return { vcpus: f.vcpus, memory_mb: f.memory_mb, disk_gb: root + f.ephemeral_gb + Math.ceil(f.swap / 1024) };
}
