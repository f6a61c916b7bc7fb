/**
 * Registers the topology's simulated hosts as a deployment's services would register
 * themselves, idempotently at every start:
 *
 * - in each host's cell database, its nova-compute service and its compute node (fake virt
 *   driver: hypervisor_type "fake", cpu_info as the fake driver reports it);
 * - in the API database, its resource provider (the compute node's uuid, capacity, allocation
 *   ratios, reserved_host_memory_mb; updated from the configuration at each start, as a restarted
 *   nova-compute reports its inventory) and its host mapping (`nova-manage cell_v2 discover_hosts`);
 * - the first time a host is seen, in the aggregate of its zone (unless the zone is the default
 *   one), created with its availability_zone metadata if missing, as an operator does; later
 *   changes to aggregates are the operator's and are kept;
 * - the control services: the scheduler and the super conductor in cell0, and one conductor per
 *   cell, on host `controller` (as a deployment with a super conductor lists them).
 *
 * A service an operator disabled or forced down keeps that state across restarts.
 */
import { uuid } from '../core/ids';
import type { Cell } from './cells';
import type { ComputeApi } from './context';
import { ensureAggregate } from './models/aggregates';
import { COMPUTE_BINARY, serviceByHostBinary } from './models/services';
import type { HostSpec } from './topology';

/** The host the control services run on. */
export const CONTROLLER_HOST = 'controller';
/** What the fake virt driver reports as the host's CPU (nova/virt/fake.py). */
/** As Nova stores it: Python's json.dumps, with its spaces. */
export const FAKE_CPU_INFO = '{"arch": "x86_64", "model": "Nehalem", "vendor": "Intel", "features": ["pge", "clflush"], "topology": {"cores": 1, "threads": 1, "sockets": 4}}';
export const FAKE_HYPERVISOR_TYPE = 'fake';
export const FAKE_HYPERVISOR_VERSION = 1000;
/** The simulated hosts all run in this process. */
const HOST_IP = '127.0.0.1';

export function registerHosts(api: ComputeApi): void {
  const now = api.now();
  // A cell that is down cannot be written: its services register at the next start after it is back.
  for (const cell of api.cells.all()) {
    if (cell.down) continue;
    const binaries = cell.isCell0 ? ['nova-conductor', 'nova-scheduler'] : ['nova-conductor'];
    cell.tx((db) => {
      for (const binary of binaries) ensureService(db, CONTROLLER_HOST, binary, binary.replace('nova-', ''), now);
    });
  }
  // One transaction per cell database, then one on the API database, whatever the host count.
  const nodeUuids = new Map<string, string>();
  for (const cell of api.cells.withHosts()) {
    const specs = api.topology.hosts.filter((h) => h.cell === cell.name);
    if (specs.length === 0 || cell.down) continue;
    cell.tx(() => {
      for (const spec of specs) nodeUuids.set(spec.name, registerComputeNode(cell, spec, now));
    });
  }
  api.store.tx(() => {
    for (const spec of api.topology.hosts) {
      const cell = api.cells.named(spec.cell);
      if (!cell) throw new Error(`compute topology: host ${spec.name} names unknown cell ${spec.cell}`);
      api.cells.mapHost(spec.name, cell);
      const nodeUuid = nodeUuids.get(spec.name);
      if (!nodeUuid) continue;
      const isNew = registerProvider(api, spec, nodeUuid);
      if (isNew && spec.zone !== api.topology.defaultZone) {
        const agg = ensureAggregate(api.store.db, spec.zone, { availability_zone: spec.zone }, now);
        api.store.db.prepare('INSERT INTO aggregate_hosts (aggregate_id, host) VALUES (?, ?) ON CONFLICT DO NOTHING').run(agg.id, spec.name);
      }
    }
  });
}

function ensureService(db: Cell['db'], host: string, binary: string, topic: string, now: string): number {
  const existing = serviceByHostBinary(db, host, binary);
  if (existing) return existing.id;
  return Number(db.prepare(
    'INSERT INTO services (uuid, host, binary, topic, last_seen_up, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(uuid(), host, binary, topic, now, now).lastInsertRowid);
}

/** The host's nova-compute service and compute node in its cell; answers the node's uuid. */
/** The host's nova-compute service and compute node in its cell (inside the cell's transaction); answers the node's uuid. */
function registerComputeNode(cell: Cell, spec: HostSpec, now: string): string {
  const db = cell.db;
  const serviceId = ensureService(db, spec.name, COMPUTE_BINARY, 'compute', now);
  const node = db.prepare('SELECT uuid FROM compute_nodes WHERE host = ?').get(spec.name) as { uuid: string } | undefined;
  if (node) {
    // What a restarted nova-compute reports: its service, size and CPU.
    db.prepare(`UPDATE compute_nodes SET service_id = @serviceId, vcpus = @vcpus, memory_mb = @ram, local_gb = @disk, cpu_info = @cpu, updated_at = @now
      WHERE host = @host AND (service_id != @serviceId OR vcpus != @vcpus OR memory_mb != @ram OR local_gb != @disk OR cpu_info != @cpu)`)
      .run({ serviceId, vcpus: spec.vcpus, ram: spec.ramMb, disk: spec.diskGb, cpu: FAKE_CPU_INFO, now, host: spec.name });
    return node.uuid;
  }
  const nodeUuid = uuid();
  db.prepare(
    `INSERT INTO compute_nodes (uuid, service_id, host, hypervisor_hostname, hypervisor_type, hypervisor_version, host_ip,
       vcpus, memory_mb, local_gb, cpu_info, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(nodeUuid, serviceId, spec.name, spec.name, FAKE_HYPERVISOR_TYPE, FAKE_HYPERVISOR_VERSION, HOST_IP,
    spec.vcpus, spec.ramMb, spec.diskGb, FAKE_CPU_INFO, now);
  return nodeUuid;
}

/** The host's resource provider with the configured inventory; answers whether it is new. */
function registerProvider(api: ComputeApi, spec: HostSpec, nodeUuid: string): boolean {
  const { ratios, reservedHostMemoryMb } = api.topology;
  const db = api.store.db;
  const existing = db.prepare('SELECT 1 FROM resource_providers WHERE host = ?').get(spec.name);
  db.prepare(
    `INSERT INTO resource_providers (uuid, host, vcpus, memory_mb, disk_gb, cpu_allocation_ratio, ram_allocation_ratio,
       disk_allocation_ratio, reserved_memory_mb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (host) DO UPDATE SET vcpus = excluded.vcpus, memory_mb = excluded.memory_mb, disk_gb = excluded.disk_gb,
       cpu_allocation_ratio = excluded.cpu_allocation_ratio, ram_allocation_ratio = excluded.ram_allocation_ratio,
       disk_allocation_ratio = excluded.disk_allocation_ratio, reserved_memory_mb = excluded.reserved_memory_mb`,
  ).run(nodeUuid, spec.name, spec.vcpus, spec.ramMb, spec.diskGb, ratios.cpu, ratios.ram, ratios.disk, reservedHostMemoryMb);
  return !existing;
}
