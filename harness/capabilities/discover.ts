/** Reads what a target offers: services from the catalog, their versions, admin rights, extensions. */
import type { Session, VersionInfo } from '../client';
import type { Capabilities, ServiceCapability } from './requirements';

export async function discoverCapabilities(session: Session): Promise<Capabilities> {
  const token = await session.authenticate();
  const catalog = token.body.catalog ?? [];
  const services: Record<string, ServiceCapability> = {};
  await Promise.all(catalog.map(async (svc) => {
    if (!svc.endpoints?.length) return;
    let versions: VersionInfo[] = [];
    if (svc.type !== 'object-store') {
      try {
        versions = await session.discoverVersions(svc.type);
      } catch {
        versions = [];
      }
    }
    services[svc.type] = summarise(versions);
  }));
  let extensions: string[] = [];
  if (services.network) {
    const ex = await session.request({ service: 'network', method: 'GET', path: '/v2.0/extensions' });
    const list = (ex.response.json as { extensions?: { alias: string }[] } | undefined)?.extensions ?? [];
    extensions = list.map((e) => e.alias);
  }
  return { services, admin: (token.body.roles ?? []).some((r) => r.name === 'admin'), extensions };
}

/** The newest usable version: a CURRENT one, else the highest listed; microversions win over ids. */
export function summarise(versions: VersionInfo[]): ServiceCapability {
  const usable = versions.filter((v) => v.status !== 'UNKNOWN');
  const current = usable.find((v) => v.status === 'CURRENT') ?? usable[usable.length - 1];
  if (!current) return {};
  const max = current.maxVersion || current.id.replace(/^v/, '');
  return { maxVersion: max, ...(current.minVersion ? { minVersion: current.minVersion } : {}) };
}
