/**
 * The simulated cinder-volume backends and the volume types made at first start, from the
 * configuration's `block_storage:` mapping:
 *
 *   block_storage:
 *     default_type: lvmdriver-1          # Cinder's default_volume_type
 *     backends:                          # host@backend#pool, its zone, its size, its capabilities
 *       - {name: lvmdriver-1, zone: nova, capacity_gb: 1000}
 *       - {name: multi-1, zone: nova, capacity_gb: 1000, capabilities: {multiattach: true}}
 *     types:                             # types bootstrapped besides __DEFAULT__ and the default type
 *       - {name: multiattach, extra_specs: {multiattach: "<is> True"}}
 *
 * Default (as DevStack with multiattach enabled): an LVM backend `stackproof@lvmdriver-1#lvmdriver-1`
 * of 1000 GiB and a multiattach-capable one `stackproof@multi-1#multi-1`, both in zone `nova`; the
 * types `__DEFAULT__`, `lvmdriver-1` (the default, `volume_backend_name: lvmdriver-1`) and
 * `multiattach` (`multiattach: "<is> True"`).
 */
import { ConfigError } from '../core/config';

export interface Backend {
  /** host@backend#pool, as os-vol-host-attr:host shows it. */
  host: string;
  backendName: string;
  zone: string;
  capacityGb: number;
  capabilities: Record<string, unknown>;
}

export interface TypeSpec {
  name: string;
  description: string | null;
  extraSpecs: Record<string, string>;
}

export interface Topology {
  backends: Backend[];
  /** The zones volumes can be created in (distinct backend zones). */
  zones: string[];
  /** The name of the default volume type (Cinder's default_volume_type). */
  defaultType: string;
  /** The types made at first start, oldest first (after __DEFAULT__). */
  types: TypeSpec[];
}

const HOST = 'stackproof';
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function readTopology(raw: Record<string, unknown> | undefined): Topology {
  const c = raw ?? {};
  const known = ['backends', 'default_type', 'types'];
  for (const k of Object.keys(c)) {
    if (!known.includes(k)) throw new ConfigError(`block_storage: unknown setting "${k}" (known: ${known.join(', ')})`);
  }
  const backendsRaw = c.backends ?? [
    { name: 'lvmdriver-1', zone: 'nova', capacity_gb: 1000 },
    { name: 'multi-1', zone: 'nova', capacity_gb: 1000, capabilities: { multiattach: true } },
  ];
  if (!Array.isArray(backendsRaw) || backendsRaw.length === 0) throw new ConfigError('block_storage.backends must be a non-empty list');
  const backends = backendsRaw.map((b, i) => readBackend(b, i));
  const seen = new Set<string>();
  for (const b of backends) {
    if (seen.has(b.host)) throw new ConfigError(`block_storage.backends: "${b.backendName}" appears twice`);
    seen.add(b.host);
  }
  const defaultType = c.default_type === undefined ? backends[0].backendName : str('block_storage.default_type', c.default_type);
  if (!NAME.test(defaultType) || defaultType === '__DEFAULT__') throw new ConfigError(`block_storage.default_type: "${defaultType}" is not a usable type name`);
  const types: TypeSpec[] = [];
  const defaultBackend = backends.find((b) => b.backendName === defaultType);
  types.push({ name: defaultType, description: null, extraSpecs: defaultBackend ? { volume_backend_name: defaultType } : {} });
  const typesRaw = c.types ?? (backends.some((b) => b.capabilities.multiattach === true) ? [{ name: 'multiattach', extra_specs: { multiattach: '<is> True' } }] : []);
  if (!Array.isArray(typesRaw)) throw new ConfigError('block_storage.types must be a list');
  for (const [i, t] of typesRaw.entries()) {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new ConfigError(`block_storage.types[${i}] must be a mapping`);
    const o = t as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!['name', 'description', 'extra_specs'].includes(k)) throw new ConfigError(`block_storage.types[${i}]: unknown setting "${k}"`);
    }
    const name = str(`block_storage.types[${i}].name`, o.name);
    if (!NAME.test(name) || name === '__DEFAULT__' || types.some((x) => x.name === name)) throw new ConfigError(`block_storage.types[${i}].name: "${name}" is not a usable (or is a repeated) type name`);
    const specs = o.extra_specs ?? {};
    if (typeof specs !== 'object' || specs === null || Array.isArray(specs)) throw new ConfigError(`block_storage.types[${i}].extra_specs must be a mapping`);
    const extraSpecs: Record<string, string> = {};
    for (const [k, v] of Object.entries(specs)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ConfigError(`block_storage.types[${i}].extra_specs.${k} must be a string`);
      extraSpecs[k] = String(v);
    }
    types.push({ name, description: o.description === undefined ? null : str(`block_storage.types[${i}].description`, o.description), extraSpecs });
  }
  const zones = [...new Set(backends.map((b) => b.zone))];
  return { backends, zones, defaultType, types };
}

function readBackend(b: unknown, i: number): Backend {
  const where = `block_storage.backends[${i}]`;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new ConfigError(`${where} must be a mapping (name, zone, capacity_gb, capabilities)`);
  const o = b as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['name', 'zone', 'capacity_gb', 'capabilities', 'pool'].includes(k)) throw new ConfigError(`${where}: unknown setting "${k}" (known: name, zone, capacity_gb, capabilities, pool)`);
  }
  const name = str(`${where}.name`, o.name);
  if (!NAME.test(name)) throw new ConfigError(`${where}.name: "${name}" must be 1-64 letters, digits, '_', '.' or '-'`);
  const pool = o.pool === undefined ? name : str(`${where}.pool`, o.pool);
  if (!NAME.test(pool)) throw new ConfigError(`${where}.pool: "${pool}" must be 1-64 letters, digits, '_', '.' or '-'`);
  const zone = o.zone === undefined ? 'nova' : str(`${where}.zone`, o.zone);
  if (!NAME.test(zone)) throw new ConfigError(`${where}.zone: "${zone}" must be 1-64 letters, digits, '_', '.' or '-'`);
  const cap = o.capacity_gb ?? 1000;
  if (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 1 || cap > 1_000_000_000) throw new ConfigError(`${where}.capacity_gb must be an integer from 1 to 1000000000`);
  const capabilities = o.capabilities ?? {};
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) throw new ConfigError(`${where}.capabilities must be a mapping`);
  return {
    host: `${HOST}@${name}#${pool}`,
    backendName: name,
    zone,
    capacityGb: cap,
    capabilities: {
      volume_backend_name: name,
      vendor_name: 'Open Source',
      driver_version: '3.0.0',
      storage_protocol: 'iSCSI',
      thin_provisioning_support: true,
      thick_provisioning_support: false,
      multiattach: false,
      ...(capabilities as Record<string, unknown>),
    },
  };
}

function str(where: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${where} must be a non-empty string`);
  return v;
}
