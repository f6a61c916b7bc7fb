/**
 * What Neutron needs done before a ledgered delete can succeed, for things no POST created and
 * so no ledger entry covers: router interfaces (added by PUT add_router_interface) block deleting
 * the router (409 RouterInUse) and their subnet and network (SubnetInUse, NetworkInUse); floating
 * IPs associated through a router block removing its interfaces. Best effort: every failure here
 * is left for the DELETE itself to report.
 */
import type { RequestingSession } from './cleanup';

const INTERFACE_OWNERS = /^network:(router_interface|router_interface_distributed|ha_router_replicated_interface)$/;

interface PortRow {
  id: string;
  device_id: string;
  device_owner: string;
}

async function list<T>(session: RequestingSession, path: string, key: string): Promise<T[]> {
  const ex = await session.request({ service: 'network', method: 'GET', path });
  if (ex.response.status !== 200) return [];
  const items = (ex.response.json as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(items) ? (items as T[]) : [];
}

async function put(session: RequestingSession, path: string, body: unknown): Promise<void> {
  await session.request({ service: 'network', method: 'PUT', path, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

/** Detaches router interface ports from their routers (disassociating floating IPs that use those routers first). */
async function detachInterfaces(session: RequestingSession, ports: PortRow[]): Promise<void> {
  const interfaces = ports.filter((p) => INTERFACE_OWNERS.test(p.device_owner) && p.device_id);
  for (const router of new Set(interfaces.map((p) => p.device_id))) {
    const fips = await list<{ id: string }>(session, `/v2.0/floatingips?router_id=${encodeURIComponent(router)}&fields=id`, 'floatingips');
    for (const f of fips) await put(session, `/v2.0/floatingips/${encodeURIComponent(f.id)}`, { floatingip: { port_id: null } });
  }
  for (const p of interfaces) {
    await put(session, `/v2.0/routers/${encodeURIComponent(p.device_id)}/remove_router_interface`, { port_id: p.id });
  }
}

const FIELDS = 'fields=id&fields=device_id&fields=device_owner';

/** Runs before `DELETE <path>` of a network-service entry. */
export async function prepareNeutronDelete(session: RequestingSession, path: string): Promise<void> {
  const m = /^\/v2\.0\/(routers|networks|subnets)\/([^/?]+)$/.exec(path);
  if (!m) return;
  const [, kind, id] = m;
  if (kind === 'routers') {
    await detachInterfaces(session, await list<PortRow>(session, `/v2.0/ports?device_id=${id}&${FIELDS}`, 'ports'));
    await put(session, path, { router: { external_gateway_info: {} } });
  } else if (kind === 'networks') {
    await detachInterfaces(session, await list<PortRow>(session, `/v2.0/ports?network_id=${id}&${FIELDS}`, 'ports'));
  } else {
    await detachInterfaces(session, await list<PortRow>(session, `/v2.0/ports?fixed_ips=subnet_id%3D${id}&${FIELDS}`, 'ports'));
  }
}

/**
 * Deletes the `default` security groups Neutron made for these projects on their first use.
 * No request created them, so no ledger entry covers them, and Neutron keeps them after
 * Keystone deletes the project. Best effort, like the rest of this module.
 */
export async function deleteDefaultSecurityGroups(session: RequestingSession, projects: string[]): Promise<void> {
  for (const project of projects) {
    const groups = await list<{ id: string }>(session, `/v2.0/security-groups?project_id=${encodeURIComponent(project)}&name=default&fields=id`, 'security_groups');
    for (const g of groups) await session.request({ service: 'network', method: 'DELETE', path: `/v2.0/security-groups/${g.id}` });
  }
}
