/** The block-storage route table and the volume service's work. (Skeleton.) */
import type { Route } from '../core/service';
import { registerAttachActions } from './api/attach-actions';
import { attachmentRoutes } from './api/attachments';
import { backupRoutes } from './api/backups';
import { registerBackupWork } from './backup-manager';
import type { BlockStorageApi } from './context';

/** Discovery at the mount root (GET / 300, GET /v3 with a token). */
export function discoveryRoutes(_api: BlockStorageApi): Route[] {
  return [];
}

/** The API, with paths relative to /v3/{project_id} (index.ts mounts them with and without it). */
export function apiRoutes(api: BlockStorageApi): Route[] {
  return [...attachmentRoutes(api), ...backupRoutes(api)];
}

/** Registers the volume service's jobs on the queue (create, delete, extend...) and the actions. */
export function registerWork(api: BlockStorageApi): void {
  registerAttachActions(api);
  registerBackupWork(api);
}
