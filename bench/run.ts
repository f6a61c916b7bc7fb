/**
 * npm run bench: measures the reference cloud as a user runs it (`stackproof cloud up`, in its
 * own process) over loopback, with the load generated from this process:
 *   - start-to-ready: process spawn to the first 200 from /identity/v3, and the cloud's own figure
 *   - idle RSS of the cloud process
 *   - token validations per second (GET /v3/auth/tokens)
 *   - password authentications per second (POST /v3/auth/tokens, default scrypt cost)
 * Bounded: each load phase runs BENCH_SECONDS (default 5) seconds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
import { freePort, load, rssMb, type BenchEnv } from './lib';
import { benchImage } from './image';
import { benchNetwork } from './network';
import { benchCompute } from './compute';
import { benchComputeScheduler } from './compute-scheduler';
import { benchObjectStorage } from './object-storage';
import { benchBlockStorage } from './block-storage';

/** Service bench modules, run in order after identity: each takes the running cloud. */
const MODULES: { name: string; run: (env: BenchEnv) => Promise<void> }[] = [
  { name: 'image', run: benchImage },
  { name: 'network', run: benchNetwork },
  { name: 'compute', run: benchCompute },
  { name: 'compute-scheduler', run: benchComputeScheduler },
  { name: 'object-storage', run: benchObjectStorage },
  { name: 'block-storage', run: benchBlockStorage },
];
const ROOT = resolve(__dirname, '..');
/** The cloud under bench and its data, stopped and removed even when a module fails. */
let running: { child: ReturnType<typeof spawn>; dataDir: string } | undefined;

async function main() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'stackproof-bench-'));
  // Hosts large enough that capacity never limits the compute bench (10,000 m1.nano servers).
  const config = join(dataDir, 'bench.yaml');
  // Likewise block storage: one backend big enough for every volume the bench creates.
  writeFileSync(config, 'compute:\n  host_size: {vcpus: 4096, ram_mb: 400000, disk_gb: 6000}\n'
    + 'block_storage:\n  backends:\n    - {name: lvmdriver-1, zone: nova, capacity_gb: 10000000}\n');
  const t0 = performance.now();
  const child = spawn(process.execPath, [...process.execArgv, join(ROOT, 'harness/cli/main.ts'), 'cloud', 'up', '--port', String(port),
    '--data-dir', dataDir, '--log-level', 'warn', '--clouds-file', join(dataDir, 'clouds.yaml')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, STACKPROOF_ADMIN_PASSWORD: 'bench-secret', STACKPROOF_CONFIG: config },
  });
  running = { child, dataDir };
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  const base = `http://127.0.0.1:${port}/identity`;
  let readyMs = 0;
  for (;;) {
    try {
      const r = await fetch(`${base}/v3`);
      if (r.status === 200) { readyMs = performance.now() - t0; break; }
    } catch { /* not yet */ }
    if (performance.now() - t0 > 30_000) throw new Error(`cloud did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  // Identity answers before the other services have finished their bootstrap; the cloud prints
  // its line once every service is ready.
  while (!/ready in \d+ ms/.test(out) && performance.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
  const allReadyMs = performance.now() - t0;
  const inner = /ready in (\d+) ms/.exec(out)?.[1];
  console.log(`start-to-ready (spawn → 200)  ${readyMs.toFixed(0)} ms for identity, ${allReadyMs.toFixed(0)} ms for every service (the cloud's own start: ${inner ?? '?'} ms; the rest is Node + tsx loading)`);
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`idle RSS                     ${rssMb(child.pid!).toFixed(1)} MB`);

  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  const authBody = JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'bench-secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } });
  const issued = await pool.request({ method: 'POST', path: '/identity/v3/auth/tokens', headers: { 'content-type': 'application/json' }, body: authBody });
  await issued.body.dump();
  const token = String(issued.headers['x-subject-token']);

  await load('token validation', pool, 64, () => ({ method: 'GET', path: '/identity/v3/auth/tokens?nocatalog', headers: { 'x-auth-token': token, 'x-subject-token': token } }), 200);
  await load('token validation + catalog', pool, 64, () => ({ method: 'GET', path: '/identity/v3/auth/tokens', headers: { 'x-auth-token': token, 'x-subject-token': token } }), 200);
  await load('password authentication', pool, 16, () => ({ method: 'POST', path: '/identity/v3/auth/tokens', headers: { 'content-type': 'application/json' }, body: authBody }), 201);
  const wrong = authBody.replace('bench-secret', 'wrong-secret');
  await load('wrong password (full scrypt)', pool, 8, () => ({ method: 'POST', path: '/identity/v3/auth/tokens', headers: { 'content-type': 'application/json' }, body: wrong }), 401);
  console.log(`RSS after load               ${rssMb(child.pid!).toFixed(1)} MB`);
  const only = process.argv.slice(2);
  for (const m of MODULES) {
    if (only.length && !only.includes(m.name)) continue;
    await m.run({ port, pool, token, pid: child.pid!, dataDir });
    console.log(`RSS after ${m.name.padEnd(19)}${rssMb(child.pid!).toFixed(1)} MB`);
  }
  await pool.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  running?.child.kill('SIGKILL');
  if (running) rmSync(running.dataDir, { recursive: true, force: true });
  process.exit(1);
});
