/**
 * Resize and cold migration (a resize to the same flavor on another host), confirm and revert,
 * as Nova does them: the API sets resize_prep and counts the quota; the super conductor
 * (`migrate-server`) creates the migration, gives the source host's allocation to it and asks
 * the scheduler for a host in the same cell for the new flavor; the cell then goes through
 * resize_migrating, resize_migrated, resize_finish to VERIFY_RESIZE (vm_state resized, the new
 * flavor, old_flavor kept). Confirm frees the source allocation; revert gives it back, with the
 * old flavor and host.
 */
import type { Db } from '../../core/store';
import type { Job } from '../../core/work-queue';
import { NoValidHost, type ComputeApi, type RequestSpec } from '../context';
import type { InstanceFlavor } from '../models/flavors';
import { flavorOf, getInstance, networkInfo, updateInstance, type InstanceRow } from '../models/instances';
import { CONTROLLER_HOST } from '../hosts';
import { readSpec, writeSpec } from './build';
import { startFlow, settledState, type Flow, type StepContext } from './flows';
import type { ApiJobKind } from './jobs';
import { DELAYS } from './jobs';
import { bindPorts } from './network';
import { hostsOutside, holdSourceForMigration, moveSpec, returnSourceToInstance, zoneOf } from './placement';
import { fail, finishEvent, setMappedUsage } from './records';
import { TASK, VM } from './states';

export interface MigrationRow {
  id: number;
  uuid: string;
  instance_uuid: string;
  source_compute: string | null;
  dest_compute: string | null;
  source_node: string | null;
  dest_node: string | null;
  old_flavor_id: string | null;
  new_flavor_id: string | null;
  migration_type: string;
  status: string;
  created_at: string;
  updated_at: string | null;
}

export function migrationByUuid(db: Db, uuid: string): MigrationRow | undefined {
  return db.prepare('SELECT * FROM migrations WHERE uuid = ?').get(uuid) as MigrationRow | undefined;
}

/** The instance's resize or migration in a given status (confirm and revert look for 'finished'). */
export function latestMigration(db: Db, instanceUuid: string, status: string): MigrationRow | undefined {
  return db.prepare('SELECT * FROM migrations WHERE instance_uuid = ? AND status = ? ORDER BY id DESC LIMIT 1').get(instanceUuid, status) as MigrationRow | undefined;
}

export function setMigrationStatus(db: Db, uuid: string, status: string, now: string, extra: Partial<MigrationRow> = {}): void {
  const cols = Object.keys(extra);
  db.prepare(`UPDATE migrations SET status = @status, updated_at = @now${cols.map((c) => `, ${c} = @${c}`).join('')} WHERE uuid = @uuid`)
    .run({ ...extra, status, now, uuid });
}

/** The spec a server was built with, or one made from the instance (a server whose spec is gone). */
function specOf(api: ComputeApi, row: InstanceRow): RequestSpec {
  return readSpec(api, row.uuid) ?? {
    instance_uuid: row.uuid, project_id: row.project_id, user_id: row.user_id, request_id: '', flavor: flavorOf(row), image: null,
    availability_zone: null, force_host: null, scheduler_hints: {}, group_uuid: null, networks: 'none',
    security_groups: JSON.parse(row.security_groups) as string[], block_device_mapping: [],
  };
}

export interface MovePayload extends Record<string, unknown> {
  start: string;
  migration: string;
  action: 'resize' | 'migrate';
  new_flavor: InstanceFlavor;
  old_flavor: InstanceFlavor;
  dest_host?: string;
  dest_node?: string;
  dest_zone?: string;
  /** The host a migration was asked to go to (2.56). */
  host?: string;
}

