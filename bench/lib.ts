/** What every bench module shares: the bounded load loop, RSS of the cloud process, free ports. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Pool } from 'undici';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function load(name: string, pool: Pool, concurrency: number, make: () => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }, expect: number) {
  const end = Date.now() + SECONDS * 1000;
  let ok = 0;
  let bad = 0;
  const lat: number[] = [];
  const worker = async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const r = await pool.request(make());
      await r.body.dump();
      lat.push(performance.now() - t);
      if (r.statusCode === expect) ok++;
      else bad++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
  console.log(`${name.padEnd(28)} ${(ok / secs).toFixed(0).padStart(7)} /s  (concurrency ${concurrency}, ${ok} ok, ${bad} failed, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms)`);
  return ok / secs;
}

/** The running cloud a bench module measures: its port, a pooled client, an admin token and its pid. */
export interface BenchEnv {
  port: number;
  pool: Pool;
  /** Project-scoped admin token (project admin). */
  token: string;
  pid: number;
  dataDir: string;
}

export const MiB = 1024 * 1024;

/**
 * `mib` MiB of pseudo-random bytes, produced one reused 1 MiB chunk at a time (never whole in
 * memory), each chunk fed to `hash` when given.
 */
export function generated(mib: number, hash?: Hash): Readable {
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= mib) return void this.push(null);
      sent++;
      chunk.writeUInt32LE(sent, 0);
      const c = Buffer.from(chunk);
      hash?.update(c);
      this.push(c);
    },
  });
}

/** Samples the cloud's RSS while fn runs; returns fn's result and the peak. */
export async function withPeakRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = rssMb(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 50);
  try {
    return { value: await fn(), peak };
  } finally {
    clearInterval(timer);
  }
}
