export { discoverCapabilities, discoverTarget, summarise } from './discover';
export type { DiscoveredService, Discovery } from './discover';
export { unmetRequirement } from './requirements';
export type { Capabilities, ServiceCapability } from './requirements';
