/**
 * Shared setup for the volume API tests: an embedded cloud (identity, image, block storage) on
 * a free port, an admin, two projects with a member each and a reader, and a Cinder client that
 * speaks HTTP with a microversion.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig, type CloudConfig } from '../../../reference-cloud/core/config';

type Overrides = Partial<CloudConfig>;
import { blockStorageService } from '../../../reference-cloud/block-storage';
import { identityService } from '../../../reference-cloud/identity';
import { imageService } from '../../../reference-cloud/image';

export interface Reply { status: number; headers: Headers; body: any; text: string }

export interface Cinder {
  cloud: RunningCloud;
  admin: string;
  member: string;
  reader: string;
  other: string;
  /** The member's project id (alpha) and the other's (beta). */
  alpha: string;
  beta: string;
  adminProject: string;
  call(token: string, method: string, path: string, body?: unknown, mv?: string, headers?: Record<string, string>): Promise<Reply>;
  waitFor(token: string, path: string, pick: (body: any) => unknown, want: unknown): Promise<any>;
  imageUrl: string;
  baseUrl: string;
}

export async function startCinder(overrides: Overrides = {}): Promise<Cinder> {
  const cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10, ...overrides } }), {
    services: [identityService, imageService, blockStorageService],
  });
  return connect(cloud);
}

export async function connect(cloud: RunningCloud): Promise<Cinder> {
  const baseUrl = cloud.endpoints.find((e) => e.catalogType === 'block-storage')!.url.replace(/\/v3\/\$\(project_id\)s$/, '');
  const imageUrl = cloud.endpoints.find((e) => e.catalogType === 'image')!.url;
  const tokenFor = async (user: string, password: string, project: string): Promise<string> => {
    const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { project: { name: project, domain: { id: 'default' } } } } }),
    });
    assert.equal(res.status, 201, `token for ${user}`);
    return res.headers.get('x-subject-token')!;
  };
  const admin = await tokenFor('admin', cloud.admin.password, 'admin');
  const identity = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${cloud.authUrl}${path}`, { method, headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const t = await res.text();
    return t ? JSON.parse(t) : undefined;
  };
  const projectId = async (name: string): Promise<string> => {
    const found = (await identity('GET', `/projects?name=${name}`)).projects[0];
    return found ? found.id : (await identity('POST', '/projects', { project: { name, domain_id: 'default' } })).project.id;
  };
  const roles = (await identity('GET', '/roles')).roles as { id: string; name: string }[];
  const userIn = async (project: string, pid: string, name: string, role: string): Promise<string> => {
    const existing = (await identity('GET', `/users?name=${name}`)).users[0];
    const u = existing ?? (await identity('POST', '/users', { user: { name, password: 'pw-123456', domain_id: 'default' } })).user;
    await identity('PUT', `/projects/${pid}/users/${u.id}/roles/${roles.find((r) => r.name === role)!.id}`);
    return tokenFor(name, 'pw-123456', project);
  };
  const alpha = await projectId('alpha');
  const beta = await projectId('beta');
  const adminProject = await projectId('admin');
  const member = await userIn('alpha', alpha, 'alice', 'member');
  const reader = await userIn('alpha', alpha, 'rita', 'reader');
  const other = await userIn('beta', beta, 'bob', 'member');
  const call = async (token: string, method: string, path: string, body?: unknown, mv?: string, headers: Record<string, string> = {}): Promise<Reply> => {
    const h: Record<string, string> = { 'X-Auth-Token': token, ...headers };
    if (body !== undefined) h['Content-Type'] ??= 'application/json';
    if (mv) h['OpenStack-API-Version'] = `volume ${mv}`;
    const res = await fetch(`${baseUrl}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  const waitFor = async (token: string, path: string, pick: (body: any) => unknown, want: unknown): Promise<any> => {
    let last: unknown;
    for (let n = 0; n < 200; n++) {
      const r = await call(token, 'GET', path);
      last = pick(r.body);
      if (last === want) return r.body;
      await new Promise((ok) => setTimeout(ok, 25));
    }
    throw new Error(`${path} never reached ${String(want)} (last ${String(last)})`);
  };
  return { cloud, admin, member, reader, other, alpha, beta, adminProject, call, waitFor, imageUrl, baseUrl };
}

const FIX = join(__dirname, '../../fixtures/cinder-zed');
export const recorded = (name: string): { request: any; response: any } => JSON.parse(readFileSync(join(FIX, `${name}.json`), 'utf8'));
