/**
 * Instances in a cell's database, and what hangs off them: state, actions and their events,
 * faults. The API reads and the conductor writes through these functions, so a state change is
 * always one statement with its updated_at.
 */
import type { Db } from '../../core/store';
import type { InstanceFlavor } from './flavors';

/** Nova's power states (nova.compute.power_state). */
export const POWER = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;

export interface InstanceRow {
  id: number;
  uuid: string;
  project_id: string;
  user_id: string;
  display_name: string;
  display_description: string | null;
  hostname: string;
  host: string | null;
  node: string | null;
  availability_zone: string | null;
  vm_state: string;
  task_state: string | null;
  power_state: number;
  flavor: string;
  old_flavor: string | null;
  new_flavor: string | null;
  image_ref: string;
  key_name: string | null;
  key_data: string | null;
  user_data: string | null;
  config_drive: string;
  access_ip_v4: string | null;
  access_ip_v6: string | null;
  locked: number;
  locked_by: string | null;
  locked_reason: string | null;
  reservation_id: string;
  launch_index: number;
  root_device_name: string | null;
  kernel_id: string;
  ramdisk_id: string;
  progress: number;
  security_groups: string;
  created_at: string;
  updated_at: string | null;
  launched_at: string | null;
  terminated_at: string | null;
  deleted_at: string | null;
  deleted: number;
}

export const flavorOf = (row: Pick<InstanceRow, 'flavor'>): InstanceFlavor => JSON.parse(row.flavor) as InstanceFlavor;

/** A live (not deleted) instance of a cell. */
export function getInstance(db: Db, uuid: string): InstanceRow | undefined {
  return db.prepare('SELECT * FROM instances WHERE uuid = ? AND deleted = 0').get(uuid) as InstanceRow | undefined;
}

/** Inserts an instance (the conductor, once a host or cell0 is chosen). */
export function insertInstance(db: Db, row: Omit<InstanceRow, 'id'>): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO instances (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
}

/**
 * Changes an instance's columns and stamps updated_at. With `expect`, the change happens only
 * when the current task_state is the expected one (Nova's expected_task_state): the function
 * answers false when another request got there first.
 */
export function updateInstance(db: Db, uuid: string, now: string, changes: Partial<InstanceRow>, expect?: { task_state: string | null }): boolean {
  const cols = Object.keys(changes);
  const sets = [...cols.map((c) => `${c} = @${c}`), 'updated_at = @__now'].join(', ');
  let where = 'uuid = @__uuid AND deleted = 0';
  const params: Record<string, unknown> = { ...changes, __now: now, __uuid: uuid };
  if (expect) {
    where += expect.task_state === null ? ' AND task_state IS NULL' : ' AND task_state = @__expect';
    params.__expect = expect.task_state;
  }
  return db.prepare(`UPDATE instances SET ${sets} WHERE ${where}`).run(params).changes === 1;
}

export function instanceMetadata(db: Db, uuid: string): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM instance_metadata WHERE instance_uuid = ? ORDER BY key').all(uuid) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function instanceTags(db: Db, uuid: string): string[] {
  return (db.prepare('SELECT tag FROM tags WHERE resource_id = ? ORDER BY tag').all(uuid) as { tag: string }[]).map((r) => r.tag);
}

/** Starts an instance action (os-instance-actions) and answers its id. */
export function startAction(db: Db, a: { action: string; instance_uuid: string; request_id: string; user_id: string; project_id: string; now: string }): number {
  return Number(db.prepare(
    'INSERT INTO instance_actions (action, instance_uuid, request_id, user_id, project_id, start_time, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(a.action, a.instance_uuid, a.request_id, a.user_id, a.project_id, a.now, a.now).lastInsertRowid);
}

/** Records one event of an action (compute_stop_instance...) with its result. */
export function recordEvent(db: Db, actionId: number, e: { event: string; start: string; finish: string; result: 'Success' | 'Error'; host?: string | null; traceback?: string | null; details?: string | null }): void {
  db.prepare(
    'INSERT INTO instance_actions_events (action_id, event, start_time, finish_time, result, traceback, host, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(actionId, e.event, e.start, e.finish, e.result, e.traceback ?? null, e.host ?? null, e.details ?? null);
  // Nova marks the action "Error" when one of its events failed; it stays null otherwise.
  db.prepare(`UPDATE instance_actions SET updated_at = ?, message = CASE WHEN ? = 'Error' THEN 'Error' ELSE message END WHERE id = ?`)
    .run(e.finish, e.result, actionId);
}

/** The latest action of an instance with that name (the conductor finishing what the API started). */
export function latestAction(db: Db, instanceUuid: string, action: string): number | undefined {
  const row = db.prepare('SELECT id FROM instance_actions WHERE instance_uuid = ? AND action = ? ORDER BY id DESC LIMIT 1').get(instanceUuid, action) as { id: number } | undefined;
  return row?.id;
}

/** Records a fault (shown in the server while it is in ERROR). */
export function recordFault(db: Db, f: { instance_uuid: string; code: number; message: string; details?: string; host?: string | null; now: string }): void {
  db.prepare('INSERT INTO instance_faults (instance_uuid, code, message, details, host, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(f.instance_uuid, f.code, f.message, f.details ?? '', f.host ?? null, f.now);
}

export function latestFault(db: Db, uuid: string): { code: number; message: string; details: string; created_at: string } | undefined {
  return db.prepare('SELECT code, message, details, created_at FROM instance_faults WHERE instance_uuid = ? ORDER BY id DESC LIMIT 1').get(uuid) as
    { code: number; message: string; details: string; created_at: string } | undefined;
}

/** The instance's ports as the network service described them when they were bound. */
export interface NetworkInfoEntry {
  port_id: string;
  net_id: string;
  network_name: string;
  mac_addr: string;
  fixed_ips: { ip_address: string; subnet_id: string; version: 4 | 6 }[];
  /** Whether Nova created the port (deleted with the server) or the user passed it. */
  created_by_nova: boolean;
  tag?: string | null;
}

export function networkInfo(db: Db, uuid: string): NetworkInfoEntry[] {
  const row = db.prepare('SELECT network_info FROM instance_info_caches WHERE instance_uuid = ?').get(uuid) as { network_info: string } | undefined;
  return row ? (JSON.parse(row.network_info) as NetworkInfoEntry[]) : [];
}

export function setNetworkInfo(db: Db, uuid: string, info: NetworkInfoEntry[]): void {
  db.prepare('INSERT INTO instance_info_caches (instance_uuid, network_info) VALUES (?, ?) ON CONFLICT (instance_uuid) DO UPDATE SET network_info = excluded.network_info')
    .run(uuid, JSON.stringify(info));
}
