/** The image route table: every module's routes, in one list. */
import type { Route } from '../core/service';
import type { ImageApi } from './api/common';
import { dataRoutes } from './api/data';
import { discoveryRoutes } from './api/discovery';
import { imageRoutes } from './api/images';
import { memberRoutes } from './api/members';

export function imageRouteTable(api: ImageApi): Route[] {
  return [...discoveryRoutes(api), ...imageRoutes(api), ...dataRoutes(api), ...memberRoutes(api)];
}
