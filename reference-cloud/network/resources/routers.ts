/** Routers: external gateway (a port on the external network), interfaces by subnet or port,
 * extra routes whose nexthop must sit on a connected subnet. */
import type { AuthContext } from '../../core/auth-context';
import { isAdmin } from '../../core/auth-context';
import { uuid } from '../../core/ids';
import { badRequest, invalidAttr, neutronError, policyDenied } from '../errors';
import { contains, formatCidr, formatIp, overlaps, parseCidr, parseIp } from '../ip';
import { pyRepr } from '../../core/validation';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';
import { assignFixedIps, detachFloatingIps } from './ports';

export const ROUTER_INTERFACE = 'network:router_interface';
export const ROUTER_GATEWAY = 'network:router_gateway';

const badRouter = (msg: string) => neutronError(400, 'BadRequest', `Bad router request: ${msg}.`);

export function routerType(b: NetworkBackend): ResourceType {
  return {
    collection: 'routers',
    member: 'router',
    path: 'routers',
    quota: 'router',
    initialRevision: 1,
    notFound: (id) => neutronError(404, 'RouterNotFound', `Router ${id} could not be found`),
    attrs: {
      name: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      admin_state_up: { type: 'boolean', post: true, put: true, default: true },
      status: { type: 'string' },
      external_gateway_info: { type: 'dict', post: true, put: true, nullable: true, default: null },
      routes: { type: 'list', put: true },
      distributed: { type: 'boolean', post: true, put: true, adminOnly: true, adminSet: true, default: false },
      ha: { type: 'boolean', post: true, put: true, adminOnly: true, adminSet: true, default: false },
      flavor_id: { type: 'uuid', post: true, nullable: true, default: null },
      availability_zone_hints: { type: 'list', post: true, default: [] },
      availability_zones: { type: 'list' },
    },
    create(row, auth) {
      const gw = row.external_gateway_info;
      Object.assign(row, { status: 'ACTIVE', external_gateway_info: null, routes: [], availability_zones: [] });
      if (gw) row.external_gateway_info = setGateway(b, row, gw as Record<string, unknown>, auth, 'create');
    },
    update(row, changes, auth) {
      if ('external_gateway_info' in changes) {
        const gw = changes.external_gateway_info as Record<string, unknown> | null;
        const current = row.external_gateway_info as { network_id: string } | null;
        if (current && (!gw || Object.keys(gw).length === 0 || gw.network_id !== current.network_id)) {
          if (b.coll('floatingips').where('router_id', row.id).length) {
            throw neutronError(409, 'RouterExternalGatewayInUseByFloatingIp', `Gateway cannot be updated for router ${row.id}, since a gateway to external network ${current.network_id} is required by one or more floating IPs.`);
          }
          clearGateway(b, row);
        }
        changes.external_gateway_info = !gw || Object.keys(gw).length === 0 ? null : setGateway(b, row, gw, auth, 'update');
      }
      if ('routes' in changes) changes.routes = checkRoutes(b, row, changes.routes as unknown[]);
    },
    remove(row) {
      const ports = b.coll('ports').where('device_id', row.id);
      const ifaces = ports.filter((p) => p.device_owner === ROUTER_INTERFACE);
      if (ifaces.length) throw neutronError(409, 'RouterInUse', `Router ${row.id} has ports still attached: ${ifaces.map((p) => p.id).join(', ')}`);
      const fips = b.coll('floatingips').where('router_id', row.id);
      if (fips.length) throw neutronError(409, 'RouterInUse', `Router ${row.id} still has ports`);
      clearGateway(b, row);
    },
  };
}

