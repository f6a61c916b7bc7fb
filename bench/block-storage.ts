/**
 * Block storage bench, with zero delays:
 *   - create-to-available latency of one 1 GiB volume at a time (p50, p95): POST /volumes to the
 *     first GET that shows `available`, polling every 2 ms;
 *   - volumes reaching `available` per second with 20 concurrent clients for BENCH_SECONDS, each
 *     polling its volume every 20 ms;
 *   - GET /volumes/detail?limit=100 latency once they exist.
 * The admin project's volume quotas are lifted first (PUT os-quota-sets).
 */
import type { Pool } from 'undici';
import { SECONDS, type BenchEnv } from './lib';

const MV = { 'openstack-api-version': 'volume 3.60' };
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function call(pool: Pool, token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await pool.request({
    method, path, headers: { 'x-auth-token': token, ...MV, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.body.text();
  return { status: r.statusCode, json: text && text.startsWith('{') ? JSON.parse(text) : undefined };
}

async function projectId(env: BenchEnv): Promise<string> {
  const t = await env.pool.request({ method: 'GET', path: '/identity/v3/auth/tokens?nocatalog', headers: { 'x-auth-token': env.token, 'x-subject-token': env.token } });
  return ((await t.body.json()) as { token: { project: { id: string } } }).token.project.id;
}

async function untilAvailable(pool: Pool, token: string, base: string, id: string, pollMs: number): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += pollMs) {
    const r = await call(pool, token, 'GET', `${base}/volumes/${id}`);
    const status = r.json?.volume?.status;
    if (status === 'available') return;
    if (status === 'error') throw new Error(`volume ${id} went to error`);
    await new Promise((res) => setTimeout(res, pollMs));
  }
  throw new Error(`volume ${id} not available after 60 s`);
}

export async function benchBlockStorage(env: BenchEnv): Promise<void> {
  const { pool, token } = env;
  const project = await projectId(env);
  const base = `/volume/v3/${project}`;
  const q = await call(pool, token, 'PUT', `${base}/os-quota-sets/${project}`, { quota_set: { volumes: -1, gigabytes: -1, snapshots: -1 } });
  if (q.status !== 200) throw new Error(`could not lift the volume quotas: ${q.status} ${JSON.stringify(q.json)}`);
  const create = async (name: string): Promise<string> => {
    const r = await call(pool, token, 'POST', `${base}/volumes`, { volume: { size: 1, name } });
    if (r.status !== 202) throw new Error(`volume create answered ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json.volume.id;
  };
  const ids: string[] = [];
  const one: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const id = await create(`bench-one-${i}`);
    await untilAvailable(pool, token, base, id, 2);
    one.push(performance.now() - t);
    ids.push(id);
  }
  one.sort((a, b) => a - b);
  console.log(`volume create-to-available    p50 ${pct(one, 0.5).toFixed(1)} ms, p95 ${pct(one, 0.95).toFixed(1)} ms (one at a time, zero delays)`);
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 20 }, async (_, w) => {
    for (let i = 0; Date.now() < end; i++) {
      const id = await create(`bench-${w}-${i}`);
      await untilAvailable(pool, token, base, id, 20);
      ids.push(id);
      done++;
    }
  }));
  const rate = done / ((performance.now() - t0) / 1000);
  console.log(`volumes reaching available    ${rate.toFixed(0).padStart(7)} /s  (20 clients, ${done} volumes)`);
  const lat: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const r = await call(pool, token, 'GET', `${base}/volumes/detail?limit=100`);
    if (r.status !== 200) throw new Error(`detail answered ${r.status}`);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  console.log(`GET /volumes/detail?limit=100 p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms (${ids.length} volumes)`);
  for (const id of ids) await call(pool, token, 'DELETE', `${base}/volumes/${id}`);
}
