/**
 * What the conductors write besides instance columns: action events, faults, the instance
 * mapping and usage in the API database, and the tracebacks Nova stores for admins.
 */
import type { Db } from '../../core/store';
import type { ComputeApi } from '../context';
import { latestAction, recordEvent, recordFault } from '../models/instances';

/** Records an event of the latest action of that name (the conductor finishing what the API started). */
export function finishEvent(db: Db, uuid: string, action: string, e: {
  event: string; start: string; finish: string; result: 'Success' | 'Error'; host?: string | null; traceback?: string | null; details?: string | null;
}): void {
  const id = latestAction(db, uuid, action);
  if (id !== undefined) recordEvent(db, id, e);
}

/** A fault and its traceback, as Nova records one when a step fails. */
export function fail(db: Db, uuid: string, f: { code?: number; message: string; where: string; exception: string; host?: string | null; now: string }): string {
  const details = traceback(f.where, f.exception, f.message);
  recordFault(db, { instance_uuid: uuid, code: f.code ?? 500, message: f.message, details, host: f.host ?? null, now: f.now });
  return details;
}

/** A Python-style traceback for fault details and event tracebacks (admins see it). */
export function traceback(where: string, exception: string, message: string): string {
  const [file, fn] = where.split(':');
  return `Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/nova/${file}", in ${fn ?? 'run'}\n${exception}: ${message}\n`;
}

/** The quota usage an instance mapping counts (cores and ram of its flavor; the larger one during a resize). */
export function setMappedUsage(api: ComputeApi, uuid: string, vcpus: number, memoryMb: number): void {
  api.store.db.prepare('UPDATE instance_mappings SET vcpus = ?, memory_mb = ? WHERE instance_uuid = ?').run(vcpus, memoryMb, uuid);
}

/** Marks a server's mapping queued for delete: its quota is free from now on. */
export function queueMappingForDelete(api: ComputeApi, uuid: string): void {
  api.store.db.prepare('UPDATE instance_mappings SET queued_for_delete = 1 WHERE instance_uuid = ?').run(uuid);
}

/** Drops a server from its server groups. */
export function leaveGroups(api: ComputeApi, uuid: string): void {
  api.store.db.prepare('DELETE FROM instance_group_members WHERE instance_uuid = ?').run(uuid);
}

/** Nova's instance system metadata (instance_system_metadata): what Nova keeps for itself about an instance. */
export function systemMetadata(db: Db, uuid: string, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM instance_system_metadata WHERE instance_uuid = ? AND key = ?').get(uuid, key) as { value: string } | undefined;
  return row?.value;
}

export function setSystemMetadata(db: Db, uuid: string, values: Record<string, string | null>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === null) db.prepare('DELETE FROM instance_system_metadata WHERE instance_uuid = ? AND key = ?').run(uuid, k);
    else db.prepare('INSERT INTO instance_system_metadata (instance_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (instance_uuid, key) DO UPDATE SET value = excluded.value').run(uuid, k, v);
  }
}
