/** Shared setup for the identity unit tests: an in-process cloud and a small HTTP client. */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function startTestCloud(): Promise<RunningCloud> {
  return startCloud(
    loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }),
    { services: ALL_SERVICES },
  );
}

/** One request against the cloud's identity service; `path` starts at /v3. */
export async function call(cloud: RunningCloud, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Reply> {
  const base = cloud.authUrl.replace(/\/v3$/, '');
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export type Scope =
  | { project: string } // project id
  | { domain: string } // domain id
  | { system: true }
  | 'unscoped';

/** POST /v3/auth/tokens with a password; returns the token or throws with the error body. */
export async function login(cloud: RunningCloud, userId: string, password: string, scope?: Scope): Promise<string> {
  const r = await auth(cloud, userId, password, scope);
  assert.equal(r.status, 201, `login of ${userId} failed: ${r.text}`);
  return r.headers.get('x-subject-token')!;
}

export async function auth(cloud: RunningCloud, userId: string, password: string, scope?: Scope): Promise<Reply> {
  const body: Record<string, unknown> = {
    identity: { methods: ['password'], password: { user: { id: userId, password } } },
  };
  if (scope === 'unscoped') body.scope = 'unscoped';
  else if (scope && 'project' in scope) body.scope = { project: { id: scope.project } };
  else if (scope && 'domain' in scope) body.scope = { domain: { id: scope.domain } };
  else if (scope && 'system' in scope) body.scope = { system: { all: true } };
  return call(cloud, 'POST', '/v3/auth/tokens', { body: { auth: body } });
}

/** The admin's project-scoped token (admin on the admin project). */
export async function adminToken(cloud: RunningCloud): Promise<string> {
  const r = await call(cloud, 'POST', '/v3/auth/tokens', {
    body: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: cloud.admin.password } } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.headers.get('x-subject-token')!;
}

/** Whether a token still validates (GET /v3/auth/tokens with the token as both headers). */
export async function tokenValid(cloud: RunningCloud, token: string): Promise<boolean> {
  const r = await call(cloud, 'GET', '/v3/auth/tokens', { token, headers: { 'X-Subject-Token': token } });
  return r.status === 200;
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** Fixtures built through the API as admin: a project, a user with a role on it. */
export class World {
  constructor(readonly cloud: RunningCloud, readonly admin: string) {}

  async roleId(name: string): Promise<string> {
    const r = await call(this.cloud, 'GET', `/v3/roles?name=${encodeURIComponent(name)}`, { token: this.admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.roles.length, 1, `role ${name}`);
    return r.body.roles[0].id;
  }

  async project(name = unique('proj'), domainId = 'default'): Promise<any> {
    const r = await call(this.cloud, 'POST', '/v3/projects', { token: this.admin, body: { project: { name, domain_id: domainId } } });
    assert.equal(r.status, 201, r.text);
    return r.body.project;
  }

  async domain(name = unique('dom')): Promise<any> {
    const r = await call(this.cloud, 'POST', '/v3/domains', { token: this.admin, body: { domain: { name } } });
    assert.equal(r.status, 201, r.text);
    return r.body.domain;
  }

  async user(opts: { name?: string; password?: string; domainId?: string; extra?: Record<string, unknown> } = {}): Promise<{ id: string; name: string; password: string; body: any }> {
    const name = opts.name ?? unique('user');
    const password = opts.password ?? `pw-${name}`;
    const r = await call(this.cloud, 'POST', '/v3/users', {
      token: this.admin, body: { user: { name, password, domain_id: opts.domainId ?? 'default', ...(opts.extra ?? {}) } },
    });
    assert.equal(r.status, 201, r.text);
    return { id: r.body.user.id, name, password, body: r.body.user };
  }

  async grant(path: string): Promise<void> {
    const r = await call(this.cloud, 'PUT', path, { token: this.admin });
    assert.equal(r.status, 204, `${path}: ${r.text}`);
  }

  /** A user holding `role` on a fresh (or given) project, logged in project-scoped. */
  async member(role = 'member', projectId?: string): Promise<{ id: string; password: string; projectId: string; token: string }> {
    const p = projectId ?? (await this.project()).id;
    const u = await this.user();
    await this.grant(`/v3/projects/${p}/users/${u.id}/roles/${await this.roleId(role)}`);
    const token = await login(this.cloud, u.id, u.password, { project: p });
    return { id: u.id, password: u.password, projectId: p, token };
  }
}

// ---- response schemas (schemas/identity/*.json) ---------------------------------------------

let ajv: Ajv2020 | undefined;
function schemas(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const dir = join(__dirname, '..', '..', '..', 'schemas', 'identity');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), 'utf8')));
  return ajv;
}

/** Asserts a body matches schemas/identity/<name>.json (e.g. 'identity/user'). */
export function assertSchema(id: string, body: unknown): void {
  const fn = schemas().getSchema(id);
  assert.ok(fn, `no schema ${id}`);
  const ok = fn(body);
  assert.ok(ok, `${id}: ${JSON.stringify(fn.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 2000)}`);
}

/** Asserts a Keystone error envelope with this status and exact message. */
export function assertError(r: Reply, status: number, message: string | RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body?.error?.code, status, r.text);
  if (typeof message === 'string') assert.equal(r.body.error.message, message);
  else assert.match(r.body.error.message, message);
}

export const denied = (rule: string) => `You are not authorized to perform the requested action: ${rule}.`;

/** Starts one cloud for a test file (before) and stops it (after); hands the file its cloud, admin token and World. */
export function useTestCloud(assign: (c: { cloud: RunningCloud; admin: string; w: World }) => void): void {
  let cloud: RunningCloud | undefined;
  before(async () => {
    cloud = await startTestCloud();
    const admin = await adminToken(cloud);
    assign({ cloud, admin, w: new World(cloud, admin) });
  });
  after(async () => {
    await cloud?.close();
  });
}
