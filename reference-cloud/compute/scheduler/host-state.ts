/**
 * The scheduler's view of the compute hosts, loaded in a handful of queries: resource providers
 * with their host mappings and usage (provider_usages, kept by triggers on allocations), each live cell's
 * nova-compute services that are disabled or forced down, and (when a filter asks) aggregate
 * metadata and zones. Hosts of a cell that is down are left out, as Nova's scheduler cannot
 * reach them.
 */
import type { Db } from '../../core/store';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { FAKE_HYPERVISOR_TYPE, FAKE_HYPERVISOR_VERSION } from '../hosts';
import { hostAggregateMetadata } from '../models/aggregates';
import { hostZones } from '../models/zones';
import { COMPUTE_BINARY, serviceIsUp } from '../models/services';

export interface Resources {
  vcpus: number;
  memory_mb: number;
  disk_gb: number;
}

export interface HostState {
  host: string;
  /** The compute node (the fake driver has one node per host, named as the host). */
  node: string;
  cell: Cell;
  /** Read on first use. */
  readonly zone: string;
  enabled: boolean;
  up: boolean;
  /** Inventory totals (placement's total; max_unit is the total too). */
  total: Resources;
  /** What placement lets be allocated: (total - reserved) * allocation ratio. */
  capacity: Resources;
  /** What allocations hold (without the consumer being scheduled). */
  used: Resources;
  /** Free physical RAM as Nova's HostState counts it (total - reserved - used), for the RAM weigher. */
  freeRamMb: number;
  /** Metadata of each aggregate the host is in; read on first use. */
  readonly aggregates: Record<string, string>[];
  /** What the fake virt driver supports: (architecture, hypervisor type, vm mode). */
  supportedInstances: [string, string, string][];
  hypervisorVersion: number;
}

type ProviderRow = [
  host: string, vcpus: number, memory_mb: number, disk_gb: number, cpu_ratio: number, ram_ratio: number, disk_ratio: number,
  reserved_memory_mb: number, reserved_disk_gb: number, cell_id: number, used_vcpus: number, used_memory_mb: number, used_disk_gb: number,
];

const PROVIDERS = `
  SELECT rp.host, rp.vcpus, rp.memory_mb, rp.disk_gb, rp.cpu_allocation_ratio, rp.ram_allocation_ratio, rp.disk_allocation_ratio,
    rp.reserved_memory_mb, rp.reserved_disk_gb, m.cell_id, COALESCE(u.vcpus, 0), COALESCE(u.memory_mb, 0), COALESCE(u.disk_gb, 0)
  FROM resource_providers rp JOIN host_mappings m ON m.host = rp.host LEFT JOIN provider_usages u ON u.host = rp.host
  ORDER BY rp.host`;

/** A value computed once, when first asked for. */
function lazy<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/**
 * Every compute host the scheduler can reach, with usage excluding `consumer`'s own allocations.
 * Services are read only where they are not in their normal state (disabled or forced down):
 * every other registered host is enabled and up. Aggregates and zones are read on first use
 * (most requests need neither).
 */
export function loadHostStates(api: ComputeApi, consumer: string): HostState[] {
  const db: Db = api.store.db;
  const providers = db.prepare(PROVIDERS).raw(true).all() as ProviderRow[];
  // Usage is kept per provider (provider_usages); what the consumer itself holds does not count.
  const own = new Map((db.prepare('SELECT host, vcpus, memory_mb, disk_gb FROM allocations WHERE consumer_uuid = ?').all(consumer) as
    { host: string; vcpus: number; memory_mb: number; disk_gb: number }[]).map((a) => [a.host, a]));
  const unusual = new Map<string, { disabled: number; forced_down: number; created_at: string; updated_at: string | null }>();
  const now = api.clock.now();
  for (const cell of api.cells.withHosts()) {
    if (cell.down) continue;
    const rows = cell.db.prepare('SELECT host, disabled, forced_down, created_at, updated_at FROM services WHERE binary = ? AND (disabled = 1 OR forced_down = 1)').all(COMPUTE_BINARY) as
      { host: string; disabled: number; forced_down: number; created_at: string; updated_at: string | null }[];
    for (const r of rows) unusual.set(r.host, r);
  }
  const aggregates = lazy(() => hostAggregateMetadata(db));
  const zones = lazy(() => hostZones(db));
  const defaultZone = api.topology.defaultZone;
  const out: HostState[] = [];
  for (const p of providers) {
    const [host, vcpus, memoryMb, diskGb, cpuRatio, ramRatio, diskRatio, reservedMem, reservedDisk, cellId] = p;
    const mine = own.get(host);
    const usedVcpus = p[10] - (mine?.vcpus ?? 0);
    const usedMem = p[11] - (mine?.memory_mb ?? 0);
    const usedDisk = p[12] - (mine?.disk_gb ?? 0);
    const cell = api.cells.withId(cellId);
    if (!cell || cell.down) continue;
    const svc = unusual.get(host);
    out.push({
      host,
      node: host,
      cell,
      get zone() { return zones().get(host) ?? defaultZone; },
      enabled: !svc?.disabled,
      up: svc ? serviceIsUp(svc, now) : true,
      total: { vcpus, memory_mb: memoryMb, disk_gb: diskGb },
      capacity: {
        vcpus: Math.floor(vcpus * cpuRatio),
        memory_mb: Math.floor((memoryMb - reservedMem) * ramRatio),
        disk_gb: Math.floor((diskGb - reservedDisk) * diskRatio),
      },
      used: { vcpus: usedVcpus, memory_mb: usedMem, disk_gb: usedDisk },
      freeRamMb: memoryMb - reservedMem - usedMem,
      get aggregates() { return aggregates().get(host) ?? []; },
      supportedInstances: SUPPORTED,
      hypervisorVersion: FAKE_HYPERVISOR_VERSION,
    });
  }
  return out;
}

/** What the fake virt driver runs: (architecture, hypervisor type, vm mode). */
const SUPPORTED: [string, string, string][] = [['x86_64', FAKE_HYPERVISOR_TYPE, 'hvm']];
