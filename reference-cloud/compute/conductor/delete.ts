/**
 * Deleting a server, as Nova's compute API and compute manager do it:
 *
 * - a build request (not scheduled yet): dropped at once with its spec and group membership;
 * - an instance that never reached a host (cell0): destroyed at once;
 * - an instance on a host: the 'delete' action and task_state deleting at once, its quota freed
 *   (mapping queued_for_delete), then `delete-instance` on its cell frees its ports, its
 *   volumes (detached; deleted when delete_on_termination) and allocations and sets vm_state
 *   deleted (briefly listed as DELETED), and `destroy-instance` marks the row deleted (404
 *   from then on; admins still list it with deleted=true).
 */
import type { ApiRequest } from '../../core/service';
import type { Job } from '../../core/work-queue';
import type { Cell } from '../cells';
import { instanceNotFound } from '../common';
import type { ComputeApi } from '../context';
import { getInstance, networkInfo, POWER, startAction, updateInstance } from '../models/instances';
import { buildRequest } from '../models/lookup';
import type { CellJobKind } from './jobs';
import { DELAYS } from './jobs';
import { deallocatePorts } from './network';
import { cleanupVolumes } from './block-devices';
import { finishEvent, leaveGroups, queueMappingForDelete } from './records';
import { dropShelvedImage } from './shelve';
import { checkGuard, TASK, VM } from './states';

const DELETE_GUARD = { lock: true, host: false } as const;

/** Frees what the API database holds for a server that is going away. */
function forget(api: ComputeApi, uuid: string): void {
  api.store.tx(() => {
    api.store.db.prepare('DELETE FROM build_requests WHERE instance_uuid = ?').run(uuid);
    api.store.db.prepare('DELETE FROM request_specs WHERE instance_uuid = ?').run(uuid);
    leaveGroups(api, uuid);
    queueMappingForDelete(api, uuid);
  });
}

/** Marks an instance row deleted (soft delete: deleted = id). */
function destroy(db: Cell['db'], uuid: string, now: string): boolean {
  return db.prepare('UPDATE instances SET deleted = id, deleted_at = ?, updated_at = ? WHERE uuid = ? AND deleted = 0').run(now, now, uuid).changes === 1;
}

export function deleteServer(api: ComputeApi, req: ApiRequest, uuid: string): void {
  const auth = req.auth!;
  const cell = api.cells.ofInstance(uuid);
  if (cell === undefined) throw instanceNotFound(uuid);
  if (cell === null) {
    if (!buildRequest(api, uuid)) throw instanceNotFound(uuid);
    api.queue.cancel('schedule-and-build', uuid);
    forget(api, uuid);
    return;
  }
  const row = getInstance(cell.db, uuid);
  if (!row) throw instanceNotFound(uuid);
  checkGuard(DELETE_GUARD, 'delete', row, auth.roles.includes('admin'));
  if (row.task_state === TASK.DELETING) return; // already on its way
  const now = api.now();
  const action = { action: 'delete', instance_uuid: uuid, request_id: req.id, user_id: auth.userId, project_id: auth.projectId ?? row.project_id, now };
  if (cell.isCell0) {
    cell.tx((db) => {
      startAction(db, action);
      updateInstance(db, uuid, now, { vm_state: VM.DELETED, task_state: null, power_state: POWER.NOSTATE, terminated_at: now });
      destroy(db, uuid, now);
    });
    forget(api, uuid);
    return;
  }
  cell.tx((db) => {
    startAction(db, action);
    updateInstance(db, uuid, now, { task_state: TASK.DELETING });
    cell.queue.enqueue('delete-instance', uuid, { start: now });
  });
  api.store.tx(() => queueMappingForDelete(api, uuid));
}

/** The cell's part: ports, allocations, then vm_state deleted. */
async function deleteInstance(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const uuid = job.key;
  const row = getInstance(cell.db, uuid);
  if (!row || row.task_state !== TASK.DELETING) return;
  const start = String(job.payload.start ?? api.now());
  try {
    await deallocatePorts(api, uuid, networkInfo(cell.db, uuid));
  } catch (err) {
    api.log.warn({ err, instance: uuid }, 'could not free the ports of a deleted server');
  }
  await dropShelvedImage(api, cell, uuid);
  await cleanupVolumes(api, cell, uuid);
  const migrations = cell.db.prepare('SELECT uuid FROM migrations WHERE instance_uuid = ?').all(uuid) as { uuid: string }[];
  api.store.tx(() => {
    api.scheduler.release(uuid);
    for (const m of migrations) api.scheduler.release(m.uuid);
  });
  forget(api, uuid);
  cell.tx((db) => {
    const now = api.now();
    if (!updateInstance(db, uuid, now, { vm_state: VM.DELETED, task_state: null, power_state: POWER.NOSTATE, terminated_at: now }, { task_state: TASK.DELETING })) return;
    finishEvent(db, uuid, 'delete', { event: 'compute_terminate_instance', start, finish: now, result: 'Success', host: row.host });
    cell.queue.enqueue('destroy-instance', uuid);
  });
}

function destroyInstance(api: ComputeApi, cell: Cell, job: Job): void {
  cell.tx((db) => {
    const row = getInstance(db, job.key);
    if (row?.vm_state === VM.DELETED) destroy(db, job.key, api.now());
  });
}

export const deleteCellJobs = (api: ComputeApi): CellJobKind[] => [
  { kind: 'delete-instance', delay: DELAYS.delete, run: (cell, job) => deleteInstance(api, cell, job) },
  { kind: 'destroy-instance', delay: DELAYS.destroy, run: (cell, job) => destroyInstance(api, cell, job) },
];
