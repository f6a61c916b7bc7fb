/**
 * What the servers API and its sub-resources share: Nova's Zed default roles (a project reader
 * may read, a member or admin may change its project's servers), finding a server for a caller
 * with the answer Nova gives when its cell is down, and loading what its views show.
 */
import { ApiError } from '../../core/errors';
import type { ApiRequest } from '../../core/service';
import { policyDenied } from '../common';
import { CellDown, type Cell } from '../cells';
import type { ComputeApi } from '../context';
import { locateServer, type LocatedServer } from '../models/lookup';
import type { InstanceRow } from '../models/instances';
import { recordOfBuild, recordOfInstance, type ServerRecord } from '../views/servers';

export const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');

/** Writes need the member (or admin) role in the project: a reader-only token gets Nova's 403. */
export function requireWriter(req: ApiRequest, rule: string): void {
  const roles = req.auth?.roles ?? [];
  if (!roles.includes('admin') && !roles.includes('member')) throw policyDenied(rule);
}

/** Reads need at least the reader role. */
export function requireReader(req: ApiRequest, rule: string): void {
  const roles = req.auth?.roles ?? [];
  if (!roles.includes('admin') && !roles.includes('member') && !roles.includes('reader')) throw policyDenied(rule);
}

/**
 * Nova's answer when an instance's cell does not respond and no partial answer is possible:
 * compute API raises a bare NovaException ("Cell <uuid> is not responding or returned an
 * exception, hence instance info is not available."), which the API's expected_errors
 * decorator turns into its generic 500.
 */
export const cellNotResponding = (): ApiError => new ApiError(500,
  "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception.NovaException'>");

/** The server as the caller may see it; a down cell answers Nova's 500. */
export function findServer(api: ComputeApi, req: ApiRequest, id: string, opts: { readDeleted?: boolean } = {}): LocatedServer {
  try {
    return locateServer(api, req.auth!, id, opts);
  } catch (e) {
    if (e instanceof CellDown) throw cellNotResponding();
    throw e;
  }
}

/** The server as an instance in a cell; a build request is "not ready" (409) as in Nova. */
export function findInstance(api: ComputeApi, req: ApiRequest, id: string): { cell: Cell; row: InstanceRow } {
  const found = findServer(api, req, id);
  if (found.kind === 'build') throw new ApiError(409, `Instance ${id} is not ready`);
  return found;
}

/** Everything the show view needs, read now. */
export function recordOf(api: ComputeApi, found: LocatedServer): ServerRecord {
  try {
    return found.kind === 'build' ? recordOfBuild(api, found.build) : recordOfInstance(api, found.cell, found.row);
  } catch (e) {
    if (e instanceof CellDown) throw cellNotResponding();
    throw e;
  }
}

/** Runs a read or write of a cell, turning an outage into Nova's 500. */
export function inCell<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CellDown) throw cellNotResponding();
    throw e;
  }
}
