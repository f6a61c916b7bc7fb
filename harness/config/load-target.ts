/** Resolves the Target of a run: a named cloud from clouds.yaml, else OS_* variables, else none. */
import { defaultSearchPath, readCloudsConfig } from './clouds-files';
import { targetFromEnv } from './env-target';
import { normaliseCloud } from './normalise-cloud';
import { ConfigError, Target } from './target';

export interface LoadTargetOptions {
  /** Cloud name; defaults to OS_CLOUD. */
  cloud?: string;
  env?: NodeJS.ProcessEnv;
  /** Directories searched for clouds.yaml / secure.yaml, in order. */
  searchPath?: string[];
}

/**
 * The configured target, or undefined when nothing is configured (no cloud named and no
 * OS_AUTH_URL). Throws ConfigError when a named cloud is missing or malformed.
 */
export function loadTarget(opts: LoadTargetOptions = {}): Target | undefined {
  const env = opts.env ?? process.env;
  const cloudName = opts.cloud || env.OS_CLOUD || undefined;
  if (!cloudName) return targetFromEnv(env);

  const searchPath = opts.searchPath ?? defaultSearchPath(env);
  const config = readCloudsConfig(env, searchPath);
  const via = opts.cloud ? `Cloud '${cloudName}'` : `OS_CLOUD names cloud '${cloudName}', which`;
  if (!config) {
    const where = [env.OS_CLIENT_CONFIG_FILE, ...searchPath].filter(Boolean).join(', ');
    throw new ConfigError(
      `${via} cannot be found: there is no clouds.yaml (searched ${where}).`,
      undefined,
      cloudName,
    );
  }
  const file = config.cloudsFile ?? config.secureFile;
  const entry = config.clouds[cloudName];
  if (entry === undefined) {
    const known = Object.keys(config.clouds);
    throw new ConfigError(
      `${via} is not defined in ${file} (${known.length ? `defined: ${known.join(', ')}` : 'it defines no clouds'}).`,
      file,
      cloudName,
    );
  }
  return normaliseCloud(cloudName, entry, { file });
}
