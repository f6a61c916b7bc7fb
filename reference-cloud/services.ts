/** Every service the reference cloud can run, in start order. */
import type { ServiceDefinition } from './core/service';
import { blockStorageService } from './block-storage';
import { computeService } from './compute';
import { identityService } from './identity';
import { imageService } from './image';
import { networkService } from './network';
import { objectStorageService } from './object-storage';

export const ALL_SERVICES: ServiceDefinition[] = [
  identityService, imageService, networkService, objectStorageService, blockStorageService, computeService,
];
