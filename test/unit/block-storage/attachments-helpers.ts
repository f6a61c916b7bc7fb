/**
 * Shared setup for the attachment and backup tests: a block-storage API over a throwaway store
 * (the real schema), volume rows inserted directly, callers as AuthContexts, a token validator
 * that knows one service token, and a route caller that passes headers and microversions as the
 * HTTP layer does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../../reference-cloud/core/auth-context';
import { systemClock } from '../../../reference-cloud/core/clock';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ApiError } from '../../../reference-cloud/core/errors';
import { createLogger } from '../../../reference-cloud/core/logging';
import { Microversion } from '../../../reference-cloud/core/microversion';
import type { ApiRequest, Route } from '../../../reference-cloud/core/service';
import { openStore } from '../../../reference-cloud/core/store';
import { WorkQueue } from '../../../reference-cloud/core/work-queue';
import type { BlockStorageApi, VolumeRow } from '../../../reference-cloud/block-storage/context';
import { blockStorageMigrations } from '../../../reference-cloud/block-storage/migrations';

export function caller(projectId: string, roles: string[], token = `tok-${projectId}`): AuthContext {
  return {
    token, userId: `u-${projectId}`, userName: 'u', userDomainId: 'default', userDomainName: 'Default', projectId, roles,
    roleIds: [], methods: ['password'], auditIds: [], issuedAt: new Date(), expiresAt: new Date(Date.now() + 3600_000),
  };
}
export const ADMIN = caller('admin-project', ['admin', 'member', 'reader']);
export const MEMBER = caller('p1', ['member', 'reader']);
export const OTHER = caller('p2', ['member', 'reader']);
/** The compute service user's token (roles service and admin in project service). */
export const SERVICE_TOKEN = 'svc-token';
const SERVICE = caller('service', ['service', 'admin', 'member', 'reader'], SERVICE_TOKEN);

export interface TestBlockStorage {
  api: BlockStorageApi;
  dir: string;
  /** Closes the store; removes its directory unless `keep` (a restart test reopens it). */
  close(keep?: boolean): void;
}

export function openBlockStorage(dir = mkdtempSync(join(tmpdir(), 'sp-cinder-'))): TestBlockStorage {
  const config = loadConfig({ env: {}, overrides: { dataDir: dir, logLevel: 'silent' } });
  const store = openStore(dir, 'block-storage', blockStorageMigrations, config.release);
  const log = createLogger('silent');
  const clock = systemClock();
  const api = {
    config, clock, log, store,
    topology: { backends: [], zones: ['nova'], defaultType: 'lvmdriver-1' },
    queue: new WorkQueue(store, log),
    actions: new Map(),
    validateToken: async (t: string) => {
      if (t === SERVICE_TOKEN) return SERVICE;
      if (t.startsWith('tok-')) return caller(t.slice(4), ['member', 'reader'], t);
      throw new ApiError(401, 'The request you have made requires authentication.');
    },
    delay: () => 0,
    now: () => clock.now().toISOString(),
    maxMicroversion: '3.70',
    quotas: { check: () => {} },
    scheduler: { pick: () => 'stackproof@lvmdriver-1#lvmdriver-1' },
  } as unknown as BlockStorageApi;
  store.db.prepare("INSERT OR IGNORE INTO volume_types (id, name, created_at) VALUES ('type-1', 'lvmdriver-1', ?)").run(api.now());
  return {
    api,
    dir,
    close: (keep = false) => {
      api.queue.close();
      store.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Inserts a volume row as the volume service would have left it. */
export function addVolume(api: BlockStorageApi, over: Partial<VolumeRow> = {}): VolumeRow {
  const v: VolumeRow = {
    id: randomUUID(), project_id: 'p1', user_id: 'u-p1', name: 'vol', description: null, size: 1, status: 'available', attach_status: 'detached',
    migration_status: null, availability_zone: 'nova', volume_type_id: 'type-1', host: null, snapshot_id: null, source_volid: null, image_id: null,
    bootable: 0, multiattach: 0, encrypted: 0, consumes_quota: 1, created_at: api.now(), updated_at: null, launched_at: null, terminated_at: null, ...over,
  };
  const cols = Object.keys(v);
  api.store.db.prepare(`INSERT INTO volumes (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((k) => (v as unknown as Record<string, unknown>)[k]));
  return v;
}

export function volume(api: BlockStorageApi, id: string): VolumeRow {
  return api.store.db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow;
}

export interface CallOptions { auth?: AuthContext; mv?: string; body?: unknown; headers?: Record<string, string> }

/** Calls a route as the HTTP layer would; answers the reply or the ApiError's status and message. */
export async function call(routes: Route[], method: string, url: string, opts: CallOptions = {}): Promise<{ status: number; body: any; message?: string }> {
  const [path, qs = ''] = url.split('?');
  for (const r of routes) {
    if (r.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${r.path.replace(/:([a-z_]+)/g, (_m, n: string) => { names.push(n); return '([^/]+)'; })}$`);
    const m = re.exec(path);
    if (!m) continue;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(qs)) query[k] = k in query ? [query[k]].flat().concat(v) : v;
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const req = {
      id: 'req-test', method, url, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])), query, headers,
      body: opts.body, microversion: Microversion.of(opts.mv ?? '3.0'), auth: opts.auth ?? MEMBER, baseUrl: 'http://test/volume', log: createLogger('silent'),
    } as unknown as ApiRequest;
    try {
      const reply = await r.handler(req);
      return { status: reply.status, body: reply.body };
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: undefined, message: e.message };
      throw e;
    }
  }
  throw new Error(`no route for ${method} ${path}`);
}

/** Runs a volume action of `api.actions` as the other engineer's dispatcher does. */
export async function action(api: BlockStorageApi, volumeId: string, name: string, arg: unknown, opts: CallOptions = {}): Promise<{ status: number; body: any; message?: string }> {
  const fn = api.actions.get(name);
  if (!fn) throw new Error(`no action ${name}`);
  const req = {
    id: 'req-test', method: 'POST', url: '', params: {}, query: {}, headers: Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: { [name]: arg }, microversion: Microversion.of(opts.mv ?? '3.0'), auth: opts.auth ?? MEMBER, baseUrl: 'http://test/volume', log: createLogger('silent'),
  } as unknown as ApiRequest;
  try {
    const reply = await fn(req, volume(api, volumeId), arg);
    return { status: reply.status, body: reply.body };
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: undefined, message: e.message };
    throw e;
  }
}
