/**
 * Capability tags on scenarios, and whether a target meets them:
 *   @admin                       the target's credentials hold the admin role
 *   @requires:<service-type>     the catalog lists the service (e.g. @requires:compute)
 *   @requires:<type>>=<version>  its maximum version or microversion is at least that (e.g. @requires:compute>=2.69)
 *   @requires:ext:<alias>        a network extension is listed (e.g. @requires:ext:router)
 * An unmet need skips the scenario with a reason; it never fails it.
 */
import { compareMicroversions, isMicroversion } from '../client';

export interface ServiceCapability {
  /** Highest version (microversion where the service has them, else the API version, e.g. '3.14'). */
  maxVersion?: string;
  minVersion?: string;
}

export interface Capabilities {
  services: Record<string, ServiceCapability>;
  admin: boolean;
  extensions: string[];
}

export function unmetRequirement(tags: string[], caps: Capabilities): string | undefined {
  for (const tag of tags) {
    if (tag === '@admin' && !caps.admin) return 'needs admin credentials, and the target\'s user is not an admin';
    const m = /^@requires:(.+)$/.exec(tag);
    if (!m) continue;
    const need = m[1];
    if (need.startsWith('ext:')) {
      const alias = need.slice(4);
      if (!caps.extensions.includes(alias)) return `needs the network extension "${alias}", which the target does not list`;
      continue;
    }
    const v = /^([a-z-]+)(>=)(\d+\.\d+)$/.exec(need);
    const type = v ? v[1] : need;
    const svc = caps.services[type];
    if (!svc) return `needs the ${type} service, which the target's catalog does not list`;
    if (v) {
      const have = svc.maxVersion;
      if (!have || !isMicroversion(have) || compareMicroversions(have, v[3]) < 0) {
        return `needs ${type} version ${v[3]} or later; the target offers ${svc.maxVersion ?? 'no version information'}`;
      }
    }
  }
  return undefined;
}
