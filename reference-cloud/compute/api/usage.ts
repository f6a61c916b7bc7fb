/** (being built) */
import type { Route } from '../../core/service';
import type { ComputeApi } from '../context';

export function usageRoutes(_api: ComputeApi): Route[] {
  return [];
}
