/**
 * Shared setup for the conductor and action tests: a compute API over throwaway stores with the
 * real scheduler, quotas and conductor, its queues running, and fake image and network services
 * (the peers) that keep what they were asked in memory.
 */
import { randomUUID } from 'node:crypto';
import { WorkQueue } from '../../../reference-cloud/core/work-queue';
import type { BuildRequestInstance, ComputeApi, RequestSpec } from '../../../reference-cloud/compute/context';
import { Conductor } from '../../../reference-cloud/compute/conductor';
import type { InstanceRow } from '../../../reference-cloud/compute/models/instances';
import type { PeerCall, PeerReply, PeerService } from '../../../reference-cloud/compute/peers';
import { ComputeQuotas } from '../../../reference-cloud/compute/quota';
import { flavor, openCompute, spec as specOf, type TestCompute } from './infra-helpers';

/** The image servers boot from in these tests. */
export const IMG = '5fc2a0f4-6f3b-4e52-9c1b-7d1c0c1e2a01';

export interface FakePort { id: string; network_id: string; mac_address: string; fixed_ips: { subnet_id: string; ip_address: string }[]; device_id: string; device_owner: string; 'binding:host_id': string; project_id: string }

/** The image and network services as far as the conductor uses them. */
export class FakePeers {
  networks = [{ id: 'net-1', name: 'private', project_id: 'p1', shared: false }];
  ports = new Map<string, FakePort>();
  images = new Map<string, Record<string, unknown>>();
  uploads: string[] = [];
  calls: string[] = [];

  async has(): Promise<boolean> {
    return true;
  }

  async baseUrl(peer: PeerService): Promise<string> {
    return `http://peers/${peer}`;
  }

  async call<T = unknown>(peer: PeerService, method: string, path: string, opts: PeerCall = {}): Promise<PeerReply<T>> {
    this.calls.push(`${peer} ${method} ${path}`);
    const reply = (status: number, body?: unknown) => ({ status, headers: {}, body: body as T });
    const [p, qs = ''] = path.split('?');
    const q = new URLSearchParams(qs);
    if (peer === 'network') {
      if (method === 'GET' && p === '/v2.0/networks') {
        const shared = q.get('shared');
        return reply(200, { networks: this.networks.filter((n) => (shared === 'true' ? n.shared : (!q.get('project_id') || n.project_id === q.get('project_id')) && !n.shared)) });
      }
      const net = /^\/v2\.0\/networks\/(.+)$/.exec(p);
      if (method === 'GET' && net) {
        const n = this.networks.find((x) => x.id === net[1]);
        return n ? reply(200, { network: n }) : reply(404);
      }
      if (method === 'GET' && p === '/v2.0/security-groups') return reply(200, { security_groups: [] });
      if (method === 'GET' && p === '/v2.0/ports') return reply(200, { ports: [...this.ports.values()].filter((x) => x.device_id === q.get('device_id')) });
      if (method === 'POST' && p === '/v2.0/ports') {
        const b = (opts.body as { port: Partial<FakePort> }).port;
        const id = randomUUID();
        const port: FakePort = {
          id, network_id: String(b.network_id), mac_address: 'fa:16:3e:00:00:01', fixed_ips: [{ subnet_id: 'sub-1', ip_address: `10.0.0.${this.ports.size + 2}` }],
          device_id: String(b.device_id), device_owner: String(b.device_owner), 'binding:host_id': String(b['binding:host_id']), project_id: String(b.project_id),
        };
        this.ports.set(id, port);
        return reply(201, { port });
      }
      const one = /^\/v2\.0\/ports\/(.+)$/.exec(p);
      if (one) {
        const port = this.ports.get(one[1]);
        if (!port) return reply(404);
        if (method === 'DELETE') { this.ports.delete(one[1]); return reply(204); }
        if (method === 'PUT') { Object.assign(port, (opts.body as { port: Partial<FakePort> }).port); return reply(200, { port }); }
      }
    }
    if (peer === 'image') {
      if (method === 'POST' && p === '/v2/images') {
        const id = randomUUID();
        this.images.set(id, { ...(opts.body as Record<string, unknown>), id, status: 'queued' });
        return reply(201, this.images.get(id));
      }
      const file = /^\/v2\/images\/(.+)\/file$/.exec(p);
      if (method === 'PUT' && file) {
        const img = this.images.get(file[1]);
        if (!img) return reply(404);
        img.status = 'active';
        this.uploads.push(file[1]);
        return reply(204);
      }
      const one = /^\/v2\/images\/(.+)$/.exec(p);
      if (one && method === 'GET') {
        if (one[1] === 'img' || one[1] === IMG) return reply(200, { id: one[1], status: 'active', container_format: 'bare', disk_format: 'qcow2', min_ram: 0, min_disk: 0 });
        const img = this.images.get(one[1]);
        return img ? reply(200, img) : reply(404);
      }
      if (one && method === 'DELETE') return reply(this.images.delete(one[1]) ? 204 : 404);
    }
    return reply(404);
  }
}

