export { discoverCapabilities, discoverTarget, summarise } from './discover';
export type { DiscoveredService, Discovery } from './discover';
export { unmetRequirement } from './requirements';
export type { Capabilities, ServiceCapability } from './requirements';
export { discoverCompute, controlPlaneUrl, parseDeclaredFilters, countUsableHosts, NOVA_DEFAULT_FILTERS } from './compute';
export type { ComputeCapability, SchedulerFilters } from './compute';
// block-storage-features
export { discoverBlockStorage, blockStorageNeed, parseDisabledVolumeFeatures, countBackupServices, VOLUME_FEATURES } from './block-storage';
export type { BlockStorageCapability, VolumeFeature } from './block-storage';
// object-storage-features
export { discoverObjectStore, objectStoreNeed, objectStoreAccountUrl, infoUrl } from './object-store';
export type { ObjectStoreCapability } from './object-store';
