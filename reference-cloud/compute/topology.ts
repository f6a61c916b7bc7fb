/**
 * The compute topology: cells, availability zones and simulated compute hosts with their sizes
 * and allocation ratios. Read from the `compute:` mapping of the cloud's configuration file:
 *
 *   compute:
 *     cells: 2                      # cells with hosts, named cell1..cellN (cell0 always exists)
 *     zones: [nova, az2]            # hosts are spread over these zones, round robin
 *     host_count: 4                 # hosts compute-1..compute-N, spread over the cells
 *     host_size: {vcpus: 16, ram_mb: 65536, disk_gb: 1000}
 *     allocation_ratios: {cpu: 4.0, ram: 1.0, disk: 1.0}
 *     reserved_host_memory_mb: 512
 *     hosts:                        # or every host spelled out (overrides host_count)
 *       - {name: big-1, cell: cell1, zone: nova, vcpus: 64, ram_mb: 262144, disk_gb: 4000}
 *
 * The zone named `default_zone` (Nova's default_availability_zone, "nova") needs no aggregate;
 * every other zone is an aggregate of that name with availability_zone metadata, created at
 * bootstrap, as an operator would make it.
 */
import { ConfigError } from '../core/config';

export interface HostSpec {
  name: string;
  cell: string;
  zone: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

export interface Topology {
  /** Cells with hosts, in order (cell0 is implicit). */
  cells: string[];
  /** Zones in order; the first is also where hosts without an aggregate zone land. */
  zones: string[];
  defaultZone: string;
  hosts: HostSpec[];
  ratios: { cpu: number; ram: number; disk: number };
  reservedHostMemoryMb: number;
}

const DEFAULT_SIZE = { vcpus: 16, ram_mb: 65536, disk_gb: 1000 };

export function readTopology(raw: Record<string, unknown> | undefined): Topology {
  const c = raw ?? {};
  const known = ['cells', 'zones', 'host_count', 'host_size', 'allocation_ratios', 'reserved_host_memory_mb', 'hosts', 'default_zone'];
  for (const k of Object.keys(c)) {
    if (!known.includes(k)) throw new ConfigError(`compute: unknown setting "${k}" (known: ${known.join(', ')})`);
  }
  const cellCount = int('compute.cells', c.cells ?? 2, 1, 64);
  const cells = Array.from({ length: cellCount }, (_, i) => `cell${i + 1}`);
  const zones = c.zones === undefined ? ['nova', 'az2'] : names('compute.zones', c.zones);
  const defaultZone = c.default_zone === undefined ? 'nova' : name('compute.default_zone', c.default_zone);
  const size = (c.host_size ?? {}) as Record<string, unknown>;
  if (typeof size !== 'object' || Array.isArray(size)) throw new ConfigError('compute.host_size must be a mapping');
  const ratios = (c.allocation_ratios ?? {}) as Record<string, unknown>;
  if (typeof ratios !== 'object' || Array.isArray(ratios)) throw new ConfigError('compute.allocation_ratios must be a mapping');
  let hosts: HostSpec[];
  if (c.hosts !== undefined) {
    if (!Array.isArray(c.hosts) || c.hosts.length === 0) throw new ConfigError('compute.hosts must be a non-empty list');
    hosts = c.hosts.map((h, i) => {
      const o = h as Record<string, unknown>;
      if (!o || typeof o !== 'object') throw new ConfigError(`compute.hosts[${i}] must be a mapping`);
      const cell = o.cell === undefined ? cells[i % cells.length] : name(`compute.hosts[${i}].cell`, o.cell);
      if (!cells.includes(cell)) throw new ConfigError(`compute.hosts[${i}].cell: no cell "${cell}" (cells: ${cells.join(', ')})`);
      const zone = o.zone === undefined ? zones[i % zones.length] : name(`compute.hosts[${i}].zone`, o.zone);
      return {
        name: name(`compute.hosts[${i}].name`, o.name),
        cell,
        zone,
        vcpus: int(`compute.hosts[${i}].vcpus`, o.vcpus ?? size.vcpus ?? DEFAULT_SIZE.vcpus, 1, 1_000_000),
        ramMb: int(`compute.hosts[${i}].ram_mb`, o.ram_mb ?? size.ram_mb ?? DEFAULT_SIZE.ram_mb, 1, 1_000_000_000),
        diskGb: int(`compute.hosts[${i}].disk_gb`, o.disk_gb ?? size.disk_gb ?? DEFAULT_SIZE.disk_gb, 1, 1_000_000_000),
      };
    });
  } else {
    const count = int('compute.host_count', c.host_count ?? 4, 1, 100_000);
    hosts = Array.from({ length: count }, (_, i) => ({
      name: `compute-${i + 1}`,
      // Cells take hosts in blocks of zones, so with the defaults each cell has a host in each zone.
      cell: cells[Math.floor(i / zones.length) % cells.length],
      zone: zones[i % zones.length],
      vcpus: int('compute.host_size.vcpus', size.vcpus ?? DEFAULT_SIZE.vcpus, 1, 1_000_000),
      ramMb: int('compute.host_size.ram_mb', size.ram_mb ?? DEFAULT_SIZE.ram_mb, 1, 1_000_000_000),
      diskGb: int('compute.host_size.disk_gb', size.disk_gb ?? DEFAULT_SIZE.disk_gb, 1, 1_000_000_000),
    }));
  }
  const seen = new Set<string>();
  for (const h of hosts) {
    if (seen.has(h.name)) throw new ConfigError(`compute.hosts: host "${h.name}" is listed twice`);
    seen.add(h.name);
    if (!zones.includes(h.zone)) zones.push(h.zone);
  }
  return {
    cells,
    zones,
    defaultZone,
    hosts,
    ratios: {
      cpu: ratio('compute.allocation_ratios.cpu', ratios.cpu ?? 4.0),
      ram: ratio('compute.allocation_ratios.ram', ratios.ram ?? 1.0),
      disk: ratio('compute.allocation_ratios.disk', ratios.disk ?? 1.0),
    },
    reservedHostMemoryMb: int('compute.reserved_host_memory_mb', c.reserved_host_memory_mb ?? 512, 0, 1_000_000_000),
  };
}

function int(field: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${field} must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`);
  return n;
}

function ratio(field: string, v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new ConfigError(`${field} must be a number above 0, got ${JSON.stringify(v)}`);
  return n;
}

function name(field: string, v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(v)) {
    throw new ConfigError(`${field} must be a name of letters, digits, ".", "_" or "-", got ${JSON.stringify(v)}`);
  }
  return v;
}

function names(field: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(`${field} must be a non-empty list of names`);
  return v.map((x, i) => name(`${field}[${i}]`, x));
}
