/**
 * Cinder's snapshot views (cinder/api/v2/views/snapshots.py, v3 and the
 * extended-snapshot-attributes extension on show and detail).
 */
import type { ApiRequest } from '../../core/service';
import type { Db } from '../../core/store';
import { cinderTime } from '../common';
import { readKv, type SnapshotRow } from '../models/volumes';

/**
 * `summary`: GET /snapshots (v2's summary view at every microversion); `detail`: create and
 * update answers (v3's detail: group_snapshot_id 3.14, user_id 3.41, consumes_quota 3.65);
 * `extended`: show and /snapshots/detail, plus the extension's project_id and progress.
 */
export function snapshotView(db: Db, req: ApiRequest, s: SnapshotRow, view: 'summary' | 'detail' | 'extended'): Record<string, unknown> {
  const mv = req.microversion!;
  const out: Record<string, unknown> = {
    id: s.id,
    created_at: cinderTime(s.created_at),
    updated_at: cinderTime(s.updated_at),
    name: s.name,
    description: s.description,
    volume_id: s.volume_id,
    status: s.status,
    size: s.size,
    metadata: readKv(db, 'snapshot_metadata', s.id),
  };
  if (view === 'summary') return out;
  if (mv.atLeast('3.14')) out.group_snapshot_id = null;
  if (mv.atLeast('3.41')) out.user_id = s.user_id;
  if (mv.atLeast('3.65')) out.consumes_quota = !!s.consumes_quota;
  if (view === 'extended') {
    out['os-extended-snapshot-attributes:project_id'] = s.project_id;
    out['os-extended-snapshot-attributes:progress'] = s.progress;
  }
  return out;
}
