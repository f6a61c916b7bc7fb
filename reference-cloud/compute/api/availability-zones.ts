/**
 * os-availability-zone: the zones of the services (nova-compute services are in their host's
 * aggregate zone, the others in `internal`), sorted; a zone is available when one of its services
 * is enabled, unavailable when all are disabled. The list (anyone) hides `internal` and the
 * hosts; the detail (admin) shows every zone with its hosts and their enabled services. Cells that
 * are down are left out, as Nova leaves them out.
 */
import type { ApiRequest, Route } from '../../core/service';
import { isoNaive, policyDenied } from '../common';
import type { ComputeApi } from '../context';
import { allServices, INTERNAL_ZONE, lastReport, serviceIsUp, zonesOfServices } from '../models/services';

const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');

/** The API services Nova leaves out of the zone listing (they do not report like the others). */
const API_SERVICES = ['nova-osapi_compute', 'nova-metadata'];

export function availabilityZoneRoutes(api: ComputeApi): Route[] {
  return [
    {
      method: 'GET', path: '/os-availability-zone',
      handler: () => {
        const { available, unavailable } = zonesOfServices(allServices(api).services);
        const item = (zoneName: string, ok: boolean) => ({ zoneName, zoneState: { available: ok }, hosts: null });
        return {
          status: 200,
          body: {
            availabilityZoneInfo: [
              ...available.filter((z) => z !== INTERNAL_ZONE).map((z) => item(z, true)),
              ...unavailable.filter((z) => z !== INTERNAL_ZONE).map((z) => item(z, false)),
            ],
          },
        };
      },
    },
    {
      method: 'GET', path: '/os-availability-zone/detail',
      handler: (req) => {
        if (!isAdmin(req)) throw policyDenied('os_compute_api:os-availability-zone:detail');
        const services = allServices(api).services;
        const { available, unavailable } = zonesOfServices(services);
        const now = api.clock.now();
        const result: unknown[] = [];
        for (const zone of available) {
          const inZone = services.filter((s) => !s.row.disabled && !API_SERVICES.includes(s.row.binary) && s.zone === zone);
          const hosts: Record<string, Record<string, unknown>> = {};
          for (const host of [...new Set(inZone.map((s) => s.row.host))].sort()) {
            hosts[host] = {};
            for (const s of inZone.filter((x) => x.row.host === host)) {
              hosts[host][s.row.binary] = { available: serviceIsUp(s.row, now), active: !s.row.disabled, updated_at: isoNaive(lastReport(s.row, now)) };
            }
          }
          result.push({ zoneName: zone, zoneState: { available: true }, hosts });
        }
        for (const zone of unavailable) result.push({ zoneName: zone, zoneState: { available: false }, hosts: null });
        return { status: 200, body: { availabilityZoneInfo: result } };
      },
    },
  ];
}
