/** (being built) The scheduler: filters, weighers and the claim. */
import type { ComputeApi, RequestSpec, SchedulerApi, Selection } from '../context';
import { NoValidHost } from '../context';

export class Scheduler implements SchedulerApi {
  constructor(_api: ComputeApi) {}
  selectAndClaim(_spec: RequestSpec): Selection {
    throw new NoValidHost();
  }
  release(_consumerUuid: string): void {}
}
