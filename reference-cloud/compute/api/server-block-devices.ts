/**
 * block_device_mapping_v2 of POST /servers as Nova's API checks it (nova/block_device.py
 * BlockDeviceDict.from_api and _validate, nova/compute/api.py _validate_bdm and
 * _get_volumes_for_bdms): the format, the boot sequence, sizes, images, existing volumes and
 * snapshots (read with the user's token), volume types (2.67). The result is the list of
 * mappings the super conductor writes into the cell and the conductor prepares
 * (conductor/block-devices.ts).
 */
import { ApiError } from '../../core/errors';
import type { ApiRequest } from '../../core/service';
import { badRequest } from '../common';
import type { ComputeApi } from '../context';
import { CinderFailure, getVolume, hasVolumeService, type Caller } from '../conductor/cinder-client';

/** A mapping as the conductor uses it. */
export interface RequestedBdm {
  source_type: 'image' | 'volume' | 'snapshot' | 'blank';
  destination_type: 'local' | 'volume';
  boot_index: number | null;
  uuid: string | null;
  volume_size: number | null;
  delete_on_termination: boolean;
  volume_type: string | null;
  tag: string | null;
  device_name: string | null;
}

const invalidBdm = (details?: string): ApiError => badRequest(details ? `Block Device Mapping is Invalid: ${details}` : 'Block Device Mapping is Invalid.');
const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];

/** strutils.bool_from_string (not strict): anything unknown is false. */
const boolOf = (v: unknown): boolean => v === true || (typeof v === 'string' && TRUE.includes(v.trim().toLowerCase()));

function intOrNull(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  return Number(v);
}

/** BlockDeviceDict.from_api and _validate, for each entry. */
function fromApi(raw: Record<string, unknown>, imageSpecified: boolean): RequestedBdm {
  if (raw.source_type === undefined) throw invalidBdm('Some required fields are missing');
  const source = raw.source_type as RequestedBdm['source_type'];
  const uuid = raw.uuid === undefined ? null : String(raw.uuid);
  const destination = (raw.destination_type as RequestedBdm['destination_type'] | undefined) ?? (source === 'volume' || source === 'snapshot' ? 'volume' : 'local');
  const volumeType = raw.volume_type === undefined || raw.volume_type === null ? null : String(raw.volume_type);
  if (source === 'blank' && uuid) throw invalidBdm('Invalid device UUID.');
  if (source !== 'blank' && !uuid) throw invalidBdm('Missing device UUID.');
  const bootIndex = intOrNull(raw.boot_index);
  if (source === 'image' && destination === 'local' && !(imageSpecified && bootIndex === 0)) {
    throw invalidBdm('Mapping image to local is not supported.');
  }
  if (destination === 'local' && volumeType) throw invalidBdm('Specifying a volume_type with destination_type=local is not supported.');
  if (source === 'volume' && volumeType) throw invalidBdm('Specifying volume type to existing volume is not supported.');
  if (typeof raw.device_name === 'string') {
    if (raw.device_name.length === 0 || raw.device_name.length > 255) throw invalidBdm('Device name empty or too long.');
    if (raw.device_name.includes(' ')) throw invalidBdm('Device name contains spaces.');
  }
  const size = intOrNull(raw.volume_size);
  if (size !== null && (!Number.isInteger(size) || size < 0)) throw invalidBdm('Invalid volume_size.');
  return {
    source_type: source, destination_type: destination, boot_index: bootIndex, uuid, volume_size: size,
    delete_on_termination: boolOf(raw.delete_on_termination), volume_type: volumeType,
    tag: raw.tag === undefined ? null : String(raw.tag), device_name: typeof raw.device_name === 'string' ? raw.device_name : null,
  };
}

export interface CheckedBdms {
  bdms: RequestedBdm[];
  /** The root disk is a volume (boot index 0 with destination volume). */
  volumeBacked: boolean;
}

/**
 * Checks a request's block_device_mapping_v2 as Nova's API does. `imageRef` is the request's;
 * `image` loads an image (the API's image check, 400 "Block Device Mapping is Invalid: failed to
 * get image <id>." when missing).
 */
