/**
 * Finds and reads clouds.yaml and secure.yaml the way os-client-config does, and merges
 * secure.yaml deeply over clouds.yaml.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './target';
import { isMapping } from './normalise-cloud';

const CLOUDS_NAMES = ['clouds.yaml', 'clouds.yml'];
const SECURE_NAMES = ['secure.yaml', 'secure.yml'];

/** ./, the user's config dir (XDG_CONFIG_HOME or ~/.config)/openstack, /etc/openstack. */
export function defaultSearchPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
  const home = env.HOME || os.homedir();
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [cwd, path.join(configHome, 'openstack'), '/etc/openstack'];
}

function firstExisting(candidates: string[]): string | undefined {
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      /* not there */
    }
  }
  return undefined;
}

/** The file to read: the override variable first, then each directory of the search path. */
export function findConfigFile(
  kind: 'clouds' | 'secure',
  env: NodeJS.ProcessEnv,
  searchPath: string[],
): string | undefined {
  const override = kind === 'clouds' ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  const names = kind === 'clouds' ? CLOUDS_NAMES : SECURE_NAMES;
  const candidates: string[] = [];
  if (override) candidates.push(override);
  for (const dir of searchPath) for (const n of names) candidates.push(path.join(dir, n));
  return firstExisting(candidates);
}

/** Reads a YAML file whose top level must be a mapping (or empty). */
export function readYamlMapping(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read ${file}: ${(e as Error).message}.`, file);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new ConfigError(`${file} is not valid YAML: ${first}`, file);
  }
  if (doc === null || doc === undefined) return {};
  if (!isMapping(doc)) throw new ConfigError(`${file} does not hold a mapping at its top level.`, file);
  return doc;
}

/** Deep merge of mappings; values of `over` win, lists are replaced, not concatenated. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

export interface CloudsConfig {
  /** The `clouds` mapping after secure.yaml was merged over it. */
  clouds: Record<string, unknown>;
  cloudsFile?: string;
  secureFile?: string;
}

/** Reads clouds.yaml (+ secure.yaml); undefined when neither exists. */
export function readCloudsConfig(env: NodeJS.ProcessEnv, searchPath: string[]): CloudsConfig | undefined {
  const cloudsFile = findConfigFile('clouds', env, searchPath);
  const secureFile = findConfigFile('secure', env, searchPath);
  if (!cloudsFile && !secureFile) return undefined;
  const cloudsDoc = cloudsFile ? readYamlMapping(cloudsFile) : {};
  const secureDoc = secureFile ? readYamlMapping(secureFile) : {};
  for (const [doc, file] of [
    [cloudsDoc, cloudsFile],
    [secureDoc, secureFile],
  ] as const) {
    if (doc.clouds !== undefined && doc.clouds !== null && !isMapping(doc.clouds)) {
      throw new ConfigError(`${file}: 'clouds' is not a mapping of cloud names to settings.`, file);
    }
  }
  const merged = deepMerge(cloudsDoc.clouds ?? {}, secureDoc.clouds ?? {});
  const result: CloudsConfig = { clouds: isMapping(merged) ? merged : {} };
  if (cloudsFile) result.cloudsFile = cloudsFile;
  if (secureFile) result.secureFile = secureFile;
  return result;
}
