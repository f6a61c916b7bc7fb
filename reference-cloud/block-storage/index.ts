/**
 * The block-storage service (Cinder v3): see context.ts for how the API, the scheduler, the
 * simulated volume service, attachments and backups fit together.
 */
import { computeFaultEnvelope, keystoneEnvelope, type ErrorEnvelope } from '../core/envelopes';
import { ApiError } from '../core/errors';
import { IdentityClient, identityAuthUrl } from '../core/identity-client';
import type { Route, ServiceDefinition } from '../core/service';
import { WorkQueue } from '../core/work-queue';
import { Peers } from '../core/peers';
import { findRelease } from '../releases';
import { apiRoutes, discoveryRoutes, registerWork } from './routes';
import { policyMessage } from './common';
import type { BlockStorageApi } from './context';
import { blockStorageMigrations } from './migrations';
import { readTopology } from './topology';
import { createQuotaEngine } from './quota';
import { createScheduler } from './scheduler';
import { bootstrap } from './models/types';

/** Cinder's faults (plain application/json); a 401 is keystonemiddleware's. */
const envelope: ErrorEnvelope = (err) => (err.status === 401 ? keystoneEnvelope(err) : computeFaultEnvelope(err));

/** webob's plain-text 404 for paths and methods Cinder's router does not know. */
const unknownRoute = () => ({
  status: 404,
  headers: {},
  body: '404 Not Found\n\nThe resource could not be found.\n\n   ',
  contentType: 'text/plain; charset=UTF-8',
});

/**
 * Every API route twice: below /v3/{project_id} and below /v3 (project id optional, Cinder 3.67;
 * Zed answers both at any microversion). A project id that is not the token's is a 400
 * "Malformed request url", for admins too.
 */
export function withProjectPrefixes(routes: Route[]): Route[] {
  return routes.flatMap((r) => [
    {
      ...r,
      path: `/v3/:project_id${r.path}`,
      handler: (req) => {
        if (req.auth && req.params.project_id !== req.auth.projectId) throw new ApiError(400, 'Malformed request url');
        return r.handler(req);
      },
    },
    { ...r, path: `/v3${r.path}` },
  ]);
}

export const blockStorageService: ServiceDefinition = {
  name: 'block-storage',
  catalogType: 'block-storage',
  catalogName: 'cinder',
  catalogAliases: [{ type: 'volumev3', name: 'cinderv3' }],
  mount: '/volume',
  catalogSuffix: '/v3/$(project_id)s',
  envelope,
  bodyLimit: 114_688,
  migrations: blockStorageMigrations,
  bodyErrors: { malformedJson: 'Malformed request body', notJson: { status: 415, message: 'Unsupported Content-Type' } },
  policyMessage,
  requestIdAliases: ['X-Compute-Request-Id'],
  unknownRoute,
  microversions: (config) => ({
    serviceType: 'volume',
    min: '3.0',
    max: findRelease(config.release).blockStorage.maxMicroversion,
    otherServiceIsError: true,
  }),
  create(ctx) {
    const api = {
      config: ctx.config,
      clock: ctx.clock,
      log: ctx.log,
      store: ctx.store,
      topology: readTopology(ctx.config.blockStorage),
      queue: new WorkQueue(ctx.store, ctx.log.child({ component: 'block-storage', part: 'volume-manager' })),
      peers: new Peers(undefined, []),
      quotas: createQuotaEngine(ctx.store),
      scheduler: createScheduler(ctx.store),
      actions: new Map(),
      validateToken: (token: string) => ctx.tokens.validate(token),
      delay: (name: string) => ctx.config.delays[name] ?? 0,
      now: () => ctx.clock.now().toISOString(),
      maxMicroversion: findRelease(ctx.config.release).blockStorage.maxMicroversion,
    } as unknown as BlockStorageApi;
    ctx.store.tx(() => bootstrap(ctx.store.db, api.topology, api.now));
    registerWork(api);
    return {
      routes: [...discoveryRoutes(api), ...withProjectPrefixes(apiRoutes(api))],
      async ready(endpoints) {
        const authUrl = identityAuthUrl(endpoints, ctx.config.identityUrl);
        const identity = authUrl && ctx.config.servicePassword ? new IdentityClient(authUrl, ctx.config.servicePassword) : undefined;
        api.peers = new Peers(identity, endpoints);
        api.queue.start();
      },
      close() {
        api.queue.close();
      },
    };
  },
};
