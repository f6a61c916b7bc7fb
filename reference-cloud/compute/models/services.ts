/**
 * Nova services and compute nodes, in each cell's database (the `services` and `compute_nodes`
 * tables), read across cells as Nova's HostAPI does (scatter-gather, skipping or reporting the
 * cells that are down).
 *
 * The simulated services run inside this process and report every `REPORT_INTERVAL_MS` as long as
 * the cloud runs, so a service's last report is the latest tick of that interval since it was
 * created; it is up unless an operator forced it down (os-services force-down), as Nova's database
 * servicegroup driver decides from the last report and `forced_down`.
 */
import { ApiError } from '../../core/errors';
import type { Db } from '../../core/store';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { hostZones } from './zones';

/** Nova's report_interval and service_down_time defaults. */
export const REPORT_INTERVAL_MS = 10_000;
export const SERVICE_DOWN_TIME_MS = 60_000;
/** Nova's internal_service_availability_zone. */
export const INTERNAL_ZONE = 'internal';
export const COMPUTE_BINARY = 'nova-compute';

export interface ServiceRow {
  id: number;
  uuid: string;
  host: string;
  binary: string;
  topic: string | null;
  disabled: number;
  disabled_reason: string | null;
  forced_down: number;
  last_seen_up: string | null;
  report_count: number;
  version: number;
  created_at: string;
  updated_at: string | null;
}

export interface ComputeNodeRow {
  id: number;
  uuid: string;
  service_id: number;
  host: string;
  hypervisor_hostname: string;
  hypervisor_type: string;
  hypervisor_version: number;
  host_ip: string;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  cpu_info: string;
  created_at: string;
  updated_at: string | null;
}

/** A service with the cell it lives in and its availability zone. */
export interface LocatedService {
  cell: Cell;
  row: ServiceRow;
  zone: string;
}

/** The time of the service's latest report: its last change, or the latest heartbeat tick. */
export function lastReport(row: Pick<ServiceRow, 'created_at' | 'updated_at'>, now: Date): string {
  const created = Date.parse(row.created_at);
  const tick = created + Math.max(0, Math.floor((now.getTime() - created) / REPORT_INTERVAL_MS)) * REPORT_INTERVAL_MS;
  const changed = row.updated_at ? Date.parse(row.updated_at) : 0;
  return new Date(Math.max(tick, changed)).toISOString();
}

/** servicegroup's is_up: not forced down, and reported within service_down_time. */
export function serviceIsUp(row: Pick<ServiceRow, 'created_at' | 'updated_at' | 'forced_down'>, now: Date): boolean {
  if (row.forced_down) return false;
  return now.getTime() - Date.parse(lastReport(row, now)) <= SERVICE_DOWN_TIME_MS;
}

/** The zone of a service: its host's aggregate zone for nova-compute, `internal` otherwise. */
export function serviceZone(row: Pick<ServiceRow, 'binary' | 'host'>, zones: Map<string, string>, defaultZone: string): string {
  if (row.binary !== COMPUTE_BINARY) return INTERNAL_ZONE;
  return zones.get(row.host) ?? defaultZone;
}

export interface ServiceScan {
  services: LocatedService[];
  /** Cells that did not answer, with the compute hosts mapped to them (Nova's partial records). */
  down: { cell: Cell; hosts: string[] }[];
}

/** Every service of every cell (cell0 first), in id order per cell; down cells reported apart. */
export function allServices(api: ComputeApi): ServiceScan {
  const zones = hostZones(api.store.db);
  const out: ServiceScan = { services: [], down: [] };
  for (const cell of api.cells.all()) {
    if (cell.down) {
      const hosts = (api.store.db.prepare('SELECT host FROM host_mappings WHERE cell_id = ? ORDER BY id').all(cell.id) as { host: string }[]).map((r) => r.host);
      out.down.push({ cell, hosts });
      continue;
    }
    const rows = cell.db.prepare('SELECT * FROM services ORDER BY id').all() as ServiceRow[];
    for (const row of rows) out.services.push({ cell, row, zone: serviceZone(row, zones, api.topology.defaultZone) });
  }
  return out;
}

