/** Floating IPs: an address on an external network, associated with a port that a router with a
 * gateway on that network reaches. */
import type { AuthContext } from '../../core/auth-context';
import { isAdmin } from '../../core/auth-context';
import { neutronError } from '../errors';
import { parseIp } from '../ip';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';
import { internalPort, ROUTER_INTERFACE } from './routers';

const badFip = (msg: string) => neutronError(400, 'BadRequest', `Bad floatingip request: ${msg}`);

export function floatingIpType(b: NetworkBackend): ResourceType {
  return {
    collection: 'floatingips',
    member: 'floatingip',
    path: 'floatingips',
    quota: 'floatingip',
    initialRevision: 0,
    notFound: (id) => neutronError(404, 'FloatingIPNotFound', `Floating IP ${id} could not be found`),
    attrs: {
      floating_network_id: { type: 'uuid', post: true, required: true },
      floating_ip_address: { type: 'string', post: true, nullable: true, adminSet: true },
      subnet_id: { type: 'uuid', post: true, nullable: true },
      port_id: { type: 'uuid', post: true, put: true, nullable: true, default: null },
      fixed_ip_address: { type: 'string', post: true, put: true, nullable: true, default: null },
      router_id: { type: 'uuid' },
      status: { type: 'string' },
      port_details: { type: 'dict' },
    },
    create(row, auth) {
      const net = b.coll('networks').find(row.floating_network_id as string);
      if (!net) throw neutronError(404, 'NetworkNotFound', `Network ${String(row.floating_network_id)} could not be found.`);
      if (!net['router:external']) throw badFip(`Network ${net.id} is not a valid external network.`);
      const fixed: Record<string, unknown>[] = [];
      if (row.subnet_id || row.floating_ip_address) {
        if (row.floating_ip_address && !parseIp(row.floating_ip_address)) {
          throw neutronError(400, 'HTTPBadRequest', `Invalid input for floating_ip_address. Reason: '${String(row.floating_ip_address)}' is not a valid IP address.`);
        }
        fixed.push({ ...(row.subnet_id ? { subnet_id: row.subnet_id } : {}), ...(row.floating_ip_address ? { ip_address: row.floating_ip_address } : {}) });
      } else {
        const v4 = b.coll('subnets').where('network_id', net.id).find((s) => s.ip_version === 4 && b.ipam.firstFree(s));
        if (!v4) {
          const any = b.coll('subnets').where('network_id', net.id).some((s) => s.ip_version === 4);
          if (any) throw neutronError(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${net.id}.`);
          throw badFip(`Network ${net.id} does not contain any IPv4 subnet`);
        }
        fixed.push({ subnet_id: v4.id });
      }
      const port = internalPort(b, net, { device_owner: 'network:floatingip', device_id: row.id, project_id: '' }, fixed);
      const ip = (port.fixed_ips as { ip_address: string }[])[0].ip_address;
      const assoc = row.port_id ? associate(b, auth, row, net.id, row.port_id as string, row.fixed_ip_address as string | null) : undefined;
      const ordered: Row = {
        id: row.id, tenant_id: row.project_id, floating_ip_address: ip, floating_network_id: net.id, router_id: assoc?.router_id ?? null,
        port_id: assoc ? row.port_id : null, fixed_ip_address: assoc?.fixed_ip_address ?? null, status: 'DOWN',
        project_id: row.project_id, description: row.description, port_details: assoc?.port_details ?? null, tags: row.tags, created_at: row.created_at, updated_at: row.updated_at,
        revision_number: row.revision_number,
      };
      for (const k of Object.keys(row)) delete row[k];
      Object.assign(row, ordered);
    },
    update(row, changes, auth) {
      if (!('port_id' in changes) && !('fixed_ip_address' in changes)) return;
      const portId = 'port_id' in changes ? (changes.port_id as string | null) : (row.port_id as string | null);
      if (!portId) {
        Object.assign(changes, { port_id: null, fixed_ip_address: null, router_id: null, port_details: null });
        return;
      }
      const assoc = associate(b, auth, row, row.floating_network_id as string, portId, (changes.fixed_ip_address ?? null) as string | null);
      // Status stays DOWN: without an L3 agent nothing reports it up (the lab answers DOWN too).
      Object.assign(changes, { port_id: portId, ...assoc });
    },
    expand(row) {
      const port = row.port_id ? b.coll('ports').find(row.port_id as string) : undefined;
      return { ...row, port_details: port ? portDetails(port) : null };
    },
    remove(row) {
      for (const p of b.coll('ports').where('device_id', row.id)) {
        if (p.device_owner !== 'network:floatingip') continue;
        b.ipam.releasePort(p.id);
        b.ipam.releaseMac(p.id);
        b.coll('ports').delete(p.id);
      }
    },
  };
}

/** Checks that the port can use the floating IP and finds the router that reaches it. */
function associate(b: NetworkBackend, auth: AuthContext, fip: Row, extNet: string, portId: string, fixedIp: string | null): { router_id: string; fixed_ip_address: string; port_details: Record<string, unknown> } {
  const port = b.coll('ports').get(portId, b.visibility(b.type('ports'), auth));
  if (!isAdmin(auth) && port.project_id !== auth.projectId) throw neutronError(404, 'PortNotFound', `Port ${portId} could not be found.`);
  const v4 = (port.fixed_ips as { subnet_id: string; ip_address: string }[]).filter((f) => parseIp(f.ip_address)?.version === 4);
  let chosen: { subnet_id: string; ip_address: string } | undefined;
  if (fixedIp) {
    chosen = v4.find((f) => f.ip_address === fixedIp);
    if (!chosen) throw badFip(`Port ${portId} does not have fixed ip ${fixedIp}`);
  } else {
    if (!v4.length) throw badFip(`Port ${portId} does not have any IPv4 address`);
    if (v4.length > 1) throw badFip(`Port ${portId} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`);
    chosen = v4[0];
  }
  const taken = b.coll('floatingips').where('port_id', portId).find((f) => f.id !== fip.id && f.fixed_ip_address === chosen!.ip_address);
  if (taken) {
    throw neutronError(409, 'FloatingIPPortAlreadyAssociated', `Cannot associate floating IP ${String(fip.floating_ip_address)} (${fip.id}) with port ${portId} using fixed IP ${chosen.ip_address}, as that fixed IP already has a floating IP on external network ${extNet}.`);
  }
  const routers = b.coll('routers').list({ filters: {}, sortKeys: [], sortDirs: [], pageReverse: false });
  const router = routers.find((r) => (r.external_gateway_info as { network_id?: string } | null)?.network_id === extNet
    && b.coll('ports').where('device_id', r.id).some((p) => p.device_owner === ROUTER_INTERFACE
      && (p.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === chosen!.subnet_id)));
  if (!router) {
    throw neutronError(404, 'ExternalGatewayForFloatingIPNotFound', `External network ${extNet} is not reachable from subnet ${chosen.subnet_id}.  Therefore, cannot associate Port ${portId} with a Floating IP.`);
  }
  return { router_id: router.id, fixed_ip_address: chosen.ip_address, port_details: portDetails(port) };
}

/** fip-port-details: a summary of the associated port. */
export function portDetails(port: Row): Record<string, unknown> {
  const pick = ['name', 'network_id', 'mac_address', 'admin_state_up', 'status', 'device_id', 'device_owner'];
  return Object.fromEntries(pick.map((k) => [k, port[k]]));
}
