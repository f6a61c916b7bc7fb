/**
 * Nova's server views (nova/api/openstack/compute/views/servers.py): the create answer, the
 * basic list entry, the detailed show per microversion and role, the reduced update answer
 * (before 2.75), and the partial records of instances whose cell is down (2.69+). Keys come in
 * the order Nova's view builder adds them.
 */
import { createHash } from 'node:crypto';
import type { ApiRequest } from '../../core/service';
import { isoNaive, isoZ, links } from '../common';
import type { Cell } from '../cells';
import type { BuildRequestInstance, ComputeApi } from '../context';
import { flavorOf, instanceMetadata, instanceTags, latestFault, networkInfo, type InstanceRow, type NetworkInfoEntry } from '../models/instances';
import type { InstanceFlavor } from '../models/flavors';
import { hostZone } from '../models/zones';
import { statusFromState } from './status';

/** Everything a server view shows, read from its cell (or its build request) beforehand. */
export interface ServerRecord {
  inst: Omit<InstanceRow, 'id'> & { id?: number };
  metadata: Record<string, string>;
  tags: string[];
  fault?: { code: number; message: string; details: string; created_at: string };
  networkInfo: NetworkInfoEntry[];
  volumes: { volume_id: string; delete_on_termination: boolean }[];
  serverGroups: string[];
  /** The zone shown: the host's when scheduled, else the requested one, else "". */
  zone: string;
  /** UP, DOWN, MAINTENANCE, UNKNOWN or "" (no host), as compute_api.get_instance_host_status. */
  hostStatus: string;
}

/** Which parts of the show view to include (the reduced update view turns most off). */
export interface ShowOptions {
  /** A list entry of /servers/detail: no server_groups, as Nova's detail. */
  detail?: boolean;
  /** PUT /servers/{id} below 2.75. */
  reduced?: boolean;
}

const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');

/** Nova's hostId: sha224 of project id + host, "" while unscheduled. */
export function hostId(projectId: string, host: string | null | undefined): string {
  return host ? createHash('sha224').update(`${projectId}${host}`, 'utf8').digest('hex') : '';
}

/** Loads a cell instance's record. */
export function recordOfInstance(api: ComputeApi, cell: Cell, row: InstanceRow): ServerRecord {
  const db = cell.db;
  const volumes = (db.prepare(
    'SELECT volume_id, delete_on_termination FROM block_device_mapping WHERE instance_uuid = ? AND deleted = 0 AND volume_id IS NOT NULL ORDER BY id',
  ).all(row.uuid) as { volume_id: string; delete_on_termination: number }[]).map((v) => ({ volume_id: v.volume_id, delete_on_termination: v.delete_on_termination === 1 }));
  return {
    inst: row,
    metadata: instanceMetadata(db, row.uuid),
    tags: instanceTags(db, row.uuid),
    fault: latestFault(db, row.uuid),
    networkInfo: networkInfo(db, row.uuid),
    volumes,
    serverGroups: serverGroupsOf(api, row.uuid),
    zone: row.host ? hostZone(api.store.db, row.host, api.topology.defaultZone) : (row.availability_zone ?? ''),
    hostStatus: hostStatus(db, row.host),
  };
}

/** A build request's record (nothing in a cell yet). */
export function recordOfBuild(api: ComputeApi, b: BuildRequestInstance): ServerRecord {
  return {
    inst: b,
    metadata: b.metadata ?? {},
    tags: b.tags ?? [],
    networkInfo: [],
    volumes: [],
    serverGroups: serverGroupsOf(api, b.uuid),
    zone: b.availability_zone ?? '',
    hostStatus: '',
  };
}

export function serverGroupsOf(api: ComputeApi, uuid: string): string[] {
  return (api.store.db.prepare(
    'SELECT g.uuid FROM instance_group_members m JOIN instance_groups g ON g.id = m.group_id WHERE m.instance_uuid = ?',
  ).all(uuid) as { uuid: string }[]).map((r) => r.uuid);
}

function hostStatus(db: import('../../core/store').Db, host: string | null): string {
  if (!host) return '';
  const svc = db.prepare("SELECT disabled, forced_down FROM services WHERE host = ? AND binary = 'nova-compute'").get(host) as { disabled: number; forced_down: number } | undefined;
  if (!svc) return 'UNKNOWN';
  if (svc.forced_down) return 'DOWN';
  if (svc.disabled) return 'MAINTENANCE';
  return 'UP';
}

