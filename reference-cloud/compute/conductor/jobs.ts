/**
 * The conductors' queued jobs. The super conductor's jobs run on the API database's queue (they
 * schedule); a cell conductor's jobs run on that cell's queue, one kind per step, each step its
 * own job so that a restart resumes at the step it stopped at. Every kind has a named delay
 * (config `delays.<name>`, 0 by default). A job whose cell is down waits (RetryLater).
 */
import type { Job } from '../../core/work-queue';
import { RetryLater } from '../../core/work-queue';
import { CellDown, type Cell } from '../cells';
import type { ComputeApi } from '../context';

/** The configurable delays of the asynchronous steps (config `delays.<name>`). */
export const DELAYS = {
  schedule: 'server_schedule',
  networking: 'server_networking',
  spawn: 'server_spawn',
  action: 'server_action',
  resize: 'server_resize',
  snapshot: 'server_snapshot',
  delete: 'server_delete',
  /** From vm_state deleted (listed as DELETED) to the row's soft delete (404). */
  destroy: 'server_destroy',
} as const;

export type CellJobHandler = (cell: Cell, job: Job) => Promise<void> | void;
export type ApiJobHandler = (job: Job) => Promise<void> | void;

/** A cell job: the instance uuid is the key; the payload carries what the step needs. */
export interface CellJobKind {
  kind: string;
  delay: string;
  run: CellJobHandler;
}

export interface ApiJobKind {
  kind: string;
  delay: string;
  run: ApiJobHandler;
}

const postponeWhenDown = async (cell: Cell, fn: () => Promise<void> | void): Promise<void> => {
  if (cell.down) throw new RetryLater(`cell ${cell.name} is down`, 1000);
  try {
    await fn();
  } catch (err) {
    if (err instanceof CellDown) throw new RetryLater(err.message, 1000);
    throw err;
  }
};

/** Registers the kinds on the super conductor's queue and on every cell's queue. */
export function registerJobs(api: ComputeApi, apiKinds: ApiJobKind[], cellKinds: CellJobKind[]): void {
  for (const k of apiKinds) {
    api.queue.on(k.kind, async (job) => {
      try {
        await k.run(job);
      } catch (err) {
        if (err instanceof CellDown) throw new RetryLater(err.message, 1000);
        throw err;
      }
    }, { delayMs: api.delay(k.delay) });
  }
  for (const cell of api.cells.all()) {
    for (const k of cellKinds) {
      cell.queue.on(k.kind, (job) => postponeWhenDown(cell, () => k.run(cell, job)), { delayMs: api.delay(k.delay) });
    }
  }
}
