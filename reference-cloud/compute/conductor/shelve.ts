/**
 * Shelve, offload and unshelve. With Nova's default shelved_offload_time of 0 a shelved server
 * is offloaded at once: SHELVED/shelving_offloading, then SHELVED_OFFLOADED with no host, its
 * allocation freed, its ports unbound and its volumes' connections dropped (block-devices.ts).
 * Unshelving an offloaded server schedules it again (the super conductor's `unshelve-instance`,
 * within its cell), then connects its volumes and spawns it on the chosen host.
 */
import type { Job } from '../../core/work-queue';
import { NoValidHost, type ComputeApi } from '../context';
import { flavorOf, getInstance, networkInfo, POWER, updateInstance } from '../models/instances';
import { CONTROLLER_HOST } from '../hosts';
import { readSpec } from './build';
import { startFlow, type Flow, type FlowStep } from './flows';
import type { ApiJobKind } from './jobs';
import { DELAYS } from './jobs';
import { bindPorts } from './network';
import { connectVolumes, disconnectVolumes } from './block-devices';
import { hostsOutside, moveSpec } from './placement';
import { fail, finishEvent, setSystemMetadata, systemMetadata } from './records';
import { deleteImage, uploadDisk } from './snapshot';
import type { Cell } from '../cells';
import { TASK, VM } from './states';

/** The offload; its event only when it is an action of its own (a shelve records compute_shelve_instance alone). */
const offload = (event?: string): FlowStep => ({
  expect: TASK.SHELVING_OFFLOADING,
  work: async ({ api, cell, row }) => {
    await bindPorts(api, networkInfo(cell.db, row.uuid), '');
    await disconnectVolumes(api, cell, row.uuid);
  },
  set: () => ({ vm_state: VM.SHELVED_OFFLOADED, task_state: null, host: null, node: null, power_state: POWER.NOSTATE }),
  event,
  after: ({ api, row }) => api.scheduler.release(row.uuid),
});

/**
 * Shelve: the server is powered off and its disk saved as the "<name>-shelved" snapshot the API
 * created (none for a volume-backed server), remembered as shelved_image_id; then offloaded.
 */
export const SHELVE_FLOW: Flow = {
  name: 'shelve', action: 'shelve', delay: DELAYS.action,
  steps: [
    {
      expect: TASK.SHELVING,
      work: async ({ api, row, payload }) => {
        if (payload.image_id) await uploadDisk(api, row.uuid, String(payload.image_id));
      },
      set: () => ({ vm_state: VM.SHELVED, power_state: POWER.SHUTDOWN, task_state: TASK.SHELVING_OFFLOADING }),
      apply: (db, { api, row, payload }) => setSystemMetadata(db, row.uuid, {
        shelved_at: api.now(), shelved_host: row.host, shelved_image_id: payload.image_id ? String(payload.image_id) : null,
      }),
      event: 'compute_shelve_instance',
    },
    offload(),
  ],
  fault: { where: 'compute/manager.py:shelve_instance', exception: 'nova.exception.ImageNotFound' },
  afterFailure: async ({ api, payload }) => {
    if (payload.image_id) await deleteImage(api, String(payload.image_id));
  },
};

/** The snapshot of a shelved server is deleted once it is back on a host (or deleted). */
export async function dropShelvedImage(api: ComputeApi, cell: Cell, uuid: string): Promise<void> {
  const imageId = systemMetadata(cell.db, uuid, 'shelved_image_id');
  cell.tx((db) => setSystemMetadata(db, uuid, { shelved_at: null, shelved_host: null, shelved_image_id: null }));
  if (imageId) await deleteImage(api, imageId);
}

export const OFFLOAD_FLOW: Flow = { name: 'shelve_offload', action: 'shelveOffload', delay: DELAYS.action, steps: [offload('compute_shelve_offload_instance')] };

/** Spawning on the host the server has (shelved) or was given (offloaded). */
export const UNSHELVE_FLOW: Flow = {
  name: 'unshelve', action: 'unshelve', delay: DELAYS.spawn,
  steps: [
    {
      expect: TASK.UNSHELVING,
      work: async ({ api, cell, row, payload }) => {
        await bindPorts(api, networkInfo(cell.db, row.uuid), String(payload.host ?? row.host));
        await connectVolumes(api, cell, row.uuid, String(payload.host ?? row.host));
      },
      set: ({ row, payload }) => ({
        task_state: TASK.SPAWNING,
        host: String(payload.host ?? row.host), node: String(payload.node ?? row.node), availability_zone: String(payload.zone ?? row.availability_zone),
      }),
    },
    {
      expect: TASK.SPAWNING,
      set: () => ({ vm_state: VM.ACTIVE, power_state: POWER.RUNNING, task_state: null }),
      event: 'compute_unshelve_instance',
      after: ({ api, cell, row }) => dropShelvedImage(api, cell, row.uuid),
    },
  ],
};

/** The super conductor's part of unshelving an offloaded server: a host in its cell. */
function unshelveInstance(api: ComputeApi, job: Job): void {
  const uuid = job.key;
  const start = String(job.payload.start ?? api.now());
  const cell = api.cells.ofInstance(uuid);
  if (!cell) return;
  const row = getInstance(cell.db, uuid);
  if (!row || row.task_state !== TASK.UNSHELVING || row.vm_state !== VM.SHELVED_OFFLOADED) return;
  api.scheduler.release(uuid);
  const base = readSpec(api, uuid);
  const flavor = flavorOf(row);
  const spec = moveSpec(base ?? {
    instance_uuid: uuid, project_id: row.project_id, user_id: row.user_id, request_id: '', flavor, image: null,
    availability_zone: null, force_host: null, scheduler_hints: {}, group_uuid: null, networks: 'none', security_groups: [], block_device_mapping: [],
  }, flavor, hostsOutside(api, cell, null, true));
  if (job.payload.availability_zone) spec.availability_zone = String(job.payload.availability_zone);
  const now = api.now();
  let selection;
  try {
    selection = api.scheduler.selectAndClaim(spec);
  } catch (err) {
    if (!(err instanceof NoValidHost)) throw err;
    cell.tx((db) => {
      if (!updateInstance(db, uuid, now, { task_state: null }, { task_state: TASK.UNSHELVING })) return;
      const details = fail(db, uuid, { message: err.message, where: 'conductor/manager.py:unshelve_instance', exception: 'nova.exception.NoValidHost', now });
      finishEvent(db, uuid, 'unshelve', { event: 'conductor_unshelve_instance', start, finish: now, result: 'Error', traceback: details, host: CONTROLLER_HOST, details: err.message });
    });
    return;
  }
  const ok = cell.tx((db) => {
    if (getInstance(db, uuid)?.task_state !== TASK.UNSHELVING) return false;
    finishEvent(db, uuid, 'unshelve', { event: 'conductor_unshelve_instance', start, finish: now, result: 'Success', host: CONTROLLER_HOST });
    startFlow(cell, UNSHELVE_FLOW, uuid, { start, host: selection.host, node: selection.node, zone: selection.zone });
    return true;
  });
  if (!ok) api.scheduler.release(uuid);
}

export const shelveApiJobs = (api: ComputeApi): ApiJobKind[] => [
  { kind: 'unshelve-instance', delay: DELAYS.schedule, run: (job) => unshelveInstance(api, job) },
];

export const SHELVE_FLOWS: Flow[] = [SHELVE_FLOW, OFFLOAD_FLOW, UNSHELVE_FLOW];
