/**
 * Schedule and build, as Nova's super conductor and compute manager do it:
 *
 * - `schedule-and-build` (super conductor, API queue): the build request and its spec go to the
 *   scheduler, which claims a host; the instance is written into that host's cell with its
 *   metadata, tags and 'create' action, mapped to the cell, and the build request dropped. No
 *   host: the instance goes to cell0 in ERROR with the fault "No valid host was found. <reason>".
 * - `build-networking` (cell queue): task_state networking, the ports, the network info.
 * - `build-block-devices` (cell queue, block-devices.ts) when the server has volumes.
 * - `build-spawn` (cell queue): spawning, then ACTIVE (power state running, launched_at).
 *
 * Each step checks what is already done, so a step that runs twice (a restart between its
 * commit and its removal from the queue) does nothing twice.
 */
import type { Job } from '../../core/work-queue';
import type { Cell } from '../cells';
import { NoValidHost, type BuildRequestInstance, type ComputeApi, type RequestSpec } from '../context';
import { getInstance, insertInstance, networkInfo, POWER, setNetworkInfo, startAction, updateInstance, type InstanceRow } from '../models/instances';
import { buildRequest } from '../models/lookup';
import { CONTROLLER_HOST } from '../hosts';
import type { ApiJobKind, CellJobKind } from './jobs';
import { DELAYS } from './jobs';
import { allocatePorts, deallocatePorts, NetworkFailure } from './network';
import { hasVolumes, TASK_BLOCK_DEVICE_MAPPING, writeBlockDevices } from './block-devices';
import { fail, finishEvent } from './records';
import { TASK, VM } from './states';

export function readSpec(api: ComputeApi, uuid: string): RequestSpec | undefined {
  const row = api.store.db.prepare('SELECT spec FROM request_specs WHERE instance_uuid = ?').get(uuid) as { spec: string } | undefined;
  return row ? (JSON.parse(row.spec) as RequestSpec) : undefined;
}

export function writeSpec(api: ComputeApi, spec: RequestSpec): void {
  api.store.db.prepare('UPDATE request_specs SET spec = ? WHERE instance_uuid = ?').run(JSON.stringify(spec), spec.instance_uuid);
}

/** The cell that already holds the instance (a schedule that ran up to the insert before a restart). */
function cellHolding(api: ComputeApi, uuid: string): Cell | undefined {
  return api.cells.all().filter((c) => !c.down).find((c) => !!c.db.prepare('SELECT 1 FROM instances WHERE uuid = ?').get(uuid));
}

function instanceFromBuild(b: BuildRequestInstance, at: Partial<InstanceRow>): Omit<InstanceRow, 'id'> {
  const { metadata: _m, tags: _t, ...row } = b;
  return { ...row, ...at };
}

function writeInstance(cell: Cell, b: BuildRequestInstance, at: Partial<InstanceRow>, spec: RequestSpec, now: string): number {
  const db = cell.db;
  insertInstance(db, instanceFromBuild(b, at));
  const meta = db.prepare('INSERT INTO instance_metadata (instance_uuid, key, value) VALUES (?, ?, ?)');
  for (const [k, v] of Object.entries(b.metadata ?? {})) meta.run(b.uuid, k, v);
  const tag = db.prepare('INSERT OR IGNORE INTO tags (resource_id, tag) VALUES (?, ?)');
  for (const t of b.tags ?? []) tag.run(b.uuid, t);
  writeBlockDevices(db, spec, b.uuid, now);
  // The super conductor records the 'create' action once the instance is in its cell, with the API request's id.
  return startAction(db, { action: 'create', instance_uuid: b.uuid, request_id: spec.request_id, user_id: spec.user_id, project_id: spec.project_id, now });
}

/** Maps the instance to its cell and drops the build request (the API now finds it in the cell). */
function mapToCell(api: ComputeApi, uuid: string, cell: Cell): void {
  api.store.tx(() => {
    api.store.db.prepare('UPDATE instance_mappings SET cell_id = ? WHERE instance_uuid = ?').run(cell.id, uuid);
    api.store.db.prepare('DELETE FROM build_requests WHERE instance_uuid = ?').run(uuid);
  });
}

