/** (being built) */
import type { Route } from '../../core/service';
import type { ComputeApi } from '../context';

export function keypairRoutes(_api: ComputeApi): Route[] {
  return [];
}
