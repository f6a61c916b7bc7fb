/**
 * A server's volumes, as Nova's conductor and compute manager handle them:
 *
 * - at schedule time the super conductor writes the requested mappings into the cell
 *   (writeBlockDevices), as _create_block_device_mapping;
 * - `build-block-devices` (cell queue, task_state block_device_mapping, between networking and
 *   spawning) is _prep_block_device: volumes to be made from an image, a snapshot or nothing are
 *   created in the user's project with the user's token (kept in the request spec for this step,
 *   as Nova keeps the request context in its RPC message, and dropped after it), awaited until
 *   `available` (bounded: Nova's VolumeNotCreated), then every volume is attached (attachment
 *   create, update with the host's connector, complete, with compute's service token). A failure
 *   aborts the build (ERROR, "Build of instance <id> aborted: <reason>") and cleans up.
 * - deleting the server (and a failed build) detaches every volume and deletes those marked
 *   delete_on_termination (cleanupVolumes, as _cleanup_volumes);
 * - shelve offload leaves every volume reserved for the server, unshelve connects them on the
 *   new host (disconnectVolumes, connectVolumes).
 */
import { uuid as newUuid } from '../../core/ids';
import type { Job } from '../../core/work-queue';
import type { Cell } from '../cells';
import type { ComputeApi, RequestSpec } from '../context';
import type { RequestedBdm } from '../api/server-block-devices';
import { getInstance, updateInstance } from '../models/instances';
import { attachmentComplete, attachmentCreate, attachmentDelete, attachmentUpdate, CinderFailure, createVolume, deleteVolume, getVolume, hostConnector, type Caller } from './cinder-client';
import { buildFailed, readSpec, writeSpec } from './build';
import type { CellJobKind } from './jobs';
import { TASK, VM } from './states';
import { destroyBdm, instanceBdms, nextDeviceName, type BdmRow } from './volume-attach';

export const TASK_BLOCK_DEVICE_MAPPING = 'block_device_mapping';

type VolumeSpec = RequestSpec & { volume_token?: string };

const volumeBdms = (spec: RequestSpec | undefined): RequestedBdm[] =>
  ((spec?.block_device_mapping ?? []) as unknown as RequestedBdm[]).filter((b) => b.destination_type === 'volume');

/** Whether the server's build has volumes to prepare. */
export const hasVolumes = (spec: RequestSpec | undefined): boolean => volumeBdms(spec).length > 0;

/** Writes the requested volume mappings of a new instance into its cell (inside the cell transaction). */
export function writeBlockDevices(db: Cell['db'], spec: RequestSpec, instanceUuid: string, now: string): void {
  const put = db.prepare(
    `INSERT INTO block_device_mapping (uuid, instance_uuid, source_type, destination_type, boot_index, device_name, volume_id, image_id, volume_size, delete_on_termination, tag, created_at)
     VALUES (?, ?, ?, 'volume', ?, NULL, ?, ?, ?, ?, ?, ?)`,
  );
  for (const b of volumeBdms(spec)) {
    put.run(newUuid(), instanceUuid, b.source_type, b.boot_index, b.source_type === 'volume' ? b.uuid : null,
      b.source_type === 'image' ? b.uuid : null, b.volume_size, b.delete_on_termination ? 1 : 0, b.tag, now);
  }
}

/** Polling of a volume being created (block_device_allocate_retries and its interval). */
const RETRIES = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** _await_block_device_map_created: the volume available, or Nova's VolumeNotCreated sentence. */
async function awaitCreated(api: ComputeApi, caller: Caller, volumeId: string): Promise<void> {
  // Nova polls every 3 s (block_device_allocate_retries_interval); here often enough for a
  // cloud without delays, and long enough to outlast the configured creation delays threefold.
  const interval = api.delay('volume_poll') || Math.max(250, Math.ceil((api.delay('volume_create') + api.delay('volume_download')) * 3 / RETRIES));
  const start = Date.now();
  let status = 'creating';
  let attempt = 1;
  for (; attempt <= RETRIES + 1; attempt++) {
    status = (await getVolume(api, caller, volumeId)).status;
    if (status !== 'creating' && status !== 'downloading') {
      if (status === 'available') return;
      break;
    }
    if (attempt <= RETRIES) await sleep(interval);
  }
  attempt = Math.min(attempt, RETRIES + 1);
  throw new Error(`Volume ${volumeId} did not finish being created even after we waited ${Math.floor((Date.now() - start) / 1000)} seconds or ${attempt} attempts. And its status is ${status}.`);
}

function setBdm(cell: Cell, uuid: string, changes: Partial<BdmRow>): void {
  const keys = Object.keys(changes);
  cell.db.prepare(`UPDATE block_device_mapping SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE uuid = ?`)
    .run(...keys.map((k) => (changes as Record<string, unknown>)[k]), uuid);
}

