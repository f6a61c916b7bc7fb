/** Reads what a target offers: services from the catalog, their versions, admin rights, extensions. */
import type { Session, VersionInfo } from '../client';
import type { Capabilities, ServiceCapability } from './requirements';
import { discoverCompute, type ComputeCapability } from './compute';
import { discoverBlockStorage, type BlockStorageCapability } from './block-storage';
import { discoverObjectStore, type ObjectStoreCapability } from './object-store';

export interface DiscoveredService {
  type: string;
  name?: string;
  versions: VersionInfo[];
  /** Why version discovery failed, when it did. */
  error?: string;
}

export interface Discovery {
  roles: string[];
  services: DiscoveredService[];
  /** Network extension aliases, sorted. */
  extensions: string[];
  /** Compute hosts, control plane and scheduler filters, when the catalog lists compute. */
  compute?: ComputeCapability;
  /** Backup services and declared backend limits, when the catalog lists block-storage (block-storage-features). */
  blockStorage?: BlockStorageCapability;
  /** The middlewares Swift's /info lists, when the catalog lists object-store (object-storage-features). */
  objectStore?: ObjectStoreCapability;
}

/** Everything the target says about itself (the `discover` command prints this). */
export async function discoverTarget(session: Session): Promise<Discovery> {
  const token = await session.authenticate();
  const catalog = (token.body.catalog ?? []).filter((svc) => svc.endpoints?.length);
  const services = await Promise.all(catalog.map(async (svc): Promise<DiscoveredService> => {
    // The SDK skips discovery for object-store too: Swift has no version document.
    if (svc.type === 'object-store') return { type: svc.type, name: svc.name, versions: [] };
    try {
      return { type: svc.type, name: svc.name, versions: await session.discoverVersions(svc.type) };
    } catch (e) {
      return { type: svc.type, name: svc.name, versions: [], error: (e as Error).message };
    }
  }));
  let extensions: string[] = [];
  if (services.some((s) => s.type === 'network')) {
    const ex = await session.request({ service: 'network', method: 'GET', path: '/v2.0/extensions' });
    const list = (ex.response.json as { extensions?: { alias: string }[] } | undefined)?.extensions ?? [];
    extensions = list.map((e) => e.alias).sort();
  }
  const roles = (token.body.roles ?? []).map((r) => r.name);
  const compute = services.some((s) => s.type === 'compute') ? await discoverCompute(session, roles.includes('admin')) : undefined;
  // block-storage-features
  const blockStorage = services.some((s) => ['block-storage', 'volumev3'].includes(s.type))
    ? await discoverBlockStorage(session, roles.includes('admin')) : undefined;
  // object-storage-features
  const objectStore = services.some((s) => s.type === 'object-store') ? await discoverObjectStore(session) : undefined;
  return { roles, services, extensions, ...(compute ? { compute } : {}), ...(blockStorage ? { blockStorage } : {}), ...(objectStore ? { objectStore } : {}) };
}

/** What capability tags are checked against. */
export async function discoverCapabilities(session: Session): Promise<Capabilities> {
  const d = await discoverTarget(session);
  return {
    services: Object.fromEntries(d.services.map((s) => [s.type, summarise(s.versions)])),
    admin: d.roles.includes('admin'),
    extensions: d.extensions,
    ...(d.compute ? { compute: d.compute } : {}),
    ...(d.blockStorage ? { blockStorage: d.blockStorage } : {}),
    ...(d.objectStore ? { objectStore: d.objectStore } : {}),
  };
}

/** The newest usable version: a CURRENT one, else the highest listed; microversions win over ids. */
export function summarise(versions: VersionInfo[]): ServiceCapability {
  const usable = versions.filter((v) => v.status !== 'UNKNOWN');
  const current = usable.find((v) => v.status === 'CURRENT') ?? usable[usable.length - 1];
  if (!current) return {};
  const max = current.maxVersion || current.id.replace(/^v/, '');
  return { maxVersion: max, ...(current.minVersion ? { minVersion: current.minVersion } : {}) };
}
