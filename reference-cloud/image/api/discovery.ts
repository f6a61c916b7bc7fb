/** Version discovery, schemas and the /v2/info documents [glance/api/versions.py, v2/schemas.py, v2/discovery.py]. */
import { ApiError } from '../../core/errors';
import type { ApiRequest, Route } from '../../core/service';
import type { QuotaResource } from '../quota';
import { schemaDocument } from '../schema-check';
import type { ImageApi } from './common';

const MiB = 1024 * 1024;

/** The versions a Zed Glance lists (v2.14 appears only with the cache API enabled). */
const VERSIONS: [string, string][] = [
  ['v2.15', 'CURRENT'], ['v2.13', 'SUPPORTED'], ['v2.12', 'SUPPORTED'], ['v2.11', 'SUPPORTED'], ['v2.10', 'SUPPORTED'],
  ['v2.9', 'SUPPORTED'], ['v2.8', 'SUPPORTED'], ['v2.7', 'SUPPORTED'], ['v2.6', 'SUPPORTED'], ['v2.5', 'SUPPORTED'],
  ['v2.4', 'SUPPORTED'], ['v2.3', 'SUPPORTED'], ['v2.2', 'SUPPORTED'], ['v2.1', 'SUPPORTED'], ['v2.0', 'SUPPORTED'],
];

function versions(req: ApiRequest) {
  const href = `${req.baseUrl}/v2/`;
  return { versions: VERSIONS.map(([id, status]) => ({ id, status, links: [{ rel: 'self', href }] })) };
}

export function discoveryRoutes(api: ImageApi): Route[] {
  const schemas = ['image', 'images', 'member', 'members'] as const;
  return [
    { method: 'GET', path: '/', auth: 'none', requestIdHeader: false, handler: (req) => ({ status: 300, body: versions(req) }) },
    { method: 'GET', path: '/versions', auth: 'none', requestIdHeader: false, handler: (req) => ({ status: 200, body: versions(req) }) },
    // Glance's version negotiation redirects the bare version to its slash form (after auth).
    {
      method: 'GET', path: '/v2',
      handler: (req) => {
        if (req.url.split('?')[0].endsWith('/')) throw notFound();
        return { status: 302, headers: { Location: `${req.baseUrl}/v2/`, 'Content-Type': 'text/plain; charset=utf8' }, body: '' };
      },
    },
    ...schemas.map((name): Route => ({
      method: 'GET', path: `/v2/schemas/${name}`,
      handler: () => ({ status: 200, body: schemaDocument(name) }),
    })),
    {
      method: 'GET', path: '/v2/info/import',
      handler: () => ({ status: 200, body: { 'import-methods': { description: 'Import methods available.', type: 'array', value: ['glance-direct'] } } }),
    },
    {
      // The caller's project usage against its unified limits ({} when quotas are off).
      method: 'GET', path: '/v2/info/usage',
      handler: async (req) => {
        const project = req.auth!.projectId;
        if (!api.limits || !project) return { status: 200, body: { usage: {} } };
        const u = api.repo.usage(project);
        const used: Record<QuotaResource, number> = {
          image_size_total: Math.floor(u.bytes / MiB),
          image_stage_total: Math.floor(u.staged / MiB),
          image_count_total: u.count,
          image_count_uploading: u.uploading,
        };
        const usage: Record<string, { limit: number; usage: number }> = {};
        for (const [name, value] of Object.entries(used)) {
          usage[name] = { limit: (await api.limits.limit(project, name as QuotaResource)) ?? -1, usage: value };
        }
        return { status: 200, body: { usage } };
      },
    },
    {
      method: 'GET', path: '/v2/info/stores',
      handler: () => ({ status: 200, body: { stores: [{ id: 'file', default: 'true' }] } }),
    },
  ];
}

export const notFound = () => new ApiError(404, 'The resource could not be found.');
