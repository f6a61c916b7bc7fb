/** The simulated cinder-backup service: its jobs on the volume service's queue. (Skeleton.) */
import type { BlockStorageApi } from './context';

export function registerBackupWork(_api: BlockStorageApi): void {}