export function scheduleAndBuild(api: ComputeApi, job: Job): void {
  const uuid = job.key;
  const build = buildRequest(api, uuid);
  const spec = readSpec(api, uuid);
  if (!build || !spec) return; // deleted while it waited: nothing to build
  const already = cellHolding(api, uuid);
  if (already) {
    mapToCell(api, uuid, already);
    return;
  }
  const now = api.now();
  // A claim left by a run interrupted before the insert is dropped before choosing again.
  api.scheduler.release(uuid);
  let selection;
  try {
    selection = api.scheduler.selectAndClaim(spec);
  } catch (err) {
    if (!(err instanceof NoValidHost)) throw err;
    const cell0 = api.cells.cell0;
    cell0.tx((db) => {
      const actionId = writeInstance(cell0, build, {
        vm_state: VM.ERROR, task_state: null, power_state: POWER.NOSTATE, host: null, node: null, availability_zone: null, updated_at: now,
      }, spec, now);
      const details = fail(db, uuid, {
        message: err.message, where: 'conductor/manager.py:schedule_and_build_instances', exception: 'nova.exception.NoValidHost', now,
      });
      db.prepare(
        'INSERT INTO instance_actions_events (action_id, event, start_time, finish_time, result, traceback, host, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(actionId, 'conductor_schedule_and_build_instances', now, now, 'Error', details, CONTROLLER_HOST, err.message);
      db.prepare("UPDATE instance_actions SET message = 'Error', updated_at = ? WHERE id = ?").run(now, actionId);
    });
    mapToCell(api, uuid, cell0);
    return;
  }
  const { cell } = selection;
  try {
    cell.tx(() => {
      writeInstance(cell, build, {
        host: selection.host, node: selection.node, availability_zone: selection.zone,
        vm_state: VM.BUILDING, task_state: null, updated_at: now,
      }, spec, now);
      cell.queue.enqueue('build-networking', uuid, { start: now });
    });
  } catch (err) {
    api.scheduler.release(uuid);
    throw err;
  }
  mapToCell(api, uuid, cell);
}

/** Puts a failed build in ERROR with its fault, frees its host and its ports. */
export async function buildFailed(api: ComputeApi, cell: Cell, row: InstanceRow, start: string, err: Error, exception: string, expected: string = TASK.NETWORKING): Promise<void> {
  const now = api.now();
  cell.tx((db) => {
    // As Nova's _nil_out_instance_obj_host_and_node: a build that failed on its host leaves it.
    if (!updateInstance(db, row.uuid, now, { vm_state: VM.ERROR, task_state: null, power_state: POWER.NOSTATE, host: null, node: null }, { task_state: expected })) return;
    const details = fail(db, row.uuid, { message: err.message, where: 'compute/manager.py:_build_and_run_instance', exception, host: row.host, now });
    finishEvent(db, row.uuid, 'create', { event: 'compute__do_build_and_run_instance', start, finish: now, result: 'Error', host: row.host, traceback: details, details: err.message });
  });
  api.scheduler.release(row.uuid);
  try {
    await deallocatePorts(api, row.uuid, networkInfo(cell.db, row.uuid));
  } catch (e) {
    api.log.warn({ err: e, instance: row.uuid }, 'could not clean the ports of a failed build');
  }
}

async function buildNetworking(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const uuid = job.key;
  const start = String(job.payload.start ?? api.now());
  const row = getInstance(cell.db, uuid);
  if (!row || row.vm_state !== VM.BUILDING) return;
  if (row.task_state !== null && row.task_state !== TASK.NETWORKING) return;
  if (row.task_state === null && !updateInstance(cell.db, uuid, api.now(), { task_state: TASK.NETWORKING }, { task_state: null })) return;
  const spec = readSpec(api, uuid);
  let info;
  try {
    info = spec ? await allocatePorts(api, row, spec) : [];
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const exception = e instanceof NetworkFailure ? e.exception : 'nova.exception.BuildAbortException';
    const message = e instanceof NetworkFailure && e.exception !== 'nova.exception.BuildAbortException'
      ? e.message
      : `Build of instance ${uuid} aborted: Failed to allocate the network(s), not rescheduling.`;
    await buildFailed(api, cell, row, start, new Error(message), exception);
    return;
  }
  const kept = cell.tx((db) => {
    if (!getInstance(db, uuid)) return false;
    setNetworkInfo(db, uuid, info);
    // Volumes to prepare first (block-devices.ts), then spawning.
    const next = hasVolumes(spec) ? { task: TASK_BLOCK_DEVICE_MAPPING, kind: 'build-block-devices' } : { task: TASK.SPAWNING, kind: 'build-spawn' };
    if (!updateInstance(db, uuid, api.now(), { task_state: next.task }, { task_state: TASK.NETWORKING })) return false;
    cell.queue.enqueue(next.kind, uuid, { start });
    return true;
  });
  // Deleted while its ports were being made: the delete may have looked before they existed.
  if (!kept) await deallocatePorts(api, uuid, info).catch((e) => api.log.warn({ err: e, instance: uuid }, 'could not free the ports of a deleted build'));
}

function buildSpawn(api: ComputeApi, cell: Cell, job: Job): void {
  const uuid = job.key;
  const start = String(job.payload.start ?? api.now());
  cell.tx((db) => {
    const row = getInstance(db, uuid);
    if (!row || row.vm_state !== VM.BUILDING) return;
    const now = api.now();
    if (!updateInstance(db, uuid, now, { vm_state: VM.ACTIVE, task_state: null, power_state: POWER.RUNNING, launched_at: now }, { task_state: TASK.SPAWNING })) return;
    finishEvent(db, uuid, 'create', { event: 'compute__do_build_and_run_instance', start, finish: now, result: 'Success', host: row.host });
  });
}

export const buildApiJobs = (api: ComputeApi): ApiJobKind[] => [
  { kind: 'schedule-and-build', delay: DELAYS.schedule, run: (job) => scheduleAndBuild(api, job) },
];

export const buildCellJobs = (api: ComputeApi): CellJobKind[] => [
  { kind: 'build-networking', delay: DELAYS.networking, run: (cell, job) => buildNetworking(api, cell, job) },
  { kind: 'build-spawn', delay: DELAYS.spawn, run: (cell, job) => buildSpawn(api, cell, job) },
];
