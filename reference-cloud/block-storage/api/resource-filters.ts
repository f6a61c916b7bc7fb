/** GET /resource_filters (3.33+): the filters each resource's list accepts from non-admins. */
import type { Route } from '../../core/service';
import { json, qstr, routeNotFound } from '../common';
import type { BlockStorageApi } from '../context';
import { RESOURCE_FILTERS } from '../models/listing';

export function resourceFilterRoutes(_api: BlockStorageApi): Route[] {
  return [{
    method: 'GET',
    path: '/resource_filters',
    handler: (req) => {
      if (!req.microversion!.atLeast('3.33')) throw routeNotFound();
      const only = qstr(req, 'resource');
      const all = Object.entries(RESOURCE_FILTERS).map(([resource, filters]) => ({ resource, filters }));
      return json(200, { resource_filters: only === undefined ? all : all.filter((r) => r.resource === only) });
    },
  }];
}
