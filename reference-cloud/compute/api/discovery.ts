/**
 * Version discovery: the unversioned root lists v2.0 (SUPPORTED in Zed and later) and v2.1
 * (CURRENT, with the microversion range) without a token; each version has its document. The
 * root answers before Nova's request-id middleware (no request id); the v2.1 document is
 * served at a microversion like any v2.1 answer.
 */
import type { ApiRequest, Route } from '../../core/service';
import type { ComputeApi } from '../context';

function v20(req: ApiRequest) {
  return { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${req.baseUrl}/v2/` }] };
}

function v21(api: ComputeApi, req: ApiRequest) {
  return { id: 'v2.1', status: 'CURRENT', version: api.maxMicroversion, min_version: '2.1', updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${req.baseUrl}/v2.1/` }] };
}

function document(version: { id: string; links: { rel: string; href: string }[] } & Record<string, unknown>, mediaVersion: string) {
  return {
    version: {
      ...version,
      links: [...version.links, { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
      'media-types': [{ base: 'application/json', type: `application/vnd.openstack.compute+json;version=${mediaVersion}` }],
    },
  };
}

export function discoveryRoutes(api: ComputeApi): Route[] {
  return [
    {
      method: 'GET', path: '/', auth: 'none', requestIdHeader: false, microversioned: false,
      handler: (req) => ({ status: 200, body: { versions: [v20(req), v21(api, req)] } }),
    },
    { method: 'GET', path: '/v2.1', auth: 'none', handler: (req) => ({ status: 200, body: document(v21(api, req), '2.1') }) },
    { method: 'GET', path: '/v2', auth: 'none', microversioned: false, handler: (req) => ({ status: 200, body: document(v20(req), '2') }) },
  ];
}
