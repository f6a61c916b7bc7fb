/**
 * os-volume_attachments (nova/api/openstack/compute/volumes.py VolumeAttachmentController with
 * nova/compute/api.py attach_volume/detach_volume): the server's block device mappings that
 * carry a volume. Attaching checks the server's state and the volume (with the user's token),
 * reserves a device name and the Cinder attachment (user's token plus compute's service token),
 * records the attach_volume action and answers 200; the cell's conductor connects and completes
 * it (conductor/volume-attach.ts). Detaching begins detaching in Cinder, records detach_volume and
 * answers 202; the conductor deletes the attachment and the mapping. PUT swaps volumes (admin)
 * or, from 2.85, changes delete_on_termination.
 */
import { uuid as newUuid } from '../../core/ids';
import type { ApiRequest, Route } from '../../core/service';
import { ApiError } from '../../core/errors';
import { badRequest, bodyOf, empty, invalidState, json, notFound, policyDenied, validateBody } from '../common';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { startAction, updateInstance, type InstanceRow } from '../models/instances';
import {
  attachmentComplete, attachmentCreate, attachmentDelete, CinderFailure, deleteVolume, getVolume, hasVolumeService, novaError, volumeAction, type CinderVolume,
} from '../conductor/cinder-client';
import { destroyBdm, getBdm, instanceBdms, nextDeviceName, type BdmRow } from '../conductor/volume-attach';
import { checkGuard, notReady, VM } from '../conductor/states';
import { findInstance, findServer, inCell, isAdmin, requireReader, requireWriter } from './server-access';