/** Creates, awaits and attaches one mapping's volume; each id is recorded as soon as it exists. */
async function prepare(api: ComputeApi, cell: Cell, row: { uuid: string; host: string | null; node: string | null; availability_zone: string | null }, bdm: BdmRow, want: RequestedBdm, caller: Caller): Promise<void> {
  const device = bdm.device_name ?? (bdm.boot_index === 0 ? '/dev/vda' : nextDeviceName(cell.db, row.uuid));
  if (!bdm.device_name) setBdm(cell, bdm.uuid, { device_name: device });
  let volumeId = bdm.volume_id;
  if (!volumeId) {
    const v = await createVolume(api, caller, {
      size: Number(want.volume_size ?? bdm.volume_size ?? 1), name: '',
      ...(want.source_type === 'image' ? { imageRef: want.uuid! } : {}),
      ...(want.source_type === 'snapshot' ? { snapshot_id: want.uuid! } : {}),
      // No zone: [cinder] cross_az_attach is True by default (_get_volume_create_az_value).
      ...(want.volume_type ? { volume_type: want.volume_type } : {}),
    }).catch((err) => {
      // translate_create_exception: a 400 is InvalidInput, an over-quota 413 OverQuota.
      if (err instanceof CinderFailure && err.status === 400) throw new Error(`Invalid input received: ${err.message}`);
      throw err;
    });
    volumeId = v.id;
    setBdm(cell, bdm.uuid, { volume_id: volumeId });
    await awaitCreated(api, caller, volumeId);
  }
  let attachmentId = bdm.attachment_id;
  if (!attachmentId) {
    attachmentId = (await attachmentCreate(api, caller, volumeId, row.uuid)).id;
    setBdm(cell, bdm.uuid, { attachment_id: attachmentId });
  }
  await attachmentUpdate(api, caller, attachmentId, hostConnector(row.host ?? row.node ?? 'compute', device));
  await attachmentComplete(api, caller, attachmentId);
}

async function buildBlockDevices(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const uuid = job.key;
  const start = String(job.payload.start ?? api.now());
  const row = getInstance(cell.db, uuid);
  if (!row || row.vm_state !== VM.BUILDING || row.task_state !== TASK_BLOCK_DEVICE_MAPPING) return;
  const spec = readSpec(api, uuid) as VolumeSpec | undefined;
  const caller = spec?.volume_token;
  const wanted = volumeBdms(spec);
  const rows = instanceBdms(cell.db, uuid).filter((b) => b.destination_type === 'volume');
  try {
    if (!caller) throw new Error('The request context of the build is gone.');
    for (let i = 0; i < rows.length; i++) await prepare(api, cell, row, rows[i], wanted[i] ?? (rows[i] as unknown as RequestedBdm), caller);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await buildFailed(api, cell, row, start, new Error(`Build of instance ${uuid} aborted: ${reason}`), 'nova.exception.BuildAbortException', TASK_BLOCK_DEVICE_MAPPING);
    await cleanupVolumes(api, cell, uuid, caller);
    dropToken(api, uuid);
    return;
  }
  cell.tx((db) => {
    if (!updateInstance(db, uuid, api.now(), { task_state: TASK.SPAWNING }, { task_state: TASK_BLOCK_DEVICE_MAPPING })) return;
    cell.queue.enqueue('build-spawn', uuid, { start });
  });
  dropToken(api, uuid);
}

/** The user's token is kept no longer than the step that needs it. */
function dropToken(api: ComputeApi, uuid: string): void {
  const spec = readSpec(api, uuid) as VolumeSpec | undefined;
  if (!spec?.volume_token) return;
  delete spec.volume_token;
  writeSpec(api, spec);
}

/**
 * _cleanup_volumes: every volume of the server detached (its attachment deleted with compute's
 * service token), those marked delete_on_termination deleted, the mappings destroyed. A volume
 * already gone is fine; other failures are logged, as Nova does.
 */
export async function cleanupVolumes(api: ComputeApi, cell: Cell, uuid: string, caller?: Caller): Promise<void> {
  const bdms = instanceBdms(cell.db, uuid).filter((b) => b.destination_type === 'volume' || b.volume_id);
  if (bdms.length && !(await api.peers.has('volume'))) return;
  for (const b of bdms) {
    try {
      if (b.attachment_id) await attachmentDelete(api, undefined, b.attachment_id);
      if (b.volume_id && b.delete_on_termination) {
        await deleteVolume(api, caller, b.volume_id).catch(async (err) => {
          // The user's token may have expired: compute's own (an admin) deletes it then.
          if (caller) await deleteVolume(api, undefined, b.volume_id!);
          else throw err;
        });
      }
    } catch (err) {
      api.log.warn({ err, instance: uuid, volume: b.volume_id }, 'could not clean up a volume of a server');
    }
    cell.tx((db) => destroyBdm(db, b.uuid));
  }
}

/**
 * _terminate_volume_connections at shelve offload: each attachment is replaced by a reserved one
 * (Cinder has no disconnect: delete and create), so the volumes stay the server's, `reserved`,
 * while it has no host.
 */
export async function disconnectVolumes(api: ComputeApi, cell: Cell, uuid: string): Promise<void> {
  for (const b of instanceBdms(cell.db, uuid).filter((x) => x.volume_id && x.attachment_id)) {
    await attachmentDelete(api, undefined, b.attachment_id!);
    const fresh = await attachmentCreate(api, undefined, b.volume_id!, uuid);
    setBdm(cell, b.uuid, { attachment_id: fresh.id });
  }
}

/** Unshelve on a host: every volume connected there again (attachment update, complete). */
export async function connectVolumes(api: ComputeApi, cell: Cell, uuid: string, host: string): Promise<void> {
  for (const b of instanceBdms(cell.db, uuid).filter((x) => x.volume_id && x.attachment_id)) {
    const device = b.device_name ?? (b.boot_index === 0 ? '/dev/vda' : nextDeviceName(cell.db, uuid));
    if (!b.device_name) setBdm(cell, b.uuid, { device_name: device });
    await attachmentUpdate(api, undefined, b.attachment_id!, hostConnector(host, device));
    await attachmentComplete(api, undefined, b.attachment_id!);
  }
}

export const blockDeviceCellJobs = (api: ComputeApi): CellJobKind[] => [
  { kind: 'build-block-devices', delay: 'server_block_devices', run: (cell, job) => buildBlockDevices(api, cell, job) },
];
