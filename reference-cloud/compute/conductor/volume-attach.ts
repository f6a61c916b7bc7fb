/**
 * Attaching and detaching a volume on a running server, as Nova's compute manager does it after
 * the API reserved the attachment (attach) or began detaching (detach):
 *
 * - `volume-connect` (cell queue, delay `volume_attach`): the host connects: attachment update
 *   with its connector (Cinder: volume `attaching`);
 * - `volume-complete` (same delay): attachment complete (volume `in-use`); the event
 *   compute_attach_volume. A failure deletes the attachment and the BDM, as Nova does.
 * - `volume-detach` (delay `volume_detach`): the attachment deleted (volume `available`), the BDM
 *   destroyed; the event compute_detach_volume.
 * - `volume-swap` (delay `volume_attach`): a swap's new volume connected, the old one released.
 *
 * Jobs are keyed by the BDM's uuid (two volumes of one server attach independently). These calls carry the compute service user's token (and service token): nobody waits for them.
 */
import type { Job } from '../../core/work-queue';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { getInstance, updateInstance } from '../models/instances';
import { attachmentComplete, attachmentDelete, attachmentUpdate, CinderFailure, hostConnector, volumeAction } from './cinder-client';
import type { CellJobKind } from './jobs';
import { fail, finishEvent } from './records';

export const VOLUME_DELAYS = { attach: 'volume_attach', detach: 'volume_detach' } as const;

export interface BdmRow {
  id: number;
  uuid: string;
  instance_uuid: string;
  source_type: string;
  destination_type: string;
  boot_index: number | null;
  device_name: string | null;
  volume_id: string | null;
  image_id: string | null;
  volume_size: number | null;
  delete_on_termination: number;
  attachment_id: string | null;
  tag: string | null;
  created_at: string;
  deleted: number;
}

export function getBdm(db: Cell['db'], uuid: string): BdmRow | undefined {
  return db.prepare('SELECT * FROM block_device_mapping WHERE uuid = ? AND deleted = 0').get(uuid) as BdmRow | undefined;
}

export function instanceBdms(db: Cell['db'], instanceUuid: string): BdmRow[] {
  return db.prepare('SELECT * FROM block_device_mapping WHERE instance_uuid = ? AND deleted = 0 ORDER BY id').all(instanceUuid) as BdmRow[];
}

/** Soft-deletes a BDM (deleted = id, as Nova's soft delete). */
export function destroyBdm(db: Cell['db'], uuid: string): void {
  db.prepare('UPDATE block_device_mapping SET deleted = id WHERE uuid = ?').run(uuid);
}

/**
 * The next device name libvirt gives a disk of this instance: /dev/vdb, /dev/vdc... past the
 * root disk (/dev/vda) and every device already mapped. A requested name is not honoured
 * (the libvirt driver picks its own since Queens).
 */
export function nextDeviceName(db: Cell['db'], instanceUuid: string, root = '/dev/vda'): string {
  const used = new Set([root, ...instanceBdms(db, instanceUuid).map((b) => b.device_name).filter((d): d is string => !!d)]);
  for (let i = 1; i < 26 * 27; i++) {
    const suffix = i < 26 ? String.fromCharCode(97 + i) : String.fromCharCode(96 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26));
    const name = `/dev/vd${suffix}`;
    if (!used.has(name)) return name;
  }
  throw new Error('no free device name');
}

async function attachFailed(api: ComputeApi, cell: Cell, bdm: BdmRow, start: string, err: Error): Promise<void> {
  api.log.warn({ err, instance: bdm.instance_uuid, volume: bdm.volume_id }, 'a volume attach failed');
  if (bdm.attachment_id) await attachmentDelete(api, undefined, bdm.attachment_id).catch(() => undefined);
  cell.tx((db) => {
    destroyBdm(db, bdm.uuid);
    const row = getInstance(db, bdm.instance_uuid);
    const now = api.now();
    const message = `Volume ${bdm.volume_id} could not be attached: ${err.message}`;
    const details = fail(db, bdm.instance_uuid, { message, where: 'compute/manager.py:attach_volume', exception: 'nova.exception.VolumeAttachFailed', host: row?.host, now });
    finishEvent(db, bdm.instance_uuid, 'attach_volume', { event: 'compute_attach_volume', start, finish: now, result: 'Error', host: row?.host, traceback: details, details: message });
  });
}

async function connect(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const bdm = getBdm(cell.db, job.key);
  const start = String(job.payload.start ?? api.now());
  const row = bdm && getInstance(cell.db, bdm.instance_uuid);
  if (!bdm || !bdm.attachment_id || !row || row.vm_state === 'deleted') return;
  try {
    await attachmentUpdate(api, undefined, bdm.attachment_id, hostConnector(row.host ?? row.node ?? 'compute', bdm.device_name ?? ''));
  } catch (err) {
    await attachFailed(api, cell, bdm, start, err instanceof Error ? err : new Error(String(err)));
    return;
  }
  cell.tx(() => cell.queue.enqueue('volume-complete', job.key, job.payload));
}

