/**
 * The legacy attach and detach volume actions (cinder/api/contrib/volume_actions.py with
 * cinder/volume/api.py): os-reserve, os-unreserve, os-begin_detaching, os-roll_detaching,
 * os-initialize_connection, os-terminate_connection, os-attach, os-detach. The state rules live
 * in attachment-model.ts; this module validates and answers as Cinder does (202 empty, or 200
 * with the connection info).
 */
import type { ApiRequest } from '../../core/service';
import {
  attachVolume, beginDetaching, checkDeletionAllowed, checkUuid, detachVolume, getAttachment, invalidVolume, isServiceRequest, reserveVolume, rollDetaching,
  unreserveVolume,
} from '../attachment-model';
import { badRequest, empty, json, pyStr, validateBody } from '../common';
import type { BlockStorageApi, VolumeAction, VolumeRow } from '../context';

const schemaOf = (action: string, inner: object) => ({
  type: 'object', properties: { [action]: inner }, required: [action], additionalProperties: false,
});

const ATTACH = schemaOf('os-attach', {
  type: 'object',
  properties: {
    instance_uuid: { type: 'string' },
    mountpoint: { type: 'string', minLength: 1, maxLength: 255 },
    host_name: { type: 'string', maxLength: 255 },
    mode: { type: 'string', enum: ['rw', 'ro'] },
  },
  required: ['mountpoint'],
  additionalProperties: false,
});
const DETACH = schemaOf('os-detach', {
  type: ['object', 'null'],
  properties: { attachment_id: { type: ['string', 'null'] } },
  additionalProperties: false,
});
const INITIALIZE = schemaOf('os-initialize_connection', {
  type: 'object', properties: { connector: { type: ['object', 'string'] } }, required: ['connector'], additionalProperties: false,
});
const TERMINATE = schemaOf('os-terminate_connection', {
  type: 'object', properties: { connector: { type: ['string', 'object', 'null'] } }, required: ['connector'], additionalProperties: false,
});

const accepted = () => empty(202);

/** Validates the action's argument as Cinder's schema for its whole body. */
const check = (schema: object, action: string, arg: unknown) => validateBody(schema, { [action]: arg });

function maintenance(volume: VolumeRow, what: string): void {
  if (volume.status === 'maintenance') throw invalidVolume(`The volume ${what} in maintenance mode.`);
}

export function attachActions(api: BlockStorageApi): Record<string, VolumeAction> {
  return {
    'os-reserve': (_req, v) => { reserveVolume(api, v.id); return accepted(); },
    'os-unreserve': (_req, v) => { unreserveVolume(api, v.id); return accepted(); },
    'os-begin_detaching': (_req, v) => { beginDetaching(api, v.id); return accepted(); },
    'os-roll_detaching': (_req, v) => { rollDetaching(api, v.id); return accepted(); },
    'os-initialize_connection': (_req, v, arg) => {
      check(INITIALIZE, 'os-initialize_connection', arg);
      maintenance(v, 'connection cannot be initialized');
      const mode = (api.store.db.prepare("SELECT value FROM volume_admin_metadata WHERE volume_id = ? AND key = 'attached_mode'").get(v.id) as { value: string } | undefined)?.value
        ?? ((api.store.db.prepare("SELECT value FROM volume_admin_metadata WHERE volume_id = ? AND key = 'readonly'").get(v.id) as { value: string } | undefined)?.value === 'True' ? 'ro' : 'rw');
      return json(200, { connection_info: { driver_volume_type: 'iscsi', data: { access_mode: mode, qos_specs: null, encrypted: false, cacheable: false } } });
    },
    'os-terminate_connection': async (req: ApiRequest, v, arg) => {
      check(TERMINATE, 'os-terminate_connection', arg);
      checkDeletionAllowed(api.store.db, await isServiceRequest(api, req), undefined, v);
      unreserveVolume(api, v.id);
      return accepted();
    },
    'os-attach': (_req, v, arg) => {
      check(ATTACH, 'os-attach', arg);
      const a = arg as { instance_uuid?: string; host_name?: string; mountpoint: string; mode?: string };
      // The schema's anyOf [instance_uuid] / [host_name], worded as jsonschema words it.
      if (a.instance_uuid === undefined && a.host_name === undefined) {
        throw badRequest(`Invalid input for field/attribute os-attach. Value: ${pyStr(a)}. ${pyStr(a)} is not valid under any of the given schemas`);
      }
      checkUuid('instance_uuid', a.instance_uuid);
      attachVolume(api, v.id, { instanceUuid: a.instance_uuid ?? null, hostName: a.host_name ?? null, mountpoint: a.mountpoint, mode: a.mode ?? 'rw' });
      return accepted();
    },
    'os-detach': async (req: ApiRequest, v, arg) => {
      check(DETACH, 'os-detach', arg);
      const id = (arg as { attachment_id?: string | null } | null)?.attachment_id ?? null;
      if (id !== null) checkUuid('attachment_id', id);
      const attachment = id ? getAttachment(api.store.db, id) ?? 'unknown' : undefined;
      checkDeletionAllowed(api.store.db, await isServiceRequest(api, req), attachment, v);
      maintenance(v, 'cannot be detached');
      detachVolume(api, v.id, id);
      return accepted();
    },
  };
}

/** Adds this module's actions to `api.actions`. */
export function registerAttachActions(api: BlockStorageApi): void {
  for (const [name, action] of Object.entries(attachActions(api))) api.actions.set(name, action);
}
