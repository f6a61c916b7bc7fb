/**
 * Reference cloud configuration: defaults that just work, overridden by a YAML file or a
 * DevStack-style local.conf, then by STACKPROOF_* environment variables, then by explicit
 * overrides (CLI flags).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ServiceName } from './service';

export interface CloudConfig {
  /** Address to bind. */
  host: string;
  /** Host name written in URLs (catalog, links); defaults to host. */
  publicHost: string;
  /** The shared port (all services with path prefixes). */
  port: number;
  /** Optional per-service ports; a service listed here gets its own listener. */
  ports: Partial<Record<ServiceName, number>>;
  region: string;
  /** Where state lives; with ephemeral it is a temporary directory removed on shutdown. */
  dataDir: string;
  ephemeral: boolean;
  /** OpenStack release the cloud behaves as (API versions, microversion ranges, migrations). */
  release: string;
  /** Admin password; generated and kept in the data directory when not given. */
  adminPassword?: string;
  /** Password of the service users (nova, glance...) the services authenticate with. */
  servicePassword?: string;
  /** Token lifetime in seconds (Keystone [token] expiration). */
  tokenExpiration: number;
  /** log2 of the scrypt cost parameter N for password hashes. */
  passwordHashCost: number;
  /** Seconds a remotely validated token stays cached (keystonemiddleware token_cache_time). */
  tokenCacheSeconds: number;
  /** Delays of asynchronous transitions in ms, by name (e.g. server_build); 0 = immediate. */
  delays: Record<string, number>;
  logLevel: string;
  /** Log file; when absent logs go to stderr. */
  logFile?: string;
  /** Services to run in this process; default all that exist. */
  services?: ServiceName[];
  /** Identity endpoint when identity runs elsewhere (one container per service). */
  identityUrl?: string;
  /**
   * The compute topology as written in the configuration file (cells, availability zones,
   * hosts and their sizes, allocation ratios); read and checked by reference-cloud/compute/topology.ts.
   */
  compute?: Record<string, unknown>;
  /** The block-storage backends (names, zones, capacity, capabilities); read by reference-cloud/block-storage/topology.ts. */
  blockStorage?: Record<string, unknown>;
  /** Object-storage settings (limits, middleware options); read by reference-cloud/object-storage/settings.ts. */
  objectStorage?: Record<string, unknown>;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_PORT = 7700;
export const DEFAULT_RELEASE = '2025.2';

export function defaultConfig(): CloudConfig {
  return {
    host: '127.0.0.1',
    publicHost: '127.0.0.1',
    port: DEFAULT_PORT,
    ports: {},
    region: 'RegionOne',
    dataDir: join(homedir(), '.stackproof', 'data'),
    ephemeral: false,
    release: DEFAULT_RELEASE,
    tokenExpiration: 3600,
    passwordHashCost: 14,
    tokenCacheSeconds: 300,
    delays: {},
    logLevel: 'info',
  };
}

type Overrides = Partial<CloudConfig>;

/** Keys accepted in YAML files (snake_case as operators write them) and their config field. */
const YAML_KEYS: Record<string, keyof CloudConfig> = {
  host: 'host', public_host: 'publicHost', port: 'port', ports: 'ports', region: 'region',
  data_dir: 'dataDir', ephemeral: 'ephemeral', release: 'release', admin_password: 'adminPassword',
  service_password: 'servicePassword', token_expiration: 'tokenExpiration',
  password_hash_cost: 'passwordHashCost', token_cache_seconds: 'tokenCacheSeconds', delays: 'delays',
  log_level: 'logLevel', log_file: 'logFile', services: 'services', identity_url: 'identityUrl',
  compute: 'compute', block_storage: 'blockStorage', object_storage: 'objectStorage',
};

/** DevStack local.conf variables we understand. */
const LOCALRC_KEYS: Record<string, keyof CloudConfig> = {
  ADMIN_PASSWORD: 'adminPassword', SERVICE_PASSWORD: 'servicePassword', SERVICE_HOST: 'publicHost',
  HOST_IP: 'host', REGION_NAME: 'region', DATA_DIR: 'dataDir', STACKPROOF_PORT: 'port',
  TOKEN_EXPIRATION: 'tokenExpiration', LOG_LEVEL: 'logLevel', RELEASE: 'release',
};

const NUMERIC: (keyof CloudConfig)[] = ['port', 'tokenExpiration', 'passwordHashCost', 'tokenCacheSeconds'];

export function parseConfigFile(file: string): Overrides {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(e as Error).message}`);
  }
  if (/\.conf$/.test(file) || /^\s*\[\[local\|localrc\]\]/m.test(text)) return parseLocalConf(text, file);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  if (doc == null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${file} must hold a mapping of settings`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const field = YAML_KEYS[k];
    if (!field) throw new ConfigError(`${file}: unknown setting "${k}" (known: ${Object.keys(YAML_KEYS).join(', ')})`);
    out[field] = v;
  }
  return out as Overrides;
}

