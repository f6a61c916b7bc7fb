/** The identity route table: every module's routes, in one list. */
import type { Route } from '../core/service';
import { appCredentialRoutes } from './api/app-credentials';
import { assignmentRoutes } from './api/assignments';
import { authRoutes } from './api/auth';
import { catalogRoutes } from './api/catalog';
import { discoveryRoutes } from './api/discovery';
import { groupRoutes } from './api/groups';
import type { IdentityApi } from './api/helpers';
import { limitRoutes } from './api/limits';
import { resourceRoutes } from './api/resource';
import { roleRoutes } from './api/roles';
import { userRoutes } from './api/users';

export function identityRoutes(api: IdentityApi, release: string): Route[] {
  return [
    ...discoveryRoutes(release),
    ...authRoutes(api),
    ...resourceRoutes(api),
    ...userRoutes(api),
    ...groupRoutes(api),
    ...roleRoutes(api),
    ...assignmentRoutes(api),
    ...catalogRoutes(api),
    ...appCredentialRoutes(api),
    ...limitRoutes(api),
  ];
}
