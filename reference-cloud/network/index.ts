/** The network service (Neutron v2.0). */
import { keystoneEnvelope, neutronEnvelope, type ErrorEnvelope } from '../core/envelopes';
import type { ServiceDefinition } from '../core/service';
import { NetworkBackend } from './backend';
import { bootstrapNetworks } from './bootstrap';
import { IdentityClient, identityAuthUrl } from '../core/identity-client';
import { networkMigrations } from './migrations';
import { floatingIpType } from './resources/floating-ips';
import { networkType } from './resources/networks';
import { portType } from './resources/ports';
import { routerType } from './resources/routers';
import { securityGroupRuleType, securityGroupType } from './resources/security-groups';
import { subnetpoolType } from './resources/subnetpools';
import { subnetType } from './resources/subnets';
import { networkRoutes } from './routes';

export function networkBackend(ctx: Parameters<ServiceDefinition['create']>[0]): NetworkBackend {
  const b = new NetworkBackend(ctx.store, ctx.clock);
  for (const make of [networkType, subnetType, subnetpoolType, portType, securityGroupType, securityGroupRuleType, routerType, floatingIpType]) {
    b.register(make(b));
  }
  return b;
}

/** NeutronError, but a 401 comes from keystonemiddleware in Keystone's own format. */
const envelope: ErrorEnvelope = (err) => (err.status === 401 ? keystoneEnvelope(err) : neutronEnvelope(err));

export const networkService: ServiceDefinition = {
  name: 'network',
  catalogType: 'network',
  catalogName: 'neutron',
  mount: '/networking',
  // gophercloud appends v2.0/ to the catalog URL.
  catalogSuffix: '',
  envelope,
  // Zed's pipeline has no body size limit (a 300 KB description is a 400 for its length, not a
  // 413); 1 MiB bounds what one request may hold here.
  bodyLimit: 1_048_576,
  migrations: networkMigrations,
  bodyErrors: { malformedJson: 'Body contains invalid data' },
  create(ctx) {
    const b = networkBackend(ctx);
    // Table statistics let SQLite pick the attribute indexes for filters; refreshed as data grows.
    ctx.store.db.pragma('optimize=0x10002');
    const optimize = setInterval(() => ctx.store.db.pragma('optimize'), 600_000);
    optimize.unref();
    return {
      routes: networkRoutes(b),
      close() {
        clearInterval(optimize);
      },
      async ready(endpoints) {
        try {
          const authUrl = identityAuthUrl(endpoints, ctx.config.identityUrl);
          if (authUrl && ctx.config.servicePassword) await bootstrapNetworks(b, new IdentityClient(authUrl, ctx.config.servicePassword));
        } catch (err) {
          ctx.log.error({ err }, 'network bootstrap failed');
        }
      },
    };
  },
};
