/**
 * Claims never overcommit a host: 100 claims from 4 threads, each with its own database
 * connections, against one host with room for 10 servers: exactly 10 succeed and the host's
 * allocations add up to its capacity.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openCompute, removeDir, used, type TestCompute } from './infra-helpers';

const TOPOLOGY = {
  cells: 1,
  zones: ['nova'],
  allocation_ratios: { cpu: 1.0, ram: 1.0, disk: 1.0 },
  reserved_host_memory_mb: 0,
  hosts: [{ name: 'only', cell: 'cell1', zone: 'nova', vcpus: 10, ram_mb: 65536, disk_gb: 1000 }],
};

describe('claim concurrency', () => {
  let t: TestCompute;
  before(() => { t = openCompute(TOPOLOGY); });
  after(() => { t.close(); removeDir(t.dir); });

  it('100 concurrent claims against room for 10: exactly 10 succeed', async () => {
    const signal = new SharedArrayBuffer(4);
    // The worker loads TypeScript through tsx's CommonJS hook.
    const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(join(__dirname, 'claim-worker.ts'))});`;
    const workers = Array.from({ length: 4 }, () => new Worker(boot, {
      eval: true,
      workerData: { dir: t.dir, topology: TOPOLOGY, count: 25, signal },
    }));
    const results = Promise.all(workers.map((w) => new Promise<{ ok: number; refused: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })));
    results.catch(() => undefined);
    // Let every worker open its stores, then start them together.
    await new Promise((r) => setTimeout(r, 1500));
    Atomics.store(new Int32Array(signal), 0, 1);
    Atomics.notify(new Int32Array(signal), 0);
    const done = await results;
    const ok = done.reduce((n, r) => n + r.ok, 0);
    const refused = done.reduce((n, r) => n + r.refused, 0);
    assert.equal(ok + refused, 100);
    assert.equal(ok, 10);
    assert.deepEqual({ ...used(t.api, 'only') }, { vcpus: 10, memory_mb: 640, disk_gb: 10, n: 10 });
  });
});
