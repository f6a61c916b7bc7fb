/**
 * The conductors: the super conductor (on the API database's queue: schedule and build, moves,
 * unshelve) and each cell's conductor with its simulated compute hosts (on the cell's queue:
 * build steps, action flows, delete). See build.ts, flows.ts, resize.ts, shelve.ts, snapshot.ts,
 * delete.ts; states.ts is the state machine the API checks actions against.
 */
import type { ApiRequest } from '../../core/service';
import type { ComputeApi, ConductorApi } from '../context';
import { buildApiJobs, buildCellJobs } from './build';
import { deleteCellJobs, deleteServer } from './delete';
import { flowJobs, POWER_FLOWS, type Flow } from './flows';
import { registerJobs } from './jobs';
import { RESIZE_FLOWS, resizeApiJobs } from './resize';
import { SHELVE_FLOWS, shelveApiJobs } from './shelve';
import { SNAPSHOT_FLOW } from './snapshot';
import { volumeAttachJobs } from './volume-attach';
import { blockDeviceCellJobs } from './block-devices';

export class Conductor implements ConductorApi {
  private readonly api: ComputeApi;

  constructor(api: ComputeApi) {
    this.api = api;
    const flows: Flow[] = [...Object.values(POWER_FLOWS), ...RESIZE_FLOWS, ...SHELVE_FLOWS, SNAPSHOT_FLOW];
    registerJobs(api,
      [...buildApiJobs(api), ...resizeApiJobs(api), ...shelveApiJobs(api)],
      [...buildCellJobs(api), ...deleteCellJobs(api), ...volumeAttachJobs(api), ...blockDeviceCellJobs(api), ...flowJobs(api, flows)]);
  }

  scheduleAndBuild(instanceUuid: string): void {
    this.api.queue.enqueue('schedule-and-build', instanceUuid, {});
  }

  deleteServer(req: ApiRequest, instanceUuid: string): void {
    deleteServer(this.api, req, instanceUuid);
  }
}
