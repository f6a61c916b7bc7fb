export { discoverCapabilities, discoverTarget, summarise } from './discover';
export type { DiscoveredService, Discovery } from './discover';
export { unmetRequirement } from './requirements';
export type { Capabilities, ServiceCapability } from './requirements';
export { discoverCompute, controlPlaneUrl, parseDeclaredFilters, countUsableHosts, NOVA_DEFAULT_FILTERS } from './compute';
export type { ComputeCapability, SchedulerFilters } from './compute';
