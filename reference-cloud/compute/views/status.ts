/**
 * A server's API status from its vm_state and task_state, as nova/api/openstack/common.py maps
 * them (_STATE_MAP), and the reverse for the `status` list filter.
 */

const REBUILD = { rebuilding: 'REBUILD', rebuild_block_device_mapping: 'REBUILD', rebuild_spawning: 'REBUILD' };
const RESIZE = { resize_prep: 'RESIZE', resize_migrating: 'RESIZE', resize_migrated: 'RESIZE', resize_finish: 'RESIZE' };

/** vm_state -> {task_state -> status}, with each vm_state's default. */
export const STATE_MAP: Record<string, Record<string, string>> = {
  active: {
    default: 'ACTIVE',
    rebooting: 'REBOOT', reboot_pending: 'REBOOT', reboot_started: 'REBOOT',
    rebooting_hard: 'HARD_REBOOT', reboot_pending_hard: 'HARD_REBOOT', reboot_started_hard: 'HARD_REBOOT',
    updating_password: 'PASSWORD',
    ...REBUILD,
    migrating: 'MIGRATING',
    ...RESIZE,
  },
  building: { default: 'BUILD' },
  stopped: { default: 'SHUTOFF', ...RESIZE, ...REBUILD },
  resized: { default: 'VERIFY_RESIZE', resize_reverting: 'REVERT_RESIZE' },
  paused: { default: 'PAUSED', migrating: 'MIGRATING' },
  suspended: { default: 'SUSPENDED' },
  rescued: { default: 'RESCUE' },
  error: { default: 'ERROR', ...REBUILD },
  deleted: { default: 'DELETED' },
  soft_deleted: { default: 'SOFT_DELETED' },
  shelved: { default: 'SHELVED' },
  shelved_offloaded: { default: 'SHELVED_OFFLOADED' },
};

export function statusFromState(vmState: string | null | undefined, taskState: string | null | undefined): string {
  const map = STATE_MAP[vmState ?? ''] ?? { default: 'UNKNOWN' };
  return (taskState && map[taskState]) || map.default;
}

/**
 * The vm_states and task_states a list of statuses stands for (common.task_and_vm_state_from_status):
 * taskStates contains 'default' when a vm_state's default status matched, which means "any
 * task_state" to the list filter.
 */
export function statesFromStatus(statuses: string[]): { vmStates: string[]; taskStates: string[] } {
  const wanted = new Set(statuses.map((s) => s.trim().toLowerCase()));
  const vm = new Set<string>();
  const task = new Set<string>();
  for (const [vmState, map] of Object.entries(STATE_MAP)) {
    for (const [taskState, status] of Object.entries(map)) {
      if (wanted.has(status.toLowerCase())) {
        vm.add(vmState);
        task.add(taskState);
      }
    }
  }
  return { vmStates: [...vm].sort(), taskStates: [...task].sort() };
}