/** The super conductor's part of a move: the migration, the source share, the scheduler. */
function migrateServer(api: ComputeApi, job: Job): void {
  const p = job.payload as MovePayload;
  const uuid = job.key;
  const cell = api.cells.ofInstance(uuid);
  if (!cell) return;
  const row = getInstance(cell.db, uuid);
  if (!row || row.task_state !== TASK.RESIZE_PREP) return;
  const now = api.now();
  cell.tx((db) => {
    db.prepare(
      `INSERT OR IGNORE INTO migrations (uuid, instance_uuid, source_compute, source_node, old_flavor_id, new_flavor_id, migration_type, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pre-migrating', ?, ?)`,
    ).run(p.migration, uuid, row.host, row.node, p.old_flavor.flavorid, p.new_flavor.flavorid, p.action === 'resize' ? 'resize' : 'migration', now, now);
  });
  holdSourceForMigration(api, uuid, p.migration);
  let ignore = hostsOutside(api, cell, row.host, false);
  if (typeof p.host === 'string') {
    // A target host (migrate at 2.56): every other host is left out; the filters still apply.
    const all = (api.store.db.prepare('SELECT host FROM host_mappings').all() as { host: string }[]).map((r) => r.host);
    ignore = [...new Set([...ignore, ...all.filter((h) => h !== p.host)])];
  }
  const spec = moveSpec(specOf(api, row), p.new_flavor, ignore);
  let selection;
  try {
    selection = api.scheduler.selectAndClaim(spec);
  } catch (err) {
    if (!(err instanceof NoValidHost)) throw err;
    returnSourceToInstance(api, uuid, p.migration);
    cell.tx((db) => {
      setMigrationStatus(db, p.migration, 'error', now);
      if (!updateInstance(db, uuid, now, { task_state: null }, { task_state: TASK.RESIZE_PREP })) return;
      const details = fail(db, uuid, { message: err.message, where: 'conductor/manager.py:migrate_server', exception: 'nova.exception.NoValidHost', now });
      finishEvent(db, uuid, p.action, { event: 'conductor_migrate_server', start: p.start, finish: now, result: 'Error', traceback: details, host: CONTROLLER_HOST, details: err.message });
    });
    return;
  }
  if (selection.cell.id !== cell.id) {
    api.scheduler.release(uuid);
    returnSourceToInstance(api, uuid, p.migration);
    throw new Error(`the scheduler chose ${selection.host} outside cell ${cell.name}`);
  }
  const moved = cell.tx((db) => {
    if (!updateInstance(db, uuid, now, { task_state: TASK.RESIZE_MIGRATING }, { task_state: TASK.RESIZE_PREP })) return false;
    setMigrationStatus(db, p.migration, 'migrating', now, { dest_compute: selection.host, dest_node: selection.node });
    finishEvent(db, uuid, p.action, { event: 'conductor_migrate_server', start: p.start, finish: now, result: 'Success', host: CONTROLLER_HOST });
    finishEvent(db, uuid, p.action, { event: 'cold_migrate', start: p.start, finish: now, result: 'Success', host: CONTROLLER_HOST });
    startFlow(cell, resizeFlow(p.action), uuid, { ...p, dest_host: selection.host, dest_node: selection.node, dest_zone: selection.zone });
    return true;
  });
  if (!moved) returnSourceToInstance(api, uuid, p.migration);
}

/** A move that failed on the host: back to the source, the migration in error. */
async function moveFailed(ctx: StepContext, err: Error, action: string): Promise<void> {
  const { api, cell, row, payload } = ctx;
  const p = payload as MovePayload;
  returnSourceToInstance(api, row.uuid, p.migration);
  try {
    await bindPorts(api, networkInfo(cell.db, row.uuid), row.host ?? '');
  } catch { /* the ports stay where they were bound */ }
  cell.tx((db) => {
    const now = api.now();
    setMigrationStatus(db, p.migration, 'error', now);
    if (!updateInstance(db, row.uuid, now, { task_state: null, vm_state: VM.ERROR }, { task_state: row.task_state })) return;
    const details = fail(db, row.uuid, { message: err.message, where: 'compute/manager.py:resize_instance', exception: 'nova.exception.ResizeError', host: row.host, now });
    finishEvent(db, row.uuid, action, { event: 'compute_resize_instance', start: p.start, finish: now, result: 'Error', host: row.host, traceback: details, details: err.message });
  });
}

const flows = new Map<string, Flow>();