export async function checkBlockDevices(
  api: ComputeApi, req: ApiRequest, raw: Record<string, unknown>[], imageRef: string | undefined,
  image: (id: string) => Promise<unknown>, maxCount: number,
): Promise<CheckedBdms> {
  const bdms = raw.map((b) => fromApi(b, imageRef !== undefined && imageRef !== ''));
  if (bdms.length === 0) return { bdms, volumeBacked: false };
  const boot = bdms.find((b) => b.boot_index === 0);
  const volumeBacked = !!boot && boot.destination_type === 'volume';
  // An imageRef without a boot mapping adds Nova's implicit image mapping at boot index 0.
  const indexes = bdms.map((b) => b.boot_index).filter((i): i is number => i !== null && i >= 0).sort((a, b) => a - b);
  if (imageRef && !indexes.includes(0)) indexes.unshift(0);
  if (!indexes.length || indexes.some((i, n) => i !== n)) {
    throw invalidBdm('Boot sequence for the instance and image/block device mapping combination is not valid.');
  }
  const caller: Caller = req.auth!.token;
  const needsCinder = bdms.some((b) => b.destination_type === 'volume' || b.source_type === 'volume' || b.source_type === 'snapshot');
  if (needsCinder && !(await hasVolumeService(api))) {
    const first = bdms.find((b) => b.source_type === 'volume');
    if (first) throw badRequest(`Volume ${first.uuid} could not be found.`);
    throw invalidBdm();
  }
  for (const b of bdms) {
    if (b.source_type === 'image') {
      if (b.uuid !== imageRef) {
        try {
          await image(b.uuid!);
        } catch {
          throw invalidBdm(`failed to get image ${b.uuid}.`);
        }
      }
      if (b.destination_type === 'volume' && !b.volume_size) {
        throw badRequest("Images with destination_type 'volume' need to have a non-zero size specified");
      }
    } else if (b.source_type === 'volume') {
      let v;
      try {
        v = await getVolume(api, caller, b.uuid!);
      } catch (err) {
        // The root volume is read first for its image metadata (_get_bdm_image_metadata: InvalidBDMVolume);
        // the others by _get_volumes_for_bdms (VolumeNotFound).
        if (err instanceof CinderFailure && err.status === 404 && b.boot_index !== 0) throw badRequest(`Volume ${b.uuid} could not be found.`);
        throw invalidBdm(`failed to get volume ${b.uuid}.`);
      }
      if (b.boot_index === 0 && v.bootable !== 'true') throw badRequest(`Block Device ${v.id} is not bootable.`);
      const statuses = v.multiattach ? ['available', 'in-use', 'downloading'] : ['available', 'downloading'];
      if (!statuses.includes(v.status) || (maxCount > 1 && !v.multiattach)) {
        const current = statuses.includes(v.status) ? 'reserved' : v.status;
        throw badRequest(`Invalid volume: Invalid input received: Invalid volume: Volume ${v.id} status must be ${statuses.join(' or ')} to reserve, but the current status is ${current}. (HTTP 400)`);
      }
      if (v.multiattach && !req.microversion!.atLeast('2.60')) throw badRequest('Multiattach volumes are only supported starting with compute API version 2.60.');
      b.volume_size = v.size;
    } else if (b.source_type === 'snapshot') {
      const r = await api.peers.call<{ snapshot?: { size: number } }>('volume', 'GET', `/snapshots/${encodeURIComponent(b.uuid!)}`, { token: caller });
      if (r.status !== 200 || !r.body.snapshot) throw invalidBdm(`failed to get snapshot ${b.uuid}.`);
      b.volume_size = b.volume_size || r.body.snapshot.size;
    } else if (b.source_type === 'blank' && b.destination_type === 'volume' && !b.volume_size) {
      throw badRequest("Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size");
    }
  }
  const types = [...new Set(bdms.map((b) => b.volume_type).filter((t): t is string => !!t))];
  if (types.length) {
    const r = await api.peers.call<{ volume_types?: { id: string; name: string }[] }>('volume', 'GET', '/types', { token: caller });
    const known = r.body.volume_types ?? [];
    for (const t of types) {
      if (!known.some((k) => k.id === t || k.name === t)) throw badRequest(`Volume type ${t} could not be found.`);
    }
  }
  return { bdms, volumeBacked };
}
