export { ConfigError } from './target';
export type { AuthType, Interface, Target, TargetAuth } from './target';
export { loadTarget } from './load-target';
export type { LoadTargetOptions } from './load-target';
export { writeCloudsYaml, cloudEntryFor } from './write-clouds-yaml';
export { targetFromEnv, ENV_CLOUD_NAME } from './env-target';
export { defaultSearchPath } from './clouds-files';
