/**
 * The servers resource: POST /servers (Nova's compute API checks, then one API-database
 * transaction: quota, mapping, request spec, build request, and the conductor's job), the
 * lists across cells, show, update and delete.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { uuid as newUuid } from '../../core/ids';
import type { ApiRequest, Route } from '../../core/service';
import { ApiError } from '../../core/errors';
import { MAX_LIMIT, apiRoot, badRequest, bodyOf, boolParam, conflict, dateTimeParam, empty, forbidden, json, nextLink, notFound, paging, policyDenied, qall, qstr, validateBody } from '../common';
import { CellDown } from '../cells';
import type { BuildRequestInstance, ComputeApi, RequestSpec } from '../context';
import { embedFlavor, visibleFlavor } from '../models/flavors';
import { updateInstance } from '../models/instances';
import { availableZones } from '../models/services';
import { listServers, type InstanceFilter, type Listed, type SortKey } from '../listing';
import {
  basicView, createView, downCellView, recordOfBuild, recordOfInstance, serverGroupsOf, showView,
} from '../views/servers';
import { statesFromStatus } from '../views/status';
import { checkBlockDevices } from './server-block-devices';
import { checkServerFormats, sanitizeHostname, serverCreateSchema, truthy, UUID_RE } from './server-create-schema';
import { cellNotResponding, findServer, isAdmin, recordOf, requireReader, requireWriter } from './server-access';

// ---------------------------------------------------------------------------------------------
// Create

interface ImageInfo { id: string; name: string; status: string; min_disk: number; min_ram: number; size: number; properties: Record<string, string> }

const GLANCE_CORE = new Set(['id', 'name', 'status', 'visibility', 'protected', 'checksum', 'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size',
  'min_ram', 'min_disk', 'disk_format', 'container_format', 'created_at', 'updated_at', 'tags', 'self', 'file', 'schema', 'direct_url', 'locations', 'os_hidden', 'stores']);

async function imageFor(req: ApiRequest, api: ComputeApi, id: string): Promise<ImageInfo> {
  const res = await api.peers.call<Record<string, unknown>>('image', 'GET', `/v2/images/${encodeURIComponent(id)}`, { token: req.auth!.token });
  if (res.status === 404 || res.status === 403) throw badRequest('Can not find requested image');
  if (res.status !== 200 || !res.body || typeof res.body !== 'object') throw new ApiError(503, 'The image service is not available.');
  const b = res.body;
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(b)) if (!GLANCE_CORE.has(k) && v !== null && v !== undefined) properties[k] = String(v);
  return {
    id: String(b.id), name: String(b.name ?? ''), status: String(b.status), min_disk: Number(b.min_disk ?? 0), min_ram: Number(b.min_ram ?? 0),
    size: Number(b.size ?? 0), properties,
  };
}

type Nics = RequestSpec['networks'];

async function checkNetworks(req: ApiRequest, api: ComputeApi, nets: Nics): Promise<void> {
  if (nets === 'auto' || nets === 'none') return;
  for (const n of nets) {
    if (n.port) {
      const res = await api.peers.call<{ port?: { device_id?: string } }>('network', 'GET', `/v2.0/ports/${encodeURIComponent(n.port)}`, { token: req.auth!.token });
      if (res.status === 404) throw badRequest(`Port ${n.port} could not be found.`);
      if (res.status !== 200) throw new ApiError(503, 'The network service is not available.');
      if (res.body.port?.device_id) throw conflict(`Port ${n.port} is still in use.`);
    } else if (n.uuid !== undefined) {
      const res = await api.peers.call('network', 'GET', `/v2.0/networks/${encodeURIComponent(n.uuid)}`, { token: req.auth!.token });
      if (res.status === 404 || res.status === 400) throw badRequest(`Network ${n.uuid} could not be found.`);
      if (res.status !== 200) throw new ApiError(503, 'The network service is not available.');
    } else {
      throw badRequest('Bad networks format: network uuid is not in proper format ()');
    }
  }
}

/** _check_requested_secgroups: every group but "default" must exist in the caller's project (by name or id). */
async function checkSecurityGroups(req: ApiRequest, api: ComputeApi, names: string[]): Promise<void> {
  const wanted = names.filter((n) => n !== 'default');
  if (wanted.length === 0) return;
  const notFound = (n: string) => badRequest(`Security group ${n} not found for project ${req.auth!.projectId}.`);
  if (!(await api.peers.has('network'))) throw notFound(wanted[0]);
  for (const n of wanted) {
    const byName = await api.peers.call<{ security_groups?: { id: string; project_id: string }[] }>('network', 'GET',
      `/v2.0/security-groups?name=${encodeURIComponent(n)}&project_id=${encodeURIComponent(req.auth!.projectId ?? '')}`, { token: req.auth!.token });
    if (byName.status === 200 && byName.body.security_groups?.length) continue;
    if (UUID_RE.test(n)) {
      const byId = await api.peers.call<{ security_group?: { project_id: string } }>('network', 'GET', `/v2.0/security-groups/${encodeURIComponent(n)}`, { token: req.auth!.token });
      if (byId.status === 200 && byId.body.security_group?.project_id === req.auth!.projectId) continue;
    }
    throw notFound(n);
  }
}

const PASSWORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
function generatePassword(): string {
  const bytes = randomBytes(12);
  return [...bytes].map((b) => PASSWORD_CHARS[b % PASSWORD_CHARS.length]).join('');
}
function reservationId(): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `r-${[...randomBytes(8)].map((b) => chars[b % chars.length]).join('')}`;
}

const asInt = (v: unknown, dflt: number): number => (v === undefined ? dflt : Number(v));

async function createServer(api: ComputeApi, req: ApiRequest) {
  requireWriter(req, 'os_compute_api:servers:create');
  const mv = req.microversion!;
  const body = bodyOf(req);
  validateBody(serverCreateSchema(mv), body);
  const top = body as Record<string, unknown>;
  const s = top.server as Record<string, unknown>;
  const hints = (top['os:scheduler_hints'] ?? top['OS-SCH-HNT:scheduler_hints']) as Record<string, unknown> | undefined;
  checkServerFormats(mv, s, hints);
  const auth = req.auth!;
  const projectId = auth.projectId!;
  const admin = isAdmin(req);

  const minCount = asInt(s.min_count, 1);
  const maxCount = asInt(s.max_count, minCount);
  for (const [field, v] of [['min_count', minCount], ['max_count', maxCount]] as const) {
    if (!(v >= 1)) throw badRequest(`Invalid input for field/attribute ${field}. Value: ${String(s[field])}. ${String(s[field])} is less than the minimum of 1`);
  }
  if (minCount > maxCount) throw badRequest('min_count must be <= max_count');

  // Flavor.
  const flavorRef = String(s.flavorRef);
  const flavorId = flavorRef.replace(/^.*\/flavors\//, '');
  const flavorRow = visibleFlavor(api.store.db, flavorId, auth);
  if (!flavorRow) throw badRequest(`Flavor ${flavorRef} could not be found.`);
  if (flavorRow.disabled) throw badRequest(`Flavor ${flavorRef} could not be found.`);
  const flavor = embedFlavor(api.store.db, flavorRow);

  // Block devices (api/server-block-devices.ts): booting from a volume needs no image.
  const { bdms, volumeBacked } = await checkBlockDevices(api, req, (s.block_device_mapping_v2 as Record<string, unknown>[] | undefined) ?? [],
    s.imageRef as string | undefined, (id) => imageFor(req, api, id), maxCount);
  const bootBdm = bdms.find((b) => b.boot_index === 0);
  let imageRef = (s.imageRef as string | undefined) ?? '';
  if (!imageRef && bootBdm && bootBdm.source_type === 'image' && !volumeBacked) imageRef = bootBdm.uuid ?? '';
  if (!imageRef && !volumeBacked) {
    throw badRequest('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.');
  }
  let image: ImageInfo | null = null;
  if (imageRef) {
    image = await imageFor(req, api, imageRef);
    if (image.status !== 'active') throw badRequest(`Image ${image.id} is not active.`);
    if (!volumeBacked) {
      if (image.min_ram > flavor.memory_mb) throw badRequest("Flavor's memory is too small for requested image.");
      if (flavor.root_gb === 0) {
        if (!admin) throw forbidden('Only volume-backed servers are allowed for flavors with zero disk.');
      } else {
        const flavorBytes = flavor.root_gb * 1024 ** 3;
        if (image.size > flavorBytes) {
          throw badRequest(`Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${image.size} bytes.`);
        }
        if (image.min_disk > flavor.root_gb) {
          throw badRequest(`Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavorBytes} bytes, minimum size is ${image.min_disk * 1024 ** 3} bytes.`);
        }
      }
    }
  }

  // Networks.
  let networks: Nics;
  if (s.networks === undefined) networks = 'auto';
  else if (s.networks === 'auto' || s.networks === 'none') networks = s.networks;
  else networks = (s.networks as Record<string, unknown>[]).map((n) => ({
    ...(n.uuid !== undefined ? { uuid: String(n.uuid) } : {}),
    ...(n.port ? { port: String(n.port) } : {}),
    ...(n.fixed_ip !== undefined ? { fixed_ip: String(n.fixed_ip) } : {}),
    ...(n.tag !== undefined ? { tag: String(n.tag) } : {}),
  }));
  if (Array.isArray(networks)) {
    for (const n of networks) {
      if (!n.port && n.uuid !== undefined && !UUID_RE.test(n.uuid)) throw badRequest(`Bad networks format: network uuid is not in proper format (${n.uuid})`);
    }
    const ports = networks.filter((n) => n.port).map((n) => n.port);
    if (new Set(ports).size !== ports.length) throw badRequest('Duplicate ports in the request.');
    if (ports.length && maxCount > 1) throw badRequest('Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.');
    await checkNetworks(req, api, networks);
  }

  // Availability zone, with "zone:host[:node]" forcing for admins.
  let zone: string | null = null;
  let forceHost: string | null = null;
  if (s.availability_zone !== undefined) {
    const [z, host, node] = String(s.availability_zone).split(':');
    if (host !== undefined || node !== undefined) {
      if (!admin) throw policyDenied('os_compute_api:servers:create:forced_host');
      forceHost = String(s.availability_zone);
    }
    if (z) {
      if (!availableZones(api).includes(z)) throw badRequest('The requested availability zone is not available');
      zone = z;
    }
  }
  if ((s.host !== undefined || s.hypervisor_hostname !== undefined) && !admin) {
    throw policyDenied('compute:servers:create:requested_destination');
  }

  // Key pair of the caller.
  let keyData: string | null = null;
  const keyName = (s.key_name as string | undefined) ?? null;
  if (keyName !== null) {
    const kp = api.store.db.prepare('SELECT public_key FROM key_pairs WHERE user_id = ? AND name = ?').get(auth.userId, keyName) as { public_key: string } | undefined;
    if (!kp) throw badRequest('Invalid key_name provided.');
    keyData = kp.public_key;
  }

  // Server group from the hint.
  let group: { id: number; uuid: string } | undefined;
  if (hints?.group !== undefined) {
    group = api.store.db.prepare('SELECT id, uuid, project_id FROM instance_groups WHERE uuid = ?').get(String(hints.group)) as { id: number; uuid: string; project_id: string } | undefined;
    if (!group || (!admin && (group as unknown as { project_id: string }).project_id !== projectId)) {
      throw notFound(`Instance group ${String(hints.group)} could not be found.`);
    }
  }

  const metadata = (s.metadata as Record<string, string> | undefined) ?? {};
  api.quotas.checkMetadata(projectId, Object.keys(metadata).length);
  const tags = [...new Set((s.tags as string[] | undefined) ?? [])];
  const securityGroups = ((s.security_groups as { name?: string }[] | undefined) ?? [{ name: 'default' }]).map((g) => g.name ?? 'default');
  const sgNames = [...new Set(securityGroups)];
  await checkSecurityGroups(req, api, sgNames);
  const adminPass = (s.adminPass as string | undefined) ?? generatePassword();
  const name = s.name as string;
  const description = mv.atLeast('2.19') ? ((s.description as string | null | undefined) ?? null) : name;
  const rid = reservationId();
  const now = api.now();

  // One transaction: quota, then the servers.
  const created = api.store.tx(() => {
    let count = maxCount;
    for (;;) {
      try {
        api.quotas.check(projectId, { instances: count, cores: count * flavor.vcpus, ram: count * flavor.memory_mb });
        break;
      } catch (e) {
        if (count <= minCount) throw e;
        count -= 1;
      }
    }
    if (group) api.quotas.checkGroupMembers(projectId, group.uuid, count);
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const id = newUuid();
      const displayName = count > 1 ? `${name}-${n + 1}` : name;
      const hostname = mv.atLeast('2.90') && s.hostname !== undefined
        ? String(s.hostname)
        : sanitizeHostname(displayName, `Server-${id}`);
      const instance: BuildRequestInstance = {
        uuid: id, project_id: projectId, user_id: auth.userId, display_name: displayName, display_description: description,
        hostname, host: null, node: null, availability_zone: zone, vm_state: 'building', task_state: 'scheduling', power_state: 0,
        flavor: JSON.stringify(flavor), old_flavor: null, new_flavor: null, image_ref: volumeBacked ? '' : imageRef,
        key_name: keyName, key_data: keyData, user_data: (s.user_data as string | undefined) ?? null,
        config_drive: truthy(s.config_drive) ? 'True' : '', access_ip_v4: (s.accessIPv4 as string | undefined) ?? null,
        access_ip_v6: (s.accessIPv6 as string | undefined) ?? null, locked: 0, locked_by: null, locked_reason: null,
        reservation_id: rid, launch_index: n, root_device_name: null, kernel_id: '', ramdisk_id: '', progress: 0,
        security_groups: JSON.stringify(sgNames), created_at: now, updated_at: now, launched_at: null, terminated_at: null,
        deleted_at: null, deleted: 0, metadata, tags,
      };
      const spec: RequestSpec = {
        instance_uuid: id, project_id: projectId, user_id: auth.userId, request_id: req.id, flavor,
        image: image && !volumeBacked ? { id: image.id, name: image.name, properties: image.properties, min_disk: image.min_disk, min_ram: image.min_ram, size: image.size } : null,
        availability_zone: zone, force_host: forceHost, scheduler_hints: hints ?? {}, group_uuid: group?.uuid ?? null,
        networks, security_groups: sgNames, block_device_mapping: bdms as unknown as Record<string, unknown>[],
      };
      // The conductor makes the server's volumes in the user's project with the user's token, as
      // Nova's compute manager does with the request context (conductor/block-devices.ts).
      if (bdms.some((b) => b.destination_type === 'volume')) Object.assign(spec, { volume_token: auth.token });
      api.store.db.prepare('INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, vcpus, memory_mb, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?)')
        .run(id, projectId, auth.userId, flavor.vcpus, flavor.memory_mb, now);
      api.store.db.prepare('INSERT INTO request_specs (instance_uuid, spec) VALUES (?, ?)').run(id, JSON.stringify(spec));
      api.store.db.prepare('INSERT INTO build_requests (instance_uuid, project_id, instance, created_at) VALUES (?, ?, ?, ?)')
        .run(id, projectId, JSON.stringify(instance), now);
      if (group) api.store.db.prepare('INSERT INTO instance_group_members (group_id, instance_uuid) VALUES (?, ?)').run(group.id, id);
      api.conductor.scheduleAndBuild(id);
      ids.push(id);
    }
    return ids;
  });

  if (truthy(s.return_reservation_id)) return json(202, { reservation_id: rid });
  const id = created[0];
  return json(202, { server: createView(req, id, securityGroups, adminPass) }, { Location: `${apiRoot(req)}/servers/${id}` });
}

