/**
 * The instance's ports, through the network service's API with the compute service's token (as
 * Nova's admin-context Neutron client): created for each requested network in the instance's
 * project, bound to its host; requested ports taken over; "auto" resolved to the project's one
 * usable network. Idempotent: a port already made for the instance (device_id) is reused, so a
 * networking step that runs again after a restart makes no second port.
 */
import type { ComputeApi, RequestSpec } from '../context';
import type { InstanceRow, NetworkInfoEntry } from '../models/instances';

interface Port {
  id: string;
  network_id: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  device_id: string;
}

/** A networking failure with the sentence Nova records as the fault. */
export class NetworkFailure extends Error {
  readonly exception: string;

  constructor(message: string, exception = 'nova.exception.BuildAbortException') {
    super(message);
    this.name = 'NetworkFailure';
    this.exception = exception;
  }
}

async function call<T>(api: ComputeApi, method: string, path: string, body?: unknown): Promise<T> {
  const r = await api.peers.call<T>('network', method, path, body === undefined ? {} : { body });
  if (r.status >= 400) {
    const detail = (r.body as { NeutronError?: { message?: string } } | undefined)?.NeutronError?.message ?? `status ${r.status}`;
    throw new NetworkFailure(`${method} ${path.split('?')[0]} failed: ${detail}`);
  }
  return r.body;
}

type Requested = { uuid?: string; port?: string; fixed_ip?: string; tag?: string };

/** The networks "auto" stands for: the project's own and the shared ones (Nova's _get_available_networks). */
async function autoNetwork(api: ComputeApi, projectId: string): Promise<Requested[]> {
  const own = await call<{ networks: { id: string; 'router:external'?: boolean }[] }>(api, 'GET', `/v2.0/networks?project_id=${encodeURIComponent(projectId)}&shared=false`);
  const shared = await call<{ networks: { id: string; 'router:external'?: boolean }[] }>(api, 'GET', '/v2.0/networks?shared=true');
  const ids = [...new Set([...own.networks, ...shared.networks].filter((n) => !n['router:external']).map((n) => n.id))];
  if (ids.length > 1) {
    throw new NetworkFailure('Multiple possible networks found, use a Network ID to be more specific.', 'nova.exception.NetworkAmbiguous');
  }
  if (ids.length === 0) {
    throw new NetworkFailure(`Unable to automatically allocate a network for project ${projectId}`, 'nova.exception.UnableToAutoAllocateNetwork');
  }
  return [{ uuid: ids[0] }];
}

async function securityGroupIds(api: ComputeApi, projectId: string, names: string[]): Promise<string[] | undefined> {
  const ids: string[] = [];
  for (const name of names) {
    const r = await call<{ security_groups: { id: string; name: string }[] }>(api, 'GET',
      `/v2.0/security-groups?project_id=${encodeURIComponent(projectId)}&name=${encodeURIComponent(name)}`);
    const byId = r.security_groups.length ? r.security_groups : (await call<{ security_groups: { id: string }[] }>(api, 'GET',
      `/v2.0/security-groups?project_id=${encodeURIComponent(projectId)}&id=${encodeURIComponent(name)}`)).security_groups;
    if (byId.length) ids.push(byId[0].id);
    else if (name === 'default') return names.length === 1 ? undefined : ids; // Neutron gives a new port its project's default group
    else throw new NetworkFailure(`Security group ${name} not found for project ${projectId}.`, 'nova.exception.SecurityGroupNotFound');
  }
  return ids;
}

async function describe(api: ComputeApi, port: Port, createdByNova: boolean, tag: string | undefined, names: Map<string, string>): Promise<NetworkInfoEntry> {
  if (!names.has(port.network_id)) {
    const n = await call<{ network: { name: string } }>(api, 'GET', `/v2.0/networks/${port.network_id}`);
    names.set(port.network_id, n.network.name);
  }
  return {
    port_id: port.id,
    net_id: port.network_id,
    network_name: names.get(port.network_id)!,
    mac_addr: port.mac_address,
    fixed_ips: port.fixed_ips.map((ip) => ({ ip_address: ip.ip_address, subnet_id: ip.subnet_id, version: ip.ip_address.includes(':') ? 6 : 4 })),
    created_by_nova: createdByNova,
    tag: tag ?? null,
  };
}