/** POST /servers answer. */
export function createView(req: ApiRequest, id: string, securityGroups: string[], adminPass: string | undefined): Record<string, unknown> {
  const server: Record<string, unknown> = {
    id,
    links: links(req, 'servers', id),
    'OS-DCF:diskConfig': 'MANUAL',
    security_groups: securityGroups.map((name) => ({ name })),
  };
  if (adminPass !== undefined) server.adminPass = adminPass;
  return server;
}

/** A /servers list entry. */
export function basicView(req: ApiRequest, id: string, name: string): Record<string, unknown> {
  return { id, name, links: links(req, 'servers', id) };
}

function flavorView(req: ApiRequest, f: InstanceFlavor): Record<string, unknown> {
  if (req.microversion!.atLeast('2.47')) {
    // The extra specs are shown to whoever may read them (os_compute_api:os-flavor-extra-specs:index: any project reader).
    return { vcpus: f.vcpus, ram: f.memory_mb, disk: f.root_gb, ephemeral: f.ephemeral_gb, swap: f.swap, original_name: f.name, extra_specs: f.extra_specs ?? {} };
  }
  return { id: f.flavorid, links: [{ rel: 'bookmark', href: `${req.baseUrl}/flavors/${f.flavorid}` }] };
}

function imageView(req: ApiRequest, imageRef: string): unknown {
  if (!imageRef) return '';
  return { id: imageRef, links: [{ rel: 'bookmark', href: `${req.baseUrl}/images/${imageRef}` }] };
}

/** `addresses`: per network name, its fixed IPs (with type and MAC in the detailed form). */
export function addressesView(info: NetworkInfoEntry[], extended: boolean): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const vif of info) {
    const list = (out[vif.network_name] ??= []);
    for (const ip of vif.fixed_ips) {
      list.push(extended
        ? { version: ip.version, addr: ip.ip_address, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': vif.mac_addr }
        : { version: ip.version, addr: ip.ip_address });
    }
  }
  return out;
}

const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);
const FAULT_STATUSES = new Set(['ERROR', 'DELETED']);

export function serverStatus(inst: Pick<InstanceRow, 'deleted' | 'vm_state' | 'task_state'>): string {
  return inst.deleted ? 'DELETED' : statusFromState(inst.vm_state, inst.task_state);
}

