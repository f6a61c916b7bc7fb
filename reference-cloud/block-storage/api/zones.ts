/** os-availability-zone (cinder/api/contrib/availability_zones.py): the zones of enabled backends. */
import type { Route } from '../../core/service';
import { json } from '../common';
import type { BlockStorageApi } from '../context';

export function zoneRoutes(api: BlockStorageApi): Route[] {
  return [{
    method: 'GET',
    path: '/os-availability-zone',
    handler: () => {
      const rows = api.store.db.prepare('SELECT availability_zone AS zone, max(disabled = 0) AS up FROM backends GROUP BY availability_zone ORDER BY min(rowid)').all() as { zone: string; up: number }[];
      return json(200, { availabilityZoneInfo: rows.map((r) => ({ zoneName: r.zone, zoneState: { available: !!r.up } })) });
    },
  }];
}