/**
 * Nova's get_availability_zones: a zone is available when one of its services is enabled,
 * unavailable when all of them are disabled; both sorted. `internal` included.
 */
export function zonesOfServices(services: LocatedService[]): { available: string[]; unavailable: string[] } {
  const available = new Set(services.filter((s) => !s.row.disabled).map((s) => s.zone));
  const unavailable = new Set(services.filter((s) => s.row.disabled && !available.has(s.zone)).map((s) => s.zone));
  return { available: [...available].sort(), unavailable: [...unavailable].sort() };
}

/** The zones a server may ask for (Nova's get_only_available): zones with an enabled service, in cells that answer. */
export function availableZones(api: ComputeApi): string[] {
  return zonesOfServices(allServices(api).services).available;
}

/** The nova-compute service of a host, through its host mapping; undefined when unknown; 503 when its cell is down. */
export function computeServiceOfHost(api: ComputeApi, host: string): { cell: Cell; row: ServiceRow } | undefined {
  const cell = api.cells.ofHost(host);
  if (!cell) return undefined;
  if (cell.down) throw hostCellDown(host, cell);
  const row = cell.db.prepare('SELECT * FROM services WHERE host = ? AND binary = ?').get(host, COMPUTE_BINARY) as ServiceRow | undefined;
  return row ? { cell, row } : undefined;
}

/**
 * 503 for a change to a host whose cell's database cannot be reached (Nova would fail on the
 * database connection; a clear, retryable answer instead of a 500).
 */
export const hostCellDown = (host: string, cell: Cell): ApiError =>
  new ApiError(503, `Host ${host} is in cell ${cell.name}, which is not responding. Retry later.`);

/** A service by uuid (2.53+) or integer id (before), the first match across the cells that answer. */
export function findService(api: ComputeApi, id: string, byUuid: boolean): { cell: Cell; row: ServiceRow } | undefined {
  for (const cell of api.cells.all()) {
    if (cell.down) continue;
    const row = cell.db.prepare(`SELECT * FROM services WHERE ${byUuid ? 'uuid' : 'id'} = ?`).get(byUuid ? id : Number(id)) as ServiceRow | undefined;
    if (row) return { cell, row };
  }
  return undefined;
}

export function serviceByHostBinary(db: Db, host: string, binary: string): ServiceRow | undefined {
  return db.prepare('SELECT * FROM services WHERE host = ? AND binary = ?').get(host, binary) as ServiceRow | undefined;
}

export interface LocatedNode {
  cell: Cell;
  node: ComputeNodeRow;
  service: ServiceRow;
}

/** Every compute node with its service, cell by cell (down cells skipped), in id order per cell. */
export function allComputeNodes(api: ComputeApi, where = '', params: unknown[] = []): LocatedNode[] {
  const out: LocatedNode[] = [];
  for (const cell of api.cells.withHosts()) {
    if (cell.down) continue;
    const rows = cell.db.prepare(
      `SELECT n.*, s.id AS s_id, s.uuid AS s_uuid, s.host AS s_host, s.binary AS s_binary, s.topic AS s_topic,
         s.disabled AS s_disabled, s.disabled_reason AS s_disabled_reason, s.forced_down AS s_forced_down,
         s.last_seen_up AS s_last_seen_up, s.report_count AS s_report_count, s.version AS s_version,
         s.created_at AS s_created_at, s.updated_at AS s_updated_at
       FROM compute_nodes n JOIN services s ON s.id = n.service_id ${where} ORDER BY n.id`,
    ).all(...params) as Record<string, unknown>[];
    for (const r of rows) {
      const node: Record<string, unknown> = {};
      const service: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (k.startsWith('s_')) service[k.slice(2)] = v;
        else node[k] = v;
      }
      out.push({ cell, node: node as unknown as ComputeNodeRow, service: service as unknown as ServiceRow });
    }
  }
  return out;
}

/** oslo's uuidutils.is_uuid_like: 32 hex digits, dashes where a uuid has them, any case, optional braces or urn. */
export function isUuidLike(v: string): boolean {
  const s = v.toLowerCase().replace(/^urn:uuid:/, '').replace(/^\{|\}$/g, '');
  return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/.test(s);
}
