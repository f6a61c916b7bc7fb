/**
 * What the conductor does to Placement's allocations beyond the scheduler's claim and release:
 * during a move, the source host's share belongs to the migration (Nova's migration-based
 * allocations) while the instance holds the destination's; confirm frees the first, revert gives
 * it back to the instance. Also which hosts a move may not pick (another cell, the same host).
 */
import type { Cell } from '../cells';
import type { ComputeApi, RequestSpec } from '../context';
import type { InstanceFlavor } from '../models/flavors';
import { hostZone } from '../models/zones';

const held = (api: ComputeApi, consumer: string): boolean =>
  !!api.store.db.prepare('SELECT 1 FROM allocations WHERE consumer_uuid = ?').get(consumer);

/** Gives what `from` holds to `to` (the instance's source share to its migration, or back). */
export function moveAllocations(api: ComputeApi, from: string, to: string): void {
  api.store.db.prepare('UPDATE allocations SET consumer_uuid = ? WHERE consumer_uuid = ?').run(to, from);
}

/**
 * Before scheduling a move: the source share goes to the migration (once; a run again after a
 * restart finds it there and drops only a destination claim the instance may already hold).
 */
export function holdSourceForMigration(api: ComputeApi, instanceUuid: string, migrationUuid: string): void {
  api.store.tx(() => {
    if (held(api, migrationUuid)) api.scheduler.release(instanceUuid);
    else moveAllocations(api, instanceUuid, migrationUuid);
  });
}

/** A move that failed or was reverted: the instance's destination share is freed and the source share is its own again. */
export function returnSourceToInstance(api: ComputeApi, instanceUuid: string, migrationUuid: string): void {
  api.store.tx(() => {
    if (!held(api, migrationUuid)) return;
    api.scheduler.release(instanceUuid);
    moveAllocations(api, migrationUuid, instanceUuid);
  });
}

/** Hosts a move within `cell` may not go to: those of other cells, and `host` itself unless allowed. */
export function hostsOutside(api: ComputeApi, cell: Cell, host: string | null, allowSameHost: boolean): string[] {
  const others = (api.store.db.prepare('SELECT host FROM host_mappings WHERE cell_id != ?').all(cell.id) as { host: string }[]).map((r) => r.host);
  return [...others, ...(host && !allowSameHost ? [host] : [])];
}

/** The request spec of a move: the server's own with the new flavor and the hosts to avoid. */
export function moveSpec(spec: RequestSpec, flavor: InstanceFlavor, ignore: string[]): RequestSpec {
  // A move keeps the zone the server is in, unless it was free to go anywhere.
  return { ...spec, flavor, force_host: null, ignore_hosts: ignore };
}

export const zoneOf = (api: ComputeApi, host: string): string => hostZone(api.store.db, host, api.topology.defaultZone);
