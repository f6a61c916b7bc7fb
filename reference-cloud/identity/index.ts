/** The identity service (Keystone v3). */
import { keystoneEnvelope } from '../core/envelopes';
import type { ServiceDefinition } from '../core/service';
import { IdentityBackend } from './backend';
import { bootstrap } from './bootstrap';
import { identityMigrations } from './migrations';
import { TokenService } from './tokens';
import { identityRoutes } from './routes';
import { CLIENT_ERROR } from './errors';

export const identityService: ServiceDefinition = {
  name: 'identity',
  catalogType: 'identity',
  catalogName: 'keystone',
  mount: '/identity',
  catalogSuffix: '',
  envelope: keystoneEnvelope,
  // Keystone's [oslo_middleware] max_request_body_size.
  bodyLimit: 114_688,
  migrations: identityMigrations,
  bodyErrors: {
    malformedJson: `Expecting to find valid JSON in request body. ${CLIENT_ERROR}`,
    notJson: { status: 400, message: `Expecting to find application/json in Content-Type header. ${CLIENT_ERROR}` },
  },
  responseHeaders: { Vary: 'X-Auth-Token' },
  async create(ctx) {
    const b = new IdentityBackend(ctx.store, ctx.config, ctx.clock);
    const tokens = new TokenService(b);
    await bootstrap(b, ctx.config.adminPassword!, ctx.config.servicePassword!);
    const prune = setInterval(() => b.revocations.prune(new Date(b.now().getTime() - 2 * ctx.config.tokenExpiration * 1000)), 3600_000);
    prune.unref();
    return {
      routes: identityRoutes({ b, tokens }, ctx.config.release),
      tokens,
      ready(endpoints) {
        b.store.tx(() => {
          for (const e of endpoints) b.catalog.ensureManaged(e.catalogType, e.catalogName, ctx.config.region, e.url);
        });
        b.changed();
      },
      close() {
        clearInterval(prune);
      },
    };
  },
};
