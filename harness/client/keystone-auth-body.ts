/** The body of POST /v3/auth/tokens for a Target: identity method and scope. */
import type { Target, TargetAuth } from '../config/target';

type Json = Record<string, unknown>;

function domainRef(id?: string, name?: string): Json | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

function userRef(a: TargetAuth): Json {
  if (a.userId) return { id: a.userId };
  const user: Json = { name: a.username };
  const domain = domainRef(a.userDomainId, a.userDomainName);
  if (domain) user.domain = domain;
  return user;
}

function identity(target: Target, token?: string): Json {
  const a = target.auth;
  switch (target.authType) {
    case 'password':
      return { methods: ['password'], password: { user: { ...userRef(a), password: a.password } } };
    case 'token':
      return { methods: ['token'], token: { id: token ?? a.token } };
    case 'application_credential': {
      const cred: Json = { secret: a.applicationCredentialSecret };
      if (a.applicationCredentialId) cred.id = a.applicationCredentialId;
      else {
        cred.name = a.applicationCredentialName;
        cred.user = userRef(a);
      }
      return { methods: ['application_credential'], application_credential: cred };
    }
  }
}

/** project, domain or system scope; undefined for unscoped (and for application credentials). */
export function scopeFor(target: Target): Json | undefined {
  if (target.authType === 'application_credential') return undefined; // the credential carries it
  const a = target.auth;
  if (a.projectId) return { project: { id: a.projectId } };
  if (a.projectName) {
    const project: Json = { name: a.projectName };
    const domain = domainRef(a.projectDomainId, a.projectDomainName);
    if (domain) project.domain = domain;
    return { project };
  }
  const domain = domainRef(a.domainId, a.domainName);
  if (domain) return { domain };
  if (a.systemScope) return { system: { [a.systemScope]: true } };
  return undefined;
}

export function authRequestBody(target: Target): Json {
  const auth: Json = { identity: identity(target) };
  const scope = scopeFor(target);
  if (scope) auth.scope = scope;
  return { auth };
}
