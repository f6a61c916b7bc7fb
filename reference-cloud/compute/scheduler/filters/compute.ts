/** ComputeFilter: the host's nova-compute service is enabled and up. */
import type { HostFilter } from '../filter';

export const computeFilter: HostFilter = {
  name: 'ComputeFilter',
  passes: (host) => host.enabled && host.up,
};