/** Makes (or keeps) the gateway port on an external network; returns external_gateway_info. */
function setGateway(b: NetworkBackend, router: Row, gw: Record<string, unknown>, auth: AuthContext, op: string): unknown {
  const extra = Object.keys(gw).filter((k) => !['network_id', 'enable_snat', 'external_fixed_ips'].includes(k));
  if (extra.length) throw invalidAttr('external_gateway_info', `Unexpected keys supplied: ${extra.join(', ')}`);
  if (!isAdmin(auth)) {
    for (const k of ['enable_snat', 'external_fixed_ips'] as const) {
      if (gw[k] !== undefined) {
        throw policyDenied(`(rule:${op}_router and (rule:${op}_router:external_gateway_info and (rule:${op}_router:external_gateway_info:network_id and rule:${op}_router:external_gateway_info:${k})))`);
      }
    }
  }
  if (typeof gw.network_id !== 'string') throw invalidAttr('external_gateway_info', `'${String(gw.network_id)}' is not a valid UUID.`);
  const net = b.coll('networks').get(gw.network_id, b.visibility(b.type('networks'), auth));
  if (!net['router:external']) throw badRouter(`Network ${net.id} is not an external network`);
  if (gw.external_fixed_ips !== undefined && !Array.isArray(gw.external_fixed_ips)) {
    throw invalidAttr('external_gateway_info', `Invalid data format for fixed IP: '${String(gw.external_fixed_ips)}'.`);
  }
  const snat = gw.enable_snat === undefined ? true : gw.enable_snat;
  if (typeof snat !== 'boolean') throw invalidAttr('external_gateway_info', `'${String(snat)}' is not a valid boolean value.`);
  let port = b.coll('ports').where('device_id', router.id).find((p) => p.device_owner === ROUTER_GATEWAY);
  if (!port) {
    // Neutron writes the router twice more while it wires a new gateway port.
    router.revision_number = Number(router.revision_number) + GATEWAY_REVISIONS;
    port = internalPort(b, net, { device_owner: ROUTER_GATEWAY, device_id: router.id, project_id: '' }, gw.external_fixed_ips as unknown[] | undefined);
  } else if (gw.external_fixed_ips !== undefined) {
    b.ipam.releasePort(port.id);
    port.fixed_ips = assignFixedIps(b, net, port, gw.external_fixed_ips as unknown[]);
    b.bump(b.type('ports'), port);
  }
  return { network_id: net.id, external_fixed_ips: port.fixed_ips, enable_snat: snat };
}

const GATEWAY_REVISIONS = 2;

function clearGateway(b: NetworkBackend, router: Row): void {
  for (const p of b.coll('ports').where('device_id', router.id)) {
    if (p.device_owner !== ROUTER_GATEWAY) continue;
    router.revision_number = Number(router.revision_number) + GATEWAY_REVISIONS;
    b.ipam.releasePort(p.id);
    b.ipam.releaseMac(p.id);
    b.coll('ports').delete(p.id);
  }
}

/** A port the service makes itself (router gateway and interface, floating IP). */
export function internalPort(b: NetworkBackend, net: Row, o: { device_owner: string; device_id: string; project_id: string }, fixedIps?: unknown[]): Row {
  const now = b.now();
  const port: Row = {
    id: uuid(), name: '', network_id: net.id, tenant_id: o.project_id, mac_address: '', admin_state_up: true,
    // No L2 agent reports these ports up: DOWN, as the lab shows router ports.
    status: o.device_owner === 'network:floatingip' ? 'N/A' : 'DOWN',
    device_id: o.device_id, device_owner: o.device_owner, fixed_ips: [], project_id: o.project_id, port_security_enabled: false,
    security_groups: [], 'binding:vnic_type': 'normal', 'binding:profile': {}, 'binding:host_id': '', 'binding:vif_type': 'unbound',
    'binding:vif_details': {}, allowed_address_pairs: [], extra_dhcp_opts: [], description: '', tags: [], created_at: now, updated_at: now, revision_number: 1,
  };
  port.mac_address = b.ipam.generateMac(net.id, port.id);
  port.fixed_ips = assignFixedIps(b, net, port, fixedIps);
  if (o.device_owner !== ROUTER_INTERFACE && (port.fixed_ips as unknown[]).length === 0) {
    throw neutronError(400, 'BadRequest', `Bad request: No IPv4 subnet found on external network ${net.id}.`);
  }
  b.coll('ports').insert(port);
  return port;
}

