/**
 * Cinder's volume views (cinder/api/v2/views/volumes.py and v3/views/volumes.py, then the
 * tenant, migration-status, host and image-metadata extensions): the fields and their order per
 * microversion and role, as the recordings show them (docs/cinder-wire-notes.md §4).
 */
import { createHash } from 'node:crypto';
import type { ApiRequest } from '../../core/service';
import type { Db } from '../../core/store';
import { cinderTime, links } from '../common';
import type { VolumeRow } from '../context';
import { attachedAttachments, glanceMetadata, isAdmin, readKv } from '../models/volumes';

/** The status the API shows (error_managing → error, like _get_volume_status). */
function shownStatus(status: string): string {
  if (status === 'error_managing') return 'error';
  if (status === 'error_managing_deleting' || status === 'managing') return status === 'managing' ? 'creating' : 'deleting';
  return status;
}

/** The cinder-volume service's uuid of a backend (stable per host). */
export function serviceUuid(host: string | null): string | null {
  if (!host) return null;
  const h = createHash('sha1').update(`cinder-volume:${host.split('#')[0]}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function volumeSummary(req: ApiRequest, v: VolumeRow): Record<string, unknown> {
  return { id: v.id, name: v.name, links: links(req, 'volumes', v.id) };
}

/**
 * The detailed view. `extensions`: false for create/update answers (no tenant, host or image
 * metadata keys), true for show and detail lists.
 */
export function volumeDetail(db: Db, req: ApiRequest, v: VolumeRow, extensions = true): Record<string, unknown> {
  const admin = isAdmin(req.auth);
  const mv = req.microversion!;
  const type = db.prepare('SELECT name FROM volume_types WHERE id = ?').get(v.volume_type_id) as { name: string } | undefined;
  const out: Record<string, unknown> = {
    id: v.id,
    status: shownStatus(v.status),
    size: v.size,
    availability_zone: v.availability_zone,
    created_at: cinderTime(v.created_at),
    updated_at: cinderTime(v.updated_at),
    name: v.name,
    description: v.description,
    volume_type: type?.name ?? v.volume_type_id,
    snapshot_id: v.snapshot_id,
    source_volid: v.source_volid,
    metadata: readKv(db, 'volume_metadata', v.id),
    links: links(req, 'volumes', v.id),
    user_id: v.user_id,
    bootable: v.bootable ? 'true' : 'false',
    encrypted: !!v.encrypted,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: !!v.multiattach,
    attachments: attachedAttachments(db, v.id).map((a) => ({
      id: a.volume_id,
      attachment_id: a.id,
      volume_id: a.volume_id,
      server_id: a.instance_uuid,
      host_name: admin ? a.attached_host : null,
      device: a.mountpoint,
      attached_at: cinderTime(a.attach_time),
    })),
  };
  if (admin) out.migration_status = v.migration_status;
  if (mv.atLeast('3.13')) out.group_id = null;
  if (admin && mv.atLeast('3.21')) out.provider_id = null;
  if (mv.atLeast('3.48')) {
    out.shared_targets = false;
    out.service_uuid = serviceUuid(v.host);
  }
  if (admin && mv.atLeast('3.61')) out.cluster_name = null;
  if (mv.atLeast('3.63')) out.volume_type_id = v.volume_type_id;
  if (mv.atLeast('3.65')) out.consumes_quota = !!v.consumes_quota;
  if (!extensions) return out;
  out['os-vol-tenant-attr:tenant_id'] = v.project_id;
  if (admin) {
    out['os-vol-mig-status-attr:migstat'] = v.migration_status;
    out['os-vol-mig-status-attr:name_id'] = null;
    out['os-vol-host-attr:host'] = v.host;
  }
  const image = glanceMetadata(db, v.id);
  if (Object.keys(image).length) out.volume_image_metadata = image;
  return out;
}
