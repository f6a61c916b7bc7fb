/**
 * Finding a server for a caller, as Nova's common.get_instance does: through its instance
 * mapping to its cell (or its build request while unscheduled), 404 "Instance <id> could not be
 * found." for anything the caller may not see (another project's server, unless admin), and
 * CellDown when its cell is down (the API decides what to answer then).
 */
import type { AuthContext } from '../../core/auth-context';
import { instanceNotFound } from '../common';
import type { Cell } from '../cells';
import type { BuildRequestInstance, ComputeApi } from '../context';
import { getInstance, type InstanceRow } from './instances';

export type LocatedServer =
  | { kind: 'instance'; cell: Cell; row: InstanceRow }
  | { kind: 'build'; build: BuildRequestInstance };

export function buildRequest(api: ComputeApi, uuid: string): BuildRequestInstance | undefined {
  const row = api.store.db.prepare('SELECT instance FROM build_requests WHERE instance_uuid = ?').get(uuid) as { instance: string } | undefined;
  return row ? (JSON.parse(row.instance) as BuildRequestInstance) : undefined;
}

/** Whether the caller may see a server of that project (admins see every project's). */
export function canSee(auth: AuthContext, projectId: string): boolean {
  return auth.roles.includes('admin') || auth.projectId === projectId;
}

/**
 * The server `id` as the caller may see it; throws 404 otherwise. Throws CellDown (from
 * Cell.db) when the server's cell is down.
 */
export function locateServer(api: ComputeApi, auth: AuthContext, id: string, opts: { readDeleted?: boolean } = {}): LocatedServer {
  const cell = api.cells.ofInstance(id);
  if (cell === undefined) throw instanceNotFound(id);
  if (cell === null) {
    const build = buildRequest(api, id);
    if (!build || !canSee(auth, build.project_id)) throw instanceNotFound(id);
    return { kind: 'build', build };
  }
  const row = opts.readDeleted
    ? (cell.db.prepare('SELECT * FROM instances WHERE uuid = ? ORDER BY deleted LIMIT 1').get(id) as InstanceRow | undefined)
    : getInstance(cell.db, id);
  if (!row || !canSee(auth, row.project_id)) throw instanceNotFound(id);
  return { kind: 'instance', cell, row };
}
