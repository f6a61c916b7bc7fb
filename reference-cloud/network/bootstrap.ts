/**
 * DevStack's network bootstrap: an external `public` network (flat) with `public-subnet`
 * 172.24.4.0/24, a `private` network for the demo project with `private-subnet` 10.0.0.0/26, and
 * `router1` joining them. Project ids come from identity's API with the service user's token, as
 * any OpenStack service would get them. Idempotent: what exists by name is kept.
 */
import type { AuthContext } from '../core/auth-context';
import type { IdentityClient } from '../core/identity-client';
import type { NetworkBackend } from './backend';
import { addInterface } from './resources/routers';

export async function bootstrapNetworks(b: NetworkBackend, identity: IdentityClient): Promise<void> {
  const [admin, demo] = [await identity.projectId('admin'), await identity.projectId('demo')];
  if (!admin || !demo) return;
  const ctx: AuthContext = {
    token: '', userId: 'bootstrap', userName: 'bootstrap', userDomainId: 'default', userDomainName: 'Default',
    projectId: admin, roles: ['admin', 'member', 'reader'], roleIds: [], methods: [], auditIds: [], issuedAt: new Date(), expiresAt: new Date(),
  };
  const named = (collection: string, name: string) => b.coll(collection).where('name', name)[0];
  const make = (collection: string, member: string, values: Record<string, unknown>) =>
    named(collection, String(values.name)) ?? b.create(b.type(collection), ctx, { [member]: values });

  const pub = make('networks', 'network', { name: 'public', 'router:external': true, shared: false, 'provider:network_type': 'flat', 'provider:physical_network': 'public', project_id: admin });
  make('subnets', 'subnet', { name: 'public-subnet', network_id: pub.id, ip_version: 4, cidr: '172.24.4.0/24', gateway_ip: '172.24.4.1', enable_dhcp: false, project_id: admin });
  const priv = make('networks', 'network', { name: 'private', project_id: demo });
  const privSub = make('subnets', 'subnet', { name: 'private-subnet', network_id: priv.id, ip_version: 4, cidr: '10.0.0.0/26', project_id: demo });
  if (!named('routers', 'router1')) {
    const router = b.create(b.type('routers'), ctx, { router: { name: 'router1', project_id: demo, external_gateway_info: { network_id: pub.id } } });
    addInterface(b, ctx, router.id, { subnet_id: privSub.id });
  }
}
