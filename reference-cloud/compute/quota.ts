/** (being built) Compute quotas counted from usage. */
import type { ComputeApi, QuotaEngine, QuotaResource } from './context';

export class ComputeQuotas implements QuotaEngine {
  constructor(_api: ComputeApi) {}
  limit(_projectId: string, _resource: QuotaResource): number {
    return -1;
  }
  check(): void {}
  checkGroupMembers(): void {}
  checkMetadata(): void {}
}
