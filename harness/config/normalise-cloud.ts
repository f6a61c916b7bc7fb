/**
 * Turns one cloud entry as os-client-config reads it (snake_case keys, `auth` mapping,
 * `auth_type`, `interface`, `verify`...) into a Target.
 */
import { AuthType, ConfigError, Interface, Target, TargetAuth } from './target';

export type RawCloud = Record<string, unknown>;

const AUTH_TYPES: Record<string, AuthType> = {
  password: 'password',
  v3password: 'password',
  token: 'token',
  v3token: 'token',
  v3applicationcredential: 'application_credential',
  applicationcredential: 'application_credential',
  application_credential: 'application_credential',
};

/** snake_case auth key -> Target.auth property. */
const AUTH_KEYS: Record<string, keyof TargetAuth> = {
  auth_url: 'authUrl',
  username: 'username',
  user_name: 'username',
  user_id: 'userId',
  password: 'password',
  project_name: 'projectName',
  tenant_name: 'projectName',
  project_id: 'projectId',
  tenant_id: 'projectId',
  project_domain_name: 'projectDomainName',
  project_domain_id: 'projectDomainId',
  user_domain_name: 'userDomainName',
  user_domain_id: 'userDomainId',
  domain_name: 'domainName',
  domain_id: 'domainId',
  system_scope: 'systemScope',
  application_credential_id: 'applicationCredentialId',
  application_credential_name: 'applicationCredentialName',
  application_credential_secret: 'applicationCredentialSecret',
  token: 'token',
};

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** os-client-config accepts `auth-url` as well as `auth_url`. */
function underscoreKeys(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) out[k.replace(/-/g, '_')] = v;
  return out;
}

function scalarString(v: unknown, what: string, label: string, cloud: string, file?: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ConfigError(`${label} has a ${what} that is not a string.`, file, cloud);
}

export function normaliseInterface(v: string, label: string, cloud: string, file?: string): Interface {
  const s = v.toLowerCase().replace(/url$/, '');
  if (s === 'public' || s === 'internal' || s === 'admin') return s;
  throw new ConfigError(
    `${label} has interface '${v}'; expected public, internal or admin (publicURL etc. also accepted).`,
    file,
    cloud,
  );
}

export function normaliseAuthType(v: string, label: string, cloud: string, file?: string): AuthType {
  const t = AUTH_TYPES[v.toLowerCase()];
  if (!t) {
    throw new ConfigError(
      `${label} has auth_type '${v}', which Stackproof does not support (use v3password, v3token or v3applicationcredential).`,
      file,
      cloud,
    );
  }
  return t;
}

function truthy(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return undefined;
}

function inferAuthType(a: TargetAuth): AuthType {
  if (a.applicationCredentialSecret && !a.password) return 'application_credential';
  if (a.token && !a.password) return 'token';
  return 'password';
}

function isProjectScoped(a: TargetAuth): boolean {
  return Boolean(a.projectId || a.projectName);
}

/**
 * Builds a Target from one cloud's mapping. `file` only makes error messages clearer.
 */
export function normaliseCloud(
  name: string,
  rawIn: unknown,
  where: { file?: string; label?: string } = {},
): Target {
  const file = where.file;
  const label = where.label ?? `Cloud '${name}'`;
  if (!isMapping(rawIn)) {
    throw new ConfigError(`${label} in ${file ?? 'the configuration'} is not a mapping.`, file, name);
  }
  const raw = underscoreKeys(rawIn);
  const rawAuth = raw.auth === undefined ? {} : raw.auth;
  if (!isMapping(rawAuth)) {
    throw new ConfigError(`${label} has an 'auth' entry that is not a mapping.`, file, name);
  }
  const authSrc = underscoreKeys(rawAuth);
  // os-client-config also accepts auth keys at the top level of the cloud entry.
  for (const key of Object.keys(AUTH_KEYS)) {
    if (authSrc[key] === undefined && raw[key] !== undefined) authSrc[key] = raw[key];
  }
  const auth: Partial<TargetAuth> = {};
  for (const [key, prop] of Object.entries(AUTH_KEYS)) {
    const v = scalarString(authSrc[key], `auth ${key}`, label, name, file);
    if (v !== undefined && auth[prop] === undefined) auth[prop] = v;
  }
  if (!auth.authUrl) {
    throw new ConfigError(`${label} has no auth.auth_url.`, file, name);
  }
  const a = auth as TargetAuth;
  // Like os-client-config: with a project scope, domain_* stands for both the user's and the
  // project's domain ("specify the domain once"); without one, it is the domain scope.
  if (isProjectScoped(a)) {
    if (a.domainId) {
      a.userDomainId ??= a.domainId;
      a.projectDomainId ??= a.domainId;
      delete a.domainId;
    }
    if (a.domainName) {
      a.userDomainName ??= a.domainName;
      a.projectDomainName ??= a.domainName;
      delete a.domainName;
    }
  }

  const authTypeRaw = scalarString(raw.auth_type, 'auth_type', label, name, file);
  const authType = authTypeRaw ? normaliseAuthType(authTypeRaw, label, name, file) : inferAuthType(a);

  let regionName = scalarString(raw.region_name, 'region_name', label, name, file);
  if (!regionName && Array.isArray(raw.regions) && raw.regions.length > 0) {
    const first = raw.regions[0];
    regionName = scalarString(isMapping(first) ? first.name : first, 'regions entry', label, name, file);
  }

  const ifaceRaw = scalarString(raw.interface ?? raw.endpoint_type, 'interface', label, name, file);
  const iface = ifaceRaw ? normaliseInterface(ifaceRaw, label, name, file) : 'public';

  const insecure = truthy(raw.insecure);
  let verify = true;
  let cacert = scalarString(raw.cacert, 'cacert', label, name, file);
  if (typeof raw.verify === 'string' && truthy(raw.verify) === undefined) {
    cacert ??= raw.verify; // requests-style: verify may be a CA bundle path
  } else if (truthy(raw.verify) === false) {
    verify = false;
  }
  if (insecure === true) verify = false;

  const target: Target = { name, authType, auth: a, interface: iface, verify };
  if (regionName) target.regionName = regionName;
  if (cacert) target.cacert = cacert;
  checkCredentials(target, label, file);
  return target;
}

function checkCredentials(t: Target, label: string, file?: string): void {
  const a = t.auth;
  const fail = (what: string) => {
    throw new ConfigError(`${label} uses ${t.authType} authentication but ${what}.`, file, t.name);
  };
  switch (t.authType) {
    case 'password':
      if (!a.username && !a.userId) fail('has neither a username nor a user_id');
      if (a.password === undefined) fail('has no password');
      break;
    case 'token':
      if (!a.token) fail('has no token');
      break;
    case 'application_credential':
      if (!a.applicationCredentialSecret) fail('has no application_credential_secret');
      if (!a.applicationCredentialId && !a.applicationCredentialName) {
        fail('has neither an application_credential_id nor an application_credential_name');
      }
      if (!a.applicationCredentialId && !a.userId && !a.username) {
        fail('names its application credential without a user (user_id or username)');
      }
      break;
  }
}
