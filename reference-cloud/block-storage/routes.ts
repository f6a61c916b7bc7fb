/** The block-storage route table and the volume service's work. */
import type { Route } from '../core/service';
import { registerAttachActions } from './api/attach-actions';
import { attachmentRoutes } from './api/attachments';
import { backupRoutes } from './api/backups';
import { serviceRoutes } from './api/services';
import { discoveryRoutes as versionRoutes } from './api/discovery';
import { limitRoutes } from './api/limits';
import { quotaRoutes } from './api/quotas';
import { resourceFilterRoutes } from './api/resource-filters';
import { snapshotRoutes } from './api/snapshots';
import { typeRoutes } from './api/types';
import { registerVolumeActions, volumeActionRoutes } from './api/volume-actions';
import { metadataRoutes } from './api/volume-metadata';
import { volumeRoutes } from './api/volumes';
import { zoneRoutes } from './api/zones';
import { registerBackupWork } from './backup-manager';
import type { BlockStorageApi } from './context';
import { registerVolumeWork } from './volume-manager';

/** Discovery at the mount root (GET / 300, GET /v3 with a token). */
export function discoveryRoutes(api: BlockStorageApi): Route[] {
  return versionRoutes(api);
}

/** The API, with paths relative to /v3/{project_id} (index.ts mounts them with and without it). */
export function apiRoutes(api: BlockStorageApi): Route[] {
  return [
    ...volumeRoutes(api),
    ...volumeActionRoutes(api),
    ...metadataRoutes(api),
    ...snapshotRoutes(api),
    ...typeRoutes(api),
    ...zoneRoutes(api),
    ...quotaRoutes(api),
    ...limitRoutes(api),
    ...resourceFilterRoutes(api),
    ...attachmentRoutes(api),
    ...backupRoutes(api),
    ...serviceRoutes(api),
  ];
}

/** Registers the volume service's jobs on the queue (create, delete, extend...) and the actions. */
export function registerWork(api: BlockStorageApi): void {
  registerVolumeWork(api);
  registerVolumeActions(api);
  registerAttachActions(api);
  registerBackupWork(api);
}
