/** The identity route table: every module's routes, in one list. */
import type { Route } from '../core/service';
import { authRoutes } from './api/auth';
import { discoveryRoutes } from './api/discovery';
import type { IdentityApi } from './api/helpers';
import { resourceRoutes } from './api/resource';

export function identityRoutes(api: IdentityApi, release: string): Route[] {
  return [
    ...discoveryRoutes(release),
    ...authRoutes(api),
    ...resourceRoutes(api),
  ];
}
