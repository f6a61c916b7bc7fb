/**
 * The rebuild action (POST /servers/{id}/action {"rebuild": {...}}): the image (through the
 * image service with the user's token), name, metadata, access IPs, description (2.19),
 * key_name (2.54, null removes it) and user_data (2.57) change at once; the server goes through
 * REBUILD (rebuilding, rebuild_block_device_mapping, rebuild_spawning) back to ACTIVE (a stopped
 * server stays SHUTOFF). Answers 202 with the server (the reduced view before 2.75, as Nova's
 * update does) and its new adminPass.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { ApiError } from '../../core/errors';
import type { ApiReply, ApiRequest } from '../../core/service';
import type { Cell } from '../cells';
import { badRequest, json } from '../common';
import type { ComputeApi } from '../context';
import { POWER_FLOWS, startFlow } from '../conductor/flows';
import { checkGuard, GUARDS, TASK, VM } from '../conductor/states';
import { flavorOf, getInstance, startAction, updateInstance, type InstanceRow } from '../models/instances';
import { showView } from '../views/servers';
import { UUID_RE } from './server-create-schema';
import { findServer, inCell, recordOf } from './server-access';

const METADATA = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};

/** Nova's rebuild schema at a microversion. */
export function rebuildSchema(req: ApiRequest): object {
  const mv = req.microversion!;
  const props: Record<string, object> = {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    imageRef: { type: 'string', minLength: 1 },
    adminPass: { type: 'string' },
    metadata: METADATA,
    preserve_ephemeral: { type: ['boolean', 'string'] },
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: { type: 'string' },
    accessIPv6: { type: 'string' },
  };
  if (!mv.atLeast('2.57')) props.personality = { type: 'array', items: { type: 'object' } };
  if (mv.atLeast('2.19')) props.description = { type: ['string', 'null'], maxLength: 255 };
  if (mv.atLeast('2.54')) props.key_name = { type: ['string', 'null'], minLength: 1, maxLength: 255 };
  if (mv.atLeast('2.57')) props.user_data = { type: ['string', 'null'], maxLength: 65535 };
  return {
    type: 'object',
    properties: { rebuild: { type: 'object', properties: props, required: ['imageRef'], additionalProperties: false } },
    required: ['rebuild'],
    additionalProperties: false,
  };
}

interface RebuildBody {
  name?: string; imageRef: string; adminPass?: string; metadata?: Record<string, string>; accessIPv4?: string; accessIPv6?: string;
  description?: string | null; key_name?: string | null; user_data?: string | null;
}

const PASSWORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const password = (): string => [...randomBytes(12)].map((b) => PASSWORD_CHARS[b % PASSWORD_CHARS.length]).join('');

/** The checks Nova's schema formats make (name, IPs, base64 user data), before the server is read. */
export function checkRebuildFormats(b: RebuildBody): void {
  if (!UUID_RE.test(b.imageRef)) {
    throw badRequest(`Invalid input for field/attribute imageRef. Value: ${b.imageRef}. '${b.imageRef}' is not a 'uuid'`);
  }
  if (b.name !== undefined && (/^\s|\s$/.test(b.name) || /[\p{Cc}]/u.test(b.name))) {
    throw badRequest("An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
  }
  if (b.accessIPv4 !== undefined && isIP(b.accessIPv4) !== 4) {
    throw badRequest(`Invalid input for field/attribute accessIPv4. Value: ${b.accessIPv4}. '${b.accessIPv4}' is not a 'ipv4'`);
  }
  if (b.accessIPv6 !== undefined && isIP(b.accessIPv6) !== 6) {
    throw badRequest(`Invalid input for field/attribute accessIPv6. Value: ${b.accessIPv6}. '${b.accessIPv6}' is not a 'ipv6'`);
  }
  if (typeof b.user_data === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(b.user_data.replace(/\s/g, ''))) {
    throw badRequest(`Invalid input for field/attribute user_data. Value: ${b.user_data}. '${b.user_data}' is not a 'base64'`);
  }
}

export async function rebuild(api: ComputeApi, req: ApiRequest, cell: Cell, row: InstanceRow, admin: boolean, body: unknown): Promise<ApiReply> {
  const auth = req.auth!;
  const b = (body as { rebuild: RebuildBody }).rebuild;
  checkGuard(GUARDS.rebuild, 'rebuild', row, admin);
  const img = await api.peers.call<Record<string, unknown>>('image', 'GET', `/v2/images/${encodeURIComponent(b.imageRef)}`, { token: auth.token });
  if (img.status === 404 || img.status === 403 || img.status === 400) throw badRequest('Can not find requested image');
  if (img.status !== 200 || !img.body) throw new ApiError(503, 'The image service is not available.');
  if (img.body.status !== 'active') throw badRequest(`Image ${b.imageRef} is not active.`);
  const flavor = flavorOf(row);
  if (flavor.root_gb > 0 && Number(img.body.min_disk ?? 0) > flavor.root_gb) throw badRequest("Flavor's disk is too small for requested image.");
  if (Number(img.body.min_ram ?? 0) > flavor.memory_mb) throw badRequest("Flavor's memory is too small for requested image.");
  const changes: Partial<InstanceRow> = { task_state: TASK.REBUILDING, image_ref: String(img.body.id) };
  if (b.name !== undefined) changes.display_name = b.name;
  if (b.accessIPv4 !== undefined) changes.access_ip_v4 = b.accessIPv4;
  if (b.accessIPv6 !== undefined) changes.access_ip_v6 = b.accessIPv6;
  if (b.description !== undefined) changes.display_description = b.description;
  if (b.user_data !== undefined) changes.user_data = b.user_data;
  if (b.key_name !== undefined) {
    if (b.key_name === null) {
      changes.key_name = null;
      changes.key_data = null;
    } else {
      const kp = api.store.db.prepare('SELECT public_key FROM key_pairs WHERE user_id = ? AND name = ?').get(row.user_id, b.key_name) as { public_key: string } | undefined;
      if (!kp) throw badRequest('Invalid key_name provided.');
      changes.key_name = b.key_name;
      changes.key_data = kp.public_key;
    }
  }
  if (b.metadata !== undefined) api.quotas.checkMetadata(row.project_id, Object.keys(b.metadata).length);
  const adminPass = b.adminPass ?? password();
  inCell(() => cell.tx((db) => {
    const now = api.now();
    const fresh = getInstance(db, row.uuid);
    if (!fresh) throw new ApiError(404, `Instance ${row.uuid} could not be found.`);
    checkGuard(GUARDS.rebuild, 'rebuild', fresh, admin);
    updateInstance(db, row.uuid, now, changes, { task_state: null });
    if (b.metadata !== undefined) {
      db.prepare('DELETE FROM instance_metadata WHERE instance_uuid = ?').run(row.uuid);
      const ins = db.prepare('INSERT INTO instance_metadata (instance_uuid, key, value) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(b.metadata)) ins.run(row.uuid, k, v);
    }
    startAction(db, { action: 'rebuild', instance_uuid: row.uuid, request_id: req.id, user_id: auth.userId, project_id: auth.projectId ?? row.project_id, now });
    startFlow(cell, POWER_FLOWS.rebuild, row.uuid, { start: now, was_stopped: fresh.vm_state === VM.STOPPED });
  }));
  const reduced = !req.microversion!.atLeast('2.75');
  const view = showView(req, recordOf(api, findServer(api, req, row.uuid)), { reduced });
  return json(202, { server: { ...view, adminPass } });
}