// ---------------------------------------------------------------------------------------------
// List

/** Sort keys Nova's schema accepts; the second group is accepted and ignored. */
const SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone', 'config_drive', 'created_at', 'display_description',
  'display_name', 'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index', 'launched_at', 'locked_by', 'node',
  'power_state', 'progress', 'project_id', 'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state'];
const IGNORED_SORT_KEYS = ['architecture', 'cell_name', 'cleaned', 'default_ephemeral_device', 'default_swap_device', 'deleted', 'deleted_at',
  'disable_terminate', 'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on', 'locked', 'memory_mb', 'os_type', 'reservation_id',
  'root_gb', 'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode'];
const pyList = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

function sortParams(req: ApiRequest): SortKey[] {
  const keys = qall(req, 'sort_key');
  const dirs = qall(req, 'sort_dir');
  for (const k of keys) {
    if (!SORT_KEYS.includes(k) && !IGNORED_SORT_KEYS.includes(k)) {
      throw badRequest(`Invalid input for query parameters sort_key. Value: ${k}. '${k}' is not one of ${pyList([...SORT_KEYS, ...IGNORED_SORT_KEYS])}`);
    }
  }
  for (const d of dirs) {
    if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid input for query parameters sort_dir. Value: ${d}. '${d}' is not one of ['asc', 'desc']`);
  }
  const out: SortKey[] = [];
  keys.forEach((key, n) => {
    if (IGNORED_SORT_KEYS.includes(key)) return;
    if ((key === 'host' || key === 'node') && !isAdmin(req)) throw forbidden(`Only administrators can sort servers by ${key}`);
    const col = key === 'locked_by' ? 'locked' : key;
    out.push({ key: col, dir: (dirs[n] ?? dirs[0] ?? 'desc') as 'asc' | 'desc' });
  });
  return out;
}

const csv = (req: ApiRequest, name: string): string[] | undefined => {
  const v = qall(req, name);
  return v.length ? v.flatMap((x) => x.split(',')).filter((x) => x !== '') : undefined;
};

function strictBool(req: ApiRequest, name: string): boolean | undefined {
  const v = qstr(req, name);
  if (v === undefined) return undefined;
  const b = boolParam(v);
  if (b === undefined) throw badRequest(`Unrecognized value '${v}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`);
  return b;
}

/** The list filter from the query, as Nova's _get_servers reads it for this caller. */
function listFilter(req: ApiRequest, detail: boolean): InstanceFilter | 'empty' {
  const mv = req.microversion!;
  const admin = isAdmin(req);
  const auth = req.auth!;
  const f: InstanceFilter = {};
  const allTenants = qstr(req, 'all_tenants');
  // common.is_all_tenants: strict bool_from_string, the empty string meaning yes.
  const all = allTenants === undefined ? false : allTenants === '' ? true : boolParam(allTenants);
  if (all === undefined) {
    throw badRequest(`Invalid input received: Unrecognized value '${allTenants}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`);
  }
  if (all && !admin) throw policyDenied(`os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
  const project = qstr(req, 'project_id') ?? qstr(req, 'tenant_id');
  if (all) f.projectId = project;
  else f.projectId = auth.projectId;

  // What non-admins may filter on (the rest is silently dropped, as Nova does).
  const open = new Set(['name', 'status', 'image', 'flavor', 'ip', 'changes-since', 'changes-before', 'reservation_id']);
  if (mv.atLeast('2.5')) open.add('ip6');
  if (mv.atLeast('2.26')) for (const t of ['tags', 'tags-any', 'not-tags', 'not-tags-any']) open.add(t);
  if (mv.atLeast('2.73')) open.add('locked');
  if (mv.atLeast('2.83')) for (const t of ['availability_zone', 'key_name', 'user_id', 'power_state', 'description']) open.add(t);
  const may = (k: string) => admin || open.has(k);
  const get = (k: string) => (may(k) ? qstr(req, k) : undefined);

  if (get('name') !== undefined) f.name = get('name');
  const statuses = may('status') ? qall(req, 'status') : [];
  if (statuses.length) {
    const { vmStates, taskStates } = statesFromStatus(statuses);
    if (vmStates.length === 0) {
      if (mv.atLeast('2.38')) throw badRequest('Invalid status value');
      return 'empty';
    }
    f.vmStates = vmStates;
    if (!taskStates.includes('default')) f.taskStates = taskStates;
  }
  const image = get('image');
  if (image !== undefined) f.image = image.replace(/^.*\/images\//, '');
  const flavor = get('flavor');
  if (flavor !== undefined) f.flavor = flavor.replace(/^.*\/flavors\//, '');
  if (get('host') !== undefined) f.host = get('host');
  if (get('node') !== undefined) f.node = get('node');
  if (get('availability_zone') !== undefined) f.zone = get('availability_zone');
  if (may('changes-since')) f.changesSince = dateTimeParam(req, 'changes-since');
  if (may('changes-before') && mv.atLeast('2.66')) f.changesBefore = dateTimeParam(req, 'changes-before');
  if (f.changesSince && f.changesBefore && f.changesSince > f.changesBefore) {
    throw badRequest('The value of changes-since must be less than or equal to changes-before.');
  }
  if (get('ip') !== undefined) f.ip = get('ip');
  if (get('ip6') !== undefined) f.ip6 = get('ip6');
  if (mv.atLeast('2.26')) {
    if (may('tags')) f.tags = csv(req, 'tags');
    if (may('tags-any')) f.tagsAny = csv(req, 'tags-any');
    if (may('not-tags')) f.notTags = csv(req, 'not-tags');
    if (may('not-tags-any')) f.notTagsAny = csv(req, 'not-tags-any');
  }
  if (mv.atLeast('2.73') && may('locked')) f.locked = strictBool(req, 'locked');
  if (get('uuid') !== undefined) f.uuid = get('uuid');
  if (get('reservation_id') !== undefined) f.reservationId = get('reservation_id');
  if (get('key_name') !== undefined) f.keyName = get('key_name');
  if (get('user_id') !== undefined) f.userId = get('user_id');
  if (get('description') !== undefined) f.description = get('description');
  const deleted = admin ? qstr(req, 'deleted') : undefined;
  if (deleted !== undefined) f.deleted = boolParam(deleted) ?? false;
  else if (f.changesSince === undefined && f.changesBefore === undefined) f.deleted = false;
  return f;
}

function listPage(api: ComputeApi, req: ApiRequest, detail: boolean): { items: Listed[]; limit: number } {
  requireReader(req, `os_compute_api:servers:${detail ? 'detail' : 'index'}`);
  const { limit: asked, marker } = paging(req);
  const sort = sortParams(req);
  const filter = listFilter(req, detail);
  // common.get_limit_and_marker: limit=0 means the maximum, as no limit does.
  const limit = asked || MAX_LIMIT;
  if (filter === 'empty') return { items: [], limit };
  const items = listServers(api, { filter, sort, limit, marker, cellDownSupport: req.microversion!.atLeast('2.69') });
  return { items, limit };
}

const listedId = (l: Listed): string => (l.kind === 'build' ? l.build.uuid : l.kind === 'instance' ? l.row.uuid : l.record.uuid);

function listAnswer(req: ApiRequest, path: string, items: Listed[], limit: number, view: (l: Listed) => Record<string, unknown>) {
  const out: Record<string, unknown> = { servers: items.map(view) };
  const next = nextLink(req, path, items.length, limit, items.length ? listedId(items[items.length - 1]) : undefined);
  if (next && items.length >= limit) out.servers_links = next;
  return json(200, out);
}

function indexServers(api: ComputeApi, req: ApiRequest) {
  const { items, limit } = listPage(api, req, false);
  return listAnswer(req, '/servers', items, limit, (l) => {
    if (l.kind === 'build') return basicView(req, l.build.uuid, l.build.display_name);
    if (l.kind === 'instance') return basicView(req, l.row.uuid, l.row.display_name);
    return downCellView(req, l.record, 'index');
  });
}

function detailServers(api: ComputeApi, req: ApiRequest) {
  const { items, limit } = listPage(api, req, true);
  return listAnswer(req, '/servers/detail', items, limit, (l) => {
    if (l.kind === 'down') return downCellView(req, l.record, 'detail');
    try {
      const rec = l.kind === 'build' ? recordOfBuild(api, l.build) : recordOfInstance(api, l.cell, l.row);
      return showView(req, rec, { detail: true });
    } catch (e) {
      // The cell went down between the page and the view.
      if (e instanceof CellDown && l.kind === 'instance') {
        return downCellView(req, { uuid: l.row.uuid, project_id: l.row.project_id, user_id: l.row.user_id, created_at: l.row.created_at }, 'detail');
      }
      throw e;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Show, update, delete

function showServer(api: ComputeApi, req: ApiRequest) {
  requireReader(req, 'os_compute_api:servers:show');
  const id = req.params.server_id;
  try {
    const found = findServer(api, req, id);
    return json(200, { server: showView(req, recordOf(api, found)) });
  } catch (e) {
    if (e instanceof ApiError && e.status === 500 && req.microversion!.atLeast('2.69')) {
      return json(200, { server: partialShow(api, req, id) });
    }
    throw e;
  }
}

/** GET /servers/{id} of an instance whose cell is down (2.69+): what the API database knows. */
function partialShow(api: ComputeApi, req: ApiRequest, id: string): Record<string, unknown> {
  const m = api.store.db.prepare('SELECT project_id, user_id, created_at FROM instance_mappings WHERE instance_uuid = ?').get(id) as
    { project_id: string; user_id: string; created_at: string } | undefined;
  // Another project's server stays a 404, cell down or not.
  if (!m || (!isAdmin(req) && m.project_id !== req.auth!.projectId)) throw notFound(`Instance ${id} could not be found.`);
  const specRow = api.store.db.prepare('SELECT spec FROM request_specs WHERE instance_uuid = ?').get(id) as { spec: string } | undefined;
  const spec = specRow ? (JSON.parse(specRow.spec) as RequestSpec) : undefined;
  return downCellView(req, {
    uuid: id, project_id: m.project_id, user_id: m.user_id, created_at: m.created_at,
    spec: spec ? { flavor: spec.flavor, image: spec.image?.id ?? '', availability_zone: spec.availability_zone, serverGroups: serverGroupsOf(api, id) } : undefined,
  }, 'show');
}

function updateSchema(req: ApiRequest): object {
  const mv = req.microversion!;
  const props: Record<string, unknown> = {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    accessIPv4: { type: 'string' },
    accessIPv6: { type: 'string' },
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
  };
  if (mv.atLeast('2.19')) props.description = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
  if (mv.atLeast('2.90')) props.hostname = { type: 'string', minLength: 1, maxLength: 255 };
  return {
    type: 'object',
    properties: { server: { type: 'object', properties: props, additionalProperties: false } },
    required: ['server'],
    additionalProperties: false,
  };
}

function updateServer(api: ComputeApi, req: ApiRequest) {
  requireWriter(req, 'os_compute_api:servers:update');
  const body = bodyOf(req);
  validateBody(updateSchema(req), body);
  const u = (body as { server: Record<string, unknown> }).server;
  if (u.name !== undefined) {
    const n = u.name as string;
    if (/^\s|\s$/.test(n)) throw badRequest("An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
  }
  for (const [k, v] of [['accessIPv4', 4], ['accessIPv6', 6]] as const) {
    if (u[k] !== undefined && !(u[k] === '' || isIP(u[k] as string) === v)) {
      throw badRequest(`Invalid input for field/attribute ${k}. Value: ${u[k]}. '${u[k]}' is not a 'ipv${v}'`);
    }
  }
  const changes: Record<string, unknown> = {};
  if (u.name !== undefined) changes.display_name = u.name;
  if (u.description !== undefined) changes.display_description = u.description;
  if (u.accessIPv4 !== undefined) changes.access_ip_v4 = u.accessIPv4 || null;
  if (u.accessIPv6 !== undefined) changes.access_ip_v6 = u.accessIPv6 || null;
  if (u.hostname !== undefined) changes.hostname = u.hostname;
  const id = req.params.server_id;
  const found = findServer(api, req, id);
  const now = api.now();
  if (found.kind === 'build') {
    api.store.tx(() => {
      const row = api.store.db.prepare('SELECT instance FROM build_requests WHERE instance_uuid = ?').get(id) as { instance: string } | undefined;
      if (!row) throw notFound(`Instance ${id} could not be found.`);
      const inst = { ...(JSON.parse(row.instance) as BuildRequestInstance), ...changes, updated_at: now };
      api.store.db.prepare('UPDATE build_requests SET instance = ? WHERE instance_uuid = ?').run(JSON.stringify(inst), id);
    });
  } else {
    try {
      found.cell.tx((db) => {
        if (!updateInstance(db, id, now, changes)) throw notFound(`Instance ${id} could not be found.`);
      });
    } catch (e) {
      if (e instanceof CellDown) throw cellNotResponding();
      throw e;
    }
  }
  const fresh = findServer(api, req, id);
  const reduced = !req.microversion!.atLeast('2.75');
  return json(200, { server: showView(req, recordOf(api, fresh), { reduced }) });
}

async function deleteServer(api: ComputeApi, req: ApiRequest) {
  requireWriter(req, 'os_compute_api:servers:delete');
  const id = req.params.server_id;
  const found = findServer(api, req, id);
  const inst = found.kind === 'build' ? found.build : found.row;
  if (inst.locked && !isAdmin(req)) throw conflict(`Instance ${id} is locked`);
  try {
    await api.conductor.deleteServer(req, id);
  } catch (e) {
    if (e instanceof CellDown) throw cellNotResponding();
    throw e;
  }
  return empty(204);
}

export function serverRoutes(api: ComputeApi): Route[] {
  return [
    { method: 'POST', path: '/servers', handler: (req) => createServer(api, req) },
    { method: 'GET', path: '/servers', handler: (req) => indexServers(api, req) },
    { method: 'GET', path: '/servers/detail', handler: (req) => detailServers(api, req) },
    { method: 'GET', path: '/servers/:server_id', handler: (req) => showServer(api, req) },
    { method: 'PUT', path: '/servers/:server_id', handler: (req) => updateServer(api, req) },
    { method: 'DELETE', path: '/servers/:server_id', handler: (req) => deleteServer(api, req) },
  ];
}
