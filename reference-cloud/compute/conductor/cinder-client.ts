/**
 * Compute's client of the block-storage API, as nova/volume/cinder.py uses it: volumes read with
 * the user's token, attachments (Cinder 3.44) made with the user's token plus compute's service
 * token in X-Service-Token (so that only Nova may remove what it attached). Calls the conductor
 * makes later, when no user is waiting, carry the compute service user's token for both (Nova's
 * admin context). Cinder's errors become Nova's exceptions with Nova's sentences: a 404 is
 * "Volume <id> could not be found.", a 400 "Invalid input received: <cinderclient's text>".
 */
import { ApiError } from '../../core/errors';
import type { ComputeApi } from '../context';

/** Whose call it is: a user's token, or undefined for the compute service user. */
export type Caller = string | undefined;

export interface CinderVolume {
  id: string;
  status: string;
  size: number;
  availability_zone: string;
  multiattach: boolean;
  bootable: string;
  attachments: { server_id: string; attachment_id: string }[];
  volume_image_metadata?: Record<string, string>;
}

export interface CinderAttachment {
  id: string;
  status: string;
  instance: string | null;
  volume_id: string;
  connection_info: Record<string, unknown>;
}

/** A Cinder answer Nova turns into one of its exceptions. */
export class CinderFailure extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'CinderFailure';
    this.status = status;
  }
}

const VERSION = 'volume 3.44';

/** cinderclient's ClientException text: "<message> (HTTP <code>) (Request-ID: <id>)". */
function clientText(status: number, body: unknown, headers: Record<string, unknown>): string {
  const fault = body && typeof body === 'object' ? Object.values(body as Record<string, { message?: string }>)[0] : undefined;
  const message = fault?.message ?? (typeof body === 'string' ? body : 'Unknown Error');
  const rid = headers['x-openstack-request-id'] ?? headers['x-compute-request-id'];
  return `${message} (HTTP ${status})${rid ? ` (Request-ID: ${String(rid)})` : ''}`;
}

export async function hasVolumeService(api: ComputeApi): Promise<boolean> {
  return api.peers.has('volume');
}

async function call<T>(api: ComputeApi, caller: Caller, method: string, path: string, body?: unknown, withService = false): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'OpenStack-API-Version': VERSION };
  if (withService || caller === undefined) headers['X-Service-Token'] = await api.peers.serviceToken();
  const r = await api.peers.call<T>('volume', method, path, { token: caller, body, headers });
  if (r.status >= 400) throw new CinderFailure(r.status, clientText(r.status, r.body, r.headers));
  return { status: r.status, body: r.body };
}

/** Nova's translation of a Cinder failure about a volume (translate_volume_exception). */
export function novaError(err: unknown, volumeId: string): unknown {
  if (!(err instanceof CinderFailure)) return err;
  if (err.status === 404) return new ApiError(404, `Volume ${volumeId} could not be found.`);
  if (err.status === 400) return new ApiError(400, `Invalid input received: ${err.message}`);
  if (err.status === 403) return new ApiError(403, err.message);
  if (err.status === 413) return new ApiError(403, err.message);
  return new ApiError(500, `Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'cinderclient.exceptions.ClientException'>`);
}

export async function getVolume(api: ComputeApi, caller: Caller, id: string): Promise<CinderVolume> {
  return (await call<{ volume: CinderVolume }>(api, caller, 'GET', `/volumes/${encodeURIComponent(id)}`)).body.volume;
}

export async function createVolume(api: ComputeApi, caller: Caller, v: { size: number; name: string; imageRef?: string; snapshot_id?: string; volume_type?: string; availability_zone?: string }): Promise<CinderVolume> {
  return (await call<{ volume: CinderVolume }>(api, caller, 'POST', '/volumes', { volume: v })).body.volume;
}

export async function deleteVolume(api: ComputeApi, caller: Caller, id: string): Promise<void> {
  await call(api, caller, 'DELETE', `/volumes/${encodeURIComponent(id)}`);
}

export async function attachmentCreate(api: ComputeApi, caller: Caller, volumeId: string, instanceUuid: string, connector?: Record<string, unknown>): Promise<CinderAttachment> {
  const body = { attachment: { volume_uuid: volumeId, instance_uuid: instanceUuid, ...(connector ? { connector } : {}) } };
  return (await call<{ attachment: CinderAttachment }>(api, caller, 'POST', '/attachments', body, true)).body.attachment;
}

export async function attachmentUpdate(api: ComputeApi, caller: Caller, attachmentId: string, connector: Record<string, unknown>): Promise<CinderAttachment> {
  return (await call<{ attachment: CinderAttachment }>(api, caller, 'PUT', `/attachments/${attachmentId}`, { attachment: { connector } }, true)).body.attachment;
}

export async function attachmentComplete(api: ComputeApi, caller: Caller, attachmentId: string): Promise<void> {
  await call(api, caller, 'POST', `/attachments/${attachmentId}/action`, { 'os-complete': null }, true);
}

/** Deletes an attachment; one already gone is fine (Nova ignores VolumeAttachmentNotFound). */
export async function attachmentDelete(api: ComputeApi, caller: Caller, attachmentId: string): Promise<void> {
  try {
    await call(api, caller, 'DELETE', `/attachments/${attachmentId}`, undefined, true);
  } catch (err) {
    if (!(err instanceof CinderFailure && err.status === 404)) throw err;
  }
}

export async function volumeAction(api: ComputeApi, caller: Caller, volumeId: string, action: string, arg: unknown = {}): Promise<void> {
  await call(api, caller, 'POST', `/volumes/${encodeURIComponent(volumeId)}/action`, { [action]: arg }, true);
}

/** The connector a (simulated) libvirt compute host presents (os-brick's get_connector_properties). */
export function hostConnector(host: string, mountpoint: string): Record<string, unknown> {
  return {
    platform: 'x86_64', os_type: 'linux', ip: '127.0.0.1', host, multipath: false,
    initiator: `iqn.2004-10.org.stackproof:${host}`, do_local_attach: false, mountpoint,
  };
}
