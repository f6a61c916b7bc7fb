/**
 * Version discovery: `GET /` answers 300 with the one v3 version (no token needed, microversion
 * headers as any API answer); `GET /v3` and `/v3/` (one route: the router ignores the trailing slash) need a token (Cinder's version controller
 * sits behind authtoken there) and answer 200 with the same version.
 */
import type { ApiRequest, Route } from '../../core/service';
import { json } from '../common';
import type { BlockStorageApi } from '../context';

function version(api: BlockStorageApi, req: ApiRequest): Record<string, unknown> {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: api.maxMicroversion,
    min_version: '3.0',
    updated: '2022-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${req.baseUrl}/v3/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

export function discoveryRoutes(api: BlockStorageApi): Route[] {
  const v3 = (req: ApiRequest) => json(200, { versions: [version(api, req)] });
  return [
    { method: 'GET', path: '/', auth: 'none', handler: (req) => json(300, { versions: [version(api, req)] }) },
    { method: 'GET', path: '/v3', handler: v3 },
  ];
}
