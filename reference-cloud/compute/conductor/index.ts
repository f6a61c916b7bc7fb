/** (being built) The conductors: schedule and build, actions, delete. */
import type { ApiRequest } from '../../core/service';
import type { ComputeApi, ConductorApi } from '../context';

export class Conductor implements ConductorApi {
  constructor(_api: ComputeApi) {}
  scheduleAndBuild(_instanceUuid: string): void {}
  deleteServer(_req: ApiRequest, _instanceUuid: string): void {}
}
