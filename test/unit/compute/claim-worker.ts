/**
 * A worker thread for the claim concurrency test: its own connections to the same databases,
 * its own Scheduler; waits for the start signal, then claims `count` servers as fast as it can.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NoValidHost } from '../../../reference-cloud/compute/context';
import { openCompute, spec, flavor } from './infra-helpers';

const { dir, topology, count, signal } = workerData as { dir: string; topology: Record<string, unknown>; count: number; signal: SharedArrayBuffer };
const t = openCompute(topology, dir, false);
const flag = new Int32Array(signal);
Atomics.wait(flag, 0, 0);
let ok = 0;
let refused = 0;
for (let i = 0; i < count; i++) {
  try {
    t.api.scheduler.selectAndClaim(spec({ flavor: flavor({ vcpus: 1, memory_mb: 64, root_gb: 1 }) }));
    ok++;
  } catch (e) {
    if (!(e instanceof NoValidHost)) throw e;
    refused++;
  }
}
t.close();
parentPort!.postMessage({ ok, refused });
