/**
 * Shared setup for the infrastructure unit tests (hosts, scheduler, aggregates, server groups):
 * a ComputeApi over throwaway stores with a given topology, hosts registered, and request specs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../../reference-cloud/core/auth-context';
import { systemClock } from '../../../reference-cloud/core/clock';
import { Microversion } from '../../../reference-cloud/core/microversion';
import type { ApiRequest, Route } from '../../../reference-cloud/core/service';
import { loadConfig } from '../../../reference-cloud/core/config';
import { createLogger } from '../../../reference-cloud/core/logging';
import { openStore } from '../../../reference-cloud/core/store';
import { Cells } from '../../../reference-cloud/compute/cells';
import type { ComputeApi, RequestSpec } from '../../../reference-cloud/compute/context';
import { registerHosts } from '../../../reference-cloud/compute/hosts';
import { apiMigrations } from '../../../reference-cloud/compute/migrations';
import type { InstanceFlavor } from '../../../reference-cloud/compute/models/flavors';
import { Scheduler } from '../../../reference-cloud/compute/scheduler';
import { readTopology } from '../../../reference-cloud/compute/topology';

export interface TestCompute {
  api: ComputeApi;
  dir: string;
  close(): void;
}

/** A compute API (no HTTP, no queues running) over a fresh or given data directory. */
export function openCompute(topology: Record<string, unknown> = {}, dir = mkdtempSync(join(tmpdir(), 'sp-infra-')), register = true): TestCompute {
  const config = loadConfig({ env: {}, overrides: { dataDir: dir, logLevel: 'silent' } });
  const store = openStore(dir, 'compute', apiMigrations, config.release);
  const log = createLogger('silent');
  const topo = readTopology(topology);
  const cells = new Cells(store, dir, config.release, log, topo);
  const clock = systemClock();
  const api = {
    config, clock, log, store, topology: topo, cells,
    delay: () => 0,
    now: () => clock.now().toISOString(),
    maxMicroversion: '2.93',
    quotas: { limit: () => -1, check: () => {}, checkGroupMembers: () => {}, checkMetadata: () => {} },
  } as unknown as ComputeApi;
  api.scheduler = new Scheduler(api);
  if (register) registerHosts(api);
  return {
    api,
    dir,
    close: () => {
      cells.close();
      store.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function flavor(over: Partial<InstanceFlavor> = {}): InstanceFlavor {
  return {
    flavorid: '1', name: 'm1.test', vcpus: 1, memory_mb: 1024, root_gb: 10, ephemeral_gb: 0, swap: 0,
    rxtx_factor: 1, is_public: true, description: null, extra_specs: {}, ...over,
  };
}

export function spec(over: Partial<RequestSpec> = {}): RequestSpec {
  return {
    instance_uuid: randomUUID(), project_id: 'p1', user_id: 'u1', request_id: 'req-1',
    flavor: flavor(),
    image: { id: 'img', name: 'cirros', properties: {}, min_disk: 0, min_ram: 0, size: 1 },
    availability_zone: null, force_host: null, scheduler_hints: {}, group_uuid: null,
    networks: 'none', security_groups: ['default'], block_device_mapping: [],
    ...over,
  };
}

/** A host's usage in the allocations table. */
export function used(api: ComputeApi, host: string): { vcpus: number; memory_mb: number; disk_gb: number; n: number } {
  return api.store.db.prepare('SELECT COALESCE(SUM(vcpus), 0) AS vcpus, COALESCE(SUM(memory_mb), 0) AS memory_mb, COALESCE(SUM(disk_gb), 0) AS disk_gb, COUNT(*) AS n FROM allocations WHERE host = ?').get(host) as
    { vcpus: number; memory_mb: number; disk_gb: number; n: number };
}

/** Creates a server group row and answers its uuid. */
export function group(api: ComputeApi, policy: string, rules: Record<string, number> = {}): { uuid: string; id: number } {
  const uuid = randomUUID();
  const id = Number(api.store.db.prepare('INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, rules, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(uuid, 'g', 'p1', 'u1', policy, JSON.stringify(rules), api.now()).lastInsertRowid);
  return { uuid, id };
}

export function addMember(api: ComputeApi, groupId: number, instanceUuid: string): void {
  api.store.db.prepare('INSERT INTO instance_group_members (group_id, instance_uuid) VALUES (?, ?)').run(groupId, instanceUuid);
}

/** The ApiError (or other error) a call throws. */
export function thrown(fn: () => unknown): { status?: number; message: string; name: string } {
  try {
    fn();
  } catch (e) {
    return e as { status?: number; message: string; name: string };
  }
  throw new Error('expected an error');
}

/** Callers as AuthContexts. */
export function caller(projectId: string, roles: string[]): AuthContext {
  return {
    token: 't', userId: `u-${projectId}`, userName: 'u', userDomainId: 'default', userDomainName: 'Default', projectId, roles,
    roleIds: [], methods: ['password'], auditIds: [], issuedAt: new Date(), expiresAt: new Date(Date.now() + 3600_000),
  };
}
export const ADMIN = caller('admin-project', ['admin', 'member', 'reader']);
export const MEMBER = caller('p1', ['member', 'reader']);
export const OTHER = caller('p2', ['member', 'reader']);
export const READER = caller('p1', ['reader']);

/**
 * Calls a route of a route table as the HTTP layer would (path parameters, query, microversion),
 * answering the reply, or the ApiError's status and message.
 */
export async function invoke(routes: Route[], method: string, url: string, opts: { auth?: AuthContext; mv?: string; body?: unknown } = {}): Promise<{ status: number; body: any; message?: string }> {
  const [path, qs = ''] = url.split('?');
  for (const r of routes) {
    if (r.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${r.path.replace(/:([a-z_]+)/g, (_m, n: string) => { names.push(n); return '([^/]+)'; })}$`);
    const m = re.exec(path);
    if (!m) continue;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(qs)) query[k] = k in query ? [query[k]].flat().concat(v) : v;
    const req = {
      id: 'req-test', method, url, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])), query, headers: {},
      body: opts.body, microversion: Microversion.of(opts.mv ?? '2.1'), auth: opts.auth ?? ADMIN, baseUrl: 'http://test/compute', log: createLogger('silent'),
    } as unknown as ApiRequest;
    try {
      const reply = await r.handler(req);
      return { status: reply.status, body: reply.body };
    } catch (e) {
      const err = e as { status?: number; message: string };
      if (err.status === undefined) throw e;
      return { status: err.status, body: undefined, message: err.message };
    }
  }
  throw new Error(`no route for ${method} ${path}`);
}