/** Interface subnets of a router: subnet id -> subnet. */
function interfaceSubnets(b: NetworkBackend, router: Row): Row[] {
  const ids = b.coll('ports').where('device_id', router.id).filter((p) => p.device_owner === ROUTER_INTERFACE)
    .flatMap((p) => (p.fixed_ips as { subnet_id: string }[]).map((f) => f.subnet_id));
  return ids.map((id) => b.coll('subnets').find(id)).filter((s): s is Row => !!s);
}

function checkRoutes(b: NetworkBackend, router: Row, routes: unknown[]): unknown[] {
  const connected = [...interfaceSubnets(b, router)];
  const gw = router.external_gateway_info as { external_fixed_ips: { subnet_id: string }[] } | null;
  for (const f of gw?.external_fixed_ips ?? []) { const s = b.coll('subnets').find(f.subnet_id); if (s) connected.push(s); }
  return routes.map((r) => {
    const o = r as Record<string, unknown>;
    const d = parseCidr(o?.destination), n = parseIp(o?.nexthop);
    if (!o || typeof o !== 'object' || !d || !String(o.destination).includes('/') || !n) {
      throw invalidAttr('routes', `${JSON.stringify(r)} is not a valid route.`);
    }
    if (!connected.some((s) => contains(parseCidr(s.cidr)!, n))) {
      throw neutronError(400, 'InvalidRoutes', `Invalid format for routes: ${pyRepr(routes)}, the nexthop is not connected with router`);
    }
    return { destination: formatCidr(d), nexthop: formatIp(n.version, n.value) };
  });
}

/** PUT /routers/{id}/add_router_interface */
export function addInterface(b: NetworkBackend, auth: AuthContext, routerId: string, body: unknown): Record<string, unknown> {
  const info = interfaceInfo(body);
  return b.tx(() => {
    const router = b.coll('routers').get(routerId, b.visibility(b.type('routers'), auth));
    b.checkWrite(b.type('routers'), 'update', auth, router);
    let port: Row;
    if (info.port_id) {
      port = b.coll('ports').get(info.port_id, b.visibility(b.type('ports'), auth));
      if (port.device_id || port.device_owner) {
        throw neutronError(409, 'PortInUse', `Unable to complete operation on port ${port.id} for network ${String(port.network_id)}. Port already has an attached device ${String(port.device_id)}.`);
      }
      const ips = port.fixed_ips as { subnet_id: string }[];
      if (!ips.length) throw badRouter('Router port must have at least one fixed IP');
      for (const f of ips) checkNewSubnet(b, router, b.coll('subnets').find(f.subnet_id)!);
      Object.assign(port, { device_id: router.id, device_owner: ROUTER_INTERFACE, security_groups: [] });
      b.bump(b.type('ports'), port);
    } else {
      const subnet = b.coll('subnets').get(info.subnet_id!, b.visibility(b.type('subnets'), auth));
      if (!isAdmin(auth) && subnet.project_id !== auth.projectId) {
        throw badRouter(`Cannot add interface to router because subnet ${subnet.id} is not owned by project making the request`);
      }
      if (!subnet.gateway_ip) throw badRouter('Subnet for router interface must have a gateway IP');
      checkNewSubnet(b, router, subnet);
      const net = b.coll('networks').find(subnet.network_id as string)!;
      port = internalPort(b, net, { device_owner: ROUTER_INTERFACE, device_id: router.id, project_id: router.project_id }, [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }]);
    }
    b.bump(b.type('routers'), router);
    const subnetIds = (port.fixed_ips as { subnet_id: string }[]).map((f) => f.subnet_id);
    return {
      network_id: port.network_id, tenant_id: router.project_id, subnet_id: subnetIds[0], subnet_ids: subnetIds,
      port_id: port.id, id: router.id,
    };
  });
}

