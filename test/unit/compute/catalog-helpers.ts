/**
 * Shared setup for the catalog unit tests (flavors, keypairs, quotas, usage): a whole cloud with
 * compute over HTTP, the admin's token, members of fresh projects, and a compute client that
 * names a microversion.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { computeService } from '../../../reference-cloud/compute';
import { identityService } from '../../../reference-cloud/identity';
import { imageService } from '../../../reference-cloud/image';
import { networkService } from '../../../reference-cloud/network';

export interface Reply { status: number; body: any; text: string; headers: Headers }

export interface Catalog {
  cloud: RunningCloud;
  admin: string;
  adminUserId: string;
  adminProjectId: string;
}

async function send(url: string, method: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}, raw?: string): Promise<Reply> {
  const h: Record<string, string> = { ...headers };
  if (token) h['X-Auth-Token'] = token;
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** One compute call; `path` starts after /v2.1. */
export function nova(c: Catalog, method: string, path: string, token: string, opts: { mv?: string; body?: unknown; raw?: string } = {}): Promise<Reply> {
  const base = c.cloud.endpoints.find((e) => e.service === 'compute')!.url.replace(/\/v2\.1$/, '');
  return send(`${base}/v2.1${path}`, method, token, opts.body, opts.mv ? { 'OpenStack-API-Version': `compute ${opts.mv}` } : {}, opts.raw);
}

function identity(c: Catalog, method: string, path: string, body?: unknown): Promise<Reply> {
  return send(`${c.cloud.authUrl}${path}`, method, c.admin, body);
}

async function login(c: Catalog, body: unknown): Promise<{ token: string; userId: string; projectId: string }> {
  const r = await send(`${c.cloud.authUrl}/auth/tokens`, 'POST', undefined, body);
  assert.equal(r.status, 201, r.text);
  return { token: r.headers.get('x-subject-token')!, userId: r.body.token.user.id, projectId: r.body.token.project.id };
}

/** A user with `roles` on a new project, logged in to it. */
export async function member(c: Catalog, roles: string[] = ['member']): Promise<{ token: string; userId: string; projectId: string }> {
  const name = `cat-${randomUUID().slice(0, 8)}`;
  const p = await identity(c, 'POST', '/projects', { project: { name, domain_id: 'default' } });
  const u = await identity(c, 'POST', '/users', { user: { name, password: `pw-${name}`, domain_id: 'default' } });
  for (const role of roles) {
    const r = await identity(c, 'GET', `/roles?name=${role}`);
    await identity(c, 'PUT', `/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${r.body.roles[0].id}`);
  }
  return login(c, { auth: { identity: { methods: ['password'], password: { user: { id: u.body.user.id, password: `pw-${name}` } } }, scope: { project: { id: p.body.project.id } } } });
}

/** A cloud with compute for the test file, closed after it. */
export function useCatalogCloud(assign: (c: Catalog) => void): void {
  let cloud: RunningCloud | undefined;
  before(async () => {
    cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), {
      services: [identityService, imageService, networkService, computeService],
    });
    const partial = { cloud, admin: '', adminUserId: '', adminProjectId: '' } as Catalog;
    const a = await login(partial, {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    });
    assign({ cloud, admin: a.token, adminUserId: a.userId, adminProjectId: a.projectId });
  });
  after(async () => {
    await cloud?.close();
  });
}

export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
