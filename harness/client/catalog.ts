/** The Keystone v3 service catalog and endpoint lookup. */
import { CatalogError } from './errors';

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region?: string | null;
  region_id?: string | null;
  url: string;
}

export interface CatalogService {
  id?: string;
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** Service types that name the same API (service-types-authority aliases). */
const ALIASES: string[][] = [
  ['block-storage', 'volumev3', 'volumev2', 'volume', 'block_storage'],
  ['shared-file-system', 'sharev2', 'share'],
  ['container-infrastructure-management', 'container-infra', 'container'],
  ['load-balancer', 'octavia'],
  ['orchestration'],
];

/** The type asked for first, then its aliases in the order above. */
export function serviceTypeCandidates(serviceType: string): string[] {
  const family = ALIASES.find((f) => f.includes(serviceType));
  if (!family) return [serviceType];
  return [serviceType, ...family.filter((t) => t !== serviceType)];
}

export interface EndpointQuery {
  interface?: string;
  region?: string;
}

function normaliseInterface(i: string): string {
  return i.toLowerCase().replace(/url$/, '');
}

/** The URL of the first endpoint matching type (or alias), interface and region. */
export function findEndpoint(
  catalog: CatalogService[] | undefined,
  serviceType: string,
  query: EndpointQuery,
): string {
  const iface = normaliseInterface(query.interface ?? 'public');
  if (!catalog || catalog.length === 0) {
    throw new CatalogError(
      `No ${iface} endpoint for service type '${serviceType}': the token has no catalog (is it unscoped?).`,
    );
  }
  for (const type of serviceTypeCandidates(serviceType)) {
    for (const svc of catalog.filter((s) => s.type === type)) {
      const ep = (svc.endpoints ?? []).find(
        (e) =>
          normaliseInterface(e.interface) === iface &&
          (query.region === undefined || e.region_id === query.region || e.region === query.region),
      );
      if (ep) return ep.url;
    }
  }
  const types = [...new Set(catalog.map((s) => s.type))].sort().join(', ');
  const where = query.region ? ` in region '${query.region}'` : '';
  const present = catalog.some((s) => serviceTypeCandidates(serviceType).includes(s.type));
  throw new CatalogError(
    present
      ? `The catalog has service type '${serviceType}' but no ${iface} endpoint for it${where}.`
      : `The catalog has no service of type '${serviceType}' (it has: ${types || 'nothing'}).`,
  );
}
