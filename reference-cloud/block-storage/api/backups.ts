/** The backups API (create, list, show, restore, delete). (Skeleton.) */
import type { Route } from '../../core/service';
import type { BlockStorageApi } from '../context';

export function backupRoutes(_api: BlockStorageApi): Route[] {
  return [];
}