/** The host's part of a resize (or migration, same steps under the 'migrate' action). */
export function resizeFlow(action: 'resize' | 'migrate'): Flow {
  const known = flows.get(action);
  if (known) return known;
  const migration = (status: string, extra: Partial<MigrationRow> = {}) => (db: Db, ctx: StepContext) =>
    setMigrationStatus(db, String(ctx.payload.migration), status, ctx.api.now(), extra);
  const flow: Flow = {
    name: action, action, delay: DELAYS.resize,
    steps: [
      { expect: TASK.RESIZE_MIGRATING, set: () => ({ task_state: TASK.RESIZE_MIGRATED }), apply: migration('post-migrating'), event: 'compute_prep_resize' },
      {
        expect: TASK.RESIZE_MIGRATED,
        work: async ({ api, cell, row, payload }) => bindPorts(api, networkInfo(cell.db, row.uuid), String(payload.dest_host)),
        set: () => ({ task_state: TASK.RESIZE_FINISH }),
        event: 'compute_resize_instance',
      },
      {
        expect: TASK.RESIZE_FINISH,
        set: ({ row, payload }) => {
          const p = payload as MovePayload;
          return {
            vm_state: VM.RESIZED, task_state: null, host: p.dest_host!, node: p.dest_node!, availability_zone: p.dest_zone!,
            flavor: JSON.stringify(p.new_flavor), old_flavor: row.flavor, new_flavor: JSON.stringify(p.new_flavor),
          };
        },
        apply: migration('finished'),
        event: 'compute_finish_resize',
        after: ({ api, row, payload }) => {
          const spec = readSpec(api, row.uuid);
          if (spec) writeSpec(api, { ...spec, flavor: (payload as MovePayload).new_flavor });
        },
      },
    ],
    failed: (ctx, err) => moveFailed(ctx, err, action),
  };
  flows.set(action, flow);
  return flow;
}

/** Confirm: the source share is freed, the instance is settled on its new flavor. */
export const CONFIRM_FLOW: Flow = {
  name: 'confirm_resize', action: 'confirmResize', delay: DELAYS.action,
  steps: [{
    expect: null, vm: VM.RESIZED,
    set: ({ row }) => ({ vm_state: settledState(row), old_flavor: null, new_flavor: null }),
    apply: (db, { api, payload }) => setMigrationStatus(db, String(payload.migration), 'confirmed', api.now()),
    event: 'compute_confirm_resize',
    after: ({ api, row, payload }) => {
      const f = flavorOf(row.new_flavor ? { flavor: row.new_flavor } : row);
      api.store.tx(() => {
        api.scheduler.release(String(payload.migration));
        setMappedUsage(api, row.uuid, f.vcpus, f.memory_mb);
      });
    },
  }],
};

/** Revert: the destination lets go (compute_revert_resize), then the source takes the server back with its old flavor and share. */
export const REVERT_FLOW: Flow = {
  name: 'revert_resize', action: 'revertResize', delay: DELAYS.resize,
  steps: [{
    expect: TASK.RESIZE_REVERTING,
    set: () => ({}),
    event: 'compute_revert_resize',
  }, {
    expect: TASK.RESIZE_REVERTING,
    work: async ({ api, cell, row, payload }) => {
      const m = migrationByUuid(cell.db, String(payload.migration));
      await bindPorts(api, networkInfo(cell.db, row.uuid), m?.source_compute ?? row.host ?? '');
    },
    set: ({ api, cell, row, payload }) => {
      const m = migrationByUuid(cell.db, String(payload.migration))!;
      return {
        vm_state: settledState(row), task_state: null, flavor: row.old_flavor ?? row.flavor, old_flavor: null, new_flavor: null,
        host: m.source_compute, node: m.source_node, availability_zone: m.source_compute ? zoneOf(api, m.source_compute) : row.availability_zone,
      };
    },
    apply: (db, { api, payload }) => setMigrationStatus(db, String(payload.migration), 'reverted', api.now()),
    event: 'compute_finish_revert_resize',
    after: ({ api, row, payload }) => {
      const old = flavorOf(row.old_flavor ? { flavor: row.old_flavor } : row);
      returnSourceToInstance(api, row.uuid, String(payload.migration));
      api.store.tx(() => setMappedUsage(api, row.uuid, old.vcpus, old.memory_mb));
      const spec = readSpec(api, row.uuid);
      if (spec) writeSpec(api, { ...spec, flavor: old });
    },
  }],
};

export const resizeApiJobs = (api: ComputeApi): ApiJobKind[] => [
  { kind: 'migrate-server', delay: DELAYS.schedule, run: (job) => migrateServer(api, job) },
];

export const RESIZE_FLOWS: Flow[] = [resizeFlow('resize'), resizeFlow('migrate'), CONFIRM_FLOW, REVERT_FLOW];

