/**
 * POST /servers/{id}/action, as Nova's action controllers answer it: exactly one action key
 * ("Malformed request body" otherwise, "There is no such action: X" for an unknown one), the
 * action's body schema, the server as the caller may see it (404), the action's policy (a
 * project member or admin; some actions admin only), then nova/compute/api.py's guards (lock,
 * host, vm_state and task_state; see conductor/states.ts). An accepted action records its
 * instance action and its first task_state at once and answers 202 (confirmResize 204); the
 * cell's conductor finishes the transition (conductor/flows.ts).
 */
import type { AuthContext } from '../../core/auth-context';
import { ApiError } from '../../core/errors';
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { uuid as newUuid } from '../../core/ids';
import type { Cell } from '../cells';
import { badRequest, bodyOf, empty, flavorNotFound, json, policyDenied, validateBody } from '../common';
import type { ComputeApi } from '../context';
import { POWER_FLOWS, startFlow, type Flow, type Payload } from '../conductor/flows';
import { CONFIRM_FLOW, latestMigration, REVERT_FLOW, setMigrationStatus, type MovePayload } from '../conductor/resize';
import { OFFLOAD_FLOW, SHELVE_FLOW, UNSHELVE_FLOW } from '../conductor/shelve';
import { deleteImage, SNAPSHOT_FLOW, snapshotImageBody } from '../conductor/snapshot';
import { checkGuard, GUARDS, notReady, TASK, VM } from '../conductor/states';
import { setMappedUsage } from '../conductor/records';
import { embedFlavor, visibleFlavor } from '../models/flavors';
import { flavorOf, getInstance, recordEvent, startAction, updateInstance, type InstanceRow } from '../models/instances';
import { CONTROLLER_HOST } from '../hosts';
import { findServer, inCell } from './server-access';
import { checkRebuildFormats, rebuild, rebuildSchema } from './server-rebuild';

interface ActionContext {
  api: ComputeApi;
  req: ApiRequest;
  auth: AuthContext;
  admin: boolean;
  cell: Cell;
  row: InstanceRow;
  body: unknown;
}

interface ActionDef {
  /** The policy rule (in Nova's 403). */
  rule: string;
  /** Admin only (Nova's PROJECT_ADMIN / ADMIN defaults); else the server's project member or an admin. */
  adminOnly?: boolean;
  /** The first microversion with the action. */
  since?: string;
  /** The body schema for this microversion (the whole body, {"<action>": ...}). */
  schema?: (req: ApiRequest) => object | undefined;
  /** The checks Nova's schema formats make, before the server is read. */
  check?: (body: unknown) => void;
  run: (ctx: ActionContext) => ApiReply | Promise<ApiReply>;
}

const noneOrObject = (action: string, properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties: { [action]: { type: ['object', 'null'], properties, required, additionalProperties: false } },
  required: [action],
  additionalProperties: false,
});

const objectBody = (action: string, properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties: { [action]: { type: 'object', properties, required, additionalProperties: false } },
  required: [action],
  additionalProperties: false,
});

