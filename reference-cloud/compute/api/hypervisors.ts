/**
 * os-hypervisors (admin): the compute nodes of every cell that answers, with their service.
 * Integer ids before 2.53, uuids from 2.53 (where `search` and `servers` routes give way to the
 * hypervisor_hostname_pattern and with_servers query parameters); paging from 2.33; 2.88 drops
 * the resource figures (and /statistics, /uptime) and adds `uptime`. The used figures come from
 * the allocations (plus reserved_host_memory_mb for memory, as Nova's resource tracker counts),
 * running_vms and current_workload from the instances on the host.
 */
import { ApiError } from '../../core/errors';
import type { ApiRequest, Route } from '../../core/service';
import { badRequest, boolParam, nextLink, notFound, paging, policyDenied, qstr, routeNotFound } from '../common';
import type { ComputeApi } from '../context';
import { allComputeNodes, COMPUTE_BINARY, isUuidLike, serviceIsUp, type LocatedNode } from '../models/services';

const rule = (action: string) => `os_compute_api:os-hypervisors:${action}`;
const admin = (req: ApiRequest, action: string): void => {
  if (!req.auth?.roles.includes('admin')) throw policyDenied(rule(action));
};

/** Task states Nova's resource tracker counts as workload (plus vm_state building). */
const WORKLOAD_TASKS = ['resize_migrating', 'rebuilding', 'resize_prep', 'image_snapshot', 'image_backup', 'rescuing', 'unshelving'];

interface Usage { vcpus: number; memory_mb: number; disk_gb: number; reserved_memory_mb: number; running: number; workload: number }

