/**
 * createImage: the API creates the image record in the image service with the user's token
 * (queued, with the snapshot's properties); the host then uploads the disk (a small generated
 * payload: the fake driver has no disk) so that the image becomes active, going through
 * image_snapshot_pending and image_uploading. A failed upload deletes the image.
 */
import { createHash } from 'node:crypto';
import type { ComputeApi } from '../context';
import { flavorOf, type InstanceRow } from '../models/instances';
import { type Flow } from './flows';
import { DELAYS } from './jobs';
import { TASK } from './states';

/** The image a snapshot of `row` starts as (Nova's _create_image: base properties, then the user's metadata). */
export function snapshotImageBody(row: InstanceRow, name: string, metadata: Record<string, string>, base: Record<string, unknown> | undefined): Record<string, unknown> {
  const inherited: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base ?? {})) {
    // Glance's own fields and Nova's per-image bookkeeping are not inherited.
    if (['id', 'name', 'status', 'visibility', 'protected', 'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size', 'owner',
      'created_at', 'updated_at', 'file', 'schema', 'self', 'tags', 'locations', 'direct_url', 'min_disk', 'min_ram', 'container_format',
      'disk_format', 'instance_uuid', 'image_type', 'base_image_ref', 'user_id', 'owner_specified.openstack.md5',
      'owner_specified.openstack.sha256', 'owner_specified.openstack.object', 'stores', 'os_hidden', 'image_location', 'image_state'].includes(k)) continue;
    if (typeof v === 'string') inherited[k] = v;
  }
  return {
    ...inherited,
    name,
    container_format: typeof base?.container_format === 'string' ? base.container_format : 'bare',
    disk_format: typeof base?.disk_format === 'string' ? base.disk_format : 'qcow2',
    min_disk: flavorOf(row).root_gb,
    min_ram: typeof base?.min_ram === 'number' ? base.min_ram : 0,
    instance_uuid: row.uuid,
    image_type: 'snapshot',
    base_image_ref: row.image_ref,
    user_id: row.user_id,
    ...metadata,
  };
}

/** The fake driver's disk: a few bytes that name the instance and the moment. */
const diskOf = (uuid: string, now: string): string => `stackproof fake disk of ${uuid} at ${now} ${createHash('sha256').update(uuid + now).digest('hex')}`;

/** Uploads the fake disk into a queued image (service token: the image service lets the compute service write it). */
export async function uploadDisk(api: ComputeApi, uuid: string, imageId: string): Promise<void> {
  const r = await api.peers.call('image', 'PUT', `/v2/images/${imageId}/file`, {
    body: diskOf(uuid, api.now()),
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  if (r.status >= 400) throw new Error(`Image ${imageId} could not be uploaded: status ${r.status}`);
}

export const SNAPSHOT_FLOW: Flow = {
  name: 'snapshot', action: 'createImage', delay: DELAYS.snapshot,
  steps: [
    { expect: TASK.IMAGE_SNAPSHOT_PENDING, set: () => ({ task_state: TASK.IMAGE_UPLOADING }) },
    {
      expect: TASK.IMAGE_UPLOADING,
      work: ({ api, row, payload }) => uploadDisk(api, row.uuid, String(payload.image_id)),
      set: () => ({ task_state: null }),
      event: 'compute_snapshot_instance',
    },
  ],
  fault: { where: 'compute/manager.py:snapshot_instance', exception: 'nova.exception.ImageNotFound' },
  afterFailure: ({ api, payload }) => deleteImage(api, String(payload.image_id)),
};

/** Deletes a snapshot image that will never be uploaded (service token; a 404 is fine). */
export async function deleteImage(api: ComputeApi, imageId: string, token?: string): Promise<void> {
  try {
    await api.peers.call('image', 'DELETE', `/v2/images/${imageId}`, token ? { token } : {});
  } catch (err) {
    api.log.warn({ err, image: imageId }, 'could not delete a snapshot image');
  }
}