const REBOOT_SCHEMA = objectBody('reboot', { type: { type: 'string', enum: ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'] } }, ['type']);
const FLAVOR_REF = { type: ['string', 'integer'], minLength: 1 };
const RESIZE_SCHEMA = objectBody('resize', { flavorRef: FLAVOR_REF, 'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] } }, ['flavorRef']);
const NAME = { type: 'string', minLength: 1, maxLength: 255 };
/** Nova's 'name' format: printable, no whitespace at either end. */
function checkName(name: string): void {
  if (/^\s|\s$/.test(name) || /[\p{Cc}]/u.test(name)) {
    throw badRequest("An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
  }
}
const METADATA = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};
const CREATE_IMAGE_SCHEMA = objectBody('createImage', { name: NAME, metadata: METADATA }, ['name']);
const LOCK_SCHEMA_273 = noneOrObject('lock', { locked_reason: { type: 'string', minLength: 1, maxLength: 255 } });
const RESET_STATE_SCHEMA = objectBody('os-resetState', { state: { type: 'string', enum: ['active', 'error'] } }, ['state']);
const MIGRATE_SCHEMA_256 = noneOrObject('migrate', { host: { type: ['string', 'null'], minLength: 1, maxLength: 255 } });
const UNSHELVE_SCHEMA_277 = noneOrObject('unshelve', { availability_zone: { type: 'string', minLength: 1, maxLength: 255 } });
const NULL_BODY = (action: string) => ({ type: 'object', properties: { [action]: { type: 'null' } }, required: [action], additionalProperties: false });

/** The instance action the API records, with the caller as its user. */
function recordAction(ctx: ActionContext, db: Cell['db'], action: string, now: string): number {
  return startAction(db, { action, instance_uuid: ctx.row.uuid, request_id: ctx.req.id, user_id: ctx.auth.userId, project_id: ctx.auth.projectId ?? ctx.row.project_id, now });
}

/**
 * The common shape of an action: guards, then in one transaction of the instance's cell the
 * first task_state (expecting the task_state the guard saw), the instance action and the flow.
 */
function begin(ctx: ActionContext, opts: { guard: string[]; name: string; action?: string; task: string; flow: Flow; payload?: Payload; also?: Partial<InstanceRow> }): ApiReply {
  const { api, cell } = ctx;
  for (const g of opts.guard) checkGuard(GUARDS[g], opts.name, ctx.row, ctx.admin);
  const now = api.now();
  inCell(() => cell.tx((db) => {
    if (!updateInstance(db, ctx.row.uuid, now, { task_state: opts.task, ...opts.also }, { task_state: ctx.row.task_state })) {
      throw new ApiError(409, `Conflict updating instance ${ctx.row.uuid}. Expected: {'task_state': [${ctx.row.task_state === null ? 'None' : `'${ctx.row.task_state}'`}]}. Actual: {'task_state': '${getInstance(db, ctx.row.uuid)?.task_state}'}`);
    }
    recordAction(ctx, db, opts.action ?? opts.name, now);
    startFlow(cell, opts.flow, ctx.row.uuid, { start: now, ...opts.payload });
  }));
  return empty(202);
}

const simple = (name: string, rule: string, task: string, flow: Flow): ActionDef => ({
  rule,
  run: (ctx) => begin(ctx, { guard: [name], name, task, flow }),
});

// ---------------------------------------------------------------------------------------------
// Lock

function lock(ctx: ActionContext): ApiReply {
  const { api, cell, row, auth, req } = ctx;
  const isOwner = auth.projectId === row.project_id;
  const body = ctx.body as { lock: { locked_reason?: string } | null };
  const reason = req.microversion!.atLeast('2.73') ? body.lock?.locked_reason ?? null : null;
  if (row.locked && isOwner) return empty(202);
  inCell(() => cell.tx((db) => {
    const now = api.now();
    const id = recordAction(ctx, db, 'lock', now);
    updateInstance(db, row.uuid, now, { locked: 1, locked_by: isOwner ? 'owner' : 'admin', locked_reason: reason });
    recordEvent(db, id, { event: 'api_lock', start: now, finish: now, result: 'Success', host: CONTROLLER_HOST });
  }));
  return empty(202);
}

function unlock(ctx: ActionContext): ApiReply {
  const { api, cell, row, auth } = ctx;
  const expected = auth.projectId === row.project_id ? 'owner' : 'admin';
  if (row.locked_by && row.locked_by !== expected && !ctx.admin) throw policyDenied('os_compute_api:os-lock-server:unlock:unlock_override');
  inCell(() => cell.tx((db) => {
    const now = api.now();
    const id = recordAction(ctx, db, 'unlock', now);
    updateInstance(db, row.uuid, now, { locked: 0, locked_by: null, locked_reason: null });
    recordEvent(db, id, { event: 'api_unlock', start: now, finish: now, result: 'Success', host: CONTROLLER_HOST });
  }));
  return empty(202);
}

// ---------------------------------------------------------------------------------------------
// Resize, migrate, confirm, revert

function move(ctx: ActionContext, action: 'resize' | 'migrate', flavorRef: string | undefined, host: string | null): ApiReply {
  const { api, cell, row, auth } = ctx;
  checkGuard(GUARDS[action], action, row, ctx.admin);
  const old = flavorOf(row);
  let next = old;
  if (flavorRef !== undefined) {
    const f = visibleFlavor(api.store.db, flavorRef, auth);
    if (!f) throw badRequest(flavorNotFound(flavorRef).message);
    if (f.flavorid === old.flavorid) throw badRequest('When resizing, instances must change flavor!');
    if (f.disabled) throw badRequest(flavorNotFound(flavorRef).message);
    if (f.root_gb === 0 && old.root_gb !== 0) {
      throw badRequest('Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.');
    }
    next = embedFlavor(api.store.db, f);
  }
  if (host !== null && !api.store.db.prepare('SELECT 1 FROM host_mappings WHERE host = ?').get(host)) {
    throw badRequest(`Compute host ${host} could not be found.`);
  }
  if (host !== null && host === row.host) throw badRequest('Cannot migrate to the host where the server exists.');
  const payload: MovePayload = { start: api.now(), migration: newUuid(), action, new_flavor: next, old_flavor: old, ...(host ? { host } : {}) };
  api.store.tx(() => {
    // The larger of both flavors counts while the resize is under way (Nova's upsize check).
    api.quotas.check(row.project_id, { cores: Math.max(0, next.vcpus - old.vcpus), ram: Math.max(0, next.memory_mb - old.memory_mb) });
    setMappedUsage(api, row.uuid, Math.max(next.vcpus, old.vcpus), Math.max(next.memory_mb, old.memory_mb));
    inCell(() => cell.tx((db) => {
      if (!updateInstance(db, row.uuid, payload.start, { task_state: TASK.RESIZE_PREP, progress: 0 }, { task_state: null })) {
        throw new ApiError(409, `Cannot '${action}' instance ${row.uuid} while it is in task_state ${getInstance(db, row.uuid)?.task_state ?? 'None'}`);
      }
      recordAction(ctx, db, action, payload.start);
    }));
    api.queue.enqueue('migrate-server', row.uuid, payload);
  });
  return empty(202);
}

function finishedMigration(ctx: ActionContext, action: string) {
  checkGuard(GUARDS[action], action, ctx.row, ctx.admin);
  const m = inCell(() => latestMigration(ctx.cell.db, ctx.row.uuid, 'finished'));
  if (!m) throw badRequest('Instance has not been resized.');
  return m;
}

function confirmResize(ctx: ActionContext): ApiReply {
  const m = finishedMigration(ctx, 'confirmResize');
  inCell(() => ctx.cell.tx((db) => {
    const now = ctx.api.now();
    setMigrationStatus(db, m.uuid, 'confirming', now);
    recordAction(ctx, db, 'confirmResize', now);
    startFlow(ctx.cell, CONFIRM_FLOW, ctx.row.uuid, { start: now, migration: m.uuid });
  }));
  return empty(204);
}

function revertResize(ctx: ActionContext): ApiReply {
  const m = finishedMigration(ctx, 'revertResize');
  inCell(() => ctx.cell.tx((db) => {
    const now = ctx.api.now();
    if (!updateInstance(db, ctx.row.uuid, now, { task_state: TASK.RESIZE_REVERTING }, { task_state: null })) {
      throw new ApiError(409, `Cannot 'revertResize' instance ${ctx.row.uuid} while it is in task_state ${getInstance(db, ctx.row.uuid)?.task_state ?? 'None'}`);
    }
    setMigrationStatus(db, m.uuid, 'reverting', now);
    recordAction(ctx, db, 'revertResize', now);
    startFlow(ctx.cell, REVERT_FLOW, ctx.row.uuid, { start: now, migration: m.uuid });
  }));
  return empty(202);
}

// ---------------------------------------------------------------------------------------------
// createImage

/** Creates a queued snapshot image of the server with the caller's token (Nova's _create_image); answers its id. */
async function createSnapshotImage(ctx: ActionContext, name: string, metadata: Record<string, string>): Promise<string> {
  const { api, auth, row } = ctx;
  const base = row.image_ref ? await api.peers.call<Record<string, unknown>>('image', 'GET', `/v2/images/${row.image_ref}`, { token: auth.token }) : undefined;
  const created = await api.peers.call<{ id?: string }>('image', 'POST', '/v2/images', {
    token: auth.token,
    body: snapshotImageBody(row, name, metadata, base && base.status === 200 ? base.body : undefined),
  });
  if (created.status === 413) throw new ApiError(413, 'Quota exceeded for image storage.');
  if (created.status >= 400 || !created.body?.id) throw badRequest(`Image could not be created: status ${created.status}`);
  return created.body.id;
}

/**
 * Starts an action that needs a new image first: the image is made (an await), so the server is
 * read and guarded again before the task starts; the image is deleted when it does not.
 */
async function withNewImage(ctx: ActionContext, name: string, metadata: Record<string, string>, start: (fresh: ActionContext, imageId: string) => void): Promise<string> {
  const imageId = await createSnapshotImage(ctx, name, metadata);
  try {
    const fresh = inCell(() => getInstance(ctx.cell.db, ctx.row.uuid));
    if (!fresh) throw new ApiError(404, `Instance ${ctx.row.uuid} could not be found.`);
    start({ ...ctx, row: fresh }, imageId);
  } catch (err) {
    await deleteImage(ctx.api, imageId, ctx.auth.token);
    throw err;
  }
  return imageId;
}

async function createImage(ctx: ActionContext): Promise<ApiReply> {
  const { api, req } = ctx;
  checkGuard(GUARDS.createImage, 'createImage', ctx.row, ctx.admin);
  const { name, metadata = {} } = (ctx.body as { createImage: { name: string; metadata?: Record<string, string> } }).createImage;
  api.quotas.checkMetadata(ctx.row.project_id, Object.keys(metadata).length);
  const imageId = await withNewImage(ctx, name, metadata, (fresh, id) =>
    begin(fresh, { guard: ['createImage'], name: 'createImage', task: TASK.IMAGE_SNAPSHOT_PENDING, flow: SNAPSHOT_FLOW, payload: { image_id: id } }));
  if (req.microversion!.atLeast('2.45')) return json(202, { image_id: imageId });
  const imageBase = (await api.peers.baseUrl('image')) ?? '';
  return empty(202, { Location: `${imageBase}/images/${imageId}`, 'Content-Type': 'text/html; charset=UTF-8' });
}

// ---------------------------------------------------------------------------------------------
// Shelve

/** Shelve: an image-backed server's disk is kept as the "<name>-shelved" snapshot. */
async function shelve(ctx: ActionContext): Promise<ApiReply> {
  checkGuard(GUARDS.shelve, 'shelve', ctx.row, ctx.admin);
  const opts = { guard: ['shelve'], name: 'shelve', task: TASK.SHELVING, flow: SHELVE_FLOW };
  if (!ctx.row.image_ref) return begin(ctx, opts);
  await withNewImage(ctx, `${ctx.row.display_name}-shelved`, {}, (fresh, id) => begin(fresh, { ...opts, payload: { image_id: id } }));
  return empty(202);
}

function unshelve(ctx: ActionContext): ApiReply {
  const { api, cell, row, req } = ctx;
  checkGuard(GUARDS.unshelve, 'unshelve', row, ctx.admin);
  const body = ctx.body as { unshelve: { availability_zone?: string } | null };
  const zone = req.microversion!.atLeast('2.77') ? body.unshelve?.availability_zone : undefined;
  if (zone !== undefined) {
    if (row.vm_state !== VM.SHELVED_OFFLOADED) {
      throw badRequest(`Specifying an availability zone or a host when unshelving server ${row.uuid} with status ${row.vm_state.toUpperCase()} is not supported. The server status must be SHELVED_OFFLOADED.`);
    }
    if (!api.topology.zones.includes(zone)) throw badRequest(`The requested availability zone is not available`);
  }
  const now = api.now();
  const offloaded = row.vm_state === VM.SHELVED_OFFLOADED;
  const write = () => inCell(() => cell.tx((db) => {
    if (!updateInstance(db, row.uuid, now, { task_state: TASK.UNSHELVING }, { task_state: null })) {
      throw new ApiError(409, `Cannot 'unshelve' instance ${row.uuid} while it is in task_state ${getInstance(db, row.uuid)?.task_state ?? 'None'}`);
    }
    recordAction(ctx, db, 'unshelve', now);
    if (!offloaded) startFlow(cell, UNSHELVE_FLOW, row.uuid, { start: now });
  }));
  if (!offloaded) write();
  else api.store.tx(() => { write(); api.queue.enqueue('unshelve-instance', row.uuid, { start: now, ...(zone ? { availability_zone: zone } : {}) }); });
  return empty(202);
}

// ---------------------------------------------------------------------------------------------
// Admin actions

function resetState(ctx: ActionContext): ApiReply {
  const state = (ctx.body as { 'os-resetState': { state: string } })['os-resetState'].state;
  inCell(() => ctx.cell.tx((db) => {
    updateInstance(db, ctx.row.uuid, ctx.api.now(), { vm_state: state, task_state: null });
  }));
  return empty(202);
}

function triggerCrashDump(ctx: ActionContext): ApiReply {
  checkGuard(GUARDS.trigger_crash_dump, 'trigger_crash_dump', ctx.row, ctx.admin);
  inCell(() => ctx.cell.tx((db) => {
    const now = ctx.api.now();
    const id = recordAction(ctx, db, 'trigger_crash_dump', now);
    recordEvent(db, id, { event: 'compute_trigger_crash_dump', start: now, finish: now, result: 'Success', host: ctx.row.host });
  }));
  return empty(202);
}

// ---------------------------------------------------------------------------------------------

const ACTIONS: Record<string, ActionDef> = {
  reboot: {
    rule: 'os_compute_api:servers:reboot',
    schema: () => REBOOT_SCHEMA,
    run: (ctx) => {
      const hard = (ctx.body as { reboot: { type: string } }).reboot.type.toUpperCase() === 'HARD';
      return begin(ctx, {
        guard: ['reboot', hard ? 'reboot:HARD' : 'reboot:SOFT'], name: 'reboot',
        task: hard ? TASK.REBOOTING_HARD : TASK.REBOOTING, flow: hard ? POWER_FLOWS.reboot_hard : POWER_FLOWS.reboot_soft,
      });
    },
  },
  'os-stop': simple('stop', 'os_compute_api:servers:stop', TASK.POWERING_OFF, POWER_FLOWS.stop),
  'os-start': simple('start', 'os_compute_api:servers:start', TASK.POWERING_ON, POWER_FLOWS.start),
  pause: simple('pause', 'os_compute_api:os-pause-server:pause', TASK.PAUSING, POWER_FLOWS.pause),
  unpause: simple('unpause', 'os_compute_api:os-pause-server:unpause', TASK.UNPAUSING, POWER_FLOWS.unpause),
  suspend: simple('suspend', 'os_compute_api:os-suspend-server:suspend', TASK.SUSPENDING, POWER_FLOWS.suspend),
  resume: simple('resume', 'os_compute_api:os-suspend-server:resume', TASK.RESUMING, POWER_FLOWS.resume),
  shelve: { rule: 'os_compute_api:os-shelve:shelve', run: shelve },
  shelveOffload: { ...simple('shelveOffload', 'os_compute_api:os-shelve:shelve_offload', TASK.SHELVING_OFFLOADING, OFFLOAD_FLOW), adminOnly: true },
  unshelve: {
    rule: 'os_compute_api:os-shelve:unshelve',
    schema: (req) => (req.microversion!.atLeast('2.77') ? UNSHELVE_SCHEMA_277 : undefined),
    run: unshelve,
  },
  lock: { rule: 'os_compute_api:os-lock-server:lock', schema: (req) => (req.microversion!.atLeast('2.73') ? LOCK_SCHEMA_273 : undefined), run: lock },
  unlock: { rule: 'os_compute_api:os-lock-server:unlock', run: unlock },
  resize: {
    rule: 'os_compute_api:servers:resize',
    schema: () => RESIZE_SCHEMA,
    run: (ctx) => move(ctx, 'resize', String((ctx.body as { resize: { flavorRef: string | number } }).resize.flavorRef), null),
  },
  migrate: {
    rule: 'os_compute_api:os-migrate-server:migrate',
    adminOnly: true,
    schema: (req) => (req.microversion!.atLeast('2.56') ? MIGRATE_SCHEMA_256 : undefined),
    run: (ctx) => {
      const host = ctx.req.microversion!.atLeast('2.56') ? (ctx.body as { migrate: { host?: string | null } | null }).migrate?.host ?? null : null;
      return move(ctx, 'migrate', undefined, host);
    },
  },
  confirmResize: { rule: 'os_compute_api:servers:confirm_resize', run: confirmResize },
  revertResize: { rule: 'os_compute_api:servers:revert_resize', run: revertResize },
  createImage: {
    rule: 'os_compute_api:servers:create_image',
    schema: () => CREATE_IMAGE_SCHEMA,
    check: (body) => checkName((body as { createImage: { name: string } }).createImage.name),
    run: createImage,
  },
  rebuild: {
    rule: 'os_compute_api:servers:rebuild',
    schema: rebuildSchema,
    check: (body) => checkRebuildFormats((body as { rebuild: Parameters<typeof checkRebuildFormats>[0] }).rebuild),
    run: (ctx) => rebuild(ctx.api, ctx.req, ctx.cell, ctx.row, ctx.admin, ctx.body),
  },
  'os-resetState': { rule: 'os_compute_api:os-admin-actions:reset_state', adminOnly: true, schema: () => RESET_STATE_SCHEMA, run: resetState },
  trigger_crash_dump: { rule: 'os_compute_api:servers:trigger_crash_dump', since: '2.17', schema: () => NULL_BODY('trigger_crash_dump'), run: triggerCrashDump },
};

/** Which action the body names: exactly one key (Nova's action dispatch). */
function actionOf(req: ApiRequest): { name: string; def: ActionDef; body: unknown } {
  const body = bodyOf(req);
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) throw badRequest('Malformed request body');
  const name = Object.keys(body)[0];
  const def = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!def || (def.since && !req.microversion!.atLeast(def.since))) throw badRequest(`There is no such action: ${name}`);
  return { name, def, body };
}

async function serverAction(api: ComputeApi, req: ApiRequest): Promise<ApiReply> {
  const { def, body } = actionOf(req);
  const schema = def.schema?.(req);
  if (schema) validateBody(schema, body);
  def.check?.(body);
  const auth = req.auth!;
  const admin = auth.roles.includes('admin');
  const found = findServer(api, req, req.params.server_id);
  const projectId = found.kind === 'build' ? found.build.project_id : found.row.project_id;
  const member = auth.roles.includes('member') && auth.projectId === projectId;
  if (!admin && (def.adminOnly || !member)) throw policyDenied(def.rule);
  // A server still being scheduled has no instance in a cell to act on yet.
  if (found.kind === 'build') throw notReady(req.params.server_id);
  return def.run({ api, req, auth, admin, cell: found.cell, row: found.row, body });
}

export function serverActionRoutes(api: ComputeApi): Route[] {
  return [{ method: 'POST', path: '/servers/:server_id/action', handler: (req) => serverAction(api, req) }];
}
