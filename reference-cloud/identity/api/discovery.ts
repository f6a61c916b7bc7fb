/** Version discovery [keystone/api/discovery.py]: GET / answers 300, GET /v3 answers 200. */
import type { ApiRequest, Route } from '../../core/service';
import { findRelease } from '../../releases';

export function discoveryRoutes(release: string): Route[] {
  const r = findRelease(release);
  const version = (req: ApiRequest) => ({
    id: `v${r.identity.version}`,
    status: 'stable',
    updated: r.identity.updated,
    links: [{ rel: 'self', href: `${req.baseUrl}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  });
  return [
    {
      method: 'GET', path: '/', auth: 'none',
      handler: (req) => ({ status: 300, headers: { Location: `${req.baseUrl}/v3/` }, body: { versions: { values: [version(req)] } } }),
    },
    { method: 'GET', path: '/v3', auth: 'none', handler: (req) => ({ status: 200, body: { version: version(req) } }) },
  ];
}
