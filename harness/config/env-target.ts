/** A Target from OS_* environment variables (openstacksdk's "envvars" cloud). */
import { normaliseCloud } from './normalise-cloud';
import { Target } from './target';

export const ENV_CLOUD_NAME = 'envvars';

/** OS_* variable -> key in a clouds.yaml `auth` mapping (first one set wins). */
const AUTH_VARS: [string, string][] = [
  ['OS_AUTH_URL', 'auth_url'],
  ['OS_USERNAME', 'username'],
  ['OS_USER_ID', 'user_id'],
  ['OS_PASSWORD', 'password'],
  ['OS_PROJECT_NAME', 'project_name'],
  ['OS_TENANT_NAME', 'project_name'],
  ['OS_PROJECT_ID', 'project_id'],
  ['OS_TENANT_ID', 'project_id'],
  ['OS_USER_DOMAIN_NAME', 'user_domain_name'],
  ['OS_USER_DOMAIN_ID', 'user_domain_id'],
  ['OS_PROJECT_DOMAIN_NAME', 'project_domain_name'],
  ['OS_PROJECT_DOMAIN_ID', 'project_domain_id'],
  ['OS_DOMAIN_NAME', 'domain_name'],
  ['OS_DOMAIN_ID', 'domain_id'],
  ['OS_SYSTEM_SCOPE', 'system_scope'],
  ['OS_APPLICATION_CREDENTIAL_ID', 'application_credential_id'],
  ['OS_APPLICATION_CREDENTIAL_NAME', 'application_credential_name'],
  ['OS_APPLICATION_CREDENTIAL_SECRET', 'application_credential_secret'],
  ['OS_TOKEN', 'token'],
];

const TOP_VARS: [string, string][] = [
  ['OS_AUTH_TYPE', 'auth_type'],
  ['OS_REGION_NAME', 'region_name'],
  ['OS_INTERFACE', 'interface'],
  ['OS_ENDPOINT_TYPE', 'interface'],
  ['OS_CACERT', 'cacert'],
  ['OS_INSECURE', 'insecure'],
];

/** The raw cloud mapping the OS_* variables describe (empty values are ignored). */
export function cloudFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const auth: Record<string, string> = {};
  const cloud: Record<string, unknown> = { auth };
  for (const [v, key] of AUTH_VARS) {
    const val = env[v];
    if (val && auth[key] === undefined) auth[key] = val;
  }
  for (const [v, key] of TOP_VARS) {
    const val = env[v];
    if (val && cloud[key] === undefined) cloud[key] = val;
  }
  return cloud;
}

/** undefined unless OS_AUTH_URL is set. */
export function targetFromEnv(env: NodeJS.ProcessEnv): Target | undefined {
  if (!env.OS_AUTH_URL) return undefined;
  return normaliseCloud(ENV_CLOUD_NAME, cloudFromEnv(env), { label: 'The OS_* environment' });
}
