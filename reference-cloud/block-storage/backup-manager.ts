/**
 * The simulated cinder-backup service (cinder/backup/manager.py): its jobs on the volume
 * service's durable queue, each checking the state it acts on (a job that runs twice does
 * nothing twice):
 *
 * - `backup-create` (delay `backup_create`): the volume's data written (backup-driver.ts); the
 *   backup `available` with its object count and container, the volume (or snapshot) back to
 *   the status it had; a failure leaves the backup `error` with its fail_reason.
 * - `backup-restore` (delay `backup_restore`): the objects read back into the volume; the volume
 *   `available` (on failure `error_restoring`), the backup `available` again.
 * - `backup-delete` (delay `backup_delete`): the objects removed, then the row; on failure the
 *   backup is `error_deleting`.
 *
 * Object-store calls carry the requesting user's token (kept in the job, as the RPC message keeps
 * Cinder's request context) and the backup's project as the account.
 */
import type { Job } from '../core/work-queue';
import { deleteBackupObjects, objectPrefix, openBackupStore, readBackup, writeBackup, type DriverName } from './backup-driver';
import type { BlockStorageApi } from './context';

export interface BackupRow {
  id: string;
  project_id: string;
  user_id: string;
  volume_id: string;
  snapshot_id: string | null;
  parent_id: string | null;
  name: string | null;
  description: string | null;
  size: number;
  status: string;
  fail_reason: string | null;
  availability_zone: string | null;
  container: string | null;
  object_count: number;
  driver: string | null;
  is_incremental: number;
  data_timestamp: string | null;
  created_at: string;
  updated_at: string | null;
}

export const BACKUP_DELAYS = { create: 'backup_create', restore: 'backup_restore', delete: 'backup_delete' } as const;

export function getBackup(api: BlockStorageApi, id: string): BackupRow | undefined {
  return api.store.db.prepare('SELECT * FROM backups WHERE id = ?').get(id) as BackupRow | undefined;
}

export function updateBackup(api: BlockStorageApi, id: string, changes: Partial<BackupRow>): void {
  const keys = Object.keys(changes);
  api.store.db.prepare(`UPDATE backups SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`)
    .run(...keys.map((k) => (changes as Record<string, unknown>)[k]), api.now(), id);
}

function setVolumeStatus(api: BlockStorageApi, id: string, status: string, onlyFrom?: string): void {
  api.store.db.prepare(`UPDATE volumes SET status = ?, updated_at = ? WHERE id = ?${onlyFrom ? ' AND status = ?' : ''}`)
    .run(...[status, api.now(), id, ...(onlyFrom ? [onlyFrom] : [])]);
}

/** The prefix of a backup's objects (its creation time stands for the driver's timestamp). */
export const prefixOf = (b: BackupRow): string => objectPrefix(b.volume_id, b.id, b.availability_zone ?? 'nova', new Date(b.created_at));

const storeOf = (api: BlockStorageApi, b: BackupRow, token: string) =>
  openBackupStore(api, (b.driver ?? 'posix') as DriverName, b.container ?? '', token, b.project_id);

interface CreatePayload { token: string; previous_status: string }

async function createBackup(api: BlockStorageApi, job: Job<CreatePayload>): Promise<void> {
  const b = getBackup(api, job.key);
  if (!b || b.status !== 'creating') return;
  const restoreSource = () => {
    if (b.snapshot_id) api.store.db.prepare("UPDATE snapshots SET status = 'available', updated_at = ? WHERE id = ? AND status = 'backing-up'").run(api.now(), b.snapshot_id);
    else setVolumeStatus(api, b.volume_id, job.payload.previous_status ?? 'available', 'backing-up');
  };
  try {
    const volume = api.store.db.prepare('SELECT id FROM volumes WHERE id = ?').get(b.volume_id);
    if (!volume) throw new Error(`Volume ${b.volume_id} could not be found.`);
    const store = storeOf(api, b, job.payload.token);
    const count = await writeBackup(store, prefixOf(b), {
      backup_id: b.id, volume_id: b.volume_id, backup_name: b.name, backup_description: b.description, created_at: b.created_at, parent_id: b.parent_id,
    }, b.size);
    api.store.tx(() => {
      if (getBackup(api, b.id)?.status !== 'creating') return;
      updateBackup(api, b.id, { status: 'available', object_count: count });
      restoreSource();
    });
  } catch (err) {
    api.log.warn({ err, backup: b.id }, 'a backup failed');
    api.store.tx(() => {
      if (getBackup(api, b.id)?.status !== 'creating') return;
      updateBackup(api, b.id, { status: 'error', fail_reason: err instanceof Error ? err.message : String(err) });
      restoreSource();
    });
  }
}

interface RestorePayload { token: string; volume_id: string }

async function restoreBackup(api: BlockStorageApi, job: Job<RestorePayload>): Promise<void> {
  const b = getBackup(api, job.key);
  if (!b || b.status !== 'restoring') return;
  try {
    await readBackup(storeOf(api, b, job.payload.token), prefixOf(b));
    api.store.tx(() => {
      updateBackup(api, b.id, { status: 'available' });
      setVolumeStatus(api, job.payload.volume_id, 'available', 'restoring-backup');
    });
  } catch (err) {
    api.log.warn({ err, backup: b.id }, 'a restore failed');
    api.store.tx(() => {
      updateBackup(api, b.id, { status: 'available' });
      setVolumeStatus(api, job.payload.volume_id, 'error_restoring', 'restoring-backup');
    });
  }
}

async function deleteBackup(api: BlockStorageApi, job: Job<{ token: string }>): Promise<void> {
  const b = getBackup(api, job.key);
  if (!b || b.status !== 'deleting') return;
  try {
    if (b.driver) await deleteBackupObjects(storeOf(api, b, job.payload.token), prefixOf(b));
    api.store.tx(() => api.store.db.prepare("DELETE FROM backups WHERE id = ? AND status = 'deleting'").run(b.id));
  } catch (err) {
    api.log.warn({ err, backup: b.id }, 'a backup delete failed');
    updateBackup(api, b.id, { status: 'error_deleting', fail_reason: err instanceof Error ? err.message : String(err) });
  }
}

export function registerBackupWork(api: BlockStorageApi): void {
  api.queue.on<CreatePayload>('backup-create', (job) => createBackup(api, job), { delayMs: api.delay(BACKUP_DELAYS.create) });
  api.queue.on<RestorePayload>('backup-restore', (job) => restoreBackup(api, job), { delayMs: api.delay(BACKUP_DELAYS.restore) });
  api.queue.on<{ token: string }>('backup-delete', (job) => deleteBackup(api, job), { delayMs: api.delay(BACKUP_DELAYS.delete) });
}

