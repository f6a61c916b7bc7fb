/** Networks (neutron_lib/api/definitions/network.py + external-net, provider, mtu, AZ, port-security). */
import { invalidInput, neutronError } from '../errors';
import type { NetworkBackend, ResourceType } from '../backend';
import type { Row } from '../collection';

/** global_physnet_mtu: the largest MTU a network may ask for (the lab's 1500). */
const PHYSNET_MTU = 1500;

export const NETWORK_VISIBLE_SQL = `json_extract(body, '$.shared') = 1 OR json_extract(body, '$."router:external"') = 1`;

export function networkType(b: NetworkBackend): ResourceType {
  return {
    collection: 'networks',
    member: 'network',
    path: 'networks',
    quota: 'network',
    initialRevision: 1,
    notFound: (id) => neutronError(404, 'NetworkNotFound', `Network ${id} could not be found.`),
    sharedSql: () => ({ sql: NETWORK_VISIBLE_SQL, params: [] }),
    attrs: {
      name: { type: 'string', post: true, put: true, maxLen: 255, default: '' },
      admin_state_up: { type: 'boolean', post: true, put: true, default: true },
      status: { type: 'string' },
      subnets: { type: 'list' },
      shared: { type: 'boolean', post: true, put: true, default: false, adminSet: true },
      'router:external': { type: 'boolean', post: true, put: true, default: false, adminSet: true },
      is_default: { type: 'boolean', post: true, put: true, default: false, adminSet: true, shownWhen: (row) => row['router:external'] === true },
      mtu: {
        type: 'integer', post: true, put: true, default: PHYSNET_MTU, min: 0,
        check: (v) => {
          if ((v as number) > PHYSNET_MTU) throw invalidInput(`Requested MTU is too big, maximum is ${PHYSNET_MTU}`);
          return v;
        },
      },
      port_security_enabled: { type: 'boolean', post: true, put: true, default: true },
      availability_zone_hints: { type: 'list', post: true, default: [], check: (v) => checkAzHints(v as unknown[]) },
      availability_zones: { type: 'list' },
      ipv4_address_scope: { type: 'string' },
      ipv6_address_scope: { type: 'string' },
      'provider:network_type': { type: 'string', post: true, adminOnly: true, adminSet: true, values: ['flat', 'vlan', 'vxlan', 'geneve', 'gre', 'local'] },
      'provider:physical_network': { type: 'string', post: true, adminOnly: true, adminSet: true, nullable: true, maxLen: 64 },
      'provider:segmentation_id': { type: 'integer', post: true, adminOnly: true, adminSet: true, nullable: true, min: 1, max: 16777215 },
    },
    create(row) {
      Object.assign(row, {
        status: 'ACTIVE', subnets: [], availability_zones: [], ipv4_address_scope: null, ipv6_address_scope: null,
      });
      const type = (row['provider:network_type'] as string | undefined) ?? 'geneve';
      row['provider:network_type'] = type;
      row['provider:physical_network'] ??= type === 'flat' || type === 'vlan' ? 'public' : null;
      if (row['provider:segmentation_id'] === undefined) {
        row['provider:segmentation_id'] = type === 'flat' || type === 'local' ? null : nextSegment(b, type);
      }
    },
    remove(row) {
      const ports = b.coll('ports').where('network_id', row.id);
      const blocking = ports.filter((p) => p.device_owner !== 'network:dhcp');
      if (blocking.length) {
        throw neutronError(409, 'NetworkInUse', `Unable to complete operation on network ${row.id}. There are one or more ports still in use on the network, id for these ports is: ${blocking.map((p) => p.id).join(',')}.`);
      }
      for (const p of ports) deletePortRow(b, p);
      for (const s of b.coll('subnets').where('network_id', row.id)) b.coll('subnets').delete(s.id);
    },
  };
}

function nextSegment(b: NetworkBackend, type: string): number {
  const r = b.store.db.prepare(`SELECT max(json_extract(body, '$."provider:segmentation_id"')) AS m FROM resources WHERE kind = 'networks' AND json_extract(body, '$."provider:network_type"') = ?`).get(type) as { m: number | null };
  return (r.m ?? 0) + 1;
}

function checkAzHints(v: unknown[]): unknown[] {
  for (const az of v) {
    if (az !== 'nova') throw neutronError(404, 'AvailabilityZoneNotFound', `AvailabilityZone ${String(az)} could not be found.`);
  }
  return v;
}

/** Removes a port row and what it holds (addresses, MAC). */
export function deletePortRow(b: NetworkBackend, port: Row): void {
  b.ipam.releasePort(port.id);
  b.ipam.releaseMac(port.id);
  b.coll('ports').delete(port.id);
}
