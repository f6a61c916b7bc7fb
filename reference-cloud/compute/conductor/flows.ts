/**
 * How a cell's conductor and the instance's (simulated) compute host finish what an action
 * started: a flow is the list of task_state steps Nova's compute manager goes through, each step
 * a queued job of its own. A step runs only when the instance is still in the task_state it
 * expects (Nova's expected_task_state): a delete or another action that got there first makes
 * the rest of the flow a no-op. The last step records the action's event.
 */
import type { Db } from '../../core/store';
import type { Job } from '../../core/work-queue';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { getInstance, POWER, updateInstance, type InstanceRow } from '../models/instances';
import type { CellJobKind } from './jobs';
import { DELAYS } from './jobs';
import { fail, finishEvent } from './records';
import { TASK, VM } from './states';

export type Payload = Record<string, unknown> & { start?: string };

export interface StepContext {
  api: ComputeApi;
  cell: Cell;
  row: InstanceRow;
  payload: Payload;
}

export interface FlowStep {
  /** The task_state the instance must be in (null: no task). */
  expect: string | null;
  /** The vm_state it must be in, when the task_state alone does not say. */
  vm?: string;
  /** Work done outside the transaction first (image upload, ports); a throw fails the step. */
  work?: (ctx: StepContext) => Promise<void>;
  /** The instance's new columns. */
  set: (ctx: StepContext) => Partial<InstanceRow>;
  /** Other writes of the cell database in the step's transaction (migrations). */
  apply?: (db: Db, ctx: StepContext) => void;
  /** Work after the commit (allocations in the API database, ports). */
  after?: (ctx: StepContext) => Promise<void> | void;
  /** The event this step records on the flow's action (compute_stop_instance...). */
  event?: string;
}

export interface Flow {
  name: string;
  /** The instance action the events go to (the API's name). */
  action: string;
  delay: string;
  steps: FlowStep[];
  /** What a failed step leaves behind (default: task_state cleared, a fault, the event in Error). */
  failed?: (ctx: StepContext, err: Error) => Promise<void> | void;
  /** Where the default failure's fault says it happened (default: compute/manager.py:<name>, NovaException). */
  fault?: { where: string; exception: string };
  /** What to undo after the default failure (the image a failed upload was for). */
  afterFailure?: (ctx: StepContext) => Promise<void> | void;
}

export const stepKind = (flow: string, i: number): string => `${flow}.${i}`;

/** Queues a flow's first step; call inside the cell transaction that set its first task_state. */
export function startFlow(cell: Cell, flow: Flow, uuid: string, payload: Payload): void {
  cell.queue.enqueue(stepKind(flow.name, 0), uuid, payload);
}

const running = (row: Pick<InstanceRow, 'power_state'>): boolean => row.power_state !== POWER.SHUTDOWN && row.power_state !== POWER.NOSTATE;

/** vm_state back to what the power state says once a task ends (active, or stopped when powered off). */
export const settledState = (row: Pick<InstanceRow, 'power_state'>): string => (running(row) ? VM.ACTIVE : VM.STOPPED);

async function runStep(api: ComputeApi, cell: Cell, flow: Flow, i: number, job: Job): Promise<void> {
  const step = flow.steps[i];
  const payload = job.payload as Payload;
  const row = getInstance(cell.db, job.key);
  if (!row || row.task_state !== step.expect || (step.vm && row.vm_state !== step.vm)) return;
  const ctx: StepContext = { api, cell, row, payload };
  if (step.work) {
    try {
      await step.work(ctx);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      api.log.warn({ err: e, instance: row.uuid, flow: flow.name }, 'a server action failed');
      if (flow.failed) {
        await flow.failed(ctx, e);
      } else {
        failStep(api, cell, flow, step, ctx, e);
        await flow.afterFailure?.(ctx);
      }
      return;
    }
  }
  const last = i === flow.steps.length - 1;
  const done = cell.tx((db) => {
    const now = api.now();
    const fresh = getInstance(db, job.key);
    if (!fresh || fresh.task_state !== step.expect) return false;
    ctx.row = fresh;
    if (!updateInstance(db, job.key, now, step.set(ctx), { task_state: step.expect })) return false;
    step.apply?.(db, ctx);
    if (step.event) {
      finishEvent(db, job.key, flow.action, { event: step.event, start: payload.start ?? now, finish: now, result: 'Success', host: fresh.host });
    }
    if (!last) cell.queue.enqueue(stepKind(flow.name, i + 1), job.key, payload);
    return true;
  });
  if (done && step.after) await step.after(ctx);
}

