/**
 * Network bench: port create rate, then list latency over 10,000 ports with paging (limit=100):
 * the first page and a page deep in the collection (by marker), which must cost about the same
 * because listing is indexed SQL with LIMIT, not load-everything-then-slice.
 */
import type { Pool } from 'undici';
import { load, rssMb, type BenchEnv } from './lib';

const TOTAL = Number(process.env.BENCH_PORTS ?? 10_000);
const BASE = '/networking/v2.0';

async function call(pool: Pool, token: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await pool.request({
    method, path, headers: { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.body.text();
  return { status: r.statusCode, json: text ? JSON.parse(text) : undefined };
}

async function latency(pool: Pool, token: string, path: string, rounds: number): Promise<{ p50: number; p99: number }> {
  const lat: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const r = await pool.request({ method: 'GET', path, headers: { 'x-auth-token': token } });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(`${path} answered ${r.statusCode}`);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  return { p50: lat[Math.floor(rounds / 2)], p99: lat[Math.min(rounds - 1, Math.floor(rounds * 0.99))] };
}

export async function benchNetwork(env: BenchEnv): Promise<void> {
  const { pool, token } = env;
  const net = await call(pool, token, 'POST', `${BASE}/networks`, { network: { name: 'bench-net' } });
  const nid = net.json.network.id as string;
  const owner = net.json.network.project_id as string;
  await call(pool, token, 'PUT', `${BASE}/quotas/${owner}`, { quota: { port: -1 } });
  const sub = await call(pool, token, 'POST', `${BASE}/subnets`, { subnet: { network_id: nid, ip_version: 4, cidr: '10.128.0.0/16' } });
  if (sub.status !== 201) throw new Error(`subnet create: ${JSON.stringify(sub.json)}`);

  const body = JSON.stringify({ port: { network_id: nid } });
  await load('port create', pool, 16, () => ({ method: 'POST', path: `${BASE}/ports`, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body }), 201);

  const count = async () => (await call(pool, token, 'GET', `${BASE}/ports?network_id=${nid}&fields=id`)).json.ports.length as number;
  let have = await count();
  /** Tops the collection up to n ports with bulk creates (100 per request). */
  const topUp = async (n: number) => {
    const t0 = performance.now();
    while (have < n) {
      const k = Math.min(100, n - have);
      const r = await call(pool, token, 'POST', `${BASE}/ports`, { ports: Array.from({ length: k }, () => ({ network_id: nid })) });
      if (r.status !== 201) throw new Error(`bulk port create: ${JSON.stringify(r.json)}`);
      have += k;
    }
    return (performance.now() - t0) / 1000;
  };
  /** First page and a page ~90% deep (its marker found by walking the ids once), at the current size. */
  const measure = async () => {
    let marker: string | undefined;
    for (let page = 0; page < Math.floor((have * 0.9) / 100); page++) {
      const r = await call(pool, token, 'GET', `${BASE}/ports?limit=100&fields=id&network_id=${nid}${marker ? `&marker=${marker}` : ''}`);
      if (!r.json.ports.length) break;
      marker = r.json.ports[r.json.ports.length - 1].id;
    }
    const first = await latency(pool, token, `${BASE}/ports?limit=100`, 200);
    const deep = await latency(pool, token, `${BASE}/ports?limit=100&marker=${marker}`, 200);
    console.log(`port list at ${String(have).padStart(6)} ports    first page p50 ${first.p50.toFixed(1)} ms (p99 ${first.p99.toFixed(1)}), deep page p50 ${deep.p50.toFixed(1)} ms (p99 ${deep.p99.toFixed(1)})`);
  };
  if (have < TOTAL / 10) await topUp(TOTAL / 10);
  await measure();
  const secs = await topUp(TOTAL);
  console.log(`ports in the collection       ${have} (top-up by bulk create, 100 per request: ${secs.toFixed(1)} s)`);
  await measure();
  const sorted = await latency(pool, token, `${BASE}/ports?limit=100&sort_key=name&sort_dir=asc&network_id=${nid}`, 50);
  console.log(`port list sorted by name      p50 ${sorted.p50.toFixed(1)} ms, p99 ${sorted.p99.toFixed(1)} ms (filter on network_id, sort on name: expression indexes)`);
  console.log(`RSS with ${have} ports          ${rssMb(env.pid).toFixed(1)} MB`);
}
