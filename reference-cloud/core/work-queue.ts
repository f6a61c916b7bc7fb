/**
 * The durable in-process work queue behind every "202 Accepted, done later" in the reference
 * cloud (Glance imports now; server builds, volume creation and stack operations next). A job is
 * a row in the service's own store, written in the same transaction that acknowledges the
 * request, so an accepted request is never lost: after a restart `start()` runs what is left.
 *
 * Semantics: at least once. A job runs after its kind's delay (config `delays`, zero in CI); the
 * row is removed once the handler returns or throws, so a handler records its own failure state
 * (Glance puts the image back to queued). A crash between a handler's commit and the removal
 * runs it again: handlers check the state they act on. Jobs with the same kind and key replace
 * each other (one pending import per image).
 */
import type { Logger } from 'pino';
import type { Migration, ServiceStore } from './store';

/** Adds the queue's table to a service's migrations. */
export function workQueueMigration(version: number, release: string): Migration {
  return {
    version,
    release,
    description: 'durable work queue',
    up: `CREATE TABLE IF NOT EXISTS work_queue (
      id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL,
      payload TEXT NOT NULL DEFAULT '{}', queued_at INTEGER NOT NULL, UNIQUE (kind, key))`,
  };
}

export interface Job<P = Record<string, unknown>> {
  id: number;
  kind: string;
  key: string;
  payload: P;
}

type Handler = (job: Job<any>) => Promise<void> | void;

/**
 * Thrown by a handler that cannot act now (what it needs is unreachable, e.g. a cell that is
 * down): the job stays queued and runs again after `delayMs`.
 */
export class RetryLater extends Error {
  readonly delayMs: number;

  constructor(reason: string, delayMs = 500) {
    super(reason);
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

interface Row {
  id: number;
  kind: string;
  key: string;
  payload: string;
  queued_at: number;
}

export class WorkQueue {
  private readonly store: ServiceStore;
  private readonly log: Logger;
  private readonly handlers = new Map<string, { run: Handler; delayMs: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<number, Promise<void>>();
  private closed = false;

  constructor(store: ServiceStore, log: Logger) {
    this.store = store;
    this.log = log;
  }

  /** Registers what a kind of job does, and how long after its request it runs. */
  on<P = Record<string, unknown>>(kind: string, run: (job: Job<P>) => Promise<void> | void, opts: { delayMs?: number } = {}): this {
    this.handlers.set(kind, { run: run as Handler, delayMs: opts.delayMs ?? 0 });
    return this;
  }

  /**
   * Records a job. Call it inside the transaction that acknowledges the request: if that
   * transaction rolls back, the scheduled run finds no row and does nothing.
   */
  enqueue(kind: string, key: string, payload: Record<string, unknown> = {}): void {
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`no handler for "${kind}" jobs`);
    const { id } = this.store.db.prepare(
      `INSERT INTO work_queue (kind, key, payload, queued_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, key) DO UPDATE SET payload = excluded.payload, queued_at = max(excluded.queued_at, work_queue.queued_at + 1)
       RETURNING id`,
    ).get(kind, key, JSON.stringify(payload), Date.now()) as { id: number };
    this.schedule(id, handler.delayMs);
  }

  /** Drops a pending job (the resource it would act on is gone). */
  cancel(kind: string, key: string): void {
    this.store.db.prepare('DELETE FROM work_queue WHERE kind = ? AND key = ?').run(kind, key);
  }

  /** The pending jobs, oldest first. */
  pending(): Job[] {
    return (this.store.db.prepare('SELECT id, kind, key, payload, queued_at FROM work_queue ORDER BY id').all() as Row[]).map(toJob);
  }

  /** Runs what an earlier process accepted and did not finish. Call once the service is ready. */
  start(): void {
    for (const job of this.pending()) this.schedule(job.id, this.handlers.get(job.kind)?.delayMs ?? 0);
  }

  /** Resolves when nothing is scheduled or running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.timers.size || this.running.size) {
      await Promise.all([...this.running.values()]);
      if (this.timers.size) await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(id: number, delayMs: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.running.has(id)) return;
      const run = this.run(id).finally(() => this.running.delete(id));
      this.running.set(id, run);
    }, delayMs);
    this.timers.add(t);
  }

  private async run(id: number): Promise<void> {
    if (this.closed) return;
    const row = this.store.db.prepare('SELECT id, kind, key, payload, queued_at FROM work_queue WHERE id = ?').get(id) as Row | undefined;
    if (!row) return;
    const handler = this.handlers.get(row.kind);
    if (!handler) {
      this.log.error({ kind: row.kind, key: row.key }, 'no handler for a queued job; left in the queue');
      return;
    }
    try {
      await handler.run(toJob(row));
    } catch (err) {
      if (this.closed) return;
      if (err instanceof RetryLater) {
        this.log.debug({ kind: row.kind, key: row.key, reason: err.message }, 'queued job postponed');
        this.schedule(id, err.delayMs);
        return;
      }
      this.log.error({ err, kind: row.kind, key: row.key }, 'queued job failed');
    }
    if (this.closed) return;
    // Unless the job was queued again meanwhile: then it runs once more.
    this.store.db.prepare('DELETE FROM work_queue WHERE id = ? AND queued_at = ?').run(id, row.queued_at);
  }
}

function toJob(r: Row): Job {
  return { id: r.id, kind: r.kind, key: r.key, payload: JSON.parse(r.payload) as Record<string, unknown> };
}