/** The default failure: the task ends, the instance keeps its vm_state, a fault and an Error event. */
function failStep(api: ComputeApi, cell: Cell, flow: Flow, step: FlowStep, ctx: StepContext, err: Error): void {
  cell.tx((db) => {
    const now = api.now();
    if (!updateInstance(db, ctx.row.uuid, now, { task_state: null }, { task_state: step.expect })) return;
    const { where, exception } = flow.fault ?? { where: `compute/manager.py:${flow.name}`, exception: 'nova.exception.NovaException' };
    const details = fail(db, ctx.row.uuid, { message: err.message, where, exception, host: ctx.row.host, now });
    finishEvent(db, ctx.row.uuid, flow.action, {
      event: step.event ?? `compute_${flow.name}`, start: ctx.payload.start ?? now, finish: now, result: 'Error', host: ctx.row.host, traceback: details, details: err.message,
    });
  });
}

/** The job kinds of a set of flows, one per step. */
export function flowJobs(api: ComputeApi, flows: Flow[]): CellJobKind[] {
  return flows.flatMap((flow) => flow.steps.map((_, i) => ({
    kind: stepKind(flow.name, i),
    delay: flow.delay,
    run: (cell: Cell, job: Job) => runStep(api, cell, flow, i, job),
  })));
}

/** A one-step power flow: from the API's task_state to a vm_state and power state. */
const power = (name: string, action: string, expect: string, vm: string, powerState: number, event: string): Flow => ({
  name, action, delay: DELAYS.action,
  steps: [{ expect, set: () => ({ vm_state: vm, task_state: null, power_state: powerState }), event }],
});

/** The flows of the simple actions (the API sets the first task_state). */
export const POWER_FLOWS: Record<string, Flow> = {
  stop: power('stop', 'stop', TASK.POWERING_OFF, VM.STOPPED, POWER.SHUTDOWN, 'compute_stop_instance'),
  start: power('start', 'start', TASK.POWERING_ON, VM.ACTIVE, POWER.RUNNING, 'compute_start_instance'),
  pause: power('pause', 'pause', TASK.PAUSING, VM.PAUSED, POWER.PAUSED, 'compute_pause_instance'),
  unpause: power('unpause', 'unpause', TASK.UNPAUSING, VM.ACTIVE, POWER.RUNNING, 'compute_unpause_instance'),
  suspend: power('suspend', 'suspend', TASK.SUSPENDING, VM.SUSPENDED, POWER.SUSPENDED, 'compute_suspend_instance'),
  resume: power('resume', 'resume', TASK.RESUMING, VM.ACTIVE, POWER.RUNNING, 'compute_resume_instance'),
  reboot_soft: {
    name: 'reboot_soft', action: 'reboot', delay: DELAYS.action,
    steps: [
      { expect: TASK.REBOOTING, set: () => ({ task_state: TASK.REBOOT_PENDING }) },
      { expect: TASK.REBOOT_PENDING, set: () => ({ vm_state: VM.ACTIVE, task_state: null, power_state: POWER.RUNNING }), event: 'compute_reboot_instance' },
    ],
  },
  reboot_hard: {
    name: 'reboot_hard', action: 'reboot', delay: DELAYS.action,
    steps: [
      { expect: TASK.REBOOTING_HARD, set: () => ({ task_state: TASK.REBOOT_STARTED_HARD }) },
      { expect: TASK.REBOOT_STARTED_HARD, set: () => ({ vm_state: VM.ACTIVE, task_state: null, power_state: POWER.RUNNING }), event: 'compute_reboot_instance' },
    ],
  },
  rebuild: {
    name: 'rebuild', action: 'rebuild', delay: DELAYS.action,
    steps: [
      { expect: TASK.REBUILDING, set: () => ({ task_state: TASK.REBUILD_BLOCK_DEVICE_MAPPING }) },
      { expect: TASK.REBUILD_BLOCK_DEVICE_MAPPING, set: () => ({ task_state: TASK.REBUILD_SPAWNING }) },
      {
        expect: TASK.REBUILD_SPAWNING,
        // A stopped server stays stopped after a rebuild; any other comes back running.
        set: ({ payload }) => (payload.was_stopped
          ? { vm_state: VM.STOPPED, task_state: null, power_state: POWER.SHUTDOWN }
          : { vm_state: VM.ACTIVE, task_state: null, power_state: POWER.RUNNING}),
        event: 'compute_rebuild_instance',
      },
    ],
  },
};
