/** Adds or replaces one cloud in a clouds.yaml file, keeping the others (and their comments). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, Document, isMap } from 'yaml';
import { AuthType, ConfigError, Target, TargetAuth } from './target';

const AUTH_TYPE_NAMES: Record<AuthType, string> = {
  password: 'v3password',
  token: 'v3token',
  application_credential: 'v3applicationcredential',
};

const AUTH_KEY_NAMES: Record<keyof TargetAuth, string> = {
  authUrl: 'auth_url',
  username: 'username',
  userId: 'user_id',
  password: 'password',
  projectName: 'project_name',
  projectId: 'project_id',
  projectDomainName: 'project_domain_name',
  projectDomainId: 'project_domain_id',
  userDomainName: 'user_domain_name',
  userDomainId: 'user_domain_id',
  domainName: 'domain_name',
  domainId: 'domain_id',
  systemScope: 'system_scope',
  applicationCredentialId: 'application_credential_id',
  applicationCredentialName: 'application_credential_name',
  applicationCredentialSecret: 'application_credential_secret',
  token: 'token',
};

/** The clouds.yaml mapping for one target (snake_case, as openstacksdk reads it). */
export function cloudEntryFor(target: Target): Record<string, unknown> {
  const auth: Record<string, string> = {};
  for (const [prop, key] of Object.entries(AUTH_KEY_NAMES) as [keyof TargetAuth, string][]) {
    const v = target.auth[prop];
    if (v !== undefined) auth[key] = v;
  }
  const entry: Record<string, unknown> = { auth_type: AUTH_TYPE_NAMES[target.authType], auth };
  if (target.regionName) entry.region_name = target.regionName;
  entry.interface = target.interface;
  entry.identity_api_version = 3;
  if (!target.verify) entry.verify = false;
  if (target.cacert) entry.cacert = target.cacert;
  return entry;
}

export function writeCloudsYaml(file: string, cloudName: string, target: Target): void {
  let doc: Document;
  if (fs.existsSync(file)) {
    doc = parseDocument(fs.readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) {
      throw new ConfigError(`${file} is not valid YAML, so it was left unchanged: ${doc.errors[0]!.message.split('\n')[0]}`, file);
    }
    if (doc.contents !== null && !isMap(doc.contents)) {
      throw new ConfigError(`${file} does not hold a mapping at its top level, so it was left unchanged.`, file);
    }
    if (doc.contents === null) doc = new Document({});
    const clouds = doc.get('clouds');
    if (clouds !== undefined && clouds !== null && !isMap(clouds)) {
      throw new ConfigError(`${file}: 'clouds' is not a mapping, so it was left unchanged.`, file);
    }
    if (clouds === undefined || clouds === null) doc.set('clouds', doc.createNode({}));
  } else {
    doc = new Document({ clouds: {} });
  }
  doc.setIn(['clouds', cloudName], doc.createNode(cloudEntryFor(target)));

  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, doc.toString(), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // in case the umask or an old tmp file got in the way
  fs.renameSync(tmp, file);
}
