/**
 * Object storage bench (the cloud's Swift v1, loopback, admin's account):
 *   - PUT and GET per second of 4 KiB objects with 16 concurrent clients (BENCH_SECONDS each);
 *   - throughput of one BENCH_OBJECT_MIB (1024) MiB object uploaded with chunked transfer
 *     encoding and downloaded, generated and checked on the fly (never whole in memory on either
 *     side), with the cloud's RSS before and at its peak during each;
 *   - latency of a listing page (limit 1000, and limit 100 deep by marker, json) of a container
 *     of BENCH_OBJECT_COUNT (100,000) objects, filled with 32 concurrent zero-byte PUTs first.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Pool } from 'undici';
import { MiB, SECONDS, generated, rssMb, withPeakRss, type BenchEnv } from './lib';

const BIG_MIB = Number(process.env.BENCH_OBJECT_MIB ?? 1024);
const COUNT = Number(process.env.BENCH_OBJECT_COUNT ?? 100_000);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function send(pool: Pool, token: string, method: 'GET' | 'PUT' | 'HEAD' | 'DELETE', path: string, body?: Buffer | Readable, headers: Record<string, string> = {}) {
  const r = await pool.request({ method, path, headers: { 'x-auth-token': token, ...headers }, body });
  return r;
}

/** The account path of the admin project, from the token's catalog. */
async function accountPath(env: BenchEnv): Promise<string> {
  const r = await env.pool.request({ method: 'GET', path: '/identity/v3/auth/tokens', headers: { 'x-auth-token': env.token, 'x-subject-token': env.token } });
  const body = (await r.body.json()) as { token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
  const url = body.token.catalog.find((c) => c.type === 'object-store')!.endpoints.find((e) => e.interface === 'public')!.url;
  return new URL(url).pathname;
}

/** Runs `op` from `concurrency` clients for SECONDS; returns ops/s and latencies. */
async function sustained(concurrency: number, op: (i: number) => Promise<boolean>): Promise<{ rate: number; lat: number[]; failed: number }> {
  const end = Date.now() + SECONDS * 1000;
  const lat: number[] = [];
  let failed = 0;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      if (await op(n++)) lat.push(performance.now() - t);
      else failed++;
    }
  }));
  lat.sort((a, b) => a - b);
  return { rate: lat.length / ((performance.now() - t0) / 1000), lat, failed };
}

export async function benchObjectStorage(env: BenchEnv): Promise<void> {
  const { pool, token } = env;
  const account = await accountPath(env);
  const small = `${account}/bench-small`;
  if ((await send(pool, token, 'PUT', small)).statusCode >= 300) throw new Error('could not create the bench container');
  const data = Buffer.alloc(4096, 7);
  const puts = await sustained(16, async (i) => {
    const r = await send(pool, token, 'PUT', `${small}/o${i % 5000}`, data, { 'content-type': 'application/octet-stream' });
    await r.body.dump();
    return r.statusCode === 201;
  });
  console.log(`object PUT 4 KiB              ${puts.rate.toFixed(0).padStart(7)} /s  (16 clients, p50 ${pct(puts.lat, 0.5).toFixed(1)} ms, p99 ${pct(puts.lat, 0.99).toFixed(1)} ms, ${puts.failed} failed)`);
  const gets = await sustained(16, async (i) => {
    const r = await send(pool, token, 'GET', `${small}/o${i % Math.min(5000, puts.lat.length)}`);
    const body = await r.body.arrayBuffer();
    return r.statusCode === 200 && body.byteLength === 4096;
  });
  console.log(`object GET 4 KiB              ${gets.rate.toFixed(0).padStart(7)} /s  (16 clients, p50 ${pct(gets.lat, 0.5).toFixed(1)} ms, p99 ${pct(gets.lat, 0.99).toFixed(1)} ms, ${gets.failed} failed)`);

  // One big object, chunked up and streamed down.
  const big = `${account}/bench-big`;
  await (await send(pool, token, 'PUT', big)).body.dump();
  const before = rssMb(env.pid);
  const sent = createHash('md5');
  const up = await withPeakRss(env.pid, async () => {
    const t = performance.now();
    // A stream of unknown length: undici sends it with chunked transfer encoding.
    const r = await send(pool, token, 'PUT', `${big}/one`, generated(BIG_MIB, sent));
    await r.body.dump();
    if (r.statusCode !== 201) throw new Error(`big PUT answered ${r.statusCode}`);
    const etag = String(r.headers.etag);
    return { secs: (performance.now() - t) / 1000, etag };
  });
  const md5 = sent.digest('hex');
  if (up.value.etag !== md5) throw new Error(`big PUT ETag ${up.value.etag} is not the MD5 of what was sent (${md5})`);
  const got = createHash('md5');
  let bytes = 0;
  const down = await withPeakRss(env.pid, async () => {
    const t = performance.now();
    const r = await send(pool, token, 'GET', `${big}/one`);
    for await (const c of r.body) { got.update(c as Buffer); bytes += (c as Buffer).length; }
    return (performance.now() - t) / 1000;
  });
  if (bytes !== BIG_MIB * MiB || got.digest('hex') !== md5) throw new Error('big GET returned other bytes than were uploaded');
  console.log(`object PUT ${BIG_MIB} MiB chunked      ${(BIG_MIB / up.value.secs).toFixed(0).padStart(7)} MiB/s (RSS ${before.toFixed(0)} MB before, peak ${up.peak.toFixed(0)} MB)`);
  console.log(`object GET ${BIG_MIB} MiB              ${(BIG_MIB / down.value).toFixed(0).padStart(7)} MiB/s (RSS peak ${down.peak.toFixed(0)} MB; bytes and MD5 checked)`);
  await (await send(pool, token, 'DELETE', `${big}/one`)).body.dump();

  // A container of COUNT objects, then listing pages.
  const many = `${account}/bench-many`;
  await (await send(pool, token, 'PUT', many)).body.dump();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (;;) {
      const i = next++;
      if (i >= COUNT) return;
      const r = await send(pool, token, 'PUT', `${many}/obj-${String(i).padStart(7, '0')}`, Buffer.alloc(0));
      await r.body.dump();
      if (r.statusCode !== 201) throw new Error(`fill PUT answered ${r.statusCode}`);
    }
  }));
  const fillSecs = (performance.now() - t0) / 1000;
  console.log(`fill ${COUNT} zero-byte objects    ${(COUNT / fillSecs).toFixed(0).padStart(7)} /s  (${fillSecs.toFixed(1)} s, 32 clients; RSS ${rssMb(env.pid).toFixed(0)} MB)`);
  for (const [label, query] of [
    ['first page of 1000', 'format=json&limit=1000'],
    ['page of 100 at the middle', `format=json&limit=100&marker=obj-${String(Math.floor(COUNT / 2)).padStart(7, '0')}`],
    ['prefix page of 100', 'format=json&limit=100&prefix=obj-00999'],
    ['delimiter page', 'format=json&limit=100&delimiter=-'],
  ] as const) {
    const lat: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      const r = await send(pool, token, 'GET', `${many}?${query}`);
      await r.body.dump();
      if (r.statusCode !== 200) throw new Error(`listing answered ${r.statusCode}`);
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    console.log(`list ${COUNT} objects: ${label.padEnd(26)} p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms`);
  }
}
