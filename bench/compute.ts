/**
 * Compute bench, with zero delays (the cloud under bench runs with the topology run.ts writes:
 * 4 large hosts over 2 cells, so capacity never limits):
 *   - boot-to-ACTIVE latency of one server at a time (p50, p95): POST /servers to the first GET
 *     that shows ACTIVE, polling every 2 ms;
 *   - boots per second sustained by 20 concurrent clients for BENCH_SECONDS, counting servers
 *     that reached ACTIVE (not only accepted), each client polling its server every 20 ms;
 *   - GET /servers/detail latency with BENCH_SERVERS (10,000) servers across the 2 cells: the
 *     first page and a deep page of 100 (by marker), and a walk over every page.
 */
import type { Pool } from 'undici';
import { SECONDS, rssMb, type BenchEnv } from './lib';

const TOTAL = Number(process.env.BENCH_SERVERS ?? 10_000);
const BASE = '/compute/v2.1';
const MV = { 'openstack-api-version': 'compute 2.79' };

async function call(pool: Pool, token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await pool.request({
    method, path, headers: { 'x-auth-token': token, ...MV, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.body.text();
  return { status: r.statusCode, json: text ? JSON.parse(text) : undefined };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function boot(pool: Pool, token: string, name: string, image: string, count = 1): Promise<string> {
  const r = await call(pool, token, 'POST', `${BASE}/servers`, {
    server: { name, imageRef: image, flavorRef: '42', networks: 'none', ...(count > 1 ? { min_count: count, max_count: count, return_reservation_id: true } : {}) },
  });
  if (r.status !== 202) throw new Error(`boot answered ${r.status}: ${JSON.stringify(r.json)}`);
  return count > 1 ? r.json.reservation_id : r.json.server.id;
}

async function untilActive(pool: Pool, token: string, id: string, pollMs = 2): Promise<void> {
  for (let i = 0; i * pollMs < 60_000; i++) {
    const r = await call(pool, token, 'GET', `${BASE}/servers/${id}`);
    const status = r.json?.server?.status;
    if (status === 'ACTIVE' && r.json.server['OS-EXT-STS:task_state'] === null) return;
    if (status === 'ERROR' || r.status !== 200) throw new Error(`server ${id}: ${r.status} ${JSON.stringify(r.json)}`);
    await new Promise((res) => setTimeout(res, pollMs));
  }
  throw new Error(`server ${id} not ACTIVE after 60 s`);
}

async function count(pool: Pool, token: string, query: string): Promise<number> {
  let n = 0;
  let marker = '';
  for (;;) {
    const r = await call(pool, token, 'GET', `${BASE}/servers?limit=1000${query}${marker ? `&marker=${marker}` : ''}`);
    n += r.json.servers.length;
    if (!r.json.servers_links) return n;
    marker = r.json.servers[r.json.servers.length - 1].id;
  }
}

async function latency(pool: Pool, token: string, path: string, rounds: number): Promise<{ p50: number; p99: number }> {
  const lat: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const r = await pool.request({ method: 'GET', path, headers: { 'x-auth-token': token, ...MV } });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(`${path} answered ${r.statusCode}`);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

export async function benchCompute(env: BenchEnv): Promise<void> {
  const { pool, token } = env;
  const images = await call(pool, token, 'GET', '/image/v2/images?name=cirros');
  const image = images.json.images[0]?.id as string;
  if (!image) throw new Error('no cirros image');
  const me = await pool.request({ method: 'GET', path: '/identity/v3/auth/tokens', headers: { 'x-auth-token': token, 'x-subject-token': token } });
  const projectId = ((await me.body.json()) as any).token.project.id as string;
  const q = await call(pool, token, 'PUT', `${BASE}/os-quota-sets/${projectId}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
  if (q.status !== 200) throw new Error(`quota update answered ${q.status}`);

  // Boot-to-ACTIVE, one at a time.
  const lat: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const id = await boot(pool, token, `bench-latency-${i}`, image);
    await untilActive(pool, token, id);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  console.log(`boot-to-ACTIVE (1 at a time)  p50 ${pct(lat, 0.5).toFixed(1)} ms, p95 ${pct(lat, 0.95).toFixed(1)} ms (50 boots, zero delays)`);

  // Sustained boots with 20 clients: each boots and waits for ACTIVE (polling every 20 ms, so
  // that the polls do not crowd out the boots), then boots again.
  const end = Date.now() + SECONDS * 1000;
  let active = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 20 }, async (_, w) => {
    for (let i = 0; Date.now() < end; i++) {
      const id = await boot(pool, token, `bench-rate-${w}-${i}`, image);
      await untilActive(pool, token, id, 20);
      active++;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  console.log(`boots to ACTIVE, 20 clients    ${(active / secs).toFixed(1)} /s  (${active} servers in ${secs.toFixed(1)} s)`);

  // Fill up to TOTAL servers, 100 per request (min_count/max_count), then wait for all ACTIVE.
  let have = await count(pool, token, '');
  const tFill = performance.now();
  const batches: Promise<string>[] = [];
  for (let b = 0; have < TOTAL; b++) {
    const n = Math.min(100, TOTAL - have);
    batches.push(boot(pool, token, `bench-fill-${b}`, image, n));
    have += n;
    if (batches.length >= 8) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
  for (;;) {
    const building = await count(pool, token, '&status=BUILD');
    if (building === 0) break;
    if (performance.now() - tFill > 600_000) throw new Error(`${building} servers still building after 10 min`);
    await new Promise((res) => setTimeout(res, 500));
  }
  const total = await count(pool, token, '');
  console.log(`filled to ${total} servers       in ${((performance.now() - tFill) / 1000).toFixed(1)} s; RSS ${rssMb(env.pid).toFixed(0)} MB`);

  const first = await latency(pool, token, `${BASE}/servers/detail?limit=100`, 100);
  const page = await call(pool, token, 'GET', `${BASE}/servers?limit=${Math.floor(total / 2)}`);
  const deepMarker = page.json.servers[page.json.servers.length - 1].id as string;
  const deep = await latency(pool, token, `${BASE}/servers/detail?limit=100&marker=${deepMarker}`, 100);
  console.log(`GET /servers/detail?limit=100   first page p50 ${first.p50.toFixed(1)} ms p99 ${first.p99.toFixed(1)} ms; page at ${Math.floor(total / 2)} p50 ${deep.p50.toFixed(1)} ms p99 ${deep.p99.toFixed(1)} ms (${total} servers, 2 cells)`);
  const tWalk = performance.now();
  let pages = 0;
  let marker = '';
  for (;;) {
    const r = await call(pool, token, 'GET', `${BASE}/servers/detail?limit=1000${marker ? `&marker=${marker}` : ''}`);
    pages++;
    if (!r.json.servers_links) break;
    marker = r.json.servers[r.json.servers.length - 1].id;
  }
  console.log(`walk of /servers/detail         ${pages} pages of 1000 in ${((performance.now() - tWalk) / 1000).toFixed(2)} s`);
}
