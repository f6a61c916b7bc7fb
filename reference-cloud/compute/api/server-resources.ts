/**
 * A server's sub-resources: metadata (server_metadata.py), tags (2.26+, server_tags.py), ips,
 * os-interface (ports through the network service with the caller's token); os-volume_attachments
 * is volume-attachments.ts.
 */
import { isIP } from 'node:net';
import { ApiError } from '../../core/errors';
import type { ApiRequest, Route } from '../../core/service';
import {
  apiRoot, badRequest, bodyOf, conflict, empty, invalidState, json, notFound, pyStr, routeNotFound, validateBody,
} from '../common';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import {
  instanceMetadata, instanceTags, networkInfo, recordEvent, setNetworkInfo, startAction, updateInstance, type InstanceRow, type NetworkInfoEntry,
} from '../models/instances';
import { addressesView } from '../views/servers';
import { findInstance, findServer, inCell, isAdmin, requireReader, requireWriter } from './server-access';

const METADATA = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};
const metadataBody = { type: 'object', properties: { metadata: METADATA }, required: ['metadata'], additionalProperties: false };
const metaBody = { type: 'object', properties: { meta: { ...METADATA, minProperties: 1, maxProperties: 1 } }, required: ['meta'], additionalProperties: false };

const WRITABLE = ['active', 'paused', 'suspended', 'stopped'];

/** An instance whose metadata or tags may change: not locked (for non-admins), in a settled state. */
function changeable(req: ApiRequest, row: InstanceRow, action: string, states = WRITABLE): void {
  if (row.locked && !isAdmin(req)) throw conflict(`Instance ${row.uuid} is locked`);
  if (!states.includes(row.vm_state)) throw invalidState(action, row.uuid, 'vm_state', row.vm_state);
  if (row.task_state !== null) throw invalidState(action, row.uuid, 'task_state', row.task_state);
}

/** The server for a write, refusing a build request as Nova does (it is in vm_state building). */
function forWrite(api: ComputeApi, req: ApiRequest, action: string, states?: string[]): { cell: Cell; row: InstanceRow } {
  const found = findServer(api, req, req.params.server_id);
  if (found.kind === 'build') throw invalidState(action, found.build.uuid, 'vm_state', 'building');
  changeable(req, found.row, action, states);
  return found;
}

function readMetadata(api: ComputeApi, req: ApiRequest): Record<string, string> {
  const found = findServer(api, req, req.params.server_id);
  return found.kind === 'build' ? found.build.metadata ?? {} : inCell(() => instanceMetadata(found.cell.db, found.row.uuid));
}