export interface ConductorCompute extends TestCompute {
  peers: FakePeers;
  /** Waits until no queue has work left. */
  settle(): Promise<void>;
}

/** A compute API with the real conductor and its queues running (one cell, two hosts by default). */
export function openConductor(topology: Record<string, unknown> = { cells: 1, host_count: 2, zones: ['nova'] }, dir?: string, start = true): ConductorCompute {
  const t = openCompute(topology, dir);
  const api = t.api;
  const peers = new FakePeers();
  api.queue = new WorkQueue(api.store, api.log);
  api.peers = peers as unknown as ComputeApi['peers'];
  api.quotas = new ComputeQuotas(api);
  api.conductor = new Conductor(api);
  if (start) {
    api.queue.start();
    api.cells.start();
  }
  const pending = () => api.queue.pending().length + api.cells.all().reduce((n, c) => n + c.queue.pending().length, 0);
  return {
    ...t,
    peers,
    async settle() {
      for (let i = 0; i < 200; i++) {
        await api.queue.idle();
        await api.cells.idle();
        if (pending() === 0) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error('the queues did not settle');
    },
    close() {
      api.queue.close();
      t.close();
    },
  };
}

/** Accepts a server as the servers API does: mapping, request spec, build request, then the conductor's job. */
export function acceptServer(api: ComputeApi, over: Partial<RequestSpec> = {}, inst: Partial<InstanceRow> = {}): string {
  const s = specOf(over);
  const now = api.now();
  const b: BuildRequestInstance = {
    uuid: s.instance_uuid, project_id: s.project_id, user_id: s.user_id, display_name: 'srv', display_description: null, hostname: 'srv',
    host: null, node: null, availability_zone: null, vm_state: 'building', task_state: 'scheduling', power_state: 0,
    flavor: JSON.stringify(s.flavor), old_flavor: null, new_flavor: null, image_ref: 'img', key_name: null, key_data: null, user_data: null,
    config_drive: '', access_ip_v4: null, access_ip_v6: null, locked: 0, locked_by: null, locked_reason: null, reservation_id: 'r-1',
    launch_index: 0, root_device_name: null, kernel_id: '', ramdisk_id: '', progress: 0, security_groups: '["default"]',
    created_at: now, updated_at: null, launched_at: null, terminated_at: null, deleted_at: null, deleted: 0,
    metadata: { k: 'v' }, tags: ['t1'], ...inst,
  };
  api.store.tx(() => {
    api.store.db.prepare('INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, vcpus, memory_mb, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?)')
      .run(b.uuid, b.project_id, b.user_id, s.flavor.vcpus, s.flavor.memory_mb, now);
    api.store.db.prepare('INSERT INTO request_specs (instance_uuid, spec) VALUES (?, ?)').run(b.uuid, JSON.stringify(s));
    api.store.db.prepare('INSERT INTO build_requests (instance_uuid, project_id, instance, created_at) VALUES (?, ?, ?, ?)').run(b.uuid, b.project_id, JSON.stringify(b), now);
    api.conductor.scheduleAndBuild(b.uuid);
  });
  return b.uuid;
}

/** The instance row wherever it is (deleted or not). */
export function row(api: ComputeApi, uuid: string): InstanceRow | undefined {
  for (const c of api.cells.all()) {
    const r = c.db.prepare('SELECT * FROM instances WHERE uuid = ?').get(uuid) as InstanceRow | undefined;
    if (r) return r;
  }
  return undefined;
}

export function allocations(api: ComputeApi): { consumer_uuid: string; host: string; vcpus: number; memory_mb: number }[] {
  return api.store.db.prepare('SELECT consumer_uuid, host, vcpus, memory_mb FROM allocations ORDER BY consumer_uuid').all() as
    { consumer_uuid: string; host: string; vcpus: number; memory_mb: number }[];
}

export function mapping(api: ComputeApi, uuid: string): { cell_id: number | null; vcpus: number; memory_mb: number; queued_for_delete: number } {
  return api.store.db.prepare('SELECT cell_id, vcpus, memory_mb, queued_for_delete FROM instance_mappings WHERE instance_uuid = ?').get(uuid) as
    { cell_id: number | null; vcpus: number; memory_mb: number; queued_for_delete: number };
}

export function events(api: ComputeApi, uuid: string): { action: string; message: string | null; event: string | null; result: string | null }[] {
  const r = row(api, uuid);
  if (!r) return [];
  const cell = api.cells.all().find((c) => c.db.prepare('SELECT 1 FROM instances WHERE uuid = ?').get(uuid))!;
  return cell.db.prepare(
    'SELECT a.action, a.message, e.event, e.result FROM instance_actions a LEFT JOIN instance_actions_events e ON e.action_id = a.id WHERE a.instance_uuid = ? ORDER BY a.id, e.id',
  ).all(uuid) as { action: string; message: string | null; event: string | null; result: string | null }[];
}

export { flavor };