/** Reads the [[local|localrc]] section of a DevStack local.conf. */
export function parseLocalConf(text: string, file = 'local.conf'): Overrides {
  const out: Record<string, unknown> = {};
  let inLocalrc = !/^\s*\[\[/m.test(text);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^\[\[.*\]\]$/.test(line)) {
      inLocalrc = /^\[\[\s*local\s*\|\s*localrc\s*\]\]$/.test(line);
      continue;
    }
    if (!inLocalrc || line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new ConfigError(`${file}: cannot read line "${line}"`);
    const field = LOCALRC_KEYS[m[1]];
    if (!field) continue; // DevStack has hundreds of variables; ignore the ones we do not use.
    out[field] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out as Overrides;
}

export function parseEnv(env: NodeJS.ProcessEnv): Overrides {
  const out: Record<string, unknown> = {};
  const map: Record<string, keyof CloudConfig> = {
    STACKPROOF_HOST: 'host', STACKPROOF_PUBLIC_HOST: 'publicHost', STACKPROOF_PORT: 'port',
    STACKPROOF_REGION: 'region', STACKPROOF_DATA_DIR: 'dataDir', STACKPROOF_EPHEMERAL: 'ephemeral',
    STACKPROOF_RELEASE: 'release', STACKPROOF_ADMIN_PASSWORD: 'adminPassword',
    STACKPROOF_SERVICE_PASSWORD: 'servicePassword', STACKPROOF_TOKEN_EXPIRATION: 'tokenExpiration',
    STACKPROOF_PASSWORD_HASH_COST: 'passwordHashCost', STACKPROOF_TOKEN_CACHE_SECONDS: 'tokenCacheSeconds',
    STACKPROOF_LOG_LEVEL: 'logLevel', STACKPROOF_LOG_FILE: 'logFile', STACKPROOF_IDENTITY_URL: 'identityUrl',
  };
  for (const [name, field] of Object.entries(map)) {
    const v = env[name];
    if (v !== undefined && v !== '') out[field] = v;
  }
  if (env.STACKPROOF_SERVICES) out.services = env.STACKPROOF_SERVICES.split(',').map((s) => s.trim()).filter(Boolean);
  const delays: Record<string, string> = {};
  const ports: Record<string, string> = {};
  for (const [name, v] of Object.entries(env)) {
    const d = /^STACKPROOF_DELAY_([A-Z0-9_]+)$/.exec(name);
    if (d && v) delays[d[1].toLowerCase()] = v;
    const p = /^STACKPROOF_PORT_([A-Z_]+)$/.exec(name);
    if (p && v) ports[p[1].toLowerCase().replace(/_/g, '-')] = v;
  }
  if (Object.keys(delays).length) out.delays = delays;
  if (Object.keys(ports).length) out.ports = ports;
  return out as Overrides;
}

export interface LoadConfigOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Overrides;
}

export function loadConfig(opts: LoadConfigOptions = {}): CloudConfig {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.STACKPROOF_CONFIG;
  const layers: Overrides[] = [file ? parseConfigFile(file) : {}, parseEnv(env), opts.overrides ?? {}];
  const merged: Record<string, unknown> = { ...defaultConfig() };
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if ((k === 'delays' || k === 'ports') && typeof v === 'object' && v) {
        merged[k] = { ...(merged[k] as object), ...(v as object) };
      } else merged[k] = v;
    }
  }
  if (!layers.some((l) => l.publicHost !== undefined) && merged.host !== '0.0.0.0' && merged.host !== '::') {
    merged.publicHost = merged.host;
  }
  return validateConfig(merged);
}

function toInt(field: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${field} must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function toBool(field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(1|true|yes|on)$/i.test(v)) return true;
  if (typeof v === 'string' && /^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${field} must be true or false, got ${JSON.stringify(v)}`);
}

const SERVICE_NAMES: ServiceName[] = [
  'identity', 'compute', 'image', 'network', 'block-storage', 'object-storage', 'orchestration', 'placement',
];

export function validateConfig(c: Record<string, unknown>): CloudConfig {
  const cfg = c as unknown as CloudConfig;
  for (const f of NUMERIC) (cfg as unknown as Record<string, number>)[f] = toInt(f, c[f], f === 'port' ? 0 : 1, f === 'port' ? 65535 : f === 'passwordHashCost' ? 20 : 10 ** 9);
  cfg.ephemeral = toBool('ephemeral', c.ephemeral);
  for (const f of ['host', 'publicHost', 'region', 'dataDir', 'release', 'logLevel'] as const) {
    if (typeof cfg[f] !== 'string' || cfg[f] === '') throw new ConfigError(`${f} must be a non-empty string`);
  }
  if (!/^(trace|debug|info|warn|error|fatal|silent)$/.test(cfg.logLevel)) {
    throw new ConfigError(`logLevel must be one of trace, debug, info, warn, error, fatal, silent`);
  }
  if (cfg.passwordHashCost < 10) throw new ConfigError('passwordHashCost below 10 (scrypt N=1024) is not a password hash worth the name');
  const delays: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.delays ?? {})) delays[k] = toInt(`delays.${k}`, v, 0, 3_600_000);
  cfg.delays = delays;
  const ports: Partial<Record<ServiceName, number>> = {};
  for (const [k, v] of Object.entries(c.ports ?? {})) {
    if (!SERVICE_NAMES.includes(k as ServiceName)) throw new ConfigError(`ports: unknown service "${k}"`);
    ports[k as ServiceName] = toInt(`ports.${k}`, v, 0, 65535);
  }
  cfg.ports = ports;
  if (cfg.services !== undefined) {
    if (!Array.isArray(cfg.services)) throw new ConfigError('services must be a list of service names');
    for (const s of cfg.services) if (!SERVICE_NAMES.includes(s)) throw new ConfigError(`services: unknown service "${s}"`);
  }
  for (const f of ['adminPassword', 'servicePassword', 'logFile', 'identityUrl'] as const) {
    if (cfg[f] !== undefined && (typeof cfg[f] !== 'string' || cfg[f] === '')) throw new ConfigError(`${f} must be a non-empty string`);
  }
  for (const [field, key, what] of [
    ['compute', 'compute', 'cells, hosts, allocation ratios'],
    ['blockStorage', 'block_storage', 'backends'],
    ['objectStorage', 'object_storage', 'limits and middleware options'],
  ] as const) {
    const v = cfg[field];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new ConfigError(`${key} must be a mapping (${what})`);
  }
  return cfg;
}
