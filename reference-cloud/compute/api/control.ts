/** (being built) */
import type { Route } from '../../core/service';
import type { ComputeApi } from '../context';

export function controlRoutes(_api: ComputeApi): Route[] {
  return [];
}