export function hypervisorRoutes(api: ComputeApi): Route[] {
  /** Used figures per host: allocations from the API database, instances from each node's cell. */
  const usage = (nodes: LocatedNode[]): Map<string, Usage> => {
    const out = new Map<string, Usage>();
    const rows = api.store.db.prepare(
      `SELECT rp.host, rp.reserved_memory_mb, COALESCE(u.vcpus, 0) AS vcpus, COALESCE(u.memory_mb, 0) AS memory_mb, COALESCE(u.disk_gb, 0) AS disk_gb
       FROM resource_providers rp LEFT JOIN provider_usages u ON u.host = rp.host`,
    ).all() as { host: string; reserved_memory_mb: number; vcpus: number; memory_mb: number; disk_gb: number }[];
    for (const r of rows) out.set(r.host, { ...r, running: 0, workload: 0 });
    for (const cell of new Set(nodes.map((n) => n.cell))) {
      const counts = cell.db.prepare(
        `SELECT host, COUNT(*) AS running, SUM(CASE WHEN vm_state = 'building' OR task_state IN (${WORKLOAD_TASKS.map(() => '?').join(', ')}) THEN 1 ELSE 0 END) AS workload
         FROM instances WHERE deleted = 0 AND host IS NOT NULL GROUP BY host`,
      ).all(...WORKLOAD_TASKS) as { host: string; running: number; workload: number }[];
      for (const c of counts) {
        const u = out.get(c.host);
        if (u) Object.assign(u, { running: c.running, workload: c.workload });
      }
    }
    return out;
  };

  const figures = (n: LocatedNode, u: Usage | undefined) => {
    const usedRam = (u?.memory_mb ?? 0) + (u?.reserved_memory_mb ?? api.topology.reservedHostMemoryMb);
    const usedDisk = u?.disk_gb ?? 0;
    return {
      vcpus: n.node.vcpus, memory_mb: n.node.memory_mb, local_gb: n.node.local_gb,
      vcpus_used: u?.vcpus ?? 0, memory_mb_used: usedRam, local_gb_used: usedDisk,
      free_ram_mb: n.node.memory_mb - usedRam, free_disk_gb: n.node.local_gb - usedDisk,
      current_workload: u?.workload ?? 0, running_vms: u?.running ?? 0, disk_available_least: 0,
    };
  };

  const servers = (n: LocatedNode): { name: string; uuid: string }[] =>
    (n.cell.db.prepare('SELECT id, uuid FROM instances WHERE host = ? AND deleted = 0 ORDER BY id').all(n.node.host) as { id: number; uuid: string }[])
      .map((i) => ({ name: `instance-${i.id.toString(16).padStart(8, '0')}`, uuid: i.uuid }));

  /** Nova's _view_hypervisor. */
  const view = (req: ApiRequest, n: LocatedNode, detail: boolean, u: Map<string, Usage> | null, withServers: boolean, serverList?: { name: string; uuid: string }[]) => {
    const mv = req.microversion!;
    const uuids = mv.atLeast('2.53');
    const out: Record<string, unknown> = {
      id: uuids ? n.node.uuid : n.node.id,
      hypervisor_hostname: n.node.hypervisor_hostname,
      state: serviceIsUp(n.service, api.clock.now()) ? 'up' : 'down',
      status: n.service.disabled ? 'disabled' : 'enabled',
    };
    if (detail) {
      out.hypervisor_type = n.node.hypervisor_type;
      out.hypervisor_version = n.node.hypervisor_version;
      out.host_ip = n.node.host_ip;
      out.service = { id: uuids ? n.service.uuid : n.service.id, host: n.node.host, disabled_reason: n.service.disabled_reason };
      if (!mv.atLeast('2.88')) {
        Object.assign(out, figures(n, u?.get(n.node.host)));
        out.cpu_info = mv.atLeast('2.28') ? (n.node.cpu_info ? JSON.parse(n.node.cpu_info) : {}) : n.node.cpu_info;
      } else {
        // The fake driver does not implement get_host_uptime: Nova shows null.
        out.uptime = null;
      }
    }
    const list = serverList ?? (withServers ? servers(n) : undefined);
    if (list && list.length) out.servers = list;
    else if (withServers && mv.atLeast('2.75')) out.servers = [];
    return out;
  };

  /** Compute nodes whose hostname contains the pattern (SQL LIKE %pattern%), 404 when none. */
  const byPattern = (pattern: string): LocatedNode[] => {
    const like = `%${pattern}%`;
    const nodes = allComputeNodes(api, 'WHERE n.hypervisor_hostname LIKE ?', [like]);
    if (nodes.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
    return nodes;
  };

  const list = (detail: boolean) => (req: ApiRequest) => {
    const mv = req.microversion!;
    admin(req, detail ? 'list-detail' : 'list');
    let pattern: string | undefined;
    let withServers = false;
    if (mv.atLeast('2.53')) {
      for (const k of Object.keys(req.query)) {
        if (!['limit', 'marker', 'hypervisor_hostname_pattern', 'with_servers'].includes(k)) {
          throw badRequest(`Additional properties are not allowed ('${k}' was unexpected)`);
        }
      }
      pattern = qstr(req, 'hypervisor_hostname_pattern');
      withServers = strictBool(qstr(req, 'with_servers'), 'with_servers');
    }
    const pageable = mv.atLeast('2.33');
    const { limit, marker } = pageable ? paging(req) : { limit: undefined, marker: undefined };
    let nodes: LocatedNode[];
    let links = pageable;
    if (pattern !== undefined) {
      if (qstr(req, 'limit') !== undefined || marker) {
        throw badRequest('Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.');
      }
      links = false;
      nodes = byPattern(pattern);
    } else {
      nodes = allComputeNodes(api);
      if (marker !== undefined) {
        const at = nodes.findIndex((n) => String(mv.atLeast('2.53') ? n.node.uuid : n.node.id) === marker);
        if (at < 0) throw badRequest(`marker [${marker}] not found`);
        nodes = nodes.slice(at + 1);
      }
      if (limit !== undefined) nodes = nodes.slice(0, limit);
    }
    const u = detail ? usage(nodes) : null;
    const hypervisors = nodes.map((n) => view(req, n, detail, u, withServers));
    const body: Record<string, unknown> = { hypervisors };
    if (links) {
      const last = hypervisors[hypervisors.length - 1]?.id;
      const next = nextLink(req, detail ? '/os-hypervisors/detail' : '/os-hypervisors', hypervisors.length, limit, last === undefined ? undefined : String(last));
      if (next) body.hypervisors_links = next;
    }
    return { status: 200, body };
  };

  /** The node named by id: a uuid from 2.53 (400 otherwise), an integer before (404 otherwise). */
  const node = (req: ApiRequest, id: string): LocatedNode => {
    const notFoundErr = () => notFound(`Hypervisor with ID '${id}' could not be found.`);
    if (req.microversion!.atLeast('2.53')) {
      if (!isUuidLike(id)) throw badRequest(`Invalid uuid ${id}`);
      const found = allComputeNodes(api, 'WHERE n.uuid = ?', [id])[0];
      if (!found) throw notFoundErr();
      return found;
    }
    if (!/^\s*-?\d+\s*$/.test(id)) throw notFoundErr();
    const found = allComputeNodes(api, 'WHERE n.id = ?', [Number(id)])[0];
    if (!found || found.service.binary !== COMPUTE_BINARY) throw notFoundErr();
    return found;
  };

  const before = (req: ApiRequest, max: string) => {
    if (req.microversion!.atLeast(max)) throw routeNotFound();
  };

  return [
    { method: 'GET', path: '/os-hypervisors', handler: list(false) },
    { method: 'GET', path: '/os-hypervisors/detail', handler: list(true) },
    {
      method: 'GET', path: '/os-hypervisors/statistics',
      handler: (req) => {
        before(req, '2.88');
        admin(req, 'statistics');
        const nodes = allComputeNodes(api).filter((n) => !n.service.disabled);
        const u = usage(nodes);
        const stats = { count: nodes.length, vcpus: 0, memory_mb: 0, local_gb: 0, vcpus_used: 0, memory_mb_used: 0, local_gb_used: 0, free_ram_mb: 0, free_disk_gb: 0, current_workload: 0, running_vms: 0, disk_available_least: 0 };
        for (const n of nodes) {
          const f = figures(n, u.get(n.node.host));
          for (const k of Object.keys(f) as (keyof typeof f)[]) stats[k] += f[k];
        }
        return { status: 200, body: { hypervisor_statistics: stats } };
      },
    },
    {
      method: 'GET', path: '/os-hypervisors/:id',
      handler: (req) => {
        const mv = req.microversion!;
        let withServers = false;
        if (mv.atLeast('2.53')) {
          for (const k of Object.keys(req.query)) {
            if (k !== 'with_servers') throw badRequest(`Additional properties are not allowed ('${k}' was unexpected)`);
          }
          withServers = strictBool(qstr(req, 'with_servers'), 'with_servers');
        }
        admin(req, 'show');
        const n = node(req, req.params.id);
        return { status: 200, body: { hypervisor: view(req, n, true, usage([n]), withServers) } };
      },
    },
    {
      method: 'GET', path: '/os-hypervisors/:id/uptime',
      handler: (req) => {
        before(req, '2.88');
        admin(req, 'uptime');
        node(req, req.params.id);
        // The fake virt driver does not implement get_host_uptime.
        throw new ApiError(501, 'The requested functionality is not supported.');
      },
    },
    {
      method: 'GET', path: '/os-hypervisors/:id/search',
      handler: (req) => {
        before(req, '2.53');
        admin(req, 'search');
        return { status: 200, body: { hypervisors: byPattern(req.params.id).map((n) => view(req, n, false, null, false)) } };
      },
    },
    {
      method: 'GET', path: '/os-hypervisors/:id/servers',
      handler: (req) => {
        before(req, '2.53');
        admin(req, 'servers');
        return { status: 200, body: { hypervisors: byPattern(req.params.id).map((n) => view(req, n, false, null, false, servers(n))) } };
      },
    },
  ];
}

/** oslo's bool_from_string(strict=True): 400 for anything else. */
function strictBool(v: string | undefined, name: string): boolean {
  if (v === undefined) return false;
  const b = boolParam(v);
  if (b === undefined) {
    throw badRequest(`Unrecognized value '${v}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`);
  }
  void name;
  return b;
}
