/**
 * Compute scheduler bench, in this process (the decision, not HTTP): 1,000 hosts over 4 cells and
 * 4 zones, with BENCH_SCHED_ALLOCATIONS (5,000) existing allocations, a few aggregates with
 * metadata; measures
 *   - registering the 1,000 hosts (services, nodes, providers, mappings, zone aggregates);
 *   - one selectAndClaim decision (load host states, filters, weighers, claim, in one
 *     transaction) for a plain flavor, one asking for a zone, one with aggregate extra specs
 *     and one in an anti-affinity group: p50 / p99 over BENCH_SCHED_DECISIONS (500) each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../reference-cloud/core/clock';
import { loadConfig } from '../reference-cloud/core/config';
import { createLogger } from '../reference-cloud/core/logging';
import { openStore } from '../reference-cloud/core/store';
import { Cells } from '../reference-cloud/compute/cells';
import type { ComputeApi, RequestSpec } from '../reference-cloud/compute/context';
import { registerHosts } from '../reference-cloud/compute/hosts';
import { apiMigrations } from '../reference-cloud/compute/migrations';
import { ensureAggregate } from '../reference-cloud/compute/models/aggregates';
import { Scheduler } from '../reference-cloud/compute/scheduler';
import { readTopology } from '../reference-cloud/compute/topology';
import type { BenchEnv } from './lib';

const HOSTS = 1000;
const ALLOCATIONS = Number(process.env.BENCH_SCHED_ALLOCATIONS ?? 5000);
const DECISIONS = Number(process.env.BENCH_SCHED_DECISIONS ?? 500);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

function spec(over: Partial<RequestSpec> = {}): RequestSpec {
  return {
    instance_uuid: randomUUID(), project_id: 'bench', user_id: 'bench', request_id: 'req-bench',
    flavor: { flavorid: '1', name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {} },
    image: { id: 'img', name: 'cirros', properties: {}, min_disk: 0, min_ram: 0, size: 1 },
    availability_zone: null, force_host: null, scheduler_hints: {}, group_uuid: null, networks: 'none',
    security_groups: ['default'], block_device_mapping: [], ...over,
  };
}

export async function benchComputeScheduler(_env?: BenchEnv): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stackproof-bench-sched-'));
  const config = loadConfig({ env: {}, overrides: { dataDir: dir, logLevel: 'silent' } });
  const store = openStore(dir, 'compute', apiMigrations, config.release);
  const log = createLogger('silent');
  const topology = readTopology({ cells: 4, zones: ['nova', 'az2', 'az3', 'az4'], host_count: HOSTS });
  const cells = new Cells(store, dir, config.release, log, topology);
  const clock = systemClock();
  const api = {
    config, clock, log, store, topology, cells, delay: () => 0, now: () => clock.now().toISOString(), maxMicroversion: '2.93',
    quotas: { limit: () => -1, check: () => {}, checkGroupMembers: () => {}, checkMetadata: () => {} },
  } as unknown as ComputeApi;
  api.scheduler = new Scheduler(api);
  try {
    let t0 = performance.now();
    registerHosts(api);
    console.log(`scheduler: register ${HOSTS} hosts   ${(performance.now() - t0).toFixed(0)} ms`);
    t0 = performance.now();
    registerHosts(api);
    console.log(`scheduler: re-register (restart)  ${(performance.now() - t0).toFixed(0)} ms`);

    // Existing load: allocations spread over the hosts, some aggregates with metadata.
    store.tx(() => {
      const ins = store.db.prepare('INSERT INTO allocations (consumer_uuid, host, vcpus, memory_mb, disk_gb, project_id, user_id) VALUES (?, ?, 1, 512, 1, ?, ?)');
      for (let i = 0; i < ALLOCATIONS; i++) ins.run(randomUUID(), `compute-${(i % HOSTS) + 1}`, 'load', 'load');
      for (let a = 0; a < 10; a++) {
        const agg = ensureAggregate(store.db, `bench-agg-${a}`, { ssd: a % 2 ? 'true' : 'false', tier: String(a) }, api.now());
        const add = store.db.prepare('INSERT INTO aggregate_hosts (aggregate_id, host) VALUES (?, ?) ON CONFLICT DO NOTHING');
        for (let h = a; h < HOSTS; h += 10) add.run(agg.id, `compute-${h + 1}`);
      }
    });
    const group = randomUUID();
    const groupId = Number(store.db.prepare("INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, rules, created_at) VALUES (?, 'g', 'bench', 'bench', 'anti-affinity', '{}', ?)")
      .run(group, api.now()).lastInsertRowid);

    const cases: [string, () => RequestSpec][] = [
      ['plain flavor', () => spec()],
      ['zone az3', () => spec({ availability_zone: 'az3' })],
      ['aggregate extra specs', () => spec({ flavor: { ...spec().flavor, extra_specs: { 'aggregate_instance_extra_specs:ssd': 'true' } } })],
      ['anti-affinity group', () => {
        const s = spec({ group_uuid: group });
        store.db.prepare('INSERT INTO instance_group_members (group_id, instance_uuid) VALUES (?, ?)').run(groupId, s.instance_uuid);
        return s;
      }],
    ];
    for (const [name, make] of cases) {
      const times: number[] = [];
      const n = name === 'anti-affinity group' ? Math.min(DECISIONS, HOSTS) : DECISIONS;
      for (let i = 0; i < n; i++) {
        const s = make();
        const t = performance.now();
        api.scheduler.selectAndClaim(s);
        times.push(performance.now() - t);
        // Keep the load steady except for the group, whose members must stay placed.
        if (!s.group_uuid) api.scheduler.release(s.instance_uuid);
      }
      times.sort((a, b) => a - b);
      console.log(`scheduler: decision, ${name.padEnd(22)} p50 ${pct(times, 0.5).toFixed(2)} ms  p99 ${pct(times, 0.99).toFixed(2)} ms  (${n} decisions, ${HOSTS} hosts, ${ALLOCATIONS} allocations)`);
    }
  } finally {
    cells.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchComputeScheduler().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