function checkNewSubnet(b: NetworkBackend, router: Row, subnet: Row): void {
  const cidr = parseCidr(subnet.cidr)!;
  for (const s of interfaceSubnets(b, router)) {
    if (s.id === subnet.id) throw badRouter(`Router already has a port on subnet ${subnet.id}`);
    if (overlaps(parseCidr(s.cidr)!, cidr)) {
      throw badRouter(`Cidr ${String(subnet.cidr)} of subnet ${subnet.id} overlaps with cidr ${String(s.cidr)} of subnet ${s.id}`);
    }
  }
}

/** PUT /routers/{id}/remove_router_interface */
export function removeInterface(b: NetworkBackend, auth: AuthContext, routerId: string, body: unknown): Record<string, unknown> {
  const info = interfaceInfo(body);
  return b.tx(() => {
    const router = b.coll('routers').get(routerId, b.visibility(b.type('routers'), auth));
    b.checkWrite(b.type('routers'), 'update', auth, router);
    const ifaces = b.coll('ports').where('device_id', router.id).filter((p) => p.device_owner === ROUTER_INTERFACE);
    let port: Row | undefined;
    if (info.port_id) {
      port = ifaces.find((p) => p.id === info.port_id);
      if (!port) throw neutronError(404, 'RouterInterfaceNotFound', `Router ${router.id} does not have an interface with id ${info.port_id}`);
      if (info.subnet_id && !(port.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === info.subnet_id)) {
        throw neutronError(409, 'SubnetMismatchForPort', `Subnet ${info.subnet_id} does not match the port ${info.port_id}'s subnet.`);
      }
    } else {
      b.coll('subnets').get(info.subnet_id!, b.visibility(b.type('subnets'), auth));
      port = ifaces.find((p) => (p.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === info.subnet_id));
      if (!port) throw neutronError(404, 'RouterInterfaceNotFoundForSubnet', `Router ${router.id} has no interface on subnet ${info.subnet_id}`);
    }
    const subnetIds = (port.fixed_ips as { subnet_id: string }[]).map((f) => f.subnet_id);
    const inUse = b.coll('floatingips').where('router_id', router.id).find((f) => {
      const fp = f.port_id ? b.coll('ports').find(f.port_id as string) : undefined;
      return fp && (fp.fixed_ips as { subnet_id: string }[]).some((x) => subnetIds.includes(x.subnet_id));
    });
    if (inUse) {
      throw neutronError(409, 'RouterInterfaceInUseByFloatingIP', `Router interface for subnet ${subnetIds[0]} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`);
    }
    detachFloatingIps(b, port.id);
    b.ipam.releasePort(port.id);
    b.ipam.releaseMac(port.id);
    b.coll('ports').delete(port.id);
    b.bump(b.type('routers'), router);
    return {
      network_id: port.network_id, tenant_id: router.project_id, subnet_id: subnetIds[0], subnet_ids: subnetIds,
      port_id: port.id, id: router.id,
    };
  });
}

function interfaceInfo(body: unknown): { subnet_id?: string; port_id?: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('Body contains invalid data');
  const o = body as Record<string, unknown>;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const k of ['subnet_id', 'port_id']) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || !UUID.test(o[k] as string))) throw invalidAttr(k, `'${String(o[k])}' is not a valid UUID.`);
  }
  if (!o.subnet_id && !o.port_id) throw badRouter('Either subnet_id or port_id must be specified');
  if (o.subnet_id && o.port_id) throw badRouter('Cannot specify both subnet-id and port-id');
  return { subnet_id: o.subnet_id as string | undefined, port_id: o.port_id as string | undefined };
}