async function complete(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const bdm = getBdm(cell.db, job.key);
  const start = String(job.payload.start ?? api.now());
  if (!bdm || !bdm.attachment_id) return;
  try {
    await attachmentComplete(api, undefined, bdm.attachment_id);
  } catch (err) {
    await attachFailed(api, cell, bdm, start, err instanceof Error ? err : new Error(String(err)));
    return;
  }
  cell.tx((db) => {
    const row = getInstance(db, bdm.instance_uuid);
    const now = api.now();
    if (row) updateInstance(db, bdm.instance_uuid, now, {});
    finishEvent(db, bdm.instance_uuid, 'attach_volume', { event: 'compute_attach_volume', start, finish: now, result: 'Success', host: row?.host });
  });
}

async function detach(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const bdm = getBdm(cell.db, job.key);
  const start = String(job.payload.start ?? api.now());
  if (!bdm) return;
  try {
    if (bdm.attachment_id) await attachmentDelete(api, undefined, bdm.attachment_id);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    api.log.warn({ err: e, instance: bdm.instance_uuid, volume: bdm.volume_id }, 'a volume detach failed');
    cell.tx((db) => {
      const row = getInstance(db, bdm.instance_uuid);
      const now = api.now();
      finishEvent(db, bdm.instance_uuid, 'detach_volume', {
        event: 'compute_detach_volume', start, finish: now, result: 'Error', host: row?.host, details: e instanceof CinderFailure ? e.message : String(e.message),
      });
    });
    return;
  }
  cell.tx((db) => {
    destroyBdm(db, bdm.uuid);
    const row = getInstance(db, bdm.instance_uuid);
    const now = api.now();
    if (row) updateInstance(db, bdm.instance_uuid, now, {});
    finishEvent(db, bdm.instance_uuid, 'detach_volume', { event: 'compute_detach_volume', start, finish: now, result: 'Success', host: row?.host });
  });
}

/**
 * The host's part of a swap (compute manager _swap_volume): the new volume connected at the old
 * one's device and completed, the old attachment deleted (the old volume available), the mapping
 * pointing at the new volume. A failure rolls the old volume back to in-use and drops the new
 * attachment, as Nova does.
 */
async function swapVolume(api: ComputeApi, cell: Cell, job: Job): Promise<void> {
  const bdm = getBdm(cell.db, job.key);
  const p = job.payload as { start?: string; new_volume: string; new_attachment: string };
  const start = String(p.start ?? api.now());
  if (!bdm || bdm.volume_id === p.new_volume) return;
  const row = getInstance(cell.db, bdm.instance_uuid);
  try {
    await attachmentUpdate(api, undefined, p.new_attachment, hostConnector(row?.host ?? 'compute', bdm.device_name ?? ''));
    await attachmentComplete(api, undefined, p.new_attachment);
    if (bdm.attachment_id) await attachmentDelete(api, undefined, bdm.attachment_id);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    api.log.warn({ err: e, instance: bdm.instance_uuid }, 'a volume swap failed');
    await volumeAction(api, undefined, bdm.volume_id!, 'os-roll_detaching').catch(() => undefined);
    await attachmentDelete(api, undefined, p.new_attachment).catch(() => undefined);
    cell.tx((db) => {
      const now = api.now();
      finishEvent(db, bdm.instance_uuid, 'swap_volume', { event: 'compute_swap_volume', start, finish: now, result: 'Error', host: row?.host, details: e.message });
    });
    return;
  }
  cell.tx((db) => {
    const now = api.now();
    db.prepare('UPDATE block_device_mapping SET volume_id = ?, attachment_id = ? WHERE uuid = ?').run(p.new_volume, p.new_attachment, bdm.uuid);
    updateInstance(db, bdm.instance_uuid, now, {});
    finishEvent(db, bdm.instance_uuid, 'swap_volume', { event: 'compute_swap_volume', start, finish: now, result: 'Success', host: row?.host });
  });
}

export const volumeAttachJobs = (api: ComputeApi): CellJobKind[] => [
  { kind: 'volume-connect', delay: VOLUME_DELAYS.attach, run: (cell, job) => connect(api, cell, job) },
  { kind: 'volume-complete', delay: VOLUME_DELAYS.attach, run: (cell, job) => complete(api, cell, job) },
  { kind: 'volume-detach', delay: VOLUME_DELAYS.detach, run: (cell, job) => detach(api, cell, job) },
  { kind: 'volume-swap', delay: VOLUME_DELAYS.attach, run: (cell, job) => swapVolume(api, cell, job) },
];
