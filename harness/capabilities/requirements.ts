/**
 * Capability tags on scenarios, and whether a target meets them:
 *   @admin                       the target's credentials hold the admin role
 *   @requires:<service-type>     the catalog lists the service (e.g. @requires:compute)
 *   @requires:<type>>=<version>  its maximum version or microversion is at least that (e.g. @requires:compute>=2.69)
 *   @requires:ext:<alias>        a network extension is listed (e.g. @requires:ext:router)
 *   @requires:compute-hosts>=<n> at least n compute hosts can take a server (needs admin to count them)
 *   @requires:scheduler-filter:<Name>  the compute scheduler runs that filter (declared, reported by
 *                                a control plane, or among Nova's defaults; see compute.ts)
 *   @control-plane               the cloud has the reference cloud's control-plane API (cells up and down)
 *   @requires:volume-backup      a cinder-backup service is up (block-storage-features; see block-storage.ts)
 *   @requires:volume-feature:<name>  the volume backend is not declared unable to do <name> (see block-storage.ts)
 *   @requires:swift:<key>        Swift's /info lists that middleware, e.g. tempurl, slo, container_quotas,
 *                                bulk_delete (object-storage-features; see object-store.ts)
 * An unmet need skips the scenario with a reason; it never fails it.
 */
import { compareMicroversions, isMicroversion } from '../client';
import type { ComputeCapability } from './compute';
import { blockStorageNeed, type BlockStorageCapability } from './block-storage';
import { objectStoreNeed, type ObjectStoreCapability } from './object-store';

export interface ServiceCapability {
  /** Highest version (microversion where the service has them, else the API version, e.g. '3.14'). */
  maxVersion?: string;
  minVersion?: string;
}

export interface Capabilities {
  services: Record<string, ServiceCapability>;
  admin: boolean;
  extensions: string[];
  /** Present when the catalog lists compute. */
  compute?: ComputeCapability;
  /** Present when the catalog lists block-storage (block-storage-features). */
  blockStorage?: BlockStorageCapability;
  /** Present when the catalog lists object-store (object-storage-features). */
  objectStore?: ObjectStoreCapability;
}

function computeNeed(need: string, caps: Capabilities): string | undefined {
  const c = caps.compute;
  const hosts = /^compute-hosts>=(\d+)$/.exec(need);
  if (hosts) {
    const want = Number(hosts[1]);
    if (!c) return 'needs the compute service, which the target\'s catalog does not list';
    if (c.hosts === undefined) return `needs ${want} compute hosts, and the number of the target's hosts is unknown (counting them needs admin credentials)`;
    if (c.hosts < want) return `needs ${want} compute hosts that can take a server; the target has ${c.hosts}`;
    return undefined;
  }
  const filter = /^scheduler-filter:([A-Za-z][A-Za-z0-9_]*)$/.exec(need);
  if (filter) {
    if (!c) return 'needs the compute service, which the target\'s catalog does not list';
    const { enabled, source } = c.schedulerFilters;
    if (enabled === 'all' || enabled.includes(filter[1]!)) return undefined;
    const whence = source === 'declared' ? 'STACKPROOF_SCHEDULER_FILTERS does not list it'
      : source === 'control-plane' ? 'the target\'s control plane does not list it among its enabled filters'
        : 'Nova does not enable it by default and the target\'s filters are not declared (set STACKPROOF_SCHEDULER_FILTERS to the cloud\'s [filter_scheduler] enabled_filters)';
    return `needs the compute scheduler filter ${filter[1]}; ${whence}`;
  }
  return 'unknown';
}

export function unmetRequirement(tags: string[], caps: Capabilities): string | undefined {
  for (const tag of tags) {
    if (tag === '@admin' && !caps.admin) return 'needs admin credentials, and the target\'s user is not an admin';
    if (tag === '@control-plane' && !caps.compute?.controlPlane) {
      return caps.admin
        ? 'needs a control plane (GET <compute root>/control/cells), which the target does not have: a real cloud\'s cells cannot be taken down from its API'
        : 'needs a control plane, and looking for one needs admin credentials';
    }
    const m = /^@requires:(.+)$/.exec(tag);
    if (!m) continue;
    const need = m[1];
    if (need.startsWith('ext:')) {
      const alias = need.slice(4);
      if (!caps.extensions.includes(alias)) return `needs the network extension "${alias}", which the target does not list`;
      continue;
    }
    if (need.startsWith('compute-hosts>=') || need.startsWith('scheduler-filter:')) {
      const why = computeNeed(need, caps);
      if (why === 'unknown') return `the tag @requires:${need} is malformed`;
      if (why) return why;
      continue;
    }
    // block-storage-features
    if (need === 'volume-backup' || need.startsWith('volume-feature:')) {
      const why = blockStorageNeed(need, caps.blockStorage);
      if (why === 'unknown') return `the tag @requires:${need} is malformed`;
      if (why) return why;
      continue;
    }
    // object-storage-features
    if (need.startsWith('swift:')) {
      const why = objectStoreNeed(need.slice(6), caps.objectStore);
      if (why) return why;
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
