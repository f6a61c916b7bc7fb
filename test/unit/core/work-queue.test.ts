import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore, type ServiceStore } from '../../../reference-cloud/core/store';
import { WorkQueue, workQueueMigration, type Job } from '../../../reference-cloud/core/work-queue';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
const stores: ServiceStore[] = [];

function open(dir = mkdtempSync(join(tmpdir(), 'stackproof-queue-'))): { dir: string; store: ServiceStore } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const store = openStore(dir, 'test', [workQueueMigration(1, '2024.1')], '2025.2');
  stores.push(store);
  return { dir, store };
}

afterEach(() => {
  for (const s of stores.splice(0)) {
    try { s.close(); } catch { /* closed by the test */ }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('work queue', () => {
  it('runs a job recorded in a committed transaction, once, then forgets it', async () => {
    const { store } = open();
    const seen: Job[] = [];
    const q = new WorkQueue(store, log).on('build', (job) => { seen.push(job); });
    store.tx(() => q.enqueue('build', 'server-1', { flavor: 'm1.tiny' }));
    await q.idle();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].key, 'server-1');
    assert.deepEqual(seen[0].payload, { flavor: 'm1.tiny' });
    assert.deepEqual(q.pending(), []);
  });

  it('does nothing for a job whose transaction rolled back', async () => {
    const { store } = open();
    let runs = 0;
    const q = new WorkQueue(store, log).on('build', () => { runs++; });
    assert.throws(() => store.tx(() => {
      q.enqueue('build', 'server-1');
      throw new Error('validation failed after the insert');
    }));
    await q.idle();
    assert.equal(runs, 0);
    assert.deepEqual(q.pending(), []);
  });

  it('survives a restart: what was accepted and not run runs in the next process', async () => {
    const first = open();
    const before = new WorkQueue(first.store, log).on('build', () => assert.fail('must not run before the delay'), { delayMs: 60_000 });
    first.store.tx(() => before.enqueue('build', 'server-1', { n: 1 }));
    before.close();
    first.store.close();

    const second = open(first.dir);
    const seen: string[] = [];
    const after = new WorkQueue(second.store, log).on('build', (job) => { seen.push(`${job.key}:${(job.payload as { n: number }).n}`); });
    assert.equal(after.pending().length, 1);
    after.start();
    await after.idle();
    assert.deepEqual(seen, ['server-1:1']);
    assert.deepEqual(after.pending(), []);
  });

  it('waits for the kind\'s delay', async () => {
    const { store } = open();
    let ranAt = 0;
    const q = new WorkQueue(store, log).on('build', () => { ranAt = Date.now(); }, { delayMs: 60 });
    const t0 = Date.now();
    store.tx(() => q.enqueue('build', 'server-1'));
    await q.idle();
    assert.ok(ranAt - t0 >= 55, `ran after ${ranAt - t0} ms`);
  });

  it('a cancelled job does not run; a failed one is logged and removed', async () => {
    const { store } = open();
    let runs = 0;
    const q = new WorkQueue(store, log)
      .on('build', () => { runs++; }, { delayMs: 20 })
      .on('explode', () => { throw new Error('boom'); });
    store.tx(() => q.enqueue('build', 'server-1'));
    store.tx(() => q.cancel('build', 'server-1'));
    store.tx(() => q.enqueue('explode', 'x'));
    await q.idle();
    assert.equal(runs, 0);
    assert.deepEqual(q.pending(), []);
  });

  it('a job queued again while it runs runs once more with the new payload', async () => {
    const { store } = open();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const q = new WorkQueue(store, log).on('sync', async (job) => {
      seen.push((job.payload as { n: number }).n);
      if (seen.length === 1) await gate;
    });
    store.tx(() => q.enqueue('sync', 'k', { n: 1 }));
    await new Promise((r) => setTimeout(r, 10));
    store.tx(() => q.enqueue('sync', 'k', { n: 2 }));
    release();
    await q.idle();
    await q.idle();
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(q.pending(), []);
  });

  it('refuses a kind nobody handles', () => {
    const { store } = open();
    const q = new WorkQueue(store, log);
    assert.throws(() => store.tx(() => q.enqueue('unknown', 'k')), /no handler/);
  });
});
