/**
 * The compute service (Nova v2.1), with Nova's structure: see context.ts for how the API, the
 * conductors, the scheduler, the cells and the simulated hosts fit together.
 */
import { computeFaultEnvelope, keystoneEnvelope, type ErrorEnvelope } from '../core/envelopes';
import { IdentityClient, identityAuthUrl } from '../core/identity-client';
import type { Route, ServiceDefinition } from '../core/service';
import { WorkQueue } from '../core/work-queue';
import { findRelease } from '../releases';
import { aggregateRoutes } from './api/aggregates';
import { availabilityZoneRoutes } from './api/availability-zones';
import { controlRoutes } from './api/control';
import { discoveryRoutes } from './api/discovery';
import { bootstrapFlavors, flavorRoutes } from './api/flavors';
import { hypervisorRoutes } from './api/hypervisors';
import { instanceActionRoutes } from './api/instance-actions';
import { keypairRoutes } from './api/keypairs';
import { quotaRoutes } from './api/quotas';
import { serverActionRoutes } from './api/server-actions';
import { serverGroupRoutes } from './api/server-groups';
import { serverResourceRoutes } from './api/server-resources';
import { volumeAttachmentRoutes } from './api/volume-attachments';
import { serverRoutes } from './api/servers';
import { serviceRoutes } from './api/services';
import { usageRoutes } from './api/usage';
import { Cells } from './cells';
import { policyMessage } from './common';
import { Conductor } from './conductor';
import type { ComputeApi } from './context';
import { registerHosts } from './hosts';
import { apiMigrations } from './migrations';
import { Peers } from './peers';
import { ComputeQuotas } from './quota';
import { Scheduler } from './scheduler';
import { readTopology } from './topology';

/** Nova's faults (with charset=UTF-8, as webob sends them); a 401 is keystonemiddleware's. */
const envelope: ErrorEnvelope = (err) => {
  if (err.status === 401) return keystoneEnvelope(err);
  return { ...computeFaultEnvelope(err), contentType: 'application/json; charset=UTF-8' };
};

/** webob's plain-text 404, for paths and methods Nova's router does not know. */
const unknownRoute = () => ({
  status: 404,
  headers: {},
  body: '404 Not Found\n\nThe resource could not be found.\n\n   ',
  contentType: 'text/plain; charset=UTF-8',
});

/** The route table below /compute: discovery at the root, the API below /v2.1. */
export function computeRoutes(api: ComputeApi): Route[] {
  const v21 = [
    flavorRoutes, keypairRoutes, quotaRoutes, usageRoutes, availabilityZoneRoutes, aggregateRoutes,
    hypervisorRoutes, serviceRoutes, serverGroupRoutes, serverRoutes, serverResourceRoutes, volumeAttachmentRoutes,
    instanceActionRoutes, serverActionRoutes,
  ].flatMap((make) => make(api)).map((r) => ({ ...r, path: `/v2.1${r.path}` }));
  return [...discoveryRoutes(api), ...v21, ...controlRoutes(api)];
}

export const computeService: ServiceDefinition = {
  name: 'compute',
  catalogType: 'compute',
  catalogName: 'nova',
  mount: '/compute',
  catalogSuffix: '/v2.1',
  envelope,
  // Nova's osapi max_request_body_size (oslo.middleware sizelimit): 114688 bytes.
  bodyLimit: 114_688,
  migrations: apiMigrations,
  bodyErrors: { malformedJson: 'Malformed request body', notJson: { status: 415, message: 'Unsupported Content-Type' } },
  policyMessage,
  requestIdAliases: ['X-Compute-Request-Id'],
  unknownRoute,
  microversions: (config) => ({
    serviceType: 'compute',
    legacyHeader: 'X-OpenStack-Nova-API-Version',
    min: '2.1',
    max: findRelease(config.release).compute.maxMicroversion,
  }),
  create(ctx) {
    const topology = readTopology(ctx.config.compute);
    const cells = new Cells(ctx.store, ctx.config.dataDir, ctx.config.release, ctx.log, topology);
    const api = {
      config: ctx.config,
      clock: ctx.clock,
      log: ctx.log,
      store: ctx.store,
      topology,
      cells,
      queue: new WorkQueue(ctx.store, ctx.log.child({ component: 'compute', part: 'super-conductor' })),
      peers: new Peers(undefined, []),
      delay: (name: string) => ctx.config.delays[name] ?? 0,
      now: () => ctx.clock.now().toISOString(),
      maxMicroversion: findRelease(ctx.config.release).compute.maxMicroversion,
    } as ComputeApi;
    api.quotas = new ComputeQuotas(api);
    api.scheduler = new Scheduler(api);
    api.conductor = new Conductor(api);
    registerHosts(api);
    bootstrapFlavors(api);
    return {
      routes: computeRoutes(api),
      async ready(endpoints) {
        const authUrl = identityAuthUrl(endpoints, ctx.config.identityUrl);
        const identity = authUrl && ctx.config.servicePassword ? new IdentityClient(authUrl, ctx.config.servicePassword) : undefined;
        api.peers = new Peers(identity, endpoints);
        api.queue.start();
        cells.start();
      },
      async close() {
        api.queue.close();
        cells.close();
      },
    };
  },
};
