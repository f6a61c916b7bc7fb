/**
 * Nova's instance state machine as nova/compute/api.py guards it: for each server action, the
 * vm_states and task_states it may start from (the check_instance_state decorators), whether a
 * lock stops it (check_instance_lock), whether it needs the instance on a host
 * (check_instance_host: "Instance <id> is not ready" otherwise), and the task_state the API sets
 * before answering.
 */
import { conflict, invalidState } from '../common';
import type { InstanceRow } from '../models/instances';

export const VM = {
  ACTIVE: 'active', BUILDING: 'building', PAUSED: 'paused', SUSPENDED: 'suspended', STOPPED: 'stopped',
  RESCUED: 'rescued', RESIZED: 'resized', SOFT_DELETED: 'soft-delete', DELETED: 'deleted', ERROR: 'error',
  SHELVED: 'shelved', SHELVED_OFFLOADED: 'shelved_offloaded',
} as const;

export const TASK = {
  SCHEDULING: 'scheduling', NETWORKING: 'networking', SPAWNING: 'spawning',
  REBOOTING: 'rebooting', REBOOT_PENDING: 'reboot_pending', REBOOT_STARTED: 'reboot_started',
  REBOOTING_HARD: 'rebooting_hard', REBOOT_PENDING_HARD: 'reboot_pending_hard', REBOOT_STARTED_HARD: 'reboot_started_hard',
  POWERING_OFF: 'powering-off', POWERING_ON: 'powering-on', PAUSING: 'pausing', UNPAUSING: 'unpausing',
  SUSPENDING: 'suspending', RESUMING: 'resuming',
  RESIZE_PREP: 'resize_prep', RESIZE_MIGRATING: 'resize_migrating', RESIZE_MIGRATED: 'resize_migrated',
  RESIZE_FINISH: 'resize_finish', RESIZE_REVERTING: 'resize_reverting', RESIZE_CONFIRMING: 'resize_confirming',
  REBUILDING: 'rebuilding', REBUILD_BLOCK_DEVICE_MAPPING: 'rebuild_block_device_mapping', REBUILD_SPAWNING: 'rebuild_spawning',
  IMAGE_SNAPSHOT_PENDING: 'image_snapshot_pending', IMAGE_UPLOADING: 'image_uploading',
  SHELVING: 'shelving', SHELVING_OFFLOADING: 'shelving_offloading', UNSHELVING: 'unshelving',
  DELETING: 'deleting',
} as const;

const ALLOW_SOFT_REBOOT = [VM.ACTIVE];
const ALLOW_HARD_REBOOT = [...ALLOW_SOFT_REBOOT, VM.STOPPED, VM.PAUSED, VM.SUSPENDED, VM.ERROR];
/** task_states.ALLOW_REBOOT */
const ALLOW_REBOOT = [null, TASK.REBOOTING, TASK.REBOOT_PENDING, TASK.REBOOT_STARTED, TASK.RESUMING, TASK.REBOOTING_HARD,
  TASK.UNPAUSING, TASK.PAUSING, TASK.SUSPENDING];

/** One guard of nova/compute/api.py. `vm`/`task` undefined: any. */
export interface Guard {
  vm?: readonly string[];
  task?: readonly (string | null)[];
  lock: boolean;
  host: boolean;
}

const guard = (g: Partial<Guard> & { vm?: readonly string[] }): Guard => ({ lock: true, host: true, task: [null], ...g });

/** The guards by the API's action name (the name Nova's 409 sentences and instance actions use). */
export const GUARDS: Record<string, Guard> = {
  // reboot's outer guard; a soft reboot adds ALLOW_SOFT_REBOOT/[None], a hard one ALLOW_HARD_REBOOT/ALLOW_REBOOT.
  reboot: guard({ vm: [...new Set([...ALLOW_SOFT_REBOOT, ...ALLOW_HARD_REBOOT])], task: ALLOW_REBOOT }),
  'reboot:SOFT': guard({ vm: ALLOW_SOFT_REBOOT, task: [null] }),
  'reboot:HARD': guard({ vm: ALLOW_HARD_REBOOT, task: ALLOW_REBOOT }),
  stop: guard({ vm: [VM.ACTIVE, VM.RESCUED, VM.ERROR] }),
  start: guard({ vm: [VM.STOPPED] }),
  pause: guard({ vm: [VM.ACTIVE] }),
  unpause: guard({ vm: [VM.PAUSED] }),
  suspend: guard({ vm: [VM.ACTIVE] }),
  resume: guard({ vm: [VM.SUSPENDED] }),
  resize: guard({ vm: [VM.ACTIVE, VM.STOPPED] }),
  migrate: guard({ vm: [VM.ACTIVE, VM.STOPPED] }),
  confirmResize: guard({ vm: [VM.RESIZED], task: undefined }),
  revertResize: guard({ vm: [VM.RESIZED] }),
  rebuild: guard({ vm: [VM.ACTIVE, VM.STOPPED, VM.ERROR] }),
  // snapshot has no lock check in Nova: a locked server can still be imaged.
  createImage: guard({ vm: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED], lock: false }),
  shelve: guard({ vm: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED] }),
  shelveOffload: guard({ vm: [VM.SHELVED], host: false }),
  unshelve: guard({ vm: [VM.SHELVED, VM.SHELVED_OFFLOADED], host: false }),
  trigger_crash_dump: guard({ vm: [VM.ACTIVE, VM.PAUSED, VM.RESCUED, VM.RESIZED, VM.ERROR] }),
  lock: guard({ vm: undefined, task: undefined, lock: false, host: false }),
  unlock: guard({ vm: undefined, task: undefined, lock: false, host: false }),
  resetState: guard({ vm: undefined, task: undefined, lock: false, host: false }),
};

/** 409 "Instance <id> is locked" (InstanceIsLocked). */
export const instanceLocked = (id: string) => conflict(`Instance ${id} is locked`);
/** 409 "Instance <id> is not ready" (InstanceNotReady). */
export const notReady = (id: string) => conflict(`Instance ${id} is not ready`);

/**
 * Applies a guard in Nova's decorator order: the lock (admins pass), the host, then vm_state and
 * task_state. `action` is the API's name for the 409 sentence.
 */
export function checkGuard(g: Guard, action: string, row: Pick<InstanceRow, 'uuid' | 'locked' | 'host' | 'vm_state' | 'task_state'>, isAdmin: boolean): void {
  if (g.lock && row.locked && !isAdmin) throw instanceLocked(row.uuid);
  if (g.host && !row.host) throw notReady(row.uuid);
  if (g.vm && !g.vm.includes(row.vm_state)) throw invalidState(action, row.uuid, 'vm_state', row.vm_state);
  if (g.task && !g.task.includes(row.task_state)) throw invalidState(action, row.uuid, 'task_state', row.task_state);
}
