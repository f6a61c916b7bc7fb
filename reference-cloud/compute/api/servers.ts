/** (being built) */
import type { Route } from '../../core/service';
import type { ComputeApi } from '../context';

export function serverRoutes(_api: ComputeApi): Route[] {
  return [];
}
