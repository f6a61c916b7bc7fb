/** GET /limits (cinder/api/v3/limits.py with used_limits): absolute limits and usage, no rate limits. */
import type { Route } from '../../core/service';
import { json } from '../common';
import type { BlockStorageApi } from '../context';
import { projectLimits, projectUsage } from '../quota';

export function limitRoutes(api: BlockStorageApi): Route[] {
  return [{
    method: 'GET',
    path: '/limits',
    handler: (req) => {
      const project = req.auth!.projectId!;
      const { limits, used } = api.store.tx(() => ({ limits: projectLimits(api.store.db, project), used: projectUsage(api.store.db, project) }));
      return json(200, {
        limits: {
          rate: [],
          absolute: {
            maxTotalVolumes: limits.volumes,
            maxTotalSnapshots: limits.snapshots,
            maxTotalVolumeGigabytes: limits.gigabytes,
            maxTotalBackups: limits.backups,
            maxTotalBackupGigabytes: limits.backup_gigabytes,
            totalVolumesUsed: used.volumes,
            totalGigabytesUsed: used.gigabytes,
            totalSnapshotsUsed: used.snapshots,
            totalBackupsUsed: used.backups,
            totalBackupGigabytesUsed: used.backup_gigabytes,
          },
        },
      });
    },
  }];
}
