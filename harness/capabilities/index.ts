export { discoverCapabilities, summarise } from './discover';
export { unmetRequirement } from './requirements';
export type { Capabilities, ServiceCapability } from './requirements';