function writeMetadata(api: ComputeApi, req: ApiRequest, action: string, change: (current: Record<string, string>) => Record<string, string>): Record<string, string> {
  const { cell, row } = forWrite(api, req, action);
  return inCell(() => cell.tx((db) => {
    const next = change(instanceMetadata(db, row.uuid));
    api.quotas.checkMetadata(row.project_id, Object.keys(next).length);
    db.prepare('DELETE FROM instance_metadata WHERE instance_uuid = ?').run(row.uuid);
    const put = db.prepare('INSERT INTO instance_metadata (instance_uuid, key, value) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(next)) put.run(row.uuid, k, v);
    updateInstance(db, row.uuid, api.now(), {});
    return next;
  }));
}

function metadataRoutes(api: ComputeApi): Route[] {
  const base = '/servers/:server_id/metadata';
  return [
    { method: 'GET', path: base, handler: (req) => { requireReader(req, 'os_compute_api:server-metadata:index'); return json(200, { metadata: readMetadata(api, req) }); } },
    {
      method: 'POST', path: base, handler: (req) => {
        requireWriter(req, 'os_compute_api:server-metadata:create');
        const body = bodyOf(req);
        validateBody(metadataBody, body);
        const add = (body as { metadata: Record<string, string> }).metadata;
        return json(200, { metadata: writeMetadata(api, req, 'update metadata', (cur) => ({ ...cur, ...add })) });
      },
    },
    {
      method: 'PUT', path: base, handler: (req) => {
        requireWriter(req, 'os_compute_api:server-metadata:update_all');
        const body = bodyOf(req);
        validateBody(metadataBody, body);
        const all = (body as { metadata: Record<string, string> }).metadata;
        return json(200, { metadata: writeMetadata(api, req, 'update metadata', () => ({ ...all })) });
      },
    },
    {
      method: 'GET', path: `${base}/:key`, handler: (req) => {
        requireReader(req, 'os_compute_api:server-metadata:show');
        const md = readMetadata(api, req);
        if (!(req.params.key in md)) throw notFound('Metadata item was not found');
        return json(200, { meta: { [req.params.key]: md[req.params.key] } });
      },
    },
    {
      method: 'PUT', path: `${base}/:key`, handler: (req) => {
        requireWriter(req, 'os_compute_api:server-metadata:update');
        const body = bodyOf(req);
        validateBody(metaBody, body);
        const meta = (body as { meta: Record<string, string> }).meta;
        if (!(req.params.key in meta)) throw badRequest('Request body and URI mismatch');
        writeMetadata(api, req, 'update metadata', (cur) => ({ ...cur, ...meta }));
        return json(200, { meta });
      },
    },
    {
      method: 'DELETE', path: `${base}/:key`, handler: (req) => {
        requireWriter(req, 'os_compute_api:server-metadata:delete');
        const md = readMetadata(api, req);
        if (!(req.params.key in md)) throw notFound('Metadata item was not found');
        writeMetadata(api, req, 'delete metadata', (cur) => {
          const next = { ...cur };
          delete next[req.params.key];
          return next;
        });
        return empty(204);
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Tags (2.26+)

const MAX_TAGS = 50;
const TAG_STATES = ['active', 'paused', 'suspended', 'stopped', 'shelved', 'shelved_offloaded'];
const tagsBody = {
  type: 'object',
  properties: { tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' } } },
  required: ['tags'],
  additionalProperties: false,
};

function tagProblem(tag: string): string | undefined {
  if (tag.length === 0) return "'' is too short";
  if (tag.length > 60) return `'${tag}' is too long`;
  if (/[,/]/.test(tag)) return `'${tag}' does not match '^[^,/]*$'`;
  return undefined;
}

function tagRoute(method: Route['method'], path: string, handler: Route['handler']): Route {
  return { method, path, handler: (req) => { if (!req.microversion!.atLeast('2.26')) throw routeNotFound(); return handler(req); } };
}

function readTags(api: ComputeApi, req: ApiRequest): { tags: string[]; id: string } {
  const found = findServer(api, req, req.params.server_id);
  if (found.kind === 'build') return { tags: found.build.tags ?? [], id: found.build.uuid };
  return { tags: inCell(() => instanceTags(found.cell.db, found.row.uuid)), id: found.row.uuid };
}

function writeTags(api: ComputeApi, req: ApiRequest, change: (current: string[]) => string[]): string[] {
  const { cell, row } = forWrite(api, req, 'update tag', TAG_STATES);
  return inCell(() => cell.tx((db) => {
    const next = [...new Set(change(instanceTags(db, row.uuid)))];
    if (next.length > MAX_TAGS) throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    db.prepare('DELETE FROM tags WHERE resource_id = ?').run(row.uuid);
    const put = db.prepare('INSERT INTO tags (resource_id, tag) VALUES (?, ?)');
    for (const t of next) put.run(row.uuid, t);
    updateInstance(db, row.uuid, api.now(), {});
    return [...next].sort();
  }));
}

function tagRoutes(api: ComputeApi): Route[] {
  const base = '/servers/:server_id/tags';
  const checkTag = (tag: string) => {
    const p = tagProblem(tag);
    if (p) throw badRequest(`Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${p}`);
  };
  return [
    tagRoute('GET', base, (req) => { requireReader(req, 'os_compute_api:os-server-tags:index'); return json(200, { tags: readTags(api, req).tags }); }),
    tagRoute('PUT', base, (req) => {
      requireWriter(req, 'os_compute_api:os-server-tags:update_all');
      const body = bodyOf(req);
      validateBody(tagsBody, body);
      const tags = (body as { tags: string[] }).tags;
      return json(200, { tags: writeTags(api, req, () => tags) });
    }),
    tagRoute('DELETE', base, (req) => {
      requireWriter(req, 'os_compute_api:os-server-tags:delete_all');
      writeTags(api, req, () => []);
      return empty(204);
    }),
    tagRoute('GET', `${base}/:tag`, (req) => {
      requireReader(req, 'os_compute_api:os-server-tags:show');
      const { tags, id } = readTags(api, req);
      if (!tags.includes(req.params.tag)) throw notFound(`Instance ${id} has no tag '${req.params.tag}'`);
      return empty(204);
    }),
    tagRoute('PUT', `${base}/:tag`, (req) => {
      requireWriter(req, 'os_compute_api:os-server-tags:update');
      const tag = req.params.tag;
      checkTag(tag);
      const before = readTags(api, req).tags;
      if (before.includes(tag)) return empty(204);
      writeTags(api, req, (cur) => [...cur, tag]);
      return {
        status: 201,
        headers: { Location: `${apiRoot(req)}/servers/${req.params.server_id}/tags/${encodeURIComponent(tag)}`, 'Content-Type': 'text/html; charset=UTF-8' },
        body: '',
      };
    }),
    tagRoute('DELETE', `${base}/:tag`, (req) => {
      requireWriter(req, 'os_compute_api:os-server-tags:delete');
      const { tags, id } = readTags(api, req);
      if (!tags.includes(req.params.tag)) throw notFound(`Instance ${id} has no tag '${req.params.tag}'`);
      writeTags(api, req, (cur) => cur.filter((t) => t !== req.params.tag));
      return empty(204);
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// ips

function ipsRoutes(api: ComputeApi): Route[] {
  const info = (req: ApiRequest): NetworkInfoEntry[] => {
    const found = findServer(api, req, req.params.server_id);
    return found.kind === 'build' ? [] : inCell(() => networkInfo(found.cell.db, found.row.uuid));
  };
  return [
    { method: 'GET', path: '/servers/:server_id/ips', handler: (req) => { requireReader(req, 'os_compute_api:ips:index'); return json(200, { addresses: addressesView(info(req), false) }); } },
    {
      method: 'GET', path: '/servers/:server_id/ips/:network', handler: (req) => {
        requireReader(req, 'os_compute_api:ips:show');
        const all = addressesView(info(req), false);
        if (!(req.params.network in all)) throw notFound('Instance is not a member of specified network');
        return json(200, { [req.params.network]: all[req.params.network] });
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// os-interface

interface NeutronPort {
  id: string; network_id: string; mac_address: string; status: string; device_id: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}

function interfaceView(req: ApiRequest, p: NeutronPort, tag?: string | null): Record<string, unknown> {
  const v: Record<string, unknown> = {
    net_id: p.network_id, port_id: p.id, mac_addr: p.mac_address, port_state: p.status,
    fixed_ips: p.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
  };
  if (req.microversion!.atLeast('2.70')) v.tag = tag ?? null;
  return v;
}

async function neutron<T>(api: ComputeApi, req: ApiRequest, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  if (!(await api.peers.has('network'))) throw new ApiError(503, 'The network service is not available.');
  return api.peers.call<T>('network', method, path, { token: req.auth!.token, body });
}

const attachSchema = (req: ApiRequest) => ({
  type: 'object',
  properties: {
    interfaceAttachment: {
      type: 'object',
      properties: {
        net_id: { type: 'string' },
        port_id: { type: 'string' },
        fixed_ips: { type: 'array', minItems: 1, maxItems: 1, items: { type: 'object', properties: { ip_address: { type: 'string' } }, required: ['ip_address'], additionalProperties: false } },
        ...(req.microversion!.atLeast('2.49') ? { tag: { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' } } : {}),
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
});

function interfaceRoutes(api: ComputeApi): Route[] {
  const base = '/servers/:server_id/os-interface';
  return [
    {
      method: 'GET', path: base, handler: async (req) => {
        requireReader(req, 'os_compute_api:os-attach-interfaces:list');
        const { cell, row } = findInstance(api, req, req.params.server_id);
        const tags = new Map(inCell(() => networkInfo(cell.db, row.uuid)).map((n) => [n.port_id, n.tag ?? null]));
        const res = await neutron<{ ports: NeutronPort[] }>(api, req, 'GET', `/v2.0/ports?device_id=${encodeURIComponent(row.uuid)}`);
        return json(200, { interfaceAttachments: (res.body.ports ?? []).map((p) => interfaceView(req, p, tags.get(p.id))) });
      },
    },
    {
      method: 'GET', path: `${base}/:port_id`, handler: async (req) => {
        requireReader(req, 'os_compute_api:os-attach-interfaces:show');
        const { cell, row } = findInstance(api, req, req.params.server_id);
        const res = await neutron<{ port: NeutronPort }>(api, req, 'GET', `/v2.0/ports/${encodeURIComponent(req.params.port_id)}`);
        if (res.status === 404 || res.body.port?.device_id !== row.uuid) throw notFound('Instance is not attached.');
        const tag = inCell(() => networkInfo(cell.db, row.uuid)).find((n) => n.port_id === res.body.port.id)?.tag;
        return json(200, { interfaceAttachment: interfaceView(req, res.body.port, tag) });
      },
    },
    {
      method: 'POST', path: base, handler: async (req) => {
        requireWriter(req, 'os_compute_api:os-attach-interfaces:create');
        const body = bodyOf(req);
        validateBody(attachSchema(req), body);
        const a = ((body as { interfaceAttachment?: Record<string, unknown> }).interfaceAttachment ?? {}) as { net_id?: string; port_id?: string; fixed_ips?: { ip_address: string }[]; tag?: string };
        if (a.net_id && a.port_id) throw badRequest('Must not input both network_id and port_id');
        if (a.fixed_ips && !a.net_id) throw badRequest('Must input network_id when request IP address');
        if (a.fixed_ips && !isIP(a.fixed_ips[0].ip_address)) throw badRequest(`Invalid input for field/attribute ip_address. Value: ${pyStr(a.fixed_ips[0].ip_address)}. '${a.fixed_ips[0].ip_address}' is not a 'ip-address'`);
        if (!a.net_id && !a.port_id) throw badRequest('Must input network_id or port_id');
        const { cell, row } = findInstance(api, req, req.params.server_id);
        changeable(req, row, 'attach_interface', ['active', 'paused', 'stopped']);
        let port: NeutronPort;
        let createdByNova = false;
        if (a.port_id) {
          const res = await neutron<{ port: NeutronPort }>(api, req, 'GET', `/v2.0/ports/${encodeURIComponent(a.port_id)}`);
          if (res.status === 404) throw notFound(`Port ${a.port_id} could not be found.`);
          if (res.body.port.device_id) throw conflict(`Port ${a.port_id} is still in use.`);
          const upd = await neutron<{ port: NeutronPort }>(api, req, 'PUT', `/v2.0/ports/${a.port_id}`, { port: { device_id: row.uuid, device_owner: `compute:${row.availability_zone ?? api.topology.defaultZone}` } });
          port = upd.body.port;
        } else {
          const net = await neutron<{ network: { id: string } }>(api, req, 'GET', `/v2.0/networks/${encodeURIComponent(a.net_id!)}`);
          if (net.status === 404) throw notFound(`Network ${a.net_id} could not be found.`);
          const res = await neutron<{ port: NeutronPort; NeutronError?: { message: string } }>(api, req, 'POST', '/v2.0/ports', {
            port: {
              network_id: a.net_id, device_id: row.uuid, device_owner: `compute:${row.availability_zone ?? api.topology.defaultZone}`,
              ...(a.fixed_ips ? { fixed_ips: [{ ip_address: a.fixed_ips[0].ip_address }] } : {}),
            },
          });
          if (res.status === 409) throw conflict(res.body.NeutronError?.message ?? 'Failed to attach network adapter device.');
          if (res.status >= 400) throw badRequest(res.body.NeutronError?.message ?? 'Failed to attach network adapter device.');
          port = res.body.port;
          createdByNova = true;
        }
        const net = await neutron<{ network: { name: string } }>(api, req, 'GET', `/v2.0/networks/${encodeURIComponent(port.network_id)}`);
        const entry: NetworkInfoEntry = {
          port_id: port.id, net_id: port.network_id, network_name: net.body.network?.name ?? '', mac_addr: port.mac_address,
          fixed_ips: port.fixed_ips.map((f) => ({ ip_address: f.ip_address, subnet_id: f.subnet_id, version: isIP(f.ip_address) === 6 ? 6 : 4 })),
          created_by_nova: createdByNova, tag: a.tag ?? null,
        };
        inCell(() => cell.tx((db) => {
          setNetworkInfo(db, row.uuid, [...networkInfo(db, row.uuid).filter((n) => n.port_id !== port.id), entry]);
          const now = api.now();
          const id = startAction(db, { action: 'attach_interface', instance_uuid: row.uuid, request_id: req.id, user_id: req.auth!.userId, project_id: req.auth!.projectId ?? row.project_id, now });
          recordEvent(db, id, { event: 'compute_attach_interface', start: now, finish: now, result: 'Success', host: row.host });
          updateInstance(db, row.uuid, now, {});
        }));
        return json(200, { interfaceAttachment: interfaceView(req, port, entry.tag) });
      },
    },
    {
      method: 'DELETE', path: `${base}/:port_id`, handler: async (req) => {
        requireWriter(req, 'os_compute_api:os-attach-interfaces:delete');
        const { cell, row } = findInstance(api, req, req.params.server_id);
        changeable(req, row, 'detach_interface', ['active', 'paused', 'stopped']);
        const portId = req.params.port_id;
        const entry = inCell(() => networkInfo(cell.db, row.uuid)).find((n) => n.port_id === portId);
        if (!entry) throw notFound(`Port ${portId} is not attached`);
        if (entry.created_by_nova) await neutron(api, req, 'DELETE', `/v2.0/ports/${portId}`);
        else await neutron(api, req, 'PUT', `/v2.0/ports/${portId}`, { port: { device_id: '', device_owner: '' } });
        inCell(() => cell.tx((db) => {
          setNetworkInfo(db, row.uuid, networkInfo(db, row.uuid).filter((n) => n.port_id !== portId));
          const now = api.now();
          const id = startAction(db, { action: 'detach_interface', instance_uuid: row.uuid, request_id: req.id, user_id: req.auth!.userId, project_id: req.auth!.projectId ?? row.project_id, now });
          recordEvent(db, id, { event: 'compute_detach_interface', start: now, finish: now, result: 'Success', host: row.host });
          updateInstance(db, row.uuid, now, {});
        }));
        return empty(202);
      },
    },
  ];
}

export function serverResourceRoutes(api: ComputeApi): Route[] {
  return [...metadataRoutes(api), ...tagRoutes(api), ...ipsRoutes(api), ...interfaceRoutes(api)];
}