/** The detailed view of one server (show, detail lists, update, actions that answer a server). */
export function showView(req: ApiRequest, rec: ServerRecord, opts: ShowOptions = {}): Record<string, unknown> {
  const mv = req.microversion!;
  const admin = isAdmin(req);
  const i = rec.inst;
  const full = !opts.reduced;
  const status = serverStatus(i);
  const s: Record<string, unknown> = {
    id: i.uuid,
    name: i.display_name,
    status,
    tenant_id: i.project_id,
    user_id: i.user_id,
    metadata: rec.metadata,
    hostId: hostId(i.project_id, i.host),
    image: imageView(req, i.image_ref),
    flavor: flavorView(req, flavorOf(i)),
    created: isoZ(i.created_at),
    updated: isoZ(i.updated_at ?? i.created_at),
    addresses: i.vm_state === 'building' ? {} : addressesView(rec.networkInfo, full),
    accessIPv4: i.access_ip_v4 ?? '',
    accessIPv6: i.access_ip_v6 ?? '',
    links: links(req, 'servers', i.uuid),
    'OS-DCF:diskConfig': 'MANUAL',
  };
  if (FAULT_STATUSES.has(status) && rec.fault) {
    const f: Record<string, unknown> = { code: rec.fault.code, created: isoZ(rec.fault.created_at), message: rec.fault.message };
    if (rec.fault.details && (admin || rec.fault.code !== 500)) f.details = rec.fault.details;
    s.fault = f;
  }
  if (PROGRESS_STATUSES.has(status)) s.progress = i.progress ?? 0;
  if (full) {
    s['OS-EXT-AZ:availability_zone'] = rec.zone;
    s.config_drive = i.config_drive;
    s.key_name = i.key_name;
    s['OS-SRV-USG:launched_at'] = isoNaive(i.launched_at);
    s['OS-SRV-USG:terminated_at'] = isoNaive(i.terminated_at);
    // Security groups come from the server's ports: none while it has no port.
    if (!opts.detail && rec.networkInfo.length > 0) s.security_groups = securityGroupNames(i).map((name) => ({ name }));
    if (admin) {
      s['OS-EXT-SRV-ATTR:host'] = i.host;
      s['OS-EXT-SRV-ATTR:instance_name'] = i.id !== undefined ? `instance-${i.id.toString(16).padStart(8, '0')}` : '';
      s['OS-EXT-SRV-ATTR:hypervisor_hostname'] = i.node;
      if (mv.atLeast('2.3')) {
        s['OS-EXT-SRV-ATTR:reservation_id'] = i.reservation_id;
        s['OS-EXT-SRV-ATTR:launch_index'] = i.launch_index;
        s['OS-EXT-SRV-ATTR:hostname'] = i.hostname;
        s['OS-EXT-SRV-ATTR:kernel_id'] = i.kernel_id;
        s['OS-EXT-SRV-ATTR:ramdisk_id'] = i.ramdisk_id;
        s['OS-EXT-SRV-ATTR:root_device_name'] = i.root_device_name;
        s['OS-EXT-SRV-ATTR:user_data'] = i.user_data;
      }
    }
    s['OS-EXT-STS:task_state'] = i.task_state;
    s['OS-EXT-STS:vm_state'] = i.vm_state;
    s['OS-EXT-STS:power_state'] = i.power_state;
    s['os-extended-volumes:volumes_attached'] = rec.volumes.map((v) =>
      mv.atLeast('2.3') ? { id: v.volume_id, delete_on_termination: v.delete_on_termination } : { id: v.volume_id });
    if (!opts.detail && admin && mv.atLeast('2.16')) s.host_status = rec.hostStatus;
  }
  if (mv.atLeast('2.9')) s.locked = !!i.locked;
  if (mv.atLeast('2.73')) s.locked_reason = i.locked_reason;
  if (mv.atLeast('2.19')) s.description = i.display_description;
  if (mv.atLeast('2.26')) s.tags = rec.tags;
  if (mv.atLeast('2.63')) s.trusted_image_certificates = null;
  if (full && !admin && mv.atLeast('2.90')) s['OS-EXT-SRV-ATTR:hostname'] = i.hostname;
  if (!opts.detail && mv.atLeast('2.71') && full) s.server_groups = rec.serverGroups;
  if (opts.detail) {
    // A detail list adds host status and security groups for all servers at once, after the rest.
    if (admin && mv.atLeast('2.16')) s.host_status = rec.hostStatus;
    if (rec.networkInfo.length > 0) s.security_groups = securityGroupNames(i).map((name) => ({ name }));
  }
  return s;
}

function securityGroupNames(i: Pick<InstanceRow, 'security_groups'>): string[] {
  try {
    const names = JSON.parse(i.security_groups) as string[];
    return names.length ? [...new Set(names)] : ['default'];
  } catch {
    return ['default'];
  }
}

/** What the API database knows of an instance whose cell is down (its mapping and request spec). */
export interface DownCellRecord {
  uuid: string;
  project_id: string;
  user_id: string;
  created_at: string;
  /** From the request spec, for GET /servers/{id} only. */
  spec?: { flavor: InstanceFlavor; image: string; availability_zone: string | null; serverGroups: string[] };
}

/**
 * The partial record of an instance in a down cell (2.69+, _show_from_down_cell): a list entry
 * is {id, status UNKNOWN, links}; a detail entry adds tenant_id and created; a show adds the
 * request spec's image, flavor, zone, power state, user and (2.71+) server groups.
 */
export function downCellView(req: ApiRequest, r: DownCellRecord, kind: 'index' | 'detail' | 'show'): Record<string, unknown> {
  if (kind === 'index') return { id: r.uuid, status: 'UNKNOWN', links: links(req, 'servers', r.uuid) };
  const s: Record<string, unknown> = {
    id: r.uuid,
    status: 'UNKNOWN',
    tenant_id: r.project_id,
    created: isoZ(r.created_at),
    links: links(req, 'servers', r.uuid),
  };
  if (kind === 'show' && r.spec) {
    s.image = imageView(req, r.spec.image);
    s.flavor = flavorView(req, r.spec.flavor);
    s['OS-EXT-AZ:availability_zone'] = r.spec.availability_zone || 'UNKNOWN';
    s['OS-EXT-STS:power_state'] = 0;
    s.user_id = r.user_id || 'UNKNOWN';
    if (req.microversion!.atLeast('2.71')) s.server_groups = r.spec.serverGroups;
  }
  return s;
}
