/** (being built) */
import type { Route } from '../../core/service';
import type { ComputeApi } from '../context';

export function hypervisorRoutes(_api: ComputeApi): Route[] {
  return [];
}