const DEVICE = { type: ['string', 'null'], pattern: '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$' };
const VOLUME_ID = { type: 'string', pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$' };
const BOOLEAN = { type: ['boolean', 'string'], enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'] };
const TAG = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' };

const schemas = new Map<string, object>();
function createSchema(req: ApiRequest): object {
  const mv = req.microversion!;
  const key = mv.atLeast('2.79') ? '2.79' : mv.atLeast('2.49') ? '2.49' : '2.0';
  let s = schemas.get(key);
  if (!s) {
    const props: Record<string, unknown> = { volumeId: VOLUME_ID, device: DEVICE };
    if (key !== '2.0') props.tag = TAG;
    if (key === '2.79') props.delete_on_termination = BOOLEAN;
    s = {
      type: 'object',
      properties: { volumeAttachment: { type: 'object', properties: props, required: ['volumeId'], additionalProperties: false } },
      required: ['volumeAttachment'],
      additionalProperties: false,
    };
    schemas.set(key, s);
  }
  return s;
}

const UPDATE_285 = {
  type: 'object',
  properties: {
    volumeAttachment: {
      type: 'object',
      properties: {
        volumeId: VOLUME_ID, device: DEVICE, tag: TAG, delete_on_termination: BOOLEAN,
        serverId: { type: 'string' }, id: { type: 'string' },
      },
      required: ['volumeId'],
      additionalProperties: false,
    },
  },
  required: ['volumeAttachment'],
  additionalProperties: false,
};
const UPDATE = {
  type: 'object',
  properties: { volumeAttachment: { type: 'object', properties: { volumeId: VOLUME_ID }, required: ['volumeId'], additionalProperties: false } },
  required: ['volumeAttachment'],
  additionalProperties: false,
};

const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && ['true', '1', 'on', 'yes'].includes(v.toLowerCase()));

export function attachmentView(req: ApiRequest, b: BdmRow): Record<string, unknown> {
  const mv = req.microversion!;
  const v: Record<string, unknown> = {};
  if (!mv.atLeast('2.89')) v.id = b.volume_id;
  v.volumeId = b.volume_id;
  v.serverId = b.instance_uuid;
  if (b.device_name) v.device = b.device_name;
  if (mv.atLeast('2.70')) v.tag = b.tag;
  if (mv.atLeast('2.79')) v.delete_on_termination = b.delete_on_termination === 1;
  if (mv.atLeast('2.89')) {
    v.attachment_id = b.attachment_id;
    v.bdm_uuid = b.uuid;
  }
  return v;
}

/** The vm_states attach and detach may start from (check_instance_state of attach_volume/detach_volume). */
const ATTACH_GUARD = {
  vm: [VM.ACTIVE, VM.PAUSED, VM.STOPPED, VM.RESIZED, VM.SOFT_DELETED, VM.SHELVED, VM.SHELVED_OFFLOADED], task: [null], lock: true, host: false,
} as const;

/** Shelved servers take volume changes from 2.20 on (_check_request_version). */
function checkShelvedVersion(req: ApiRequest, row: InstanceRow, action: string): void {
  if ((row.vm_state === VM.SHELVED || row.vm_state === VM.SHELVED_OFFLOADED) && !req.microversion!.atLeast('2.20')) {
    throw invalidState(action, row.uuid, 'vm_state', row.vm_state);
  }
}

async function volumeFor(api: ComputeApi, req: ApiRequest, volumeId: string): Promise<CinderVolume> {
  if (!(await hasVolumeService(api))) throw notFound(`Volume ${volumeId} could not be found.`);
  try {
    return await getVolume(api, req.auth!.token, volumeId);
  } catch (err) {
    throw novaError(err, volumeId);
  }
}

function mappedBdms(api: ComputeApi, req: ApiRequest): BdmRow[] {
  const found = findServer(api, req, req.params.server_id);
  if (found.kind === 'build') return [];
  return inCell(() => instanceBdms(found.cell.db, found.row.uuid).filter((b) => b.volume_id !== null));
}

const notAttached = (server: string, volume: string) => notFound(`Instance ${server} is not attached to volume ${volume}`);

async function attach(api: ComputeApi, req: ApiRequest) {
  requireWriter(req, 'os_compute_api:os-volumes-attachments:create');
  const body = bodyOf(req);
  validateBody(createSchema(req), body);
  const a = (body as { volumeAttachment: { volumeId: string; device?: string | null; tag?: string; delete_on_termination?: unknown } }).volumeAttachment;
  const { cell, row } = findInstance(api, req, req.params.server_id);
  checkShelvedVersion(req, row, 'attach_volume');
  checkGuard(ATTACH_GUARD, 'attach_volume', row, isAdmin(req));
  const volume = await volumeFor(api, req, a.volumeId);
  const offloaded = row.vm_state === VM.SHELVED_OFFLOADED;
  if (offloaded && a.tag !== undefined) throw badRequest('Tagged volume attachment is not supported for shelved-offloaded instances.');
  if (offloaded && volume.multiattach) throw badRequest('Attaching multiattach volumes is not supported for shelved-offloaded instances.');
  const deleteOnTermination = truthy(a.delete_on_termination);
  // _check_volume_already_attached and the device reservation, in one cell transaction.
  const bdm = inCell(() => cell.tx((db) => {
    const others = db.prepare('SELECT instance_uuid FROM block_device_mapping WHERE volume_id = ? AND deleted = 0 ORDER BY id').all(volume.id) as { instance_uuid: string }[];
    if (others.length && !volume.multiattach) {
      throw badRequest(`Invalid volume: volume ${volume.id} is already attached to instances: ${others.map((o) => o.instance_uuid).join(' ')}`);
    }
    if (others.some((o) => o.instance_uuid === row.uuid)) throw badRequest(`Invalid volume: volume ${volume.id} already attached`);
    const uuid = newUuid();
    db.prepare(
      `INSERT INTO block_device_mapping (uuid, instance_uuid, source_type, destination_type, boot_index, device_name, volume_id, delete_on_termination, tag, created_at)
       VALUES (?, ?, 'volume', 'volume', NULL, ?, ?, ?, ?, ?)`,
    ).run(uuid, row.uuid, offloaded ? null : nextDeviceName(db, row.uuid), volume.id, deleteOnTermination ? 1 : 0, a.tag ?? null, api.now());
    return getBdm(db, uuid)!;
  }));
  const undo = () => inCell(() => cell.tx((db) => destroyBdm(db, bdm.uuid)));
  if (volume.multiattach && !req.microversion!.atLeast('2.60')) {
    undo();
    throw badRequest('Multiattach volumes are only supported starting with compute API version 2.60.');
  }
  let attachmentId: string;
  try {
    attachmentId = (await attachmentCreate(api, req.auth!.token, volume.id, row.uuid)).id;
    if (offloaded) await attachmentComplete(api, req.auth!.token, attachmentId);
  } catch (err) {
    undo();
    throw novaError(err, volume.id);
  }
  inCell(() => cell.tx((db) => {
    db.prepare('UPDATE block_device_mapping SET attachment_id = ? WHERE uuid = ?').run(attachmentId, bdm.uuid);
    const now = api.now();
    startAction(db, { action: 'attach_volume', instance_uuid: row.uuid, request_id: req.id, user_id: req.auth!.userId, project_id: req.auth!.projectId ?? row.project_id, now });
    updateInstance(db, row.uuid, now, {});
    if (!offloaded) cell.queue.enqueue('volume-connect', bdm.uuid, { start: now });
  }));
  const view: Record<string, unknown> = { id: volume.id, serverId: row.uuid, volumeId: volume.id, device: bdm.device_name };
  if (req.microversion!.atLeast('2.70')) view.tag = a.tag ?? null;
  if (req.microversion!.atLeast('2.79')) view.delete_on_termination = deleteOnTermination;
  return json(200, { volumeAttachment: view });
}

async function detach(api: ComputeApi, req: ApiRequest) {
  requireWriter(req, 'os_compute_api:os-volumes-attachments:delete');
  const { cell, row } = findInstance(api, req, req.params.server_id);
  const volumeId = req.params.volume_id;
  checkShelvedVersion(req, row, 'detach_volume');
  const volume = await volumeFor(api, req, volumeId);
  const bdm = inCell(() => instanceBdms(cell.db, row.uuid)).find((b) => b.volume_id === volume.id);
  if (!bdm) throw notAttached(req.params.server_id, volumeId);
  if (bdm.boot_index === 0) throw badRequest('Cannot detach a root device volume');
  checkGuard(ATTACH_GUARD, 'detach_volume', row, isAdmin(req));
  const now = api.now();
  const record = (db: typeof cell.db) => startAction(db, { action: 'detach_volume', instance_uuid: row.uuid, request_id: req.id, user_id: req.auth!.userId, project_id: req.auth!.projectId ?? row.project_id, now });
  if (row.vm_state === VM.SHELVED_OFFLOADED) {
    // _local_cleanup_bdm_volumes: nothing is connected; the attachment and mapping go at once.
    try {
      if (bdm.attachment_id) await attachmentDelete(api, req.auth!.token, bdm.attachment_id);
      if (bdm.delete_on_termination) await deleteVolume(api, req.auth!.token, volume.id);
    } catch (err) {
      throw novaError(err, volume.id);
    }
    inCell(() => cell.tx((db) => {
      record(db);
      destroyBdm(db, bdm.uuid);
      updateInstance(db, row.uuid, now, {});
    }));
    return empty(202);
  }
  if (!row.host) throw notReady(row.uuid);
  try {
    await volumeAction(api, req.auth!.token, volume.id, 'os-begin_detaching');
  } catch (err) {
    if (err instanceof CinderFailure && err.status === 400) throw badRequest(`Invalid volume: Invalid input received: ${err.message}`);
    throw novaError(err, volume.id);
  }
  inCell(() => cell.tx((db) => {
    record(db);
    updateInstance(db, row.uuid, now, {});
    cell.queue.enqueue('volume-detach', bdm.uuid, { start: now });
  }));
  return empty(202);
}

/** The vm_states a swap may start from (swap_volume's check_instance_state). */
const SWAP_GUARD = { vm: [VM.ACTIVE, VM.PAUSED, VM.RESIZED], task: [null], lock: true, host: false } as const;

/**
 * _update_volume_swap and compute API swap_volume: the old volume begins detaching, the new one
 * is reserved for the server; the conductor connects the new one at the same device, then
 * removes the old attachment and points the mapping at the new volume (volume-attach.ts). The
 * simulated hosts hold no data, so there is nothing to copy.
 */
async function swap(api: ComputeApi, req: ApiRequest, cell: Cell, row: InstanceRow, oldId: string, newId: string) {
  const oldVolume = await volumeFor(api, req, oldId);
  let newVolume: CinderVolume;
  try {
    newVolume = await volumeFor(api, req, newId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw badRequest(err.message);
    throw err;
  }
  checkGuard(SWAP_GUARD, 'swap_volume', row, isAdmin(req));
  const bdm = inCell(() => instanceBdms(cell.db, row.uuid)).find((b) => b.volume_id === oldVolume.id);
  if (!oldVolume.attachments.length || !bdm) throw notFound(`No volume Block Device Mapping with id ${oldVolume.id}.`);
  if (!oldVolume.attachments.some((a) => a.server_id === row.uuid)) throw badRequest('Invalid volume: Old volume is attached to a different instance.');
  if (newVolume.attachments.length) throw badRequest('Invalid volume: New volume must be detached in order to swap.');
  if (Number(newVolume.size) < Number(oldVolume.size)) throw badRequest('Invalid volume: New volume must be the same size or larger.');
  try {
    await volumeAction(api, req.auth!.token, oldVolume.id, 'os-begin_detaching');
  } catch (err) {
    if (err instanceof CinderFailure && err.status === 400) throw badRequest(`Invalid volume: Invalid input received: ${err.message}`);
    throw novaError(err, oldVolume.id);
  }
  if (oldVolume.multiattach && oldVolume.attachments.length > 1) {
    await volumeAction(api, req.auth!.token, oldVolume.id, 'os-roll_detaching').catch(() => undefined);
    throw badRequest('Swapping multi-attach volumes with more than one read/write attachment is not supported.');
  }
  let newAttachment: string;
  try {
    newAttachment = (await attachmentCreate(api, req.auth!.token, newVolume.id, row.uuid)).id;
  } catch (err) {
    await volumeAction(api, req.auth!.token, oldVolume.id, 'os-roll_detaching').catch(() => undefined);
    throw novaError(err, newVolume.id);
  }
  inCell(() => cell.tx((db) => {
    const now = api.now();
    startAction(db, { action: 'swap_volume', instance_uuid: row.uuid, request_id: req.id, user_id: req.auth!.userId, project_id: req.auth!.projectId ?? row.project_id, now });
    updateInstance(db, row.uuid, now, {});
    cell.queue.enqueue('volume-swap', bdm.uuid, { start: now, new_volume: newVolume.id, new_attachment: newAttachment });
  }));
}

/** PUT: a different volume id swaps volumes (admin); from 2.85 the same id updates delete_on_termination. */
async function update(api: ComputeApi, req: ApiRequest) {
  const mv = req.microversion!;
  const body = bodyOf(req);
  validateBody(mv.atLeast('2.85') ? UPDATE_285 : UPDATE, body);
  const att = (body as { volumeAttachment: Record<string, unknown> }).volumeAttachment;
  const { cell, row } = findInstance(api, req, req.params.server_id);
  const id = req.params.volume_id;
  const onlySwap = !mv.atLeast('2.85');
  if (onlySwap || att.volumeId !== id) {
    if (!isAdmin(req)) throw policyDenied('os_compute_api:os-volumes-attachments:swap');
  } else {
    requireWriter(req, 'os_compute_api:os-volumes-attachments:update');
  }
  if (!onlySwap) {
    const bdm = inCell(() => instanceBdms(cell.db, row.uuid)).find((b) => b.volume_id === id);
    if (!bdm) throw notFound(`No volume Block Device Mapping with id ${id}.`);
    if ('id' in att && att.id !== id) throw badRequest('The id property is not mutable');
    if ('serverId' in att && att.serverId !== row.uuid) throw badRequest('The serverId property is not mutable');
    if ('device' in att && att.device !== bdm.device_name) throw badRequest('The device property is not mutable');
    if ('tag' in att && att.tag !== bdm.tag) throw badRequest('The tag property is not mutable');
    if ('delete_on_termination' in att) {
      inCell(() => cell.tx((db) => db.prepare('UPDATE block_device_mapping SET delete_on_termination = ? WHERE uuid = ?').run(truthy(att.delete_on_termination) ? 1 : 0, bdm.uuid)));
    }
    if (att.volumeId === id) return empty(202);
  }
  await swap(api, req, cell, row, id, String(att.volumeId));
  return empty(202);
}

export function volumeAttachmentRoutes(api: ComputeApi): Route[] {
  const base = '/servers/:server_id/os-volume_attachments';
  return [
    {
      method: 'GET', path: base, handler: (req) => {
        requireReader(req, 'os_compute_api:os-volumes-attachments:index');
        return json(200, { volumeAttachments: mappedBdms(api, req).map((b) => attachmentView(req, b)) });
      },
    },
    {
      method: 'GET', path: `${base}/:volume_id`, handler: (req) => {
        requireReader(req, 'os_compute_api:os-volumes-attachments:show');
        const b = mappedBdms(api, req).find((x) => x.volume_id === req.params.volume_id);
        if (!b) throw notAttached(req.params.server_id, req.params.volume_id);
        return json(200, { volumeAttachment: attachmentView(req, b) });
      },
    },
    { method: 'POST', path: base, handler: (req) => attach(api, req) },
    { method: 'PUT', path: `${base}/:volume_id`, handler: (req) => update(api, req) },
    { method: 'DELETE', path: `${base}/:volume_id`, handler: (req) => detach(api, req) },
  ];
}