/** Creates or takes over the instance's ports on its host and answers its network info. */
export async function allocatePorts(api: ComputeApi, row: InstanceRow, spec: RequestSpec): Promise<NetworkInfoEntry[]> {
  if (spec.networks === 'none') return [];
  const requested = spec.networks === 'auto' ? await autoNetwork(api, row.project_id) : spec.networks;
  if (requested.length === 0) return [];
  const existing = (await call<{ ports: Port[] }>(api, 'GET', `/v2.0/ports?device_id=${row.uuid}`)).ports;
  const used = new Set<string>();
  const names = new Map<string, string>();
  const info: NetworkInfoEntry[] = [];
  const binding = { device_id: row.uuid, device_owner: `compute:${row.availability_zone ?? api.topology.defaultZone}`, 'binding:host_id': row.host ?? '' };
  let groups: string[] | undefined | null = null;
  for (const r of requested) {
    if (r.port) {
      const p = (await call<{ port: Port }>(api, 'PUT', `/v2.0/ports/${r.port}`, { port: binding })).port;
      used.add(p.id);
      info.push(await describe(api, p, false, r.tag, names));
      continue;
    }
    let port = existing.find((p) => p.network_id === r.uuid && !used.has(p.id));
    if (!port) {
      if (groups === null) groups = await securityGroupIds(api, row.project_id, spec.security_groups.length ? spec.security_groups : ['default']);
      port = (await call<{ port: Port }>(api, 'POST', '/v2.0/ports', {
        port: {
          network_id: r.uuid,
          project_id: row.project_id,
          ...binding,
          ...(groups ? { security_groups: groups } : {}),
          ...(r.fixed_ip ? { fixed_ips: [{ ip_address: r.fixed_ip }] } : {}),
        },
      })).port;
    }
    used.add(port.id);
    info.push(await describe(api, port, true, r.tag, names));
  }
  return info;
}

/**
 * Frees the instance's ports: deletes those Nova made (and any other port still carrying its
 * device_id that it made), hands requested ports back unbound. A port already gone is fine.
 */
export async function deallocatePorts(api: ComputeApi, uuid: string, info: NetworkInfoEntry[]): Promise<void> {
  if (!(await api.peers.has('network'))) return;
  const requested = new Set(info.filter((i) => !i.created_by_nova).map((i) => i.port_id));
  const ports = (await call<{ ports: Port[] }>(api, 'GET', `/v2.0/ports?device_id=${uuid}`)).ports;
  const ids = new Set([...ports.map((p) => p.id), ...info.map((i) => i.port_id)]);
  for (const id of ids) {
    const r = requested.has(id)
      ? await api.peers.call('network', 'PUT', `/v2.0/ports/${id}`, { body: { port: { device_id: '', device_owner: '', 'binding:host_id': '' } } })
      : await api.peers.call('network', 'DELETE', `/v2.0/ports/${id}`);
    if (r.status >= 400 && r.status !== 404) throw new NetworkFailure(`could not free port ${id}: status ${r.status}`);
  }
}

/** Moves the instance's ports to another host (resize, unshelve), or unbinds them (host ''). */
export async function bindPorts(api: ComputeApi, info: NetworkInfoEntry[], host: string): Promise<void> {
  for (const i of info) {
    const r = await api.peers.call('network', 'PUT', `/v2.0/ports/${i.port_id}`, { body: { port: { 'binding:host_id': host } } });
    if (r.status >= 400 && r.status !== 404) throw new NetworkFailure(`could not bind port ${i.port_id}: status ${r.status}`);
  }
}
