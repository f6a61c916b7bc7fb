/** What the harness talks to: one cloud, resolved from clouds.yaml or OS_* variables. */

export type AuthType = 'password' | 'token' | 'application_credential';
export type Interface = 'public' | 'internal' | 'admin';

export interface TargetAuth {
  authUrl: string;
  username?: string;
  userId?: string;
  password?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  userDomainName?: string;
  userDomainId?: string;
  domainName?: string;
  domainId?: string;
  systemScope?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  token?: string;
}

export interface Target {
  name: string;
  authType: AuthType;
  auth: TargetAuth;
  regionName?: string;
  interface: Interface;
  verify: boolean;
  cacert?: string;
}

/** A clouds.yaml or environment problem, said in one sentence. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file?: string,
    readonly cloud?: string,
  ) {
    super(message);
  }
}
