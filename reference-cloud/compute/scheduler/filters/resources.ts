/**
 * Placement's allocation candidates: every resource the server asks for fits in what the
 * provider can still allocate ((total - reserved) * ratio - used), and no single request exceeds
 * the provider's max_unit (its total).
 */
import type { HostFilter } from '../filter';

export const resourcesFilter: HostFilter = {
  name: 'PlacementResources',
  passes: (host, { want }) => (['vcpus', 'memory_mb', 'disk_gb'] as const).every((r) =>
    want[r] === 0 || (want[r] <= host.total[r] && host.used[r] + want[r] <= host.capacity[r])),
};
